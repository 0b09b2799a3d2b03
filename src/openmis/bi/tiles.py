"""BI's tiles on the cockpit: the user's own questions and dashboards, and those others
shared with them or published to everyone.

They read through the question and dashboard lists (:func:`openmis.core.cockpit.list_tile`,
whose row rules are BI's ``visible_questions``/``visible_dashboards``), so a tile never
counts or names one the user could not open.
"""

from __future__ import annotations

from django.urls import reverse

from openmis.bi.models import Dashboard, Question
from openmis.core.cockpit import list_tile

SHOWN = 6


def _mine(request, model) -> dict | None:
    window = list_tile(
        request, model, {"owner": request.user.pk}, rows=SHOWN, order_by=["-updated"]
    )
    return None if window is None else {"mine": window}


def my_questions(request) -> dict | None:
    """The questions the user asked, last changed first."""
    found = _mine(request, Question)
    return None if found is None else {**found, "builder_url": reverse("bi:builder")}


def my_dashboards(request) -> dict | None:
    """The dashboards the user made, last changed first."""
    return _mine(request, Dashboard)


def shared_with_me(request) -> dict | None:
    """The dashboards and questions others shared with the user or published to everyone."""
    params = {"shared": "true"}
    dashboards = list_tile(request, Dashboard, params, order_by=["-updated"], select=["owner"])
    questions = list_tile(request, Question, params, order_by=["-updated"], select=["owner"])
    if dashboards is None and questions is None:
        return None
    return {
        "dashboards": dashboards,
        "questions": questions,
        "shared_url": reverse("bi:shared"),
    }
