"""Scheduled deliveries and threshold alerts of the BI app.

A subscription e-mails a dashboard (PDF) or a question (CSV or XLSX) daily, weekly or monthly
at a local time of *each recipient's* time zone; an alert e-mails its recipients when a value
of a question's result crosses a limit. Both compute what they send with the recipient's
rights (:func:`openmis.bi.services.run_question` applies the reader's row rules), never the
sender's: a recipient who may not open the question or dashboard gets nothing.

Cron runs :func:`send_due` (``openmis manage send_deliveries``) and :func:`check_alerts`
(``openmis manage check_alerts``) every few minutes; a :class:`~openmis.bi.models.Delivery`
row per subscription, recipient and slot makes a delivery go out once, even when two senders
run at the same time.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import logging
import zoneinfo
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.dates import WEEKDAYS
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from openmis.bi import access, services
from openmis.bi.models import Alert, AlertState, Dashboard, Delivery, Question, Subscription
from openmis.core import caching, permissions
from openmis.core.exports import safe_row, safe_rows

__all__ = [
    "check_alerts",
    "local_instant",
    "next_due",
    "overview_rows",
    "previous_due",
    "recipients_of",
    "schedule_label",
    "send_due",
    "subscription_context",
    "zone_of",
]

log = logging.getLogger(__name__)

UTC = dt.UTC
CATCH_UP = dt.timedelta(hours=24)
XLSX_MAX_ROWS = 1_048_575
HISTORY = 20
_SEARCH_DAYS = 400
MIME = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


class Skip(Exception):
    """The recipient gets nothing, for the reason given (not an error)."""


# --- recipients and their time zones ------------------------------------------------------------


def _children_map() -> dict[int | None, list[int]]:
    from openmis.org.models import Department

    children: dict[int | None, list[int]] = {}
    for pk, parent_id in Department.objects.values_list("pk", "parent_id"):
        children.setdefault(parent_id, []).append(pk)
    return children


def _below(roots, children: dict[int | None, list[int]]) -> set[int]:
    found: set[int] = set()
    stack = list(roots)
    while stack:
        pk = stack.pop()
        if pk not in found:
            found.add(pk)
            stack.extend(children.get(pk, []))
    return found


def recipients_of(subscription: Subscription, *, children=None) -> list:
    """The users a subscription goes to.

    Parameters
    ----------
    subscription
        The subscription.
    children
        Optional ``{department_id: [child ids]}`` map, to share one across many calls.

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
        below = _below(department_ids, children if children is not None else _children_map())
        found += list(
            users.filter(person__department_id__in=below, person__active=True).order_by("pk")
        )
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


def _aware(value: dt.datetime, name: str) -> dt.datetime:
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
    after = _aware(after, "after")
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
    at = _aware(at, "at")
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


# --- sending ------------------------------------------------------------------------------------


def _site_url(path: str) -> str:
    """An absolute link when the installation's address is known (its first trusted origin)."""
    base = settings.SITE_URL or next(iter(settings.CSRF_TRUSTED_ORIGINS), "")
    return f"{base.rstrip('/')}{path}"


def _address(user) -> str:
    person = getattr(user, "person", None)
    return user.email or (person.email if person is not None else "")


def _name(user) -> str:
    person = getattr(user, "person", None)
    return str(person) if person is not None else (user.get_full_name() or user.username)


def _refusal(user, obj) -> str:
    """Why ``user`` may not open the question or dashboard ``obj``; "" when they may."""
    if isinstance(obj, Question):
        perm, visible = "bi.view_question", access.visible_questions
    else:
        perm, visible = "bi.view_dashboard", access.visible_dashboards
    if not permissions.has_perm(user, perm):
        return _("The recipient's role does not allow opening it: nothing was sent.")
    if not visible(type(obj).objects.filter(pk=obj.pk), user).exists():
        return _("Not shared with this recipient: nothing was sent.")
    return ""


def _may_open(user, obj) -> bool:
    return not _refusal(user, obj)


def _csv_bytes(result: dict) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(safe_row(result["columns"]))
    writer.writerows(safe_rows(result["rows"]))
    return buffer.getvalue().encode("utf-8")


