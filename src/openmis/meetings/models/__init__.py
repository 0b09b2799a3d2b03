"""Models of the meetings app: clients and meeting series (:mod:`.series`); meetings, their
agenda, outcomes and action items, and feed tokens (:mod:`.occurrences`). Imported here so
that Django finds them and code imports them from ``openmis.meetings.models``."""

from openmis.meetings.models.occurrences import (
    ActionItem,
    AgendaItem,
    Attendance,
    FeedToken,
    Occurrence,
    Outcome,
    due_date_error,
)
from openmis.meetings.models.series import (
    RULE_MESSAGES,
    WEEKDAY_CHOICES,
    WEEKDAYS,
    Client,
    ClientContact,
    MeetingSeries,
    validate_dates,
    validate_time_zone,
)

__all__ = [
    "RULE_MESSAGES",
    "WEEKDAYS",
    "WEEKDAY_CHOICES",
    "ActionItem",
    "AgendaItem",
    "Attendance",
    "Client",
    "ClientContact",
    "FeedToken",
    "MeetingSeries",
    "Occurrence",
    "Outcome",
    "due_date_error",
    "validate_dates",
    "validate_time_zone",
]
