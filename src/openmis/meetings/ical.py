"""iCalendar (RFC 5545) feeds of meetings and action items, built with ``icalendar``.

Each stored occurrence is its own VEVENT with a stable UID, its start and end in the series'
time zone (``DTSTART;TZID=Europe/Warsaw``) and the matching VTIMEZONE, so calendar programs
show it at the right wall-clock time on both sides of a summer-time change. Occurrences are
sent one by one rather than as an RRULE: moved and cancelled meetings then need no
RECURRENCE-ID overrides, and every program reads them the same way. Action items are all-day
VEVENTs on their due date (widely shown, where VTODOs are ignored by Google Calendar and
Outlook subscriptions).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from openmis.meetings import services
from openmis.meetings.models import ActionItem, MeetingSeries, Occurrence

PRODID = "-//OpenMIS//Meetings//EN"
UID_DOMAIN = "openmis"


def _calendar(name: str) -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    return cal


def occurrence_uid(occurrence: Occurrence) -> str:
    """Stable UID of a meeting's event: moving the meeting updates the same event."""
    return f"meeting-{occurrence.pk}@{UID_DOMAIN}"


def action_uid(item: ActionItem) -> str:
    """Stable UID of an action item's due-date event."""
    return f"action-{item.pk}@{UID_DOMAIN}"


def _event(occurrence: Occurrence, url_for) -> Event:
    series = occurrence.series
    event = Event()
    event.add("uid", occurrence_uid(occurrence))
    event.add("dtstamp", occurrence.updated)
    event.add("last-modified", occurrence.updated)
    event.add("sequence", occurrence.version - 1)
    event.add("dtstart", occurrence.start.astimezone(series.zone))
    event.add("dtend", occurrence.end.astimezone(series.zone))
    event.add("summary", series.title)
    if series.location:
        event.add("location", series.location)
    event.add(
        "status", "CANCELLED" if occurrence.status == Occurrence.Status.CANCELLED else "CONFIRMED"
    )
    event.add("url", url_for(occurrence))
    return event


def _action_event(item: ActionItem, url_for) -> Event:
    event = Event()
    event.add("uid", action_uid(item))
    event.add("dtstamp", item.updated)
    event.add("dtstart", item.due_date)
    event.add("dtend", item.due_date + timedelta(days=1))
    event.add("summary", _("Action item due: %(title)s") % {"title": item.title})
    event.add("transp", "TRANSPARENT")
    event.add("url", url_for(item))
    return event


def _occurrences(series_ids, now) -> list[Occurrence]:
    return list(
        Occurrence.objects.filter(
            series_id__in=series_ids,
            start__gte=now - services.WINDOW_BACK,
            start__lt=now + services.WINDOW_AHEAD,
        )
        .select_related("series")
        .order_by("start", "pk")
    )


def series_feed(series: MeetingSeries, url_for, now: datetime | None = None) -> bytes:
    """The meetings of one series within the materialisation window around ``now``;
    ``url_for(obj)`` gives an object's absolute URL."""
    now = now or timezone.now()
    cal = _calendar(series.title)
    for occurrence in _occurrences([series.pk], now):
        cal.add_component(_event(occurrence, url_for))
    cal.add_missing_timezones()
    return cal.to_ical()


def person_feed(person, url_for, now: datetime | None = None) -> bytes:
    """Every meeting of the series ``person`` organises or attends, and the due dates of
    their open action items."""
    now = now or timezone.now()
    cal = _calendar(_("OpenMIS meetings of %(name)s") % {"name": person})
    series_ids = list(services.series_of_person(person).values_list("pk", flat=True))
    for occurrence in _occurrences(series_ids, now):
        cal.add_component(_event(occurrence, url_for))
    for item in ActionItem.objects.filter(owner=person, status=ActionItem.Status.OPEN).order_by(
        "due_date", "pk"
    ):
        cal.add_component(_action_event(item, url_for))
    cal.add_missing_timezones()
    return cal.to_ical()
