"""Meeting state changes and queries: occurrences from the recurrence rule, agenda carry-over,
minutes, outcomes, action items, reminders and calendar feed tokens."""

from __future__ import annotations

import contextlib
import logging
import secrets
from collections import defaultdict
from datetime import date, datetime, timedelta

import markdown
import nh3
from auditlog.context import set_actor
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Count, F, Max, Q
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from openmis.core import cache as data_cache
from openmis.core.services import save_object
from openmis.meetings import recurrence
from openmis.meetings.models import (
    ActionItem,
    AgendaItem,
    FeedToken,
    MeetingSeries,
    Occurrence,
    Outcome,
)

log = logging.getLogger(__name__)

#: Occurrences are kept materialised from this long ago …
WINDOW_BACK = timedelta(days=183)
#: … to this far ahead.
WINDOW_AHEAD = timedelta(days=92)
#: Meetings that ended this recently have their open points carried by the periodic job
#: (longer ago, the day's materialising of their series has carried them).
CARRY_WINDOW = timedelta(days=1)


def _actor(user):
    return set_actor(user) if user else contextlib.nullcontext()


# --- occurrences from the rule ---------------------------------------------------------------


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
    # Plain UPDATEs and bulk writes send no signals: tell the caches (core.cache) at once.
    data_cache.bump()
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


# --- agenda ------------------------------------------------------------------------------------


def previous_held(occurrence: Occurrence) -> Occurrence | None:
    """The last meeting of the series before ``occurrence`` that was not cancelled."""
    return (
        occurrence.series.occurrences.filter(start__lt=occurrence.start)
        .exclude(status=Occurrence.Status.CANCELLED)
        .order_by("-start")
        .first()
    )


@transaction.atomic
def carry_over(occurrence: Occurrence, now: datetime | None = None) -> int:
    """Copy the open points of the previous meeting onto ``occurrence``'s agenda.

    Runs once the previous (not cancelled) meeting has ended; open points of meetings
    cancelled in between come along too. Each point is carried once (the copy remembers its
    source), so running it again changes nothing. Parked points stay on the series and are
    not carried. Returns the number of points carried.
    """
    if occurrence.status == Occurrence.Status.CANCELLED:
        return 0
    now = now or timezone.now()
    previous = previous_held(occurrence)
    if previous is None or previous.end > now:
        return 0
    sources = list(
        AgendaItem.objects.filter(
            occurrence__series_id=occurrence.series_id,
            occurrence__start__gte=previous.start,
            occurrence__start__lt=occurrence.start,
            status=AgendaItem.Status.OPEN,
            carried_to__isnull=True,
        ).order_by("occurrence__start", "position", "pk")
    )
    if not sources:
        return 0
    AgendaItem.objects.bulk_create(
        [
            AgendaItem(
                occurrence=occurrence,
                title=item.title,
                notes=item.notes,
                system_id=item.system_id,
                position=n,
                carried_from=item,
            )
            for n, item in enumerate(sources)
        ],
        ignore_conflicts=True,
    )
    data_cache.bump()  # a bulk write sends no signals
    return len(sources)


def agenda(occurrence: Occurrence) -> list[AgendaItem]:
    """The points of one meeting in their order, with where carried ones came from."""
    return list(
        occurrence.agenda_items.select_related("system", "carried_from__occurrence__series")
    )


def parked_items(series: MeetingSeries) -> list[AgendaItem]:
    """Points parked in any meeting of the series and not brought back since."""
    return list(
        AgendaItem.objects.filter(
            occurrence__series=series,
            status=AgendaItem.Status.PARKED,
            carried_to__isnull=True,
        )
        .select_related("occurrence__series", "system")
        .order_by("occurrence__start", "position")
    )


def _next_position(occurrence: Occurrence) -> int:
    top = occurrence.agenda_items.aggregate(top=Max("position"))["top"]
    return 0 if top is None else top + 1


def add_agenda_item(occurrence: Occurrence, title: str, user=None, system=None, notes=""):
    """Add a point at the end of the meeting's agenda."""
    item = AgendaItem(
        occurrence=occurrence,
        title=title,
        notes=notes,
        system=system,
        position=_next_position(occurrence),
    )
    item.full_clean()
    return save_object(item, user)


@transaction.atomic
def set_agenda_status(item: AgendaItem, status: str, user=None) -> AgendaItem:
    """Change a point's status; a point closed or parked after it was carried over is closed
    or parked in the later meetings too."""
    if status not in AgendaItem.Status.values:
        raise ValidationError({"status": _("Unknown status.")})
    item.status = status
    save_object(item, user)
    if status != AgendaItem.Status.OPEN:
        copies = list(item.carried_to.filter(status=AgendaItem.Status.OPEN))
        while copies:
            copy = copies.pop()
            copy.status = status
            save_object(copy, user)
            copies.extend(copy.carried_to.filter(status=AgendaItem.Status.OPEN))
    return item


def bring_back(item: AgendaItem, occurrence: Occurrence, user=None) -> AgendaItem:
    """Put a parked point back on the agenda of ``occurrence`` (as an open copy)."""
    if item.status != AgendaItem.Status.PARKED:
        raise ValidationError({"status": _("Only parked points can be brought back.")})
    if item.occurrence.series_id != occurrence.series_id:
        raise ValidationError({"occurrence": _("The point belongs to another series.")})
    copy = AgendaItem(
        occurrence=occurrence,
        title=item.title,
        notes=item.notes,
        system=item.system,
        position=_next_position(occurrence),
        carried_from=item,
    )
    return save_object(copy, user)