def _attachment(subscription: Subscription, recipient, now: dt.datetime, local_day: dt.date):
    """``(file name, bytes, MIME type, detail)`` of the file for ``recipient``, built with
    the recipient's rights. Raises :class:`Skip` when they may not open the content."""
    target = subscription.question or subscription.dashboard
    refusal = _refusal(recipient, target)
    if refusal:
        raise Skip(refusal)
    stem = f"{slugify(target.title) or 'openmis'}-{local_day:%Y-%m-%d}"
    fmt = subscription.format
    if isinstance(target, Dashboard):
        from openmis.bi.pdf import dashboard_pdf

        content = dashboard_pdf(target, recipient, now=now)
        name = f"{stem}.pdf"
        return name, content, MIME["pdf"], _("%(file)s sent.") % {"file": name}
    result = services.run_question(recipient, target, export=True)
    rows = len(result["rows"])
    if fmt == Subscription.Format.XLSX:
        if rows > XLSX_MAX_ROWS:
            raise ValueError(
                _("The result has %(rows)d rows, more than a spreadsheet can hold.")
                % {"rows": rows}
            )
        content, name = services.result_xlsx(result), f"{stem}.xlsx"
    else:
        content, name = _csv_bytes(result), f"{stem}.csv"
    detail = ngettext("%(file)s sent (%(rows)d row).", "%(file)s sent (%(rows)d rows).", rows) % {
        "file": name,
        "rows": rows,
    }
    return name, content, MIME["xlsx" if name.endswith(".xlsx") else "csv"], detail


def _error_text(exc: Exception) -> str:
    detail = getattr(exc, "detail", None)
    return str(detail) if detail else (str(exc) or type(exc).__name__)


def _deliver(subscription: Subscription, recipient, due: dt.datetime, now: dt.datetime):
    """Build and send one delivery; the (status, detail) to record."""
    address = _address(recipient)
    if not address:
        return Delivery.Status.SKIPPED, _("The recipient has no e-mail address.")
    zone = zone_of(recipient)
    local_due = due.astimezone(zone)
    try:
        name, content, mime, detail = _attachment(subscription, recipient, now, local_due.date())
    except Skip as skip:
        return Delivery.Status.SKIPPED, str(skip)
    except Exception as exc:  # any failure of the query or the PDF is recorded, not raised
        log.warning("Delivery of %s to %s failed", subscription.pk, recipient.pk, exc_info=True)
        return Delivery.Status.FAILED, _error_text(exc)
    target = subscription.question or subscription.dashboard
    subject = f"{target.title} — {subscription.get_frequency_display()}"
    body = "\n".join(
        [
            _("Hello %(name)s,") % {"name": _name(recipient)},
            "",
            _("Attached is “%(title)s” as of %(when)s (%(zone)s), with the data you may see.")
            % {
                "title": target.title,
                "when": local_due.strftime("%Y-%m-%d %H:%M"),
                "zone": zone.key,
            },
            _("Open it in OpenMIS: %(link)s") % {"link": _site_url(target.get_absolute_url())},
            "",
            _("You receive this e-mail because of the subscription %(link)s.")
            % {"link": _site_url(subscription.get_absolute_url())},
        ]
    )
    message = EmailMessage(subject, body, None, [address])
    message.attach(name, content, mime)
    try:
        message.send()
    except Exception as exc:  # the mail server refused it: recorded, the others still go
        log.warning("Mail of delivery %s to %s failed", subscription.pk, recipient.pk)
        return Delivery.Status.FAILED, _error_text(exc)
    return Delivery.Status.SENT, detail


def send_due(now: dt.datetime | None = None) -> dict:
    """Send every delivery that is due: the body of ``openmis manage send_deliveries``.

    For each active subscription and each recipient, the latest slot at or before ``now``
    (in the recipient's time zone) is due when it is at most 24 hours old, not older than
    the subscription, and has no delivery yet. Its :class:`~openmis.bi.models.Delivery` row
    is created first, so a concurrent sender skips it; then the file is built with the
    recipient's rights and e-mailed.

    Parameters
    ----------
    now
        The current time (aware); default :func:`django.utils.timezone.now`.

    Returns
    -------
    dict
        ``{"sent": n, "skipped": n, "failed": n}``: the deliveries made by this run.
    """
    now = _aware(now, "now") if now is not None else timezone.now()
    counts = {"sent": 0, "skipped": 0, "failed": 0}
    children = _children_map()
    subscriptions = (
        Subscription.objects.filter(active=True)
        .select_related("question", "dashboard")
        .prefetch_related("departments")
        .order_by("pk")
    )
    with translation.override(settings.LANGUAGE_CODE):
        for subscription in subscriptions:
            if subscription.question_id is None and subscription.dashboard_id is None:
                continue
            earliest = max(now - CATCH_UP, subscription.created)
            done = set(
                Delivery.objects.filter(subscription=subscription, due__gte=earliest).values_list(
                    "recipient_id", "due"
                )
            )
            for recipient in recipients_of(subscription, children=children):
                due = previous_due(subscription, recipient, now)
                if due < earliest or (recipient.pk, due) in done:
                    continue
                try:
                    with transaction.atomic():
                        delivery = Delivery.objects.create(
                            subscription=subscription,
                            recipient=recipient,
                            due=due,
                            status=Delivery.Status.FAILED,
                            detail=_("Sending was interrupted."),
                        )
                except IntegrityError:
                    continue  # another sender has taken this one
                status, detail = _deliver(subscription, recipient, due, now)
                Delivery.objects.filter(pk=delivery.pk).update(status=status, detail=detail)
                caching.bump("bi")  # a plain UPDATE sends no signals
                counts[str(status)] += 1
    return counts


