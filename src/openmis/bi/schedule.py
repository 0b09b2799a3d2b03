"""When scheduled deliveries go out: who receives a subscription, each recipient's time zone,
and the slots of a daily, weekly or monthly schedule in that zone (also on the days clocks
change)."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext as _

from openmis.bi.models import Subscription
from openmis.org.tree import below

UTC = dt.UTC
_SEARCH_DAYS = 400


# --- recipients and their time zones ------------------------------------------------------------


def recipients_of(subscription: Subscription) -> list:
    """The users a subscription goes to.

    Parameters
    ----------
    subscription
        The subscription.

    Returns
    -------
    list of User
        The active users among its ``recipients`` (by primary key), then the active users
        whose :class:`~openmis.org.models.Person` is in one of its ``departments`` or a
        department below one (by primary key), each once.
    """
    users = get_user_model().objects.filter(is_active=True).select_related("person")
    found = list(users.filter(bi_subscriptions=subscription).order_by("pk"))
    department_ids = [d.pk for d in subscription.departments.all()]
    if department_ids:
        in_departments = users.filter(
            person__department_id__in=below(department_ids), person__active=True
        )
        found += list(in_departments.order_by("pk"))
    seen: set[int] = set()
    result = []
    for user in found:
        if user.pk not in seen:
            seen.add(user.pk)
            result.append(user)
    return result


def zone_of(person_or_user) -> zoneinfo.ZoneInfo:
    """The time zone of a person, or of a user's person; the installation's when none is set.

    Parameters
    ----------
    person_or_user
        A :class:`~openmis.org.models.Person` or a user (with or without a person).

    Returns
    -------
    zoneinfo.ZoneInfo
        The zone their scheduled e-mails follow.
    """
    from openmis.org.models import Person

    person = (
        person_or_user
        if isinstance(person_or_user, Person)
        else getattr(person_or_user, "person", None)
    )
    name = (person.time_zone if person is not None else "") or settings.TIME_ZONE
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo(settings.TIME_ZONE)


# --- the schedule -------------------------------------------------------------------------------


def local_instant(day: dt.date, at: dt.time, zone: zoneinfo.ZoneInfo) -> dt.datetime:
    """The instant (aware, UTC) when the clocks of ``zone`` show ``at`` on ``day``.

    A local time that does not exist (the hour skipped when clocks go forward) becomes the
    first instant after the gap; an ambiguous one (the hour repeated when clocks go back)
    is its first occurrence (``fold=0``).

    Parameters
    ----------
    day, at
        The local date and wall-clock time.
    zone
        The time zone.

    Returns
    -------
    datetime.datetime
        An aware datetime in UTC.
    """
    wall = dt.datetime.combine(day, at.replace(tzinfo=None, fold=0))
    first = wall.replace(tzinfo=zone, fold=0).astimezone(UTC)
    if first.astimezone(zone).replace(tzinfo=None) == wall:
        return first
    # ``wall`` falls in a gap: ``first`` (the offset before the gap) lies after it and
    # ``early`` (the offset after the gap) before it; find the second the clocks jump.
    early = wall.replace(tzinfo=zone, fold=1).astimezone(UTC)
    low, high = int(min(early, first).timestamp()), int(max(early, first).timestamp())
    while high - low > 1:
        middle = (low + high) // 2
        if dt.datetime.fromtimestamp(middle, zone).replace(tzinfo=None) >= wall:
            high = middle
        else:
            low = middle
    return dt.datetime.fromtimestamp(high, UTC)


def _time_of(subscription: Subscription) -> dt.time:
    value = subscription.time
    return dt.time.fromisoformat(value) if isinstance(value, str) else value


def _on_schedule(subscription: Subscription, day: dt.date) -> bool:
    frequency = subscription.frequency
    if frequency == Subscription.Frequency.DAILY:
        return True
    if frequency == Subscription.Frequency.WEEKLY:
        return day.weekday() == subscription.weekday
    return day.day == subscription.day_of_month


def aware(value: dt.datetime, name: str) -> dt.datetime:
    if timezone.is_naive(value):
        raise ValueError(f"{name} must be an aware datetime")
    return value


def next_due(subscription: Subscription, person_or_user, after: dt.datetime) -> dt.datetime:
    """The first delivery slot of ``subscription`` for a recipient strictly after ``after``.

    Slots are at the subscription's local ``time`` in the recipient's time zone: every day
    (daily), on ``weekday`` (weekly, 0 is Monday) or on ``day_of_month`` (monthly).

    Parameters
    ----------
    subscription
        The subscription.
    person_or_user
        The recipient: a person or a user (see :func:`zone_of`).
    after
        An aware datetime.

    Returns
    -------
    datetime.datetime
        The slot, aware, in UTC (see :func:`local_instant` for days when clocks change).
    """
    after = aware(after, "after")
    zone = zone_of(person_or_user)
    at = _time_of(subscription)
    start = after.astimezone(zone).date() - dt.timedelta(days=1)
    for offset in range(_SEARCH_DAYS):
        day = start + dt.timedelta(days=offset)
        if _on_schedule(subscription, day):
            instant = local_instant(day, at, zone)
            if instant > after:
                return instant
    raise ValueError("the subscription has no slot within a year")  # unreachable


def previous_due(subscription: Subscription, person_or_user, at: dt.datetime) -> dt.datetime:
    """The latest delivery slot of ``subscription`` for a recipient at or before ``at``.

    Parameters
    ----------
    subscription
        The subscription.
    person_or_user
        The recipient: a person or a user (see :func:`zone_of`).
    at
        An aware datetime.

    Returns
    -------
    datetime.datetime
        The slot, aware, in UTC.
    """
    at = aware(at, "at")
    zone = zone_of(person_or_user)
    wall = _time_of(subscription)
    start = at.astimezone(zone).date() + dt.timedelta(days=1)
    for offset in range(_SEARCH_DAYS):
        day = start - dt.timedelta(days=offset)
        if _on_schedule(subscription, day):
            instant = local_instant(day, wall, zone)
            if instant <= at:
                return instant
    raise ValueError("the subscription has no slot within a year")  # unreachable


def schedule_label(subscription: Subscription) -> str:
    """When a subscription goes out, in words: "Weekly on Monday at 07:00 (local time)".

    Parameters
    ----------
    subscription
        The subscription.

    Returns
    -------
    str
        The schedule, translated into the active language.
    """
    values = {"time": _time_of(subscription).strftime("%H:%M")}
    if subscription.frequency == Subscription.Frequency.DAILY:
        return _("Daily at %(time)s (local time)") % values
    if subscription.frequency == Subscription.Frequency.WEEKLY:
        values["weekday"] = WEEKDAYS[subscription.weekday]
        return _("Weekly on %(weekday)s at %(time)s (local time)") % values
    values["day"] = subscription.day_of_month
    return _("Monthly on day %(day)d at %(time)s (local time)") % values
