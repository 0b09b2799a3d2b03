"""Reading notices: who sees which, and the filters of the notices page and API.

Everyone sees the notices sent to them; with ``core.view_notice`` (the MIS office) one also
sees everyone's, and may filter them by recipient.
"""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from openmis.core.forms import style_widgets
from openmis.core.models import Notice
from openmis.core.notifications import all_kinds

VIEW_ALL = "core.view_notice"


def may_see_all(user) -> bool:
    """Whether ``user`` may read the notices sent to others."""
    return user.is_authenticated and user.has_perm(VIEW_ALL)


def visible_notices(user, everyone: bool = False) -> QuerySet[Notice]:
    """The notices sent to ``user``, newest first; everyone's with ``everyone`` if allowed."""
    notices = Notice.objects.order_by("-created", "-pk")
    if everyone and may_see_all(user):
        return notices
    return notices.filter(recipient_id=user.pk)


def _kind_choices():
    return [(kind.code, kind.label) for kind in all_kinds()]


class NoticeFilterSet(django_filters.FilterSet):
    """Filters of one's own notices (page and API): kind and status."""

    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=_kind_choices)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Notice.Status.choices)

    class Meta:
        model = Notice
        fields = ["kind", "status"]

    @property
    def form(self):
        if not hasattr(self, "_form"):
            style_widgets(super().form)
        return self._form


class AllNoticesFilterSet(NoticeFilterSet):
    """Filters of everyone's notices: also the recipient, by part of the address."""

    recipient = django_filters.CharFilter(label=_("Recipient"), method="by_recipient")

    class Meta(NoticeFilterSet.Meta):
        fields = ["kind", "status", "recipient"]

    def by_recipient(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(email__icontains=value) if value else queryset
