"""Feedback's tiles on the cockpit: the lowest-rated systems in use, improvements waiting for
a decision, feedback no improvement groups yet, feedback that missed its acknowledgement
service level, and the feedback of a leader's department.

The tiles that count rows read them through the lists they link to
(:func:`openmis.core.cockpit.list_tile`).
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from openmis.core import registry
from openmis.core.cockpit import list_tile, query
from openmis.feedback import services
from openmis.feedback.filters import WAITING
from openmis.feedback.models import Feedback, Improvement
from openmis.org.people import person_of


def lowest_rated(request) -> dict:
    """The five systems in use with the lowest average rating of the last 90 days (of the
    ratings the reader may see), each linking to the ratings behind its average."""
    today = timezone.localdate()
    since = today - timedelta(days=services.LOWEST_RATED_DAYS - 1)
    rows = services.lowest_rated_systems(today, user=request.user)
    feedback_list = registry.get(Feedback).url("list")
    for row in rows:
        params = {"system": row["system"].pk, "rated": "true", "since": since.isoformat()}
        row["ratings_url"] = f"{feedback_list}?{query(params).urlencode()}"
    return {"lowest_rated": rows}


def waiting_improvements(request) -> dict | None:
    """Improvements that are new or under review, highest priority first."""
    window = list_tile(
        request, Improvement, {"status": WAITING}, order_by=["-priority"], select=["system"]
    )
    return None if window is None else {"improvements": window}


def open_feedback(request) -> dict | None:
    """Feedback that no improvement groups yet (nobody has acted on it), newest first."""
    window = list_tile(
        request,
        Feedback,
        {"grouped": "false"},
        order_by=["-date"],
        select=["system", "department"],
    )
    return None if window is None else {"feedback": window}


def missed_acknowledgement(request) -> dict | None:
    """Feedback still new more than ``FEEDBACK_ACKNOWLEDGE_DAYS`` working days after it was
    given, oldest first; the count is the feedback list's at the tile's link."""
    params = services.overdue_acknowledgement_params()
    window = list_tile(
        request, Feedback, params, order_by=["date"], select=["system", "department"]
    )
    if window is None or not services.can_triage(request.user):
        return None
    return {
        "feedback": window,
        "days": settings.FEEDBACK_ACKNOWLEDGE_DAYS,
        "queue_url": f"{reverse('feedback:triage_queue')}?{query(params).urlencode()}",
    }


def department_feedback(request) -> dict | None:
    """The feedback the leader's department gave, newest first."""
    person = person_of(request.user)
    if person is None:
        return None
    window = list_tile(
        request,
        Feedback,
        {"department": person.department_id},
        order_by=["-date"],
        select=["system"],
    )
    return None if window is None else {"feedback": window, "department": person.department}
