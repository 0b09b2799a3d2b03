"""Threshold alerts: e-mail the recipients of an alert when a value of a question's result
crosses its limit, computed with each recipient's own rights (``openmis manage
check_alerts`` runs :func:`check_alerts` every few minutes)."""

from __future__ import annotations

import datetime as dt
import logging
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from openmis.bi import results
from openmis.bi.deliveries import address_of, error_text, may_open, name_of, site_url
from openmis.bi.models import Alert, AlertState
from openmis.bi.schedule import aware
from openmis.core.notifications import notify, template

__all__ = ["ALERT", "check_alerts"]

log = logging.getLogger(__name__)

#: the kind of notice of an alert (declared in ``registry.py``)
ALERT = "bi.alert"


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


def _alert_context(alert: Alert, recipient, value: Decimal) -> dict:
    question = alert.question
    return {
        "above": alert.condition == Alert.Condition.ABOVE,
        "name": name_of(recipient),
        "title": question.title,
        "column": alert.column,
        "threshold": _plain(alert.threshold),
        "value": _plain(value),
        "link": site_url(question.get_absolute_url()),
        "alert_link": site_url(alert.get_absolute_url()),
    }


def check_alerts(now: dt.datetime | None = None) -> dict:
    """Check every active alert for each of its recipients: the body of
    ``openmis manage check_alerts``.

    Each recipient (the alert's recipients and its owner) is judged on the question's result
    as *they* may see it: the value of the alert's column in the last row, compared with the
    limit. An e-mail goes only on a crossing (the condition did not hold at the last check
    and holds now), as a notice of kind ``bi.alert`` that core's notifications send in the
    recipient's language once the check commits; the state per recipient is kept in
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
    now = aware(now, "now") if now is not None else timezone.now()
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
    if not may_open(recipient, alert.question) or not address_of(recipient):
        counts["skipped"] += 1
        return
    try:
        result = results.run_question(recipient, alert.question)
    except Exception as exc:  # the query failed: the state stays as it was
        counts["failed"] += 1
        counts["problems"].append(f"{where}: {error_text(exc)}")
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
            # the last check before the crossing: one e-mail per triggering, even if a
            # check runs twice
            since = state.checked.isoformat()
            state.triggered, state.value, state.detail = holds, stored, problem or ""
            state.save()
            notice = None
            if crossed:  # sent by core once this commits, in the recipient's language
                notice = notify(
                    recipient,
                    ALERT,
                    template("bi/notices/alert_subject.txt"),
                    template("bi/notices/alert_body.txt"),
                    _alert_context(alert, recipient, number),
                    obj=alert,
                    key=f"bi.alert:{alert.pk}:{recipient.pk}:{state.pk}:{since}",
                )
    except Exception as exc:  # the state is rolled back, so it is tried at the next check
        log.warning("Alert %s for %s failed", alert.pk, recipient.pk, exc_info=True)
        counts["failed"] += 1
        counts["problems"].append(f"{where}: {error_text(exc)}")
        return
    counts["checked"] += 1
    counts["sent"] += int(notice is not None)
