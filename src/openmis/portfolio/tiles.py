"""The portfolio's tiles on the cockpit: systems by lifecycle stage, contract renewals (notice
missed, notice coming up), projects at risk, and a department's own systems.

The tiles that count rows read them through the lists they link to
(:func:`openmis.core.cockpit.list_tile`): the number on a tile is the number of rows its
link shows the same user.
"""

from __future__ import annotations

from django.utils import timezone

from openmis.core import registry
from openmis.core.cockpit import list_tile
from openmis.org.people import person_of
from openmis.portfolio import services
from openmis.portfolio.models import Contract, DeploymentProject, System

RENEWALS_WITHIN_DAYS = services.UPCOMING_WITHIN_DAYS
RENEWALS_SHOWN = 5
AT_RISK = [DeploymentProject.Status.AT_RISK, DeploymentProject.Status.LATE]


def systems_by_stage(request) -> dict:
    """How many systems are in each lifecycle stage, each linking to the filtered list."""
    counts = services.stage_counts()
    return {
        "stages": [
            {"stage": stage, "label": label, "count": counts[stage]}
            for stage, label in System.Stage.choices
        ],
        "systems_url": registry.get(System).url("list"),
    }


def contract_renewals(request) -> dict | None:
    """Contracts whose notice deadline has passed while they run (red: it is too late to
    give notice) and those whose deadline comes in the next 120 days, each with the count
    and the link to the contract list filtered the same way."""
    missed = list_tile(
        request,
        Contract,
        {"notice": services.NOTICE_MISSED},
        rows=RENEWALS_SHOWN,
        order_by=["end_date"],
    )
    if missed is None:
        return None
    upcoming = list_tile(
        request,
        Contract,
        {"notice": services.NOTICE_UPCOMING},
        rows=RENEWALS_SHOWN,
        order_by=["end_date"],
    )
    return {
        "missed": missed,
        "upcoming": upcoming,
        "today": timezone.localdate(),
        "within_days": RENEWALS_WITHIN_DAYS,
    }


def projects_at_risk(request) -> dict | None:
    """Deployment projects that are late or at risk (the derived status)."""
    window = list_tile(
        request,
        DeploymentProject,
        {"status": AT_RISK},
        order_by=["planned_go_live"],
        prefetch=["milestones"],
    )
    if window is None:
        return None
    today = timezone.localdate()
    return {
        "projects": window,
        "statuses": [(p, *services.project_status(p, today)) for p in window.rows],
    }


def department_systems(request) -> dict | None:
    """The systems whose business owner is the leader's department."""
    person = person_of(request.user)
    if person is None:
        return None
    window = list_tile(
        request,
        System,
        {"business_owner": person.department_id},
        order_by=["name"],
    )
    return None if window is None else {"systems": window, "department": person.department}
