"""The portfolio's tiles on the home page: systems by lifecycle stage, contract renewals."""

from __future__ import annotations

from openmis.core import registry
from openmis.portfolio import services
from openmis.portfolio.models import System

RENEWALS_WITHIN_DAYS = 90
RENEWALS_SHOWN = 6


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


def contract_renewals(request) -> dict:
    """The first contracts whose notice deadline falls in the next 90 days."""
    renewals = services.upcoming_renewals(within_days=RENEWALS_WITHIN_DAYS)[:RENEWALS_SHOWN]
    return {"renewals": renewals}
