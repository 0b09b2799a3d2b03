"""Scheduled deliveries and threshold alerts of the BI app.

A subscription e-mails a dashboard (PDF) or a question (CSV or XLSX) daily, weekly or monthly
at a local time of *each recipient's* time zone; an alert e-mails its recipients when a value
of a question's result crosses a limit. Both compute what they send with the recipient's
rights (:func:`openmis.bi.results.run_question` applies the reader's row rules), never the
sender's: a recipient who may not open the question or dashboard gets nothing.

Cron runs :func:`send_due` (``openmis manage send_deliveries``) and
:func:`openmis.bi.alerts.check_alerts` (``openmis manage check_alerts``) every few minutes;
a :class:`~openmis.bi.models.Delivery` row per subscription, recipient and slot makes a
delivery go out once, even when two senders run at the same time. When a delivery is due is
:mod:`openmis.bi.schedule`'s to say.

The e-mails are core notices (:mod:`openmis.core.notifications`, kinds ``bi.delivery`` and
``bi.alert``): written in the recipient's language, sent by the task queue, retried, and
listed on the recipient's notifications page. A delivery's file is built as its e-mail
leaves (:func:`delivery_files`, the kind's ``attachments``), so a retry builds it anew.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import logging
import zoneinfo

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from openmis.bi import access, results
from openmis.bi.models import Dashboard, Delivery, Question, Subscription
from openmis.bi.schedule import (
    aware,
    next_due,
    previous_due,
    recipients_of,
    schedule_label,
    zone_of,
)
from openmis.core import caching, formatting, permissions
from openmis.core.exports import safe_row, safe_rows
from openmis.core.models import Notice
from openmis.core.notifications import notify, template

__all__ = [
    "DELIVERY",
    "delivery_files",
    "overview_rows",
    "send_due",
    "subscription_context",
]

log = logging.getLogger(__name__)

#: the kind of notice of a scheduled delivery (declared in ``registry.py``)
DELIVERY = "bi.delivery"

CATCH_UP = dt.timedelta(hours=24)
XLSX_MAX_ROWS = 1_048_575
HISTORY = 20
MIME = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


class Skip(Exception):
    """The recipient gets nothing, for the reason given (not an error)."""


# --- sending ------------------------------------------------------------------------------------


def site_url(path: str) -> str:
    """An absolute link when the installation's address is known (its first trusted origin)."""
    base = settings.SITE_URL or next(iter(settings.CSRF_TRUSTED_ORIGINS), "")
    return f"{base.rstrip('/')}{path}"


def address_of(user) -> str:
    person = getattr(user, "person", None)
    return user.email or (person.email if person is not None else "")


def name_of(user) -> str:
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


def may_open(user, obj) -> bool:
    return not _refusal(user, obj)


def _csv_bytes(result: dict) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(safe_row(result["columns"]))
    writer.writerows(safe_rows(result["rows"]))
    return buffer.getvalue().encode("utf-8")


def _attachment(
    subscription: Subscription,
    recipient,
    now: dt.datetime,
    local_day: dt.date,
    notice: Notice | None = None,
):
    """``(file name, bytes, MIME type, detail)`` of the file for ``recipient``, built with
    the recipient's rights (a PDF in the language and time zone of their ``notice``). Raises
    :class:`Skip` when they may not open the content."""
    target = subscription.question or subscription.dashboard
    refusal = _refusal(recipient, target)
    if refusal:
        raise Skip(refusal)
    stem = f"{slugify(target.title) or 'openmis'}-{local_day:%Y-%m-%d}"
    fmt = subscription.format
    if isinstance(target, Dashboard):
        from openmis.bi.pdf.document import dashboard_pdf

        language = (notice.language if notice else "") or translation.get_language()
        zone = (notice.time_zone if notice else "") or settings.TIME_ZONE
        with translation.override(language), timezone.override(zoneinfo.ZoneInfo(zone)):
            content = dashboard_pdf(target, recipient, now=now)
        name = f"{stem}.pdf"
        return name, content, MIME["pdf"], _("%(file)s sent.") % {"file": name}
    result = results.run_question(recipient, target, export=True)
    rows = len(result["rows"])
    if fmt == Subscription.Format.XLSX:
        if rows > XLSX_MAX_ROWS:
            raise ValueError(
                _("The result has %(rows)d rows, more than a spreadsheet can hold.")
                % {"rows": rows}
            )
        content, name = results.result_xlsx(result), f"{stem}.xlsx"
    else:
        content, name = _csv_bytes(result), f"{stem}.csv"
    detail = ngettext("%(file)s sent (%(rows)s row).", "%(file)s sent (%(rows)s rows).", rows) % {
        "file": name,
        "rows": formatting.number_text(rows),
    }
    return name, content, MIME["xlsx" if name.endswith(".xlsx") else "csv"], detail


