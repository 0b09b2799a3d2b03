"""The feedback list's filters: the generated ones, with meetings fetched with their series
(a meeting's name shows its series)."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from openmis.core.filters import ObjectFilterSet
from openmis.feedback.models import Feedback

FILTERS = ["system", "department", "client", "kind", "rating", "author", "occurrence"]
SEARCH = ["text", "system__name"]


def _occurrences(request=None):
    from openmis.meetings.models import Occurrence

    return Occurrence.objects.select_related("series")


class FeedbackFilterSet(ObjectFilterSet):
    occurrence = django_filters.ModelChoiceFilter(
        queryset=_occurrences, label=_("captured in meeting")
    )
    search_fields = SEARCH

    class Meta:
        model = Feedback
        fields = FILTERS
