"""Filters of the portfolio's lists beyond the generated ones: contracts by the state of
their notice deadline, projects by their derived status (what the cockpit's tiles link to)."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from openmis.core.filters import ObjectFilterSet
from openmis.portfolio import services
from openmis.portfolio.models import Contract, DeploymentProject

CONTRACT_FILTERS = ["vendor", "system", "auto_renewal", "owner"]
CONTRACT_SEARCH = ["title", "vendor__name", "system__name"]
PROJECT_FILTERS = ["system", "manager", "system__business_owner"]
PROJECT_SEARCH = ["name", "system__name"]


class ContractFilterSet(ObjectFilterSet):
    """The contract list, with ``notice``: missed (the notice deadline passed while the
    contract runs) or upcoming (within the next 120 days)."""

    notice = django_filters.ChoiceFilter(
        label=_("notice deadline"),
        choices=[
            (services.NOTICE_MISSED, _("Notice missed")),
            (services.NOTICE_UPCOMING, _("Notice due in the next 120 days")),
        ],
        method="by_notice",
    )
    search_fields = CONTRACT_SEARCH

    class Meta:
        model = Contract
        fields = CONTRACT_FILTERS

    def by_notice(self, queryset, name, value):
        return services.notice_filter(queryset, value) if value else queryset


class ProjectFilterSet(ObjectFilterSet):
    """The project list, with ``status``: the derived status (late, at risk, on track, live),
    several at once (``?status=at_risk&status=late``)."""

    status = django_filters.MultipleChoiceFilter(
        label=_("status"), choices=DeploymentProject.Status.choices, method="by_status"
    )
    search_fields = PROJECT_SEARCH

    class Meta:
        model = DeploymentProject
        fields = PROJECT_FILTERS

    def by_status(self, queryset, name, value):
        return services.projects_in_status(queryset, value) if value else queryset
