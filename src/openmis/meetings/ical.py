"""iCalendar (RFC 5545) feeds of meetings and action items, built with ``icalendar``.

Each stored occurrence is its own VEVENT with a stable UID (unique to this installation, so
two OpenMIS installations in one calendar program never overwrite each other's events), its
agenda as DESCRIPTION, its organiser and attendees (ORGANIZER, ATTENDEE: those with an e-mail
address), its start and end in the series'
time zone (``DTSTART;TZID=Europe/Warsaw``) and the matching VTIMEZONE, so calendar programs
show it at the right wall-clock time on both sides of a summer-time change. Occurrences are
sent one by one rather than as an RRULE: moved and cancelled meetings then need no
RECURRENCE-ID overrides, and every program reads them the same way. Action items are all-day
VEVENTs on their due date (widely shown, where VTODOs are ignored by Google Calendar and
Outlook subscriptions).

A feed is reached by its owner's secret token (:func:`feed_token`), since calendar programs
cannot sign in; a new secret (:func:`rotate_feed_token`) ends the old addresses.

**Other apps' due dates.** The personal feed also carries the due dates other apps keep for
the feed's owner (a policy to acknowledge, a course to complete), without meetings knowing
those apps: an app registers a hook at :data:`FEED_DUE_DATES_HOOK` (with
:func:`openmis.core.extensions.register_hook`), called as ``hook(person, user, today)``, that
returns a list of :class:`DueDate` (the owner's own items only, one or two queries whatever
their number). Each becomes an all-day VEVENT like an action item, with the UID
``<key>.<installation>@openmis``.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vCalAddress

from openmis.core.extensions import hook_results
from openmis.core.models import Installation
from openmis.meetings import confidentiality
from openmis.meetings.feed_hooks import FEED_DUE_DATES_HOOK, DueDate
from openmis.meetings.materialising import WINDOW_AHEAD, WINDOW_BACK
from openmis.meetings.models import (
    ActionItem,
    AgendaItem,
    FeedToken,
    MeetingSeries,
    Occurrence,
)

PRODID = "-//OpenMIS//Meetings//EN"
UID_DOMAIN = "openmis"

# --- who may read a feed ----------------------------------------------------------------------


def feed_token(user) -> FeedToken:
    """The user's calendar feed token, created on first use."""
    token = FeedToken.objects.filter(user=user).first()
    if token is None:
        token, _created = FeedToken.objects.get_or_create(
            user=user, defaults={"key": secrets.token_urlsafe(32)}
        )
    return token


def rotate_feed_token(user) -> FeedToken:
    """Give the user a new feed secret: URLs with the old one stop working."""
    token = feed_token(user)
    token.key = secrets.token_urlsafe(32)
    token.save()
    return token


def user_for_feed(key: str):
    """The active user whose feed token is ``key``, or None."""
    if not key or len(key) > 64:
        return None
    token = FeedToken.objects.select_related("user").filter(key=key).first()
    if token is None or not token.user.is_active:
        return None
    return token.user


def series_of_person(person):
    """The series ``person`` organises or attends."""
    return MeetingSeries.objects.filter(Q(organiser=person) | Q(attendees=person)).distinct()


# --- the feeds ---------------------------------------------------------------------------------


def _calendar(name: str) -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    return cal


def occurrence_uid(occurrence: Occurrence, installation: str | None = None) -> str:
    """Stable UID of a meeting's event: moving the meeting updates the same event. It holds
    the installation's identifier (:meth:`~openmis.core.models.Installation.identifier`):
    meeting 113 of another installation is another event."""
    installation = installation or Installation.identifier()
    return f"meeting-{occurrence.pk}.{installation}@{UID_DOMAIN}"


def action_uid(item: ActionItem, installation: str | None = None) -> str:
    """Stable UID of an action item's due-date event (unique to the installation too)."""
    installation = installation or Installation.identifier()
    return f"action-{item.pk}.{installation}@{UID_DOMAIN}"


def _address(email: str, name: str, **params) -> vCalAddress:
    address = vCalAddress(f"mailto:{email}")
    address.params["cn"] = name
    for key, value in params.items():
        address.params[key.replace("_", "-")] = value
    return address


def _agenda_text(occurrence: Occurrence) -> str:
    """The meeting's agenda as plain text: its points in order (parked ones are off it)."""
    points = [
        item.title
        for item in occurrence.agenda_items.all()  # prefetched by _occurrences
        if item.status != AgendaItem.Status.PARKED
    ]
    if not points:
        return ""
    lines = [_("Agenda:")]
    lines += [f"{n}. {title}" for n, title in enumerate(points, start=1)]
    return "\n".join(lines)


