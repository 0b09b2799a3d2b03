"""Occurrences from the rule: the stored meetings of each series follow its recurrence rule
within a window around today. Written on the write paths (:func:`series_saved`, a series'
``after_save``) and by the worker's periodic job (:func:`materialise_due`), never while a page
is read."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone

from openmis.core import caching
from openmis.meetings import recurrence
from openmis.meetings.agenda import carry_over
from openmis.meetings.models import AgendaItem, MeetingSeries, Occurrence

log = logging.getLogger(__name__)

#: Occurrences are kept materialised from this long ago …
WINDOW_BACK = timedelta(days=183)
#: … to this far ahead.
WINDOW_AHEAD = timedelta(days=92)
#: Meetings that ended this recently have their open points carried by the periodic job
#: (longer ago, the day's materialising of their series has carried them).
CARRY_WINDOW = timedelta(days=1)


@transaction.atomic
def materialise(series: MeetingSeries, now: datetime | None = None) -> dict[str, int]:
    """Make the stored occurrences of ``series`` match its rule within the window
    (``WINDOW_BACK`` before ``now`` to ``WINDOW_AHEAD`` after it); safe to run again.

    The first time, every occurrence of the window is created (a series entered with a
    start in the past gets its history); afterwards only future ones are, so a changed rule
    does not invent past meetings and a deleted past meeting stays deleted. Future scheduled
    ones follow a changed duration. Future ones the rule no longer produces (the rule changed,
    or the date is skipped) are deleted when nothing was written in them yet, and cancelled
    otherwise. Past occurrences are history and are never removed. Returns the counts of
    what changed.
    """
    now = now or timezone.now()
    after, before = now - WINDOW_BACK, now + WINDOW_AHEAD
    starts = recurrence.starts_between(series.rule, after, before)
    wanted = set(starts)
    existing = list(
        series.occurrences.filter(original_start__gte=after, original_start__lt=before)
        .annotate(
            # Open points carried over by this very function are not something written in
            # the meeting: deleting it frees them for the next meeting the rule makes.
            n_agenda=Count(
                "agenda_items",
                filter=Q(agenda_items__carried_from__isnull=True)
                | ~Q(agenda_items__status=AgendaItem.Status.OPEN),
                distinct=True,
            ),
            n_outcomes=Count("outcomes", distinct=True),
            n_actions=Count("action_items", distinct=True),
        )
        .order_by("original_start")
    )
    by_start = {o.original_start: o for o in existing}
    first_time = series.materialised_on is None
    duration = series.duration
    created = Occurrence.objects.bulk_create(
        [
            Occurrence(series=series, start=s, end=s + duration, original_start=s, from_rule=True)
            for s in starts
            if s not in by_start and (first_time or s >= now)
        ],
        ignore_conflicts=True,
    )
    resized, removed, cancelled = [], [], []
    for occ in existing:
        if not occ.from_rule or occ.start < now:
            continue
        if occ.original_start in wanted:
            if occ.status == Occurrence.Status.SCHEDULED and occ.end != occ.start + duration:
                occ.end = occ.start + duration
                resized.append(occ)
        elif occ.status != Occurrence.Status.CANCELLED:
            if occ.minutes.strip() or occ.n_agenda or occ.n_outcomes or occ.n_actions:
                cancelled.append(occ.pk)
            else:
                removed.append(occ.pk)
    if resized:
        Occurrence.objects.bulk_update(resized, ["end"])
    if removed:
        Occurrence.objects.filter(pk__in=removed).delete()
    if cancelled:
        Occurrence.objects.filter(pk__in=cancelled).update(status=Occurrence.Status.CANCELLED)
    # A plain UPDATE: materialising is not a change of the series (no new version, no log).
    series.materialised_version, series.materialised_on = series.version, timezone.localdate(now)
    MeetingSeries.objects.filter(pk=series.pk).update(
        materialised_version=series.materialised_version, materialised_on=series.materialised_on
    )
    # The next meeting's agenda gets the open points of the last one held as soon as a day's
    # materialising sees it ended, not only when somebody opens its page.
    upcoming = (
        series.occurrences.filter(start__gte=now)
        .exclude(status=Occurrence.Status.CANCELLED)
        .order_by("start")
        .first()
    )
    if upcoming is not None:
        carry_over(upcoming, now)
    # Plain UPDATEs and bulk writes send no signals: tell the caches (core.caching) at once.
    caching.bump("meetings")
    return {
        "created": len(created),
        "resized": len(resized),
        "removed": len(removed),
        "cancelled": len(cancelled),
    }


def ensure_materialised(now: datetime | None = None) -> int:
    """Materialise every series changed since, or not materialised, today; one query when
    all are current. Returns how many series were brought up to date."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    stale = MeetingSeries.objects.filter(
        Q(materialised_on__isnull=True)
        | Q(materialised_on__lt=today)
        | ~Q(materialised_version=F("version"))
    )
    done = 0
    for series in stale:
        try:
            materialise(series, now)
        except ValueError:  # a rule stored before it was validated; its page says so
            log.warning("Meeting series %s has a rule that cannot be read", series.pk)
            continue
        done += 1
    return done


def series_saved(series: MeetingSeries) -> None:
    """Create (or bring in line) the meetings of a series just created or changed through
    the pages, the API or an import, so that they show at once (its type's ``after_save``)."""
    try:
        materialise(series)
    except ValueError:  # a rule the form and the API refuse; the series page says so
        log.warning("Meeting series %s has a rule that cannot be read", series.pk)


def carry_over_due(now: datetime | None = None) -> int:
    """Carry open points onto the next meeting of every series with a meeting that ended
    within ``CARRY_WINDOW`` before ``now``; returns the number of points carried."""
    now = now or timezone.now()
    series_ids = (
        Occurrence.objects.filter(end__gt=now - CARRY_WINDOW, end__lte=now)
        .values_list("series_id", flat=True)
        .distinct()
    )
    carried = 0
    for series_id in series_ids:
        following = (
            Occurrence.objects.filter(series_id=series_id, start__gte=now)
            .exclude(status=Occurrence.Status.CANCELLED)
            .order_by("start")
            .first()
        )
        if following is not None:
            carried += carry_over(following, now)
    return carried


def materialise_due(now: datetime | None = None) -> dict[str, int]:
    """The worker's periodic job (hourly, and when it starts; see ``registry.py``): every
    series brought up to date with its rule once a day (the window moves on), and the open
    points of meetings that ended meanwhile carried to the next meeting. Pages only read what
    this and the write paths (:func:`series_saved`) stored."""
    now = now or timezone.now()
    return {"series": ensure_materialised(now), "carried": carry_over_due(now)}
