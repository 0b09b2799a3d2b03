"""Who may read what was said in a confidential meeting: the row rules of the meetings types.

A meeting series with a client, or one meeting of it, may be marked confidential (by the MIS
office only: ``set_only_by`` in registry.py). What was said in such a meeting — its minutes,
its agenda points (titles and notes), its outcomes (information, decisions) and its action
items — is then read only by:

* the MIS office (those who hold :data:`CONFIDENTIAL_PERMISSION`);
* the series' organiser and attendees (the people invited to every meeting of the series);
* the people recorded present at that meeting (:class:`~openmis.meetings.models.Attendance`
  with status "present": that meeting only, not the series' other meetings);
* the people of the series' department, and the leaders of the departments above it (whose
  department-scoped role covers it);
* for an action item, also its owner.

Everyone else who may view meetings still sees that the meeting takes place — its date,
status and series — but not what was said:

* the meeting's row stays in every list, page, export, search result, API answer and calendar
  feed, with its minutes blanked (the type's ``redacted`` field by :func:`minutes_rule`, see
  :class:`~openmis.core.registry.ObjectType`): a search never matches the text of minutes its
  reader may not read, and the change history shows "(hidden)" for them;
* its agenda points, outcomes and action items are missing, as rows that do not exist (404),
  from lists, pages, search, exports, the API, the follow-up of later meetings and the
  calendar feeds (``visible_to`` with ``hidden_missing``).

Each rule is one condition of the same SQL statement (no query per row).
"""

from __future__ import annotations

from django.db.models import Q

from openmis.core import permissions
from openmis.org.people import person_of

#: Who reads every confidential minute and marks meetings confidential (the MIS office).
CONFIDENTIAL_PERMISSION = "meetings.view_confidential_occurrence"


def sees_all(user) -> bool:
    """Whether ``user`` reads every confidential meeting and may mark one confidential (the
    MIS office by default)."""
    return user is not None and permissions.has_perm(user, CONFIDENTIAL_PERMISSION)


def readable(user, path: str = "") -> Q:
    """The condition on meetings (reached from the rows filtered by ``path``, e.g.
    ``"occurrence__"``) whose minutes ``user`` may read. Not for the MIS office, who read all."""
    open_ = Q(**{f"{path}confidential": False, f"{path}series__confidential": False})
    person = person_of(user) if user is not None and user.is_authenticated else None
    if person is None:
        return open_
    from openmis.meetings.models import Attendance, MeetingSeries

    departments = {person.department_id} - {None}
    if _leads(user):  # a department's leader: theirs and the departments below it
        departments |= set(permissions.user_department_ids(user))
    invited = MeetingSeries.attendees.through.objects.filter(person_id=person.pk)
    present = Attendance.objects.filter(
        person_id=person.pk, status=Attendance.Status.PRESENT
    ).values("occurrence_id")
    own = "pk" if not path else f"{path}id"
    return (
        open_
        | Q(**{f"{path}series__department_id__in": sorted(departments)})
        | Q(**{f"{path}series__organiser_id": person.pk})
        | Q(**{f"{path}series_id__in": invited.values("meetingseries_id")})
        | Q(**{f"{own}__in": present})
    )


def minutes_rule(user) -> Q | None:
    """The meetings whose minutes ``user`` may read (None: all), the rule of the meeting
    type's ``redacted`` minutes: the generic machinery blanks the others'."""
    return None if sees_all(user) else readable(user)


def visible_meeting_parts(queryset, user):
    """The agenda points or outcomes (rows with an ``occurrence``) ``user`` may read."""
    if user is None or not user.is_authenticated:
        return queryset.none()
    if sees_all(user):
        return queryset
    return queryset.filter(readable(user, "occurrence__"))


def visible_action_items(queryset, user):
    """Of the action items ``user`` may otherwise see, those of confidential meetings only
    when they may read the meeting, or do the item themselves."""
    if sees_all(user):
        return queryset
    person = person_of(user)
    condition = Q(occurrence__isnull=True) | readable(user, "occurrence__")
    if person is not None:
        condition |= Q(owner_id=person.pk)
    return queryset.filter(condition)


def can_read(occurrence, user) -> bool:
    """Whether ``user`` may read what was said in ``occurrence`` (one query at most)."""
    if not occurrence.is_confidential or sees_all(user):
        return True
    from openmis.meetings.models import Occurrence

    return Occurrence.objects.filter(readable(user), pk=occurrence.pk).exists()


def readable_ids(occurrences, user) -> set[int]:
    """The primary keys of ``occurrences`` (with their series) whose minutes ``user`` may
    read: one query when some are confidential, none otherwise."""
    from openmis.meetings.models import Occurrence

    found = {o.pk for o in occurrences if not o.is_confidential}
    secret = [o.pk for o in occurrences if o.is_confidential]
    if secret and sees_all(user):
        found.update(secret)
    elif secret:
        rows = Occurrence.objects.filter(readable(user), pk__in=secret)
        found.update(rows.values_list("pk", flat=True))
    return found


def _leads(user) -> bool:
    """Whether ``user`` reads meetings through a department-scoped role (a leader)."""
    from openmis.core import registry
    from openmis.meetings.models import Occurrence

    return permissions.write_scope(user, registry.get(Occurrence), "view") == (
        permissions.DEPARTMENT
    )