# --- alerts -------------------------------------------------------------------------------------


def _alert_recipients(alert: Alert) -> list:
    users = [alert.owner] if alert.owner is not None else []
    users += list(alert.recipients.order_by("pk").select_related("person"))
    seen: set[int] = set()
    result = []
    for user in users:
        if user.is_active and user.pk not in seen:
            seen.add(user.pk)
            result.append(user)
    return result


def _watched_value(result: dict, column: str) -> tuple[Decimal | None, float | None, str]:
    """The value of ``column`` in the last row: ``(as a number, as stored, why not)``."""
    columns = list(result.get("columns", []))
    if column not in columns:
        return (
            None,
            None,
            _("The result has no column “%(column)s” (it has: %(columns)s).")
            % {"column": column, "columns": ", ".join(map(str, columns)) or "—"},
        )
    if not result.get("rows"):
        return None, None, _("The result has no rows.")
    raw = result["rows"][-1][columns.index(column)]
    if raw is None or isinstance(raw, bool):
        return None, None, _("The value of “%(column)s” is empty.") % {"column": column}
    try:
        number = Decimal(str(raw))
    except InvalidOperation:
        return (
            None,
            None,
            _("The value of “%(column)s” is not a number: %(value)s.")
            % {"column": column, "value": raw},
        )
    if not number.is_finite():
        return None, None, _("The value of “%(column)s” is not a number.") % {"column": column}
    return number, float(number), ""


def _plain(number: Decimal) -> str:
    """``400``, ``375.75``: a number without trailing zeros or an exponent."""
    return format(number.normalize(), "f")


def _alert_mail(alert: Alert, recipient, value: Decimal) -> EmailMessage:
    question = alert.question
    values = {
        "title": question.title,
        "column": alert.column,
        "threshold": _plain(alert.threshold),
        "value": _plain(value),
    }
    if alert.condition == Alert.Condition.ABOVE:
        subject = _("Alert: %(title)s — %(column)s is above %(threshold)s") % values
        news = _(
            "“%(column)s” of “%(title)s” is now %(value)s: it went above the limit of "
            "%(threshold)s (with the data you may see)."
        )
    else:
        subject = _("Alert: %(title)s — %(column)s is below %(threshold)s") % values
        news = _(
            "“%(column)s” of “%(title)s” is now %(value)s: it went below the limit of "
            "%(threshold)s (with the data you may see)."
        )
    body = "\n".join(
        [
            _("Hello %(name)s,") % {"name": _name(recipient)},
            "",
            news % values,
            _("Open it in OpenMIS: %(link)s") % {"link": _site_url(question.get_absolute_url())},
            "",
            _("You will not be told again until the value has gone back and crosses anew."),
            _("The alert: %(link)s") % {"link": _site_url(alert.get_absolute_url())},
        ]
    )
    return EmailMessage(subject, body, None, [_address(recipient)])