def error_text(exc: Exception) -> str:
    detail = getattr(exc, "detail", None)
    return str(detail) if detail else (str(exc) or type(exc).__name__)


def _record(delivery: Delivery, status: str, detail: str) -> None:
    Delivery.objects.filter(pk=delivery.pk).update(status=status, detail=detail)
    caching.bump("bi")  # a plain UPDATE sends no signals


def delivery_files(notice: Notice) -> list[tuple[str, bytes, str]]:
    """The file of a delivery's e-mail, built when the e-mail leaves (the ``attachments`` of
    the ``bi.delivery`` kind): with the *recipient's* rights, so that their row rules apply,
    and built anew on each retry; nothing large is kept with the notice.

    Records on the :class:`~openmis.bi.models.Delivery` how it went (in the installation's
    language: its owner reads it). Raises when there is no file to send (the recipient may no
    longer open it, or the query failed), so that no e-mail leaves without its file and core
    tries again later.
    """
    delivery = (
        Delivery.objects.select_related(
            "subscription__question", "subscription__dashboard", "recipient__person"
        )
        .filter(notice=notice)
        .first()
    )
    if delivery is None:
        raise LookupError(f"Notice {notice.pk} belongs to no delivery.")
    subscription, recipient = delivery.subscription, delivery.recipient
    local_day = delivery.due.astimezone(zone_of(recipient)).date()
    with translation.override(settings.LANGUAGE_CODE):
        try:
            with transaction.atomic():  # a failed query leaves the transaction usable
                name, content, mime, detail = _attachment(
                    subscription, recipient, delivery.created, local_day, notice
                )
        except Skip as skip:
            _record(delivery, Delivery.Status.SKIPPED, str(skip))
            raise
        except Exception as exc:  # the query or the PDF failed: recorded, tried again later
            log.warning("Delivery %s failed", delivery.pk, exc_info=True)
            _record(delivery, Delivery.Status.FAILED, error_text(exc))
            raise
        _record(delivery, Delivery.Status.SENT, detail)
    return [(name, content, mime)]


