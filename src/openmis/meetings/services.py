"""Meeting state changes and queries: this week's meetings, a series' current, next and past
meetings, moving and cancelling one meeting, its minutes, and what
deleting a series takes with it. Occurrences come from the rule in
:mod:`openmis.meetings.materialising`, agendas in :mod:`~openmis.meetings.agenda`, outcomes
and action items in :mod:`~openmis.meetings.actions`, calendar feeds in
:mod:`~openmis.meetings.ical`."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from openmis.core.services import save_object
from openmis.meetings.models import MeetingSeries, Occurrence


def week_bounds(now: datetime, zone=None) -> tuple[datetime, datetime]:
    """Monday 00:00 of ``now``'s week and the Monday after, in ``zone`` (default: current)."""
    local = timezone.localtime(now, zone)
    monday = local.date() - timedelta(days=local.weekday())
    tz = zone or timezone.get_current_timezone()
    start = datetime.combine(monday, datetime.min.time(), tzinfo=tz)
    return start, datetime.combine(monday + timedelta(days=7), datetime.min.time(), tzinfo=tz)


def this_weeks_meetings(now: datetime | None = None):
    """The meetings of the current week (Monday to Sunday), cancelled ones excluded."""
    now = now or timezone.now()
    start, end = week_bounds(now)
    return (
        Occurrence.objects.filter(start__gte=start, start__lt=end)
        .exclude(status=Occurrence.Status.CANCELLED)
        .select_related("series")
        .order_by("start")
    )


def current_occurrence(series: MeetingSeries, now: datetime | None = None) -> Occurrence | None:
    """This week's meeting of ``series`` (in its time zone), else the next one, else the
    last one."""
    now = now or timezone.now()
    meetings = series.occurrences.exclude(status=Occurrence.Status.CANCELLED)
    start, end = week_bounds(now, series.zone)
    return (
        meetings.filter(start__gte=start, start__lt=end).order_by("start").first()
        or meetings.filter(start__gte=now).order_by("start").first()
        or meetings.order_by("-start").first()
    )


def upcoming(series: MeetingSeries, now: datetime | None = None, limit: int = 6):
    """The next meetings of ``series`` (the one under way included), soonest first."""
    now = now or timezone.now()
    return list(series.occurrences.filter(end__gte=now).order_by("start")[:limit])


def past(series: MeetingSeries, now: datetime | None = None, limit: int = 12):
    """The latest meetings of ``series`` that have ended, with their number of outcomes."""
    now = now or timezone.now()
    return list(
        series.occurrences.filter(end__lt=now)
        .annotate(n_outcomes=Count("outcomes", distinct=True))
        .order_by("-start")[:limit]
    )


def neighbours(occurrence: Occurrence) -> tuple[Occurrence | None, Occurrence | None]:
    """The series' meetings just before and just after ``occurrence``."""
    siblings = occurrence.series.occurrences.select_related("series")
    before = siblings.filter(start__lt=occurrence.start).order_by("-start").first()
    after = siblings.filter(start__gt=occurrence.start).order_by("start").first()
    return before, after


@transaction.atomic
def move(occurrence: Occurrence, new_start: datetime, user=None) -> Occurrence:
    """Move one meeting to ``new_start`` (aware), keeping its length; the rule's date is kept
    as the original start so the meeting is not created again."""
    if timezone.is_naive(new_start):
        raise ValidationError({"start": _("The new start needs a time zone.")})
    length = occurrence.end - occurrence.start
    occurrence.start, occurrence.end = new_start, new_start + length
    occurrence.status = (
        Occurrence.Status.SCHEDULED
        if new_start == occurrence.original_start
        else Occurrence.Status.MOVED
    )
    return save_object(occurrence, user)


@transaction.atomic
def set_cancelled(occurrence: Occurrence, cancelled: bool, user=None) -> Occurrence:
    """Cancel one meeting (the series goes on), or restore a cancelled one."""
    if cancelled:
        occurrence.status = Occurrence.Status.CANCELLED
    else:
        occurrence.status = (
            Occurrence.Status.SCHEDULED
            if occurrence.start == occurrence.original_start
            else Occurrence.Status.MOVED
        )
    return save_object(occurrence, user)


def save_minutes(occurrence: Occurrence, text: str, user=None, expected_version=None):
    """Store the minutes (Markdown); refused if someone saved the meeting meanwhile."""
    occurrence.minutes = text
    return save_object(occurrence, user, expected_version)


def delete_warnings(series: MeetingSeries) -> list[str]:
    """What deleting ``series`` deletes with it, for the confirmation page."""
    counts = series.occurrences.aggregate(
        meetings=Count("pk", distinct=True),
        with_minutes=Count("pk", filter=~Q(minutes=""), distinct=True),
        actions=Count("action_items", distinct=True),
    )
    if not counts["meetings"]:
        return []
    return [
        _(
            "Deleting the series also deletes its %(meetings)d meetings, %(with_minutes)d of "
            "them with minutes, and %(actions)d action items."
        )
        % counts
    ]
