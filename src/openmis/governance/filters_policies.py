"""The policy exceptions' list filters: the generated ones, and ``active_on`` (a date: the
exceptions that still apply that day; an expired one reopens the gap)."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from openmis.core.filters import ObjectFilterSet
from openmis.governance.models import PolicyException

EXCEPTION_FILTERS = ["policy", "person", "department", "system", "approver"]
EXCEPTION_SEARCH = ["policy__title", "reason", "compensating_measure"]


class PolicyExceptionFilterSet(ObjectFilterSet):
    search_fields = EXCEPTION_SEARCH
    active_on = django_filters.DateFilter(method="filter_active_on", label=_("applies on"))

    def filter_active_on(self, queryset, name, value):
        return queryset.active_on(value) if value else queryset

    class Meta:
        model = PolicyException
        fields = EXCEPTION_FILTERS
