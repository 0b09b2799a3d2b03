"""Who may see which feedback: the one row rule of :class:`~openmis.feedback.models.Feedback`.

Feedback marked confidential (a client's, by default) is seen by the MIS office (those who
hold :data:`CONFIDENTIAL_PERMISSION`), by the attendees of the meeting series it was raised
in, by the people of the department concerned and the leaders above it, and by the person
who gave it. Everyone who may view feedback sees the rest.

:func:`visible_feedback` is the type's ``visible_to`` (registry.py): lists, pages, search,
exports, the API and its pickers, cockpit tiles, history and the panels on other apps' pages
all read feedback through it, so a hidden item is missing everywhere (404, never a refusal
naming it).
"""

from __future__ import annotations

from django.db.models import Q

from openmis.core import permissions
from openmis.org.people import person_of

CONFIDENTIAL_PERMISSION = "feedback.view_confidential_feedback"


def sees_all(user) -> bool:
    """Whether ``user`` sees every feedback item and may mark one confidential (the MIS
    office by default)."""
    return user is not None and permissions.has_perm(user, CONFIDENTIAL_PERMISSION)


def visible_feedback(queryset, user):
    """The rows of ``queryset`` (feedback) that ``user`` may see. One query whatever the rows:
    the conditions are columns and subqueries of the same statement."""
    from openmis.meetings.models import MeetingSeries

    if user is None or not user.is_authenticated:
        return queryset.none()
    if sees_all(user):
        return queryset
    condition = Q(confidential=False)
    person = person_of(user)
    if person is not None:
        attended = MeetingSeries.attendees.through.objects.filter(person_id=person.pk)
        departments = {person.department_id}
        if _leads(user):  # a department's leader: theirs and the departments below it
            departments |= set(permissions.user_department_ids(user))
        condition |= (
            Q(author_id=person.pk)
            | Q(department_id__in=sorted(departments))
            | Q(occurrence__series_id__in=attended.values("meetingseries_id"))
        )
    return queryset.filter(condition)


def visible_status_changes(queryset, user):
    """The triage history of the feedback ``user`` may see (a change names its item)."""
    from openmis.feedback.models import Feedback

    if sees_all(user):
        return queryset
    return queryset.filter(feedback__in=visible_feedback(Feedback.objects.all(), user).values("pk"))


def _leads(user) -> bool:
    """Whether ``user`` reads feedback through a department-scoped role (a leader)."""
    from openmis.core import registry
    from openmis.feedback.models import Feedback

    scope = permissions.write_scope(user, registry.get(Feedback), "view")
    return scope == permissions.DEPARTMENT


def visibility_key(user) -> tuple:
    """What the feedback a user sees depends on, for pages cached per reader: everything for
    the MIS office, else the reader's own (their person, department and meetings)."""
    return ("all",) if sees_all(user) else ("user", getattr(user, "pk", None))


def default_confidential(client) -> bool:
    """Whether new feedback starts confidential: when it comes from a client."""
    return client is not None