def _queue(subscription: Subscription, recipient, delivery: Delivery, due: dt.datetime) -> str:
    """Hand one delivery to core's notifications, and record on it how that went; its
    status."""
    if not address_of(recipient):
        _record(delivery, Delivery.Status.SKIPPED, _("The recipient has no e-mail address."))
        return Delivery.Status.SKIPPED
    target = subscription.question or subscription.dashboard
    refusal = _refusal(recipient, target)
    if refusal:  # known now: no e-mail (and checked again when the file is built)
        _record(delivery, Delivery.Status.SKIPPED, refusal)
        return Delivery.Status.SKIPPED
    zone = zone_of(recipient)
    context = {
        "subscription": subscription,
        "title": target.title,
        "name": name_of(recipient),
        "when": due,  # written in the recipient's language and zone by notify()
        "zone": zone.key,
        "link": site_url(target.get_absolute_url()),
        "subscription_link": site_url(subscription.get_absolute_url()),
    }
    try:
        # the e-mail leaves once this commits; its file is built, and recorded, then
        with transaction.atomic():
            notice = notify(
                recipient,
                DELIVERY,
                template("bi/notices/delivery_subject.txt"),
                template("bi/notices/delivery_body.txt"),
                context,
                obj=subscription,
                key=f"bi.delivery:{subscription.pk}:{due.isoformat()}:{recipient.pk}",
            )
            if notice is None:  # this slot's e-mail was made before (its row was deleted)
                status, detail = Delivery.Status.SKIPPED, _("Sent before: not sent again.")
            else:
                status, detail = Delivery.Status.QUEUED, _("Waiting to be sent.")
            Delivery.objects.filter(pk=delivery.pk).update(
                status=status, detail=detail, notice=notice
            )
    except Exception as exc:  # recorded, the others still go
        log.warning("Delivery of %s to %s failed", subscription.pk, recipient.pk, exc_info=True)
        _record(delivery, Delivery.Status.FAILED, error_text(exc))
        return Delivery.Status.FAILED
    caching.bump("bi")
    return status


def send_due(now: dt.datetime | None = None) -> dict:
    """Send every delivery that is due: the body of ``openmis manage send_deliveries``.

    For each active subscription and each recipient, the latest slot at or before ``now``
    (in the recipient's time zone) is due when it is at most 24 hours old, not older than
    the subscription, and has no delivery yet. Its :class:`~openmis.bi.models.Delivery` row
    is created first, so a concurrent sender skips it; then the e-mail is handed to core's
    notifications (kind ``bi.delivery``, once per subscription, slot and recipient), in the
    recipient's language, and its file is built with the recipient's rights when it leaves
    (:func:`delivery_files`).

    Parameters
    ----------
    now
        The current time (aware); default :func:`django.utils.timezone.now`.

    Returns
    -------
    dict
        ``{"sent": n, "skipped": n, "failed": n}``: the deliveries made by this run ("sent":
        handed to the mail queue).
    """
    now = aware(now, "now") if now is not None else timezone.now()
    counts = {"sent": 0, "skipped": 0, "failed": 0}
    subscriptions = (
        Subscription.objects.filter(active=True)
        .select_related("question", "dashboard")
        .prefetch_related("departments")
        .order_by("pk")
    )
    # one scope a run: the department tree, people and roles are read once (until a write)
    with caching.request_scope(), translation.override(settings.LANGUAGE_CODE):
        for subscription in subscriptions:
            if subscription.question_id is None and subscription.dashboard_id is None:
                continue
            earliest = max(now - CATCH_UP, subscription.created)
            done = set(
                Delivery.objects.filter(subscription=subscription, due__gte=earliest).values_list(
                    "recipient_id", "due"
                )
            )
            for recipient in recipients_of(subscription):
                due = previous_due(subscription, recipient, now)
                if due < earliest or (recipient.pk, due) in done:
                    continue
                try:
                    with transaction.atomic():
                        delivery = Delivery.objects.create(
                            subscription=subscription,
                            recipient=recipient,
                            due=due,
                            created=now,
                            status=Delivery.Status.FAILED,
                            detail=_("Sending was interrupted."),
                        )
                except IntegrityError:
                    continue  # another sender has taken this one
                status = _queue(subscription, recipient, delivery, due)
                counts["sent" if status == Delivery.Status.QUEUED else str(status)] += 1
    return counts


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
                "receives": target is not None and may_open(user, target),
            }
        )
    deliveries = subscription.deliveries.select_related("recipient", "notice").order_by(
        "-due", "-pk"
    )
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
    queryset = subscriptions.prefetch_related("departments").annotate(
        last_due=Max("deliveries__due")
    )
    return [
        {
            "subscription": subscription,
            "schedule": schedule_label(subscription),
            "recipients": recipients_of(subscription),
            "departments": list(subscription.departments.all()),
            "last_due": subscription.last_due,
        }
        for subscription in queryset.order_by("pk")
    ]
