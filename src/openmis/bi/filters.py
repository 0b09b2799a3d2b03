"""The question and dashboard lists' filters: the generated ones and ``shared`` (``true``:
what others own that the user may open, shared with them or published to everyone, as on
"Shared with me"; ``false``: their own), which the cockpit's tiles link to."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from openmis.bi.models import Dashboard, Question
from openmis.core.filters import ObjectFilterSet

QUESTION_FILTERS = ["dataset", "chart", "visibility", "owner", "department"]
DASHBOARD_FILTERS = ["visibility", "owner", "department"]
SEARCH = ["title", "description"]


def _by_sharing(filterset, queryset, name, value):
    user = getattr(filterset.request, "user", None)
    if value is None or user is None:
        return queryset
    return queryset.exclude(owner=user) if value else queryset.filter(owner=user)


class QuestionFilterSet(ObjectFilterSet):
    shared = django_filters.BooleanFilter(label=_("shared with me"), method="by_sharing")
    search_fields = SEARCH
    by_sharing = _by_sharing

    class Meta:
        model = Question
        fields = QUESTION_FILTERS


class DashboardFilterSet(ObjectFilterSet):
    shared = django_filters.BooleanFilter(label=_("shared with me"), method="by_sharing")
    search_fields = SEARCH
    by_sharing = _by_sharing

    class Meta:
        model = Dashboard
        fields = DASHBOARD_FILTERS
