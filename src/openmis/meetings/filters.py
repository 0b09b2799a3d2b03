"""The action item list's filters: the generated ones and ``overdue`` (open or not, due
before today in the organization's time zone), which the cockpit's tiles link to."""

from __future__ import annotations

import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openmis.core.filters import ObjectFilterSet
from openmis.meetings.models import ActionItem

ACTION_FILTERS = [
    "status",
    "owner",
    "contact",
    "owner__department",
    "contact__client",
    "occurrence__series",
    "due_date",
]
ACTION_SEARCH = ["title", "owner__last_name", "owner__first_name", "contact__name"]


class ActionItemFilterSet(ObjectFilterSet):
    overdue = django_filters.BooleanFilter(label=_("overdue"), method="by_overdue")
    search_fields = ACTION_SEARCH

    class Meta:
        model = ActionItem
        fields = ACTION_FILTERS

    def by_overdue(self, queryset, name, value):
        """``overdue=true``: due before today (with ``status=open``: overdue indeed);
        ``overdue=false``: due today or later."""
        if value is None:
            return queryset
        today = timezone.localdate()
        return (
            queryset.filter(due_date__lt=today) if value else queryset.filter(due_date__gte=today)
        )
