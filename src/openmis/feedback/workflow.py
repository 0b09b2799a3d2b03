"""The triage workflow of a feedback item: its statuses and the one table of the moves a
person may make between them, and the working-day arithmetic of its service level.

Pure Python: no database. A small explicit table rather than a state-machine library (neither
django-fsm-2 nor viewflow is installed): six statuses and their moves read best as data, and
the API, the pages and the tests all ask this table.
"""

from __future__ import annotations

from datetime import date, timedelta

NEW = "new"
ACKNOWLEDGED = "acknowledged"
PLANNED = "planned"
DECLINED = "declined"
DUPLICATE = "duplicate"
ANSWERED = "answered"

STATUSES = (NEW, ACKNOWLEDGED, PLANNED, DECLINED, DUPLICATE, ANSWERED)

#: The moves a person may make: ``{from: (to, ...)}``.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    NEW: (ACKNOWLEDGED, PLANNED, DECLINED, DUPLICATE),
    ACKNOWLEDGED: (PLANNED, DECLINED, DUPLICATE),
    PLANNED: (ANSWERED, DECLINED, ACKNOWLEDGED),
    DECLINED: (ACKNOWLEDGED,),  # reopened
    DUPLICATE: (ACKNOWLEDGED,),  # no longer merged
    ANSWERED: (ACKNOWLEDGED,),  # the answer did not settle it
}

#: The statuses an improvement's going "done" moves to "answered" (it answers its feedback
#: and their duplicates whatever triage they had reached; a declined item stays declined).
ANSWERED_BY_IMPROVEMENT = (NEW, ACKNOWLEDGED, PLANNED, DUPLICATE)

#: Statuses that need a reason, and the one that needs the item it duplicates.
NEEDS_REASON = (DECLINED,)
NEEDS_ORIGINAL = DUPLICATE

#: Statuses the service level waits on: nobody has acknowledged the item yet.
UNACKNOWLEDGED = (NEW,)


def allowed(from_status: str) -> tuple[str, ...]:
    """The statuses a person may move an item in ``from_status`` to."""
    return TRANSITIONS.get(from_status, ())


def may_move(from_status: str, to_status: str) -> bool:
    return to_status in allowed(from_status)


# --- working days -----------------------------------------------------------------------------
# Weekends only: the ``holidays`` package (Polish public holidays) is not installed.


def is_working_day(day: date) -> bool:
    """Monday to Friday."""
    return day.weekday() < 5


def add_working_days(start: date, days: int) -> date:
    """The first day by which ``days`` working days have passed after ``start``
    (``start`` itself for 0): a Friday's feedback plus one working day is the Monday, and so
    is a Saturday's."""
    if days < 0:
        raise ValueError("days must not be negative")
    if days == 0:
        return start
    weeks, rest = divmod(days - 1, 5)
    day = start + timedelta(weeks=weeks)  # any seven days hold five working days
    for _step in range(rest + 1):
        day += timedelta(days=1)
        while not is_working_day(day):
            day += timedelta(days=1)
    return day


def working_days_between(start: date, end: date) -> int:
    """How many working days lie after ``start`` up to and including ``end`` (0 if
    ``end`` ≤ ``start``)."""
    if end <= start:
        return 0
    total = (end - start).days
    weeks, rest = divmod(total, 7)
    count = weeks * 5
    day = start + timedelta(weeks=weeks)
    for _step in range(rest):
        day += timedelta(days=1)
        if is_working_day(day):
            count += 1
    return count


def overdue_on_or_before(today: date, days: int) -> date:
    """The latest date on which an item must have been given to be past its ``days`` working
    days by ``today`` (more than ``days`` working days after it have begun): the age filter of
    the lists and the cockpit's service-level tile ask for items dated on or before it."""
    day = today - timedelta(days=1)
    while working_days_between(day, today) <= days:
        day -= timedelta(days=1)
    return day
