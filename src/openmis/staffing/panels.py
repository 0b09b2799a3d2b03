"""Staffing's places on other pages: the system page's section of who can run the system
(its bus factor), and the MIS director's tile of the systems only one person can run."""

from __future__ import annotations

from django.urls import reverse

from openmis.staffing import services

TILE_SHOWN = 5


def visibility(user) -> tuple:
    """What of a system's staffing panel ``user`` may see (the panel's ``vary``): everyone
    who sees the system sees the bus factor (a count); only the MIS office sees the names."""
    return (services.can_view_team(user), services.can_declare_skills(user))


def system_team(request, system) -> dict | None:
    """The bus factor of ``system`` and, for the MIS office, who meets every needed skill;
    None (no section) for others when the system declares no skill."""
    names, can_edit = visibility(request.user)
    cov = services.coverage([system])[0]
    if not cov.needs and not names:
        return None
    return {
        "cov": cov,
        "show_names": names,
        "can_edit": can_edit,
        "edit_url": reverse("staffing:system_skills", args=[system.pk]),
        "matrix_url": f"{reverse('staffing:matrix')}?system={system.pk}",
    }


def bus_factor_tile(request) -> dict | None:
    """The systems that declare skills and at most one team member can run."""
    if not services.can_view_team(request.user):
        return None
    risky = services.systems_at_risk()
    if not risky:
        return None
    return {
        "risky": risky[:TILE_SHOWN],
        "risky_count": len(risky),
        "bus_factor_url": reverse("staffing:bus_factor"),
    }
