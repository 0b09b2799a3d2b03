"""Filters of the governance lists beyond the generated ones: a many-to-many choice (the
systems of a procedure, the departments of an audience) filters by one object, as a foreign
key's filter does (``?systems=7``), rather than by a list that must all be valid."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from openmis.core.filters import ObjectFilterSet
from openmis.governance.models import Audience, Procedure
from openmis.org.models import Department, Role
from openmis.portfolio.models import System

AUDIENCE_SEARCH = ["name", "description"]
PROCEDURE_SEARCH = ["title", "description", "steps__text"]


class AudienceFilterSet(ObjectFilterSet):
    """Audiences by whole organization, or by one department, role or system they name."""

    departments = django_filters.ModelChoiceFilter(
        label=_("department"), queryset=Department.objects.all(), distinct=True
    )
    roles = django_filters.ModelChoiceFilter(
        label=_("role"), queryset=Role.objects.select_related("group"), distinct=True
    )
    systems = django_filters.ModelChoiceFilter(
        label=_("system"), queryset=System.objects.all(), distinct=True
    )
    search_fields = AUDIENCE_SEARCH

    class Meta:
        model = Audience
        fields = ["whole_organization", "departments", "roles", "systems"]


class ProcedureFilterSet(ObjectFilterSet):
    """Procedures by owner, or by one system they concern."""

    systems = django_filters.ModelChoiceFilter(
        label=_("system"), queryset=System.objects.all(), distinct=True
    )
    search_fields = PROCEDURE_SEARCH

    class Meta:
        model = Procedure
        fields = ["owner", "systems"]
