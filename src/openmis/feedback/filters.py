"""The feedback list's filters: the generated ones, with meetings fetched with their series
(a meeting's name shows its series), ``since`` (a date), ``rated`` and ``grouped`` (whether
an improvement groups it yet), ``status`` (several values) and ``older_than`` (given more
than so many working days ago, public holidays skipped: the triage queue's age and the
service level); the improvement
list's, where ``status`` takes several values (``?status=new&status=under_review``: waiting
for a decision). The cockpit's tiles link to these."""

from __future__ import annotations

import django_filters
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openmis.core import workdays
from openmis.core.filters import ObjectFilterSet
from openmis.feedback.models import Feedback, Improvement

FILTERS = [
    "status",
    "system",
    "department",
    "client",
    "kind",
    "rating",
    "author",
    "occurrence",
]
SEARCH = ["text", "system__name"]


def _occurrences(request=None):
    from openmis.meetings.models import Occurrence

    return Occurrence.objects.select_related("series")


class FeedbackFilterSet(ObjectFilterSet):
    status = django_filters.MultipleChoiceFilter(choices=Feedback.Status.choices, label=_("status"))
    older_than = django_filters.NumberFilter(
        method="filter_older_than",
        min_value=0,
        max_value=1000,
        label=_("older than (working days)"),
    )
    occurrence = django_filters.ModelChoiceFilter(
        queryset=_occurrences, label=_("captured in meeting")
    )
    since = django_filters.DateFilter(field_name="date", lookup_expr="gte", label=_("since"))
    rated = django_filters.BooleanFilter(
        field_name="rating", lookup_expr="isnull", exclude=True, label=_("rated")
    )
    grouped = django_filters.BooleanFilter(
        field_name="improvements",
        lookup_expr="isnull",
        exclude=True,
        label=_("grouped into an improvement"),
    )
    search_fields = SEARCH

    def filter_older_than(self, queryset, name, value):
        if value is None:
            return queryset
        last = workdays.overdue_on_or_before(
            timezone.localdate(), int(value), settings.OPENMIS_HOLIDAY_COUNTRY
        )
        return queryset.filter(date__lte=last)

    class Meta:
        model = Feedback
        fields = FILTERS


IMPROVEMENT_FILTERS = ["system", "impact", "project", "system__business_owner"]
IMPROVEMENT_SEARCH = ["title", "description", "system__name"]
#: The statuses of an improvement that waits for someone to decide on it.
WAITING = [Improvement.Status.NEW, Improvement.Status.UNDER_REVIEW]


class ImprovementFilterSet(ObjectFilterSet):
    status = django_filters.MultipleChoiceFilter(
        choices=Improvement.Status.choices, label=_("status")
    )
    search_fields = IMPROVEMENT_SEARCH

    class Meta:
        model = Improvement
        fields = ["status", *IMPROVEMENT_FILTERS]
