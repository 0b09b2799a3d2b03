"""The personal calendar feed's extension point, apart from the feed itself (which loads
icalendar): an app registering its due dates at start-up imports only this."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

#: Extension point of the personal feed: ``hook(person, user, today) -> list[DueDate]``.
FEED_DUE_DATES_HOOK = "meetings.feed_due_dates"


@dataclass(frozen=True)
class DueDate:
    """Something the feed's owner must do by a day, added by another app to their feed.

    ``key`` names it uniquely among the installation's feed items and never changes (e.g.
    ``"policy-acknowledgement-12"``: a new due date updates the same event); ``summary`` and
    ``description`` are plain text in the active language (the feed's owner's), escaped by
    the feed; ``path`` is its page on this site; ``changed`` when it last changed."""

    key: str
    day: date
    summary: str
    path: str
    changed: datetime
    description: str = ""


__all__ = ["FEED_DUE_DATES_HOOK", "DueDate"]