# --- outcomes and action items -----------------------------------------------------------------


def add_outcome(occurrence: Occurrence, kind: str, text: str, user=None) -> Outcome:
    """Record what the meeting produced: information, a decision or an action."""
    outcome = Outcome(occurrence=occurrence, kind=kind, text=text)
    outcome.full_clean()
    return save_object(outcome, user)


@transaction.atomic
def add_action_item(
    occurrence: Occurrence, title: str, owner, due_date: date, user=None, as_outcome=True
) -> ActionItem:
    """Record an action item for ``owner``; with ``as_outcome`` it is also one of the
    meeting's outcomes (kind "action item")."""
    outcome = add_outcome(occurrence, Outcome.Kind.ACTION, title, user) if as_outcome else None
    item = ActionItem(
        title=title, occurrence=occurrence, outcome=outcome, owner=owner, due_date=due_date
    )
    item.full_clean()
    return save_object(item, user)


def set_action_status(item: ActionItem, status: str, user=None) -> ActionItem:
    """Mark an action item done (its completion date is kept) or open again."""
    if status not in ActionItem.Status.values:
        raise ValidationError({"status": _("Unknown status.")})
    item.status = status
    return save_object(item, user)


def person_of(user):
    """The person record of a login, or None."""
    from openmis.org.models import Person

    if not user.is_authenticated:
        return None
    return Person.objects.filter(user=user).first()


def my_action_items(user, limit: int = 10):
    """The open action items of the user's person, soonest due first."""
    person = person_of(user)
    if person is None:
        return []
    return list(
        ActionItem.objects.filter(owner=person, status=ActionItem.Status.OPEN)
        .select_related("occurrence__series")
        .order_by("due_date", "pk")[:limit]
    )


def visible_action_items(queryset, user):
    """The action items ``user`` may see: everyone's for those who may see the meetings (MIS
    staff, directors, department leaders, analysts), only their own for the others
    (employees, who hold no more than the view permission of action items)."""
    from openmis.core import permissions

    if permissions.has_perm(user, "meetings.view_occurrence"):
        return queryset
    if not user.is_authenticated:
        return queryset.none()
    return queryset.filter(owner__user=user)


def _overdue(today: date | None, user):
    """Open action items past their due date (of those ``user`` may see, when given)."""
    today = today or timezone.localdate()
    items = ActionItem.objects.filter(status=ActionItem.Status.OPEN, due_date__lt=today)
    return items if user is None else visible_action_items(items, user)


def overdue_action_items(today: date | None = None, department=None, user=None):
    """Open action items past their due date, by owner's department then due date (of those
    ``user`` may see, when given)."""
    items = _overdue(today, user)
    if department is not None:
        items = items.filter(owner__department=department)
    return items.select_related("owner__department", "occurrence__series").order_by(
        "owner__department__name", "due_date", "pk"
    )


def overdue_by_department(today: date | None = None, user=None) -> list[dict]:
    """``[{"department", "department__name", "n"}]``, most overdue items first (of those
    ``user`` may see, when given)."""
    return list(
        _overdue(today, user)
        .values("owner__department", "owner__department__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "owner__department__name")
    )


def send_action_reminders(today: date | None = None) -> int:
    """E-mail each owner of open action items due today or overdue, at most once a day;
    returns how many e-mails were sent. Run daily (``openmis manage send_action_reminders``)."""
    today = today or timezone.localdate()
    items = (
        ActionItem.objects.filter(status=ActionItem.Status.OPEN, due_date__lte=today)
        .filter(Q(reminded_on__isnull=True) | Q(reminded_on__lt=today))
        .exclude(owner__email="")
        .select_related("owner", "occurrence__series")
        .order_by("owner", "due_date", "pk")
    )
    by_owner = defaultdict(list)
    for item in items:
        by_owner[item.owner].append(item)
    sent = 0
    for owner, owned in by_owner.items():
        with translation.override(settings.LANGUAGE_CODE):
            overdue = sum(1 for i in owned if i.due_date < today)
            subject = _("Action items due: %(count)d (%(overdue)d overdue)") % {
                "count": len(owned),
                "overdue": overdue,
            }
            lines = [
                _("Hello %(name)s,") % {"name": owner.first_name},
                "",
                _("These action items are due today or overdue:"),
                "",
            ]
            for item in owned:
                meeting = f" ({item.occurrence})" if item.occurrence_id else ""
                lines.append(
                    _("- %(title)s, due %(date)s%(meeting)s")
                    % {"title": item.title, "date": item.due_date, "meeting": meeting}
                )
            lines += ["", _("Mark them done on your OpenMIS home page.")]
        send_mail(subject, "\n".join(lines), None, [owner.email])
        ActionItem.objects.filter(pk__in=[i.pk for i in owned]).update(reminded_on=today)
        data_cache.bump()
        sent += 1
    return sent


# --- minutes -----------------------------------------------------------------------------------

ALLOWED_TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "code",
    "dd",
    "del",
    "dl",
    "dt",
    "em",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "li",
    "ol",
    "p",
    "pre",
    "s",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "th": {"align"}, "td": {"align"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}


def render_markdown(text: str) -> SafeString:
    """Minutes written in Markdown as HTML that is safe to show: only an allow-list of tags,
    attributes and link schemes survives (no scripts, event handlers or javascript: links)."""
    html = markdown.markdown(text or "", extensions=["extra", "sane_lists"], output_format="html")
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )
    return mark_safe(clean)  # noqa: S308  (sanitised by nh3 with the allow-list above)


# --- calendar feed tokens ------------------------------------------------------------------------


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
