"""The triage workflow of a feedback item: its statuses and the one table of the moves a
person may make between them (working days, for its service level, are
:mod:`openmis.core.workdays`).

Pure Python: no database. A small explicit table rather than a state-machine library (neither
django-fsm-2 nor viewflow is installed): six statuses and their moves read best as data, and
the API, the pages and the tests all ask this table.
"""

from __future__ import annotations

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
