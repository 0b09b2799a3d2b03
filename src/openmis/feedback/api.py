"""API representation of feedback, improvements and their status changes: priority and the
statuses are read-only (each changes through its own service: feedback through
``POST /api/feedback/feedback/{id}/triage/``), and the feedback grouped must be about the
improvement's system."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from django.utils.text import format_lazy
from django.utils.translation import gettext as gettext_now
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import exceptions, permissions, renderers, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from openmis.core import permissions as perms
from openmis.core import registry
from openmis.core.api import ObjectSerializer
from openmis.feedback import confidentiality, services, workflow
from openmis.feedback.forms import FEEDBACK_FIELDS, IMPROVEMENT_FIELDS, same_system_error
from openmis.feedback.models import Feedback, FeedbackStatusChange, Improvement, StatusChange
from openmis.meetings.models import ClientContact

STATUSES = ", ".join(Improvement.Status.values)
FEEDBACK_STATUSES = ", ".join(workflow.STATUSES)


def _feedback_status_field(help_text):
    return serializers.CharField(
        read_only=True,
        help_text=format_lazy(
            "{} {}", help_text, format_lazy(_("One of: {values}."), values=FEEDBACK_STATUSES)
        ),
    )


class FeedbackSerializer(ObjectSerializer):
    """Feedback on a system. Only the MIS office sets `confidential`; for everyone else it is
    read-only (a client's new item is confidential, an edit keeps what the item was)."""

    status = _feedback_status_field(_("Changed by triage (POST …/triage/), which records it."))
    contact = serializers.PrimaryKeyRelatedField(
        queryset=ClientContact.objects.all(),
        required=False,
        allow_null=True,
        help_text=_(
            "The id of the client's contact who gave it (told by e-mail when it is answered). "
            "Must work for `client` (left empty, `client` becomes the contact's); a contact "
            "the caller may not see is refused like one that does not exist."
        ),
    )

    def apply_to(self, instance):
        instance = super().apply_to(instance)
        instance.confidential_chosen = "confidential" in self.validated_data
        return instance

    class Meta:
        model = Feedback
        fields = [
            "id",
            "display",
            *FEEDBACK_FIELDS,
            "status",
            "status_reason",
            "duplicate_of",
            "version",
            "created",
            "updated",
        ]
        read_only_fields = [
            "status",
            "status_reason",
            "duplicate_of",
            "version",
            "created",
            "updated",
        ]

    def get_fields(self):
        """Only the MIS office sets ``confidential``; client contacts are offered to those who
        may see them (not to employees, who give feedback but do not see the clients'
        people); the contact the item holds stays."""
        fields = super().get_fields()
        request = self.context.get("request")
        user = getattr(request, "user", None)
        # (the schema is generated for an anonymous reader: it shows the field writable)
        if (
            "confidential" in fields
            and getattr(user, "is_authenticated", False)
            and not confidentiality.sees_all(user)
        ):
            fields["confidential"].read_only = True
        if user is not None and not perms.has_perm(user, "meetings.view_clientcontact"):
            held = getattr(self.instance, "contact_id", None)
            queryset = (
                ClientContact.objects.filter(pk=held) if held else ClientContact.objects.none()
            )
            fields["contact"].queryset = queryset
        return fields


class FeedbackStatusChangeSerializer(ObjectSerializer):
    """Triage moves are recorded by the service only: every field is read-only."""

    from_status = _feedback_status_field(_("Status before the change."))
    to_status = _feedback_status_field(_("Status after the change."))

    class Meta:
        model = FeedbackStatusChange
        fields = [
            "id",
            "display",
            "feedback",
            "from_status",
            "to_status",
            "reason",
            "duplicate_of",
            "improvement",
            "changed_by",
            "version",
            "created",
            "updated",
        ]
        read_only_fields = fields


class TriageSerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=list(workflow.STATUSES),
        help_text=_("The status to move the feedback to; the workflow says which are allowed."),
    )
    reason = serializers.CharField(
        max_length=300,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("Why; required when declining."),
    )
    duplicate_of = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        help_text=_("The id of the feedback item this one repeats; required for duplicate."),
    )
    version = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        help_text=_("The version the change starts from; a stale one is refused with 409."),
    )


