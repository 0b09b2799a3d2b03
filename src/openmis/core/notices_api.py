"""``/api/core/notices/``: the notices sent to the caller (read-only)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy
from rest_framework import permissions, serializers, viewsets

from openmis.core.models import Notice
from openmis.core.notices import NoticeFilterSet, visible_notices
from openmis.core.notifications import kind_label


class NoticeSerializer(serializers.ModelSerializer):
    """A notice sent to the caller: what it said and how its delivery went."""

    kind_label = serializers.SerializerMethodField(
        help_text=gettext_lazy("The kind's name in the caller's language.")
    )
    about = serializers.SerializerMethodField(
        help_text=gettext_lazy("What it is about, as `app_label.model`; null if nothing.")
    )

    class Meta:
        model = Notice
        fields = [
            "id",
            "kind",
            "kind_label",
            "subject",
            "body",
            "language",
            "time_zone",
            "created",
            "status",
            "attempts",
            "sent_at",
            "about",
            "object_id",
        ]
        read_only_fields = fields

    def get_kind_label(self, notice) -> str:
        return kind_label(notice.kind)

    def get_about(self, notice) -> str | None:
        if notice.content_type_id is None:
            return None
        content_type = notice.content_type
        return f"{content_type.app_label}.{content_type.model}"


class NoticeViewSet(viewsets.ReadOnlyModelViewSet):
    """The notices sent to the caller, newest first (another's is a 404)."""

    serializer_class = NoticeSerializer
    permission_classes = [permissions.IsAuthenticated]
    filterset_class = NoticeFilterSet
    ordering_fields = ["created"]
    queryset = Notice.objects.none()  # the schema's model; requests read the caller's own

    def get_queryset(self):
        return visible_notices(self.request.user).select_related("content_type")