def _event(occurrence: Occurrence, url_for, installation: str, readable=True) -> Event:
    series = occurrence.series
    event = Event()
    event.add("uid", occurrence_uid(occurrence, installation))
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
    # a confidential meeting's agenda is what will be said: only for those who may read it
    agenda = _agenda_text(occurrence) if readable else ""
    if agenda:
        event.add("description", agenda)
    organiser = series.organiser
    event.add("organizer", _address(organiser.email, str(organiser)))
    # the series' people (prefetched by _occurrences): a calendar address is an e-mail address,
    # so a client contact without one is left out
    people = [(p.email, str(p)) for p in series.attendees.all()]
    people += [(c.email, str(c)) for c in series.client_attendees.all() if c.email]
    for email, name in people:
        event.add("attendee", _address(email, name, role="REQ-PARTICIPANT", cutype="INDIVIDUAL"))
    return event


def _action_event(item: ActionItem, url_for, installation: str) -> Event:
    event = Event()
    event.add("uid", action_uid(item, installation))
    event.add("dtstamp", item.updated)
    event.add("dtstart", item.due_date)
    event.add("dtend", item.due_date + timedelta(days=1))
    event.add("summary", _("Action item due: %(title)s") % {"title": item.title})
    event.add("transp", "TRANSPARENT")
    event.add("url", url_for(item))
    return event


def due_date_uid(item: DueDate, installation: str | None = None) -> str:
    """Stable UID of another app's due date (unique to the installation)."""
    installation = installation or Installation.identifier()
    return f"{item.key}.{installation}@{UID_DOMAIN}"


def _due_date_event(item: DueDate, absolute, installation: str) -> Event:
    # an all-day VEVENT, as action items: Google Calendar and Outlook subscriptions show
    # events and ignore VTODOs
    event = Event()
    event.add("uid", due_date_uid(item, installation))
    event.add("dtstamp", item.changed)
    event.add("last-modified", item.changed)
    event.add("dtstart", item.day)
    event.add("dtend", item.day + timedelta(days=1))
    event.add("summary", item.summary)
    if item.description:
        event.add("description", item.description)
    event.add("transp", "TRANSPARENT")
    event.add("url", absolute(item.path))
    return event


def _occurrences(series_ids, now) -> list[Occurrence]:
    return list(
        Occurrence.objects.filter(
            series_id__in=series_ids,
            start__gte=now - WINDOW_BACK,
            start__lt=now + WINDOW_AHEAD,
        )
        .select_related("series__organiser")
        .prefetch_related("agenda_items", "series__attendees", "series__client_attendees")
        .order_by("start", "pk")
    )


def series_feed(series: MeetingSeries, url_for, now: datetime | None = None, user=None) -> bytes:
    """The meetings of one series within the materialisation window around ``now``, as
    ``user`` (the feed's owner) may read them: the agenda of a confidential meeting only for
    its readers (:mod:`~openmis.meetings.confidentiality`); ``url_for(obj)`` gives an
    object's absolute URL."""
    now = now or timezone.now()
    cal = _calendar(series.title)
    installation = Installation.identifier()
    occurrences = _occurrences([series.pk], now)
    readable = confidentiality.readable_ids(occurrences, user)
    for occurrence in occurrences:
        cal.add_component(_event(occurrence, url_for, installation, occurrence.pk in readable))
    cal.add_missing_timezones()
    return cal.to_ical()


def person_feed(person, url_for, now: datetime | None = None, user=None, absolute=None) -> bytes:
    """Every meeting of the series ``person`` organises or attends (with the agenda of those
    ``user``, the feed's owner, may read), the due dates of their open action items and
    those other apps add (:data:`FEED_DUE_DATES_HOOK`); ``absolute(path)`` makes a site
    path an absolute URL."""
    now = now or timezone.now()
    cal = _calendar(_("OpenMIS meetings of %(name)s") % {"name": person})
    series_ids = list(series_of_person(person).values_list("pk", flat=True))
    installation = Installation.identifier()
    occurrences = _occurrences(series_ids, now)
    readable = confidentiality.readable_ids(occurrences, user)
    for occurrence in occurrences:
        cal.add_component(_event(occurrence, url_for, installation, occurrence.pk in readable))
    for item in ActionItem.objects.filter(owner=person, status=ActionItem.Status.OPEN).order_by(
        "due_date", "pk"
    ):
        cal.add_component(_action_event(item, url_for, installation))
    absolute = absolute or (lambda path: path)
    today = timezone.localdate(now)
    for items in hook_results(FEED_DUE_DATES_HOOK, person, user, today):
        for item in items:
            cal.add_component(_due_date_event(item, absolute, installation))
    cal.add_missing_timezones()
    return cal.to_ical()