class TriageView(APIView):
    """Move a feedback item along the triage workflow."""

    permission_classes = [permissions.IsAuthenticated]
    renderer_classes = [renderers.JSONRenderer]

    @extend_schema(
        request=TriageSerializer,
        responses={
            200: FeedbackSerializer,
            400: OpenApiResponse(
                inline_serializer(
                    "TriageRefused",
                    {
                        name: serializers.ListField(child=serializers.CharField(), required=False)
                        for name in ("status", "allowed", "reason", "duplicate_of", "version")
                    },
                ),
                description=(
                    "Field errors; a move the workflow does not allow names, in `allowed`, "
                    "the statuses the item may move to from its current one."
                ),
            ),
        },
        description=(
            "Triage a feedback item: move it to `status` (new → acknowledged → planned / "
            "declined / duplicate → answered). Declining needs a `reason`; `duplicate` needs "
            "`duplicate_of`, another item the caller may see and not merged into this one. "
            "Needs the permission to triage feedback (the MIS office)."
        ),
    )
    def post(self, request, pk):
        object_type = registry.get(Feedback)
        feedback = get_object_or_404(object_type.for_user(request.user), pk=pk)
        if not services.can_triage(request.user):
            raise exceptions.PermissionDenied(gettext_now("Your role does not allow this."))
        form = TriageSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        original = None
        if data["duplicate_of"] is not None:
            original = object_type.for_user(request.user).filter(pk=data["duplicate_of"]).first()
            if original is None:
                raise exceptions.ValidationError(
                    {"duplicate_of": [gettext_now("No such feedback item.")]}
                )
        try:
            services.triage(
                feedback, data["status"], request.user, data["reason"], original, data["version"]
            )
        except DjangoValidationError as exc:
            errors = exc.message_dict
            if "status" in errors:
                errors["allowed"] = list(workflow.allowed(feedback.status))
            raise exceptions.ValidationError(errors) from None
        return Response(FeedbackSerializer(feedback, context={"request": request}).data)


def _status_field(help_text):
    # A plain string: one choice set under three field names (status, from_status, to_status)
    # would make drf-spectacular name its enum ambiguously.
    return serializers.CharField(
        read_only=True,
        help_text=format_lazy(
            "{} {}", help_text, format_lazy(_("One of: {values}."), values=STATUSES)
        ),
    )


class ImprovementSerializer(ObjectSerializer):
    status = _status_field(_("Changed through the improvement page, which records the change."))

    class Meta:
        model = Improvement
        fields = [
            "id",
            "display",
            *IMPROVEMENT_FIELDS,
            "priority",
            "status",
            "decline_reason",
            "version",
            "created",
            "updated",
        ]
        read_only_fields = ["priority", "status", "decline_reason", "version", "created", "updated"]

    def validate(self, attrs):
        attrs = super().validate(attrs)
        system = attrs.get("system") or getattr(self.instance, "system", None)
        if "feedback" in attrs:
            feedback = attrs["feedback"]
        elif self.instance is not None and "system" in attrs:
            feedback = list(self.instance.feedback.all())
        else:
            feedback = []
        error = same_system_error(system, feedback)
        if error:
            raise serializers.ValidationError({"feedback": [error]})
        return attrs

    def apply_to(self, instance):
        # Many-to-many values can only be set once the row exists: see after_save. The items
        # it groups that the reader may not see (never shown to them) stay grouped.
        self._feedback = self.validated_data.get("feedback")
        self._hidden_feedback = self.hidden_held(instance, "feedback")
        for key, value in self.validated_data.items():
            if key != "feedback":
                setattr(instance, key, value)
        return instance

    def after_save(self, instance):
        if getattr(self, "_feedback", None) is not None:
            instance.feedback.set([*self._feedback, *self._hidden_feedback])


class StatusChangeSerializer(ObjectSerializer):
    """Status changes are recorded by the service only: every field is read-only."""

    from_status = _status_field(_("Status before the change."))
    to_status = _status_field(_("Status after the change."))

    class Meta:
        model = StatusChange
        fields = [
            "id",
            "display",
            "improvement",
            "from_status",
            "to_status",
            "reason",
            "changed_by",
            "notified",
            "version",
            "created",
            "updated",
        ]
        read_only_fields = fields
