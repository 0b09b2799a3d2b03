"""What meetings produce: outcomes and action items, who sees which action items, the overdue
ones by department, and the daily reminders to their owners."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from openmis.core import caching
from openmis.core.notifications import notify
from openmis.core.services import save_object
from openmis.meetings.models import ActionItem, Occurrence, Outcome
from openmis.org.people import person_of

#: The kind of notice that reminds owners of their due action items (see registry.py).
ACTION_REMINDER = "meetings.action_reminder"


#: The default time to do an action item when the series has no later meeting.
DEFAULT_DAYS = 7


def next_meeting(occurrence: Occurrence, now=None) -> Occurrence | None:
    """The series' next meeting that is held after ``occurrence`` and after ``now``: the one
    where the action items of ``occurrence`` come up again."""
    now = now or timezone.now()
    return (
        Occurrence.objects.filter(
            series_id=occurrence.series_id, start__gt=max(occurrence.start, now)
        )
        .exclude(status=Occurrence.Status.CANCELLED)
        .select_related("series")
        .order_by("start")
        .first()
    )


def default_due_date(occurrence: Occurrence | None, now=None) -> date:
    """The due date a new action item of ``occurrence`` starts with: the day of the series'
    next meeting (so it is not due before the meeting that follows it up), or a week from
    today, whichever is later."""
    now = now or timezone.now()
    due = timezone.localdate(now) + timedelta(days=DEFAULT_DAYS)
    following = next_meeting(occurrence, now) if occurrence is not None else None
    if following is not None:
        due = max(due, following.local_start.date())
    return due


def add_outcome(occurrence: Occurrence, kind: str, text: str, user=None) -> Outcome:
    """Record what the meeting produced: information, a decision or an action."""
    outcome = Outcome(occurrence=occurrence, kind=kind, text=text)
    outcome.full_clean()
    return save_object(outcome, user)


@transaction.atomic
def add_action_item(
    occurrence: Occurrence,
    title: str,
    owner,
    due_date: date,
    user=None,
    as_outcome=True,
    contact=None,
) -> ActionItem:
    """Record an action item for ``owner`` (a person) or ``contact`` (a contact of the
    series' client); with ``as_outcome`` it is also one of the meeting's outcomes (kind
    "action item")."""
    item = ActionItem(
        title=title, occurrence=occurrence, owner=owner, contact=contact, due_date=due_date
    )
    item.full_clean()  # before the outcome: a refused owner records nothing
    if as_outcome:
        item.outcome = add_outcome(occurrence, Outcome.Kind.ACTION, title, user)
    return save_object(item, user)


def set_action_status(item: ActionItem, status: str, user=None) -> ActionItem:
    """Mark an action item done (its completion date is kept) or open again."""
    if status not in ActionItem.Status.values:
        raise ValidationError({"status": _("Unknown status.")})
    item.status = status
    return save_object(item, user)


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


def action_department(item: ActionItem) -> int | None:
    """The department an action item belongs to, for department-scoped writers: its owner's;
    for an item a client's contact does, the department of its meeting's series (the
    leaders of that department give it out in their meetings with the client). A contact
    of another client than the series' is refused by :meth:`ActionItem.clean`."""
    if item.owner_id is not None:
        return item.owner.department_id
    if item.contact_id is None:
        return None
    occurrence = item.occurrence if item.occurrence_id is not None else None
    if occurrence is None and item.outcome_id is not None:
        occurrence = item.outcome.occurrence
    if occurrence is None or occurrence.series.client_id != item.contact.client_id:
        return None  # not a contact of the meeting's client: no department's to give
    return occurrence.series.department_id


def visible_action_items(queryset, user):
    """The action items ``user`` may see: everyone's for those who may see the meetings (MIS
    staff, directors, department leaders, analysts) — but those of a confidential meeting
    only when they may read it (:mod:`~openmis.meetings.confidentiality`) — and only their
    own for the others (employees, who hold no more than the view permission of action
    items)."""
    from openmis.core import permissions
    from openmis.meetings import confidentiality

    if permissions.has_perm(user, "meetings.view_occurrence"):
        # a confidential meeting's items only for its readers (and their owners)
        return confidentiality.visible_action_items(queryset, user)
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
    return items.select_related(
        "owner__department", "contact__client", "occurrence__series"
    ).order_by("owner__department__name", "due_date", "pk")


def overdue_by_department(today: date | None = None, user=None) -> list[dict]:
    """``[{"department", "department__name", "n"}]``, most overdue items first (of those
    ``user`` may see, when given); items owned by client contacts have no department."""
    return list(
        _overdue(today, user)
        .filter(owner__isnull=False)
        .values("owner__department", "owner__department__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "owner__department__name")
    )


def send_action_reminders(today: date | None = None) -> int:
    """Notify each owner of open action items due today or overdue, at most once a day, in
    their language; returns how many were notified. Run daily
    (``openmis manage send_action_reminders``)."""
    today = today or timezone.localdate()
    items = (
        ActionItem.objects.filter(status=ActionItem.Status.OPEN, due_date__lte=today)
        .filter(Q(reminded_on__isnull=True) | Q(reminded_on__lt=today))
        .filter(owner__isnull=False)  # a client contact is reminded in the next meeting
        .exclude(owner__email="")
        .select_related("owner", "occurrence__series")
        .order_by("owner", "due_date", "pk")
    )
    by_owner = defaultdict(list)
    for item in items:
        by_owner[item.owner].append(item)
    sent = 0
    for owner, owned in by_owner.items():
        context = {"owner": owner, "items": owned, "today": today}
        with transaction.atomic():
            notice = notify(
                owner,
                ACTION_REMINDER,
                _reminder_subject,
                _reminder_body,
                context,
                obj=owner,
                key=f"{today.isoformat()} {','.join(str(i.pk) for i in owned)}",
            )
            ActionItem.objects.filter(pk__in=[i.pk for i in owned]).update(reminded_on=today)
        caching.bump("meetings")
        sent += notice is not None
    return sent


def _reminder_subject(context: dict) -> str:
    owned, today = context["items"], context["today"]
    overdue = sum(1 for i in owned if i.due_date < today)
    return _("Action items due: %(count)d (%(overdue)d overdue)") % {
        "count": len(owned),
        "overdue": overdue,
    }


def _reminder_body(context: dict) -> str:
    lines = [
        _("Hello %(name)s,") % {"name": context["owner"].first_name},
        "",
        _("These action items are due today or overdue:"),
        "",
    ]
    for item in context["items"]:
        meeting = f" ({item.occurrence})" if item.occurrence_id else ""
        lines.append(
            _("- %(title)s, due %(date)s%(meeting)s")
            % {"title": item.title, "date": item.due_date, "meeting": meeting}
        )
    lines += ["", _("Mark them done on your OpenMIS home page.")]
    return "\n".join(lines)