def check_alerts(now: dt.datetime | None = None) -> dict:
    """Check every active alert for each of its recipients: the body of
    ``openmis manage check_alerts``.

    Each recipient (the alert's recipients and its owner) is judged on the question's result
    as *they* may see it: the value of the alert's column in the last row, compared with the
    limit. An e-mail goes only on a crossing (the condition did not hold at the last check
    and holds now); the state per recipient is kept in
    :class:`~openmis.bi.models.AlertState`. A result without the column, without rows or
    with a value that is not a number counts as not crossed and is reported.

    Parameters
    ----------
    now
        The current time (aware); default :func:`django.utils.timezone.now`. Only for
        symmetry with :func:`send_due`: the state records when it was checked.

    Returns
    -------
    dict
        ``{"checked": n, "sent": n, "skipped": n, "failed": n, "problems": [str]}``:
        recipients judged, e-mails sent, recipients who may not see the question (or have no
        address), checks that failed, and what was wrong with each failed or unusable check.
    """
    now = _aware(now, "now") if now is not None else timezone.now()
    counts: dict = {"checked": 0, "sent": 0, "skipped": 0, "failed": 0, "problems": []}
    alerts = (
        Alert.objects.filter(active=True).select_related("question", "owner__person").order_by("pk")
    )
    with translation.override(settings.LANGUAGE_CODE):
        for alert in alerts:
            for recipient in _alert_recipients(alert):
                _check_one(alert, recipient, counts)
    return counts


def _check_one(alert: Alert, recipient, counts: dict) -> None:
    where = _("Alert %(pk)d, %(user)s") % {"pk": alert.pk, "user": recipient.get_username()}
    if not _may_open(recipient, alert.question) or not _address(recipient):
        counts["skipped"] += 1
        return
    try:
        result = services.run_question(recipient, alert.question)
    except Exception as exc:  # the query failed: the state stays as it was
        counts["failed"] += 1
        counts["problems"].append(f"{where}: {_error_text(exc)}")
        return
    number, stored, problem = _watched_value(result, alert.column)
    if problem:
        counts["problems"].append(f"{where}: {problem}")
    holds = number is not None and (
        number > alert.threshold
        if alert.condition == Alert.Condition.ABOVE
        else number < alert.threshold
    )
    try:
        with transaction.atomic():
            state, _created = AlertState.objects.select_for_update().get_or_create(
                alert=alert, recipient=recipient
            )
            crossed = holds and not state.triggered
            state.triggered, state.value, state.detail = holds, stored, problem or ""
            state.save()
            if crossed:
                _alert_mail(alert, recipient, number).send()
    except Exception as exc:  # the mail failed: the state is rolled back, so it retries
        log.warning("Alert %s for %s failed", alert.pk, recipient.pk, exc_info=True)
        counts["failed"] += 1
        counts["problems"].append(f"{where}: {_error_text(exc)}")
        return
    counts["checked"] += 1
    counts["sent"] += int(crossed)


# --- pages --------------------------------------------------------------------------------------


def subscription_context(subscription: Subscription, request) -> dict:
    """The subscription page's recipients (with their zone and next slot) and deliveries.

    Parameters
    ----------
    subscription
        The subscription shown.
    request
        The request (unused; the registry's ``detail_context`` signature).

    Returns
    -------
    dict
        ``recipient_rows``: ``{"user", "person", "zone", "next", "receives"}`` per recipient,
        ``next`` aware in the recipient's zone (None when the subscription is paused);
        ``deliveries``: the latest 20 deliveries.
    """
    now = timezone.now()
    target = subscription.question or subscription.dashboard
    rows = []
    for user in recipients_of(subscription):
        zone = zone_of(user)
        upcoming = next_due(subscription, user, now) if subscription.active else None
        rows.append(
            {
                "user": user,
                "person": getattr(user, "person", None),
                "zone": zone.key,
                "next": upcoming.astimezone(zone) if upcoming else None,
                "receives": target is not None and _may_open(user, target),
            }
        )
    deliveries = subscription.deliveries.select_related("recipient").order_by("-due", "-pk")
    return {
        "recipient_rows": rows,
        "deliveries": list(deliveries[:HISTORY]),
        "schedule": schedule_label(subscription),
    }


def overview_rows(subscriptions) -> list[dict]:
    """One row per subscription for the overview page: its recipients and last delivery.

    Parameters
    ----------
    subscriptions
        A queryset of subscriptions (already limited to what the viewer may see).

    Returns
    -------
    list of dict
        ``{"subscription", "schedule", "recipients", "departments", "last_due"}``.
    """
    children = _children_map()
    queryset = subscriptions.prefetch_related("departments").annotate(
        last_due=Max("deliveries__due")
    )
    return [
        {
            "subscription": subscription,
            "schedule": schedule_label(subscription),
            "recipients": recipients_of(subscription, children=children),
            "departments": list(subscription.departments.all()),
            "last_due": subscription.last_due,
        }
        for subscription in queryset.order_by("pk")
    ]
