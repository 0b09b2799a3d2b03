"""The meetings' tiles on the cockpit: this week's meetings, the user's own open action items,
the overdue ones (the MIS office) and those of a leader's department.

The action item tiles read through the action item list (:func:`openmis.core.cockpit.
list_tile`) with the filters their link carries, so an employee's tile counts their own items
only, as their list does, and every count equals the rows behind its link.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from openmis.core import permissions
from openmis.core.cockpit import list_tile
from openmis.meetings import services
from openmis.meetings.models import ActionItem
from openmis.org.people import person_of

MY_ACTIONS_SHOWN = 10
OPEN = ActionItem.Status.OPEN


def this_week(request) -> dict | None:
    """This week's meetings (the first eight)."""
    if not permissions.has_perm(request.user, "meetings.view_occurrence"):
        return None
    return {
        "meetings_this_week": list(services.this_weeks_meetings()[:8]),
        "meetings_week_url": reverse("meetings:week"),
    }


def _open_items(request, params: dict, rows: int) -> dict | None:
    """The open action items matching ``params``, soonest due first, and how many of them
    are overdue (each with the link to the list showing them)."""
    items = list_tile(
        request,
        ActionItem,
        {"status": OPEN, **params},
        rows=rows,
        order_by=["due_date"],
        select=["owner", "contact__client", "occurrence__series"],
    )
    if items is None:
        return None
    overdue = list_tile(request, ActionItem, {"status": OPEN, **params, "overdue": "true"}, rows=0)
    return {"items": items, "overdue": overdue, "today": timezone.localdate()}


def my_actions(request) -> dict | None:
    """The user's own open action items; none for a login without a person record."""
    person = person_of(request.user)
    if person is None:
        return None
    found = _open_items(request, {"owner": person.pk}, MY_ACTIONS_SHOWN)
    if found is None:
        return None
    # the meeting an item came from links to it only for those who may open meetings
    sees_meetings = permissions.has_perm(request.user, "meetings.view_occurrence")
    return {**found, "sees_meetings": sees_meetings}


def department_actions(request) -> dict | None:
    """The open action items of the people of the leader's department."""
    person = person_of(request.user)
    if person is None:
        return None
    found = _open_items(request, {"owner__department": person.department_id}, 6)
    return None if found is None else {**found, "department": person.department}


def overdue(request) -> dict | None:
    """Every open action item past its due date (that the user may see)."""
    items = list_tile(
        request,
        ActionItem,
        {"status": OPEN, "overdue": "true"},
        order_by=["due_date"],
        select=["owner", "contact__client"],
    )
    if items is None:
        return None
    return {
        "items": items,
        "today": timezone.localdate(),
        "overdue_url": reverse("meetings:overdue"),
    }
