"""Acknowledgement campaigns: publishing a policy version asks its audience to acknowledge it.

* :func:`start_campaign` (called by :func:`openmis.governance.policies.publish`) closes the
  policy's open campaign and asks everyone the audience reaches that day, less those exempted
  by an active exception (the person, their department or one above it, or a system of the
  policy they use).
  A *material* change asks everyone again; a *minor* one carries acknowledgements over
  (keeping the version acknowledged) and asks only those who never acknowledged.
* :func:`acknowledge` / :func:`decline`: only by the person asked, only while the version is
  the one in force (else a ValidationError naming the current version). An acknowledgement
  is final for its version: declining it afterwards is refused (naming the state), while a
  person who declined may change their mind and acknowledge; a carried-over acknowledgement
  (of an earlier version, before a minor change) may still be declined for the current one.
* :func:`run_daily` (``openmis manage governance_daily``): adds late joiners with their own
  due date, reminds before the due date, escalates overdue ones to the manager (or the
  department's leaders), once per stage. :func:`access_granted` answers the
  ``portfolio.access_granted`` hook for policies linked to the system.

Every step reads with a fixed number of queries whatever the size of the audience.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from openmis.core import caching, permissions, registry
from openmis.core.notifications import notify
from openmis.core.services import save_object
from openmis.core.workdays import add_working_days
from openmis.governance.audience_members import members
from openmis.governance.audiences import department_closure
from openmis.governance.models import (
    Acknowledgement,
    Campaign,
    Policy,
    PolicyException,
    PolicyVersion,
)
from openmis.governance.policies import manages, visible_policies
from openmis.org.models import Department, Person
from openmis.org.people import person_of
from openmis.org.roles import LEADER
from openmis.portfolio.access import in_force, users_of

State = Acknowledgement.State
REMINDER = "governance.acknowledgement_reminder"
ESCALATION = "governance.acknowledgement_overdue"
REMINDER_LABEL = gettext_lazy("Policy to acknowledge")
ESCALATION_LABEL = gettext_lazy("Policy acknowledgement overdue")
DRILL_DOWN_ROWS = 500  # people listed on a campaign's drill-down; the rest are counted


def acknowledge_days() -> int:
    """Working days people have to answer (setting ``OPENMIS_ACKNOWLEDGE_DAYS``, 14)."""
    return int(getattr(settings, "OPENMIS_ACKNOWLEDGE_DAYS", 14))


def reminder_days() -> int:
    """Days before the due date people are reminded (``OPENMIS_ACKNOWLEDGE_REMINDER_DAYS``, 3)."""
    return int(getattr(settings, "OPENMIS_ACKNOWLEDGE_REMINDER_DAYS", 3))


def due_from(day: date) -> date:
    """The due date of someone asked on ``day``: :func:`acknowledge_days` working days on."""
    return add_working_days(
        day, acknowledge_days(), getattr(settings, "OPENMIS_HOLIDAY_COUNTRY", "")
    )


# ---------------------------------------------------------------- who is asked


def _active_people() -> dict[int, int | None]:
    return dict(Person.objects.filter(active=True).values_list("pk", "department_id"))


def exempt_people(policy: Policy, people: dict[int, int | None], on: date) -> set[int]:
    """Who of ``people`` (``{person id: department id}``) an exception of ``policy`` active
    on ``on`` exempts: the person, their department or a department above it (an exception
    for a department covers its sub-departments, as an audience of a department reaches
    them), or a system of the policy they use. At most four queries."""
    rows = list(
        PolicyException.objects.filter(policy=policy)
        .active_on(on)
        .values_list("person_id", "department_id", "system_id")
    )
    if not rows:
        return set()
    persons = {p for p, _d, _s in rows if p}
    departments = {d for _p, d, _s in rows if d}
    if departments:  # the same walk down the tree as the audiences' resolver
        parents = dict(Department.objects.values_list("pk", "parent_id"))
        departments = department_closure(parents, departments)
    systems = {s for _p, _d, s in rows if s}
    if systems:
        linked = set(policy.systems.values_list("pk", flat=True))
        systems &= linked
    exempt = {pk for pk, dept in people.items() if pk in persons or dept in departments}
    if systems:
        for users in users_of(systems, on).values():
            exempt |= users & people.keys()
    return exempt


def _row(campaign, person_id, on, due: date, state=State.PENDING) -> Acknowledgement:
    """A new row: ``due`` is :func:`due_from` of ``on``, computed once by the caller (working
    days with public holidays cost tens of microseconds, per row they were most of a
    launch)."""
    return Acknowledgement(
        campaign=campaign,
        person_id=person_id,
        state=state,
        asked_on=on,
        due_date=due if state == State.PENDING else None,
    )


def start_campaign(version: PolicyVersion, on: date | None = None) -> Campaign | None:
    """Close the policy's open campaign and ask the audience to acknowledge ``version`` (just
    published). None when the policy has no audience. A fixed number of queries."""
    on = on or timezone.localdate()
    policy = version.policy
    previous = (
        Campaign.objects.filter(policy=policy, closed_on__isnull=True).order_by("-pk").first()
    )
    if previous is not None:
        Campaign.objects.filter(policy=policy, closed_on__isnull=True).update(closed_on=on)
    if policy.audience_id is None:
        return None
    campaign = Campaign.objects.create(
        policy=policy, policy_version=version, audience_id=policy.audience_id, started_on=on
    )
    reached = members(policy.audience, on)
    people = {pk: dept for pk, dept in _active_people().items() if pk in reached}
    exempt = exempt_people(policy, people, on)
    earlier = {}
    if previous is not None and version.change == PolicyVersion.Change.MINOR:
        earlier = {
            a.person_id: a
            for a in previous.acknowledgements.filter(state__in=[State.ACCEPTED, State.PENDING])
        }
    due = due_from(on)
    rows = []
    for pk in sorted(people):
        if pk in exempt:
            rows.append(_row(campaign, pk, on, due, State.EXEMPT))
            continue
        before = earlier.get(pk)
        if before is not None and before.state == State.ACCEPTED:
            rows.append(
                Acknowledgement(
                    campaign=campaign,
                    person_id=pk,
                    state=State.ACCEPTED,
                    asked_on=before.asked_on,
                    due_date=before.due_date,
                    acknowledged_version_id=before.acknowledged_version_id,
                    acknowledged_number=before.acknowledged_number,
                    acknowledged_sha256=before.acknowledged_sha256,
                    answered_at=before.answered_at,
                    carried=True,
                )
            )
        elif before is not None:  # asked already and not yet answered: keeps its due date
            rows.append(
                Acknowledgement(
                    campaign=campaign,
                    person_id=pk,
                    asked_on=before.asked_on,
                    due_date=before.due_date,
                    reminded_on=before.reminded_on,
                    escalated_on=before.escalated_on,
                )
            )
        else:
            rows.append(_row(campaign, pk, on, due))
    Acknowledgement.objects.bulk_create(rows, batch_size=1000)
    return campaign


def close_campaigns(version: PolicyVersion, on: date | None = None) -> int:
    """Close the open campaign of ``version`` (retired): nobody is asked any more."""
    on = on or timezone.localdate()
    return Campaign.objects.filter(policy_version=version, closed_on__isnull=True).update(
        closed_on=on
    )


def refresh_campaign(campaign: Campaign, on: date | None = None) -> int:
    """Follow the audience and the exceptions on ``on``: ask people it reaches now who were
    not asked (late joiners, with their own due date), record newly exempted people as
    exempt and ask again those whose exception expired. Returns how many were asked."""
    on = on or timezone.localdate()
    if campaign.audience_id is None or not campaign.is_open:
        return 0
    reached = members(campaign.audience, on)
    people = {pk: dept for pk, dept in _active_people().items() if pk in reached}
    exempt = exempt_people(campaign.policy, people, on)
    known = dict(campaign.acknowledgements.values_list("person_id", "state"))
    due = due_from(on)
    new = [
        _row(campaign, pk, on, due, State.EXEMPT if pk in exempt else State.PENDING)
        for pk in sorted(people.keys() - known.keys())
    ]
    Acknowledgement.objects.bulk_create(new, batch_size=1000)
    reopened = [pk for pk, state in known.items() if state == State.EXEMPT and pk not in exempt]
    now_exempt = [pk for pk, state in known.items() if state == State.PENDING and pk in exempt]
    if new or reopened or now_exempt:
        caching.bump("governance")  # bulk writes send no signal: cached dashboards move on
    if reopened:
        campaign.acknowledgements.filter(person_id__in=reopened).update(
            state=State.PENDING, asked_on=on, due_date=due_from(on)
        )
    if now_exempt:
        campaign.acknowledgements.filter(person_id__in=now_exempt).update(
            state=State.EXEMPT, due_date=None
        )
    return sum(1 for row in new if row.state == State.PENDING) + len(reopened)


def access_granted(system, accesses) -> None:
    """The ``portfolio.access_granted`` hook: the new users of ``system`` whose access holds
    today are asked at once to acknowledge the policies linked to it whose audience now
    reaches them; access from a later day waits for the daily round of that day
    (:func:`run_daily`), as enrolment does. One refresh per linked open campaign, whatever
    the number of new users."""
    today = timezone.localdate()
    if not in_force(accesses, today):
        return
    campaigns = Campaign.objects.filter(
        closed_on__isnull=True,
        audience__isnull=False,
        policy__in=Policy.objects.filter(systems=system.pk).values("pk"),
    ).select_related("policy", "audience")
    for campaign in campaigns:
        refresh_campaign(campaign, today)


# ---------------------------------------------------------------- answering


def _check(ack: Acknowledgement, user) -> Acknowledgement:
    person = person_of(user)
    if person is None or person.pk != ack.person_id:
        raise PermissionDenied(_("Only the person it is addressed to answers it."))
    ack = (
        Acknowledgement.objects.select_for_update()
        .select_related("campaign__policy_version", "campaign__policy")
        .get(pk=ack.pk)
    )
    version = ack.campaign.policy_version
    if version.state != PolicyVersion.State.PUBLISHED or not ack.campaign.is_open:
        current = ack.campaign.policy.versions.filter(state=PolicyVersion.State.PUBLISHED).first()
        if current is None:
            message = _(
                "Version %(number)s of “%(policy)s” is no longer in force, and no version is."
            ) % {"number": version.number, "policy": ack.campaign.policy}
        else:
            message = _(
                "Version %(number)s of “%(policy)s” is no longer in force: the current "
                "version is %(current)s."
            ) % {"number": version.number, "policy": ack.campaign.policy, "current": current.number}
        raise ValidationError(message, code="superseded")
    if ack.state == State.EXEMPT:
        raise ValidationError(_("You are exempted from this policy."), code="state")
    return ack


def acknowledge(ack: Acknowledgement, user) -> Acknowledgement:
    """Record that the person asked acknowledges the version in force: its number, SHA-256
    and when."""
    with transaction.atomic():
        ack = _check(ack, user)
        if ack.state == State.ACCEPTED and not ack.carried:
            return ack
        version = ack.campaign.policy_version
        ack.state = State.ACCEPTED
        ack.carried = False
        ack.acknowledged_version = version
        ack.acknowledged_number = version.number
        ack.acknowledged_sha256 = version.sha256
        ack.answered_at = timezone.now()
        ack.reason = ""
        save_object(ack, user)
    return ack


def decline(ack: Acknowledgement, user, reason: str) -> Acknowledgement:
    """Record that the person asked declines the version in force, with their reason. Refused
    once they acknowledged this very version: the evidence of who acknowledged which text
    must not be withdrawn by a later click (ask the policy's owner for an exception)."""
    reason = (reason or "").strip()
    with transaction.atomic():
        ack = _check(ack, user)
        if ack.state == State.ACCEPTED and not ack.carried:
            raise ValidationError(
                _(
                    "You already acknowledged version %(number)s of “%(policy)s”; an "
                    "acknowledged version cannot be declined. If it no longer suits you, ask "
                    "the policy's owner."
                )
                % {"number": ack.acknowledged_number, "policy": ack.campaign.policy},
                code="state",
            )
        if not reason:
            raise ValidationError({"reason": _("Say why you decline.")}, code="required")
        ack.state = State.DECLINED
        ack.carried = False
        ack.acknowledged_version = None
        ack.acknowledged_number = None
        ack.acknowledged_sha256 = ""
        ack.answered_at = timezone.now()
        ack.reason = reason[:2000]
        save_object(ack, user)
    return ack


# ---------------------------------------------------------------- reminders, escalation


def _leaders_of(department_ids) -> dict[int, list[Person]]:
    leaders: dict[int, list[Person]] = defaultdict(list)
    if not department_ids:
        return leaders
    rows = Person.objects.filter(
        active=True,
        department_id__in=sorted(department_ids),
        user__is_active=True,
        user__groups__role__slug=LEADER,
    ).distinct()
    for leader in rows:
        leaders[leader.department_id].append(leader)
    return leaders


def send_reminders(today: date | None = None) -> tuple[int, int]:
    """Remind people :func:`reminder_days` before their due date and escalate overdue
    acknowledgements to the person's manager (else their department's leaders), each once.
    Returns (reminders, escalations)."""
    today = today or timezone.localdate()
    pending = Acknowledgement.objects.filter(
        state=State.PENDING, campaign__closed_on__isnull=True, due_date__isnull=False
    ).select_related("person__manager", "campaign__policy", "campaign__policy_version")
    reminded = escalated = 0
    to_remind = list(
        pending.filter(
            reminded_on__isnull=True,
            due_date__gte=today,
            due_date__lte=today + timedelta(days=reminder_days()),
        )
    )
    for ack in to_remind:
        context = {"ack": ack, "policy": ack.campaign.policy, "due": ack.due_date}
        notify(
            ack.person,
            REMINDER,
            _reminder_subject,
            _reminder_body,
            context,
            obj=ack,
            key=f"reminder:{ack.due_date.isoformat()}",
        )
        reminded += 1
    if to_remind:
        Acknowledgement.objects.filter(pk__in=[a.pk for a in to_remind]).update(reminded_on=today)
    overdue = list(pending.filter(escalated_on__isnull=True, due_date__lt=today))
    leaders = _leaders_of({a.person.department_id for a in overdue if not a.person.manager_id})
    for ack in overdue:
        recipients = (
            [ack.person.manager]
            if ack.person.manager_id
            else [p for p in leaders.get(ack.person.department_id, []) if p.pk != ack.person_id]
        )
        context = {"ack": ack, "policy": ack.campaign.policy, "due": ack.due_date}
        for recipient in recipients:
            notify(
                recipient,
                ESCALATION,
                _escalation_subject,
                _escalation_body,
                context,
                obj=ack,
                key=f"overdue:{ack.due_date.isoformat()}",
            )
        escalated += 1
    if overdue:
        Acknowledgement.objects.filter(pk__in=[a.pk for a in overdue]).update(escalated_on=today)
    return reminded, escalated


def run_daily(today: date | None = None) -> dict[str, int]:
    """The daily round: late joiners asked, reminders and escalations sent."""
    today = today or timezone.localdate()
    asked = 0
    for campaign in Campaign.objects.filter(
        closed_on__isnull=True, audience__isnull=False
    ).select_related("policy", "audience"):
        with transaction.atomic():
            asked += refresh_campaign(campaign, today)
    reminded, escalated = send_reminders(today)
    return {"asked": asked, "reminded": reminded, "escalated": escalated}


def _reminder_subject(context):
    from openmis.core.formatting import date_text

    return _("Please acknowledge “%(title)s” by %(date)s") % {
        "title": context["policy"].title,
        "date": date_text(context["due"]),
    }


def _reminder_body(context):
    from openmis.core.formatting import date_text

    return _(
        "You are asked to read and acknowledge the policy “%(title)s” by %(date)s. Open "
        "“My acknowledgements” on your home page to read it and answer."
    ) % {"title": context["policy"].title, "date": date_text(context["due"])}


def _escalation_subject(context):
    return _("%(person)s has not acknowledged “%(title)s”") % {
        "person": context["ack"].person,
        "title": context["policy"].title,
    }


def _escalation_body(context):
    from openmis.core.formatting import date_text

    return _(
        "%(person)s was asked to acknowledge the policy “%(title)s” by %(date)s and has not "
        "answered yet. Please remind them."
    ) % {
        "person": context["ack"].person,
        "title": context["policy"].title,
        "date": date_text(context["due"]),
    }


# ---------------------------------------------------------------- who sees what


def visible_acknowledgements(queryset, user):
    """The acknowledgements ``user`` may read (the type's ``visible_to``): everyone's for the
    MIS office; otherwise their own, those of the people they manage and, for a department
    leader, those of their departments."""
    if user is None or not user.is_authenticated:
        return queryset.none()
    if manages(user):
        return queryset
    person = person_of(user)
    if person is None:
        return queryset.none()
    condition = Q(person_id=person.pk) | Q(person__manager_id=person.pk)
    object_type = registry.get(Acknowledgement)
    if permissions.write_scope(user, object_type, "view") == permissions.DEPARTMENT:
        condition |= Q(person__department_id__in=sorted(permissions.user_department_ids(user)))
    return queryset.filter(condition)


def visible_campaigns(queryset, user):
    """The campaigns of the policies ``user`` may see."""
    if manages(user):
        return queryset
    return queryset.filter(policy__in=visible_policies(Policy.objects.all(), user).values("pk"))


def my_pending(person: Person) -> list[Acknowledgement]:
    """What ``person`` must acknowledge now, soonest due first (one query)."""
    return list(
        Acknowledgement.objects.filter(
            person=person,
            state__in=[State.PENDING, State.DECLINED],
            campaign__closed_on__isnull=True,
            campaign__policy_version__state=PolicyVersion.State.PUBLISHED,
        )
        .select_related("campaign__policy", "campaign__policy_version")
        .order_by("due_date", "pk")
    )


# ---------------------------------------------------------------- dashboard


COLUMNS = ("accepted", "declined", "pending", "overdue", "exempt")


@dataclass
class DepartmentRow:
    """One department's line on a campaign's dashboard (pending includes overdue)."""

    department_id: int | None
    name: str
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COLUMNS, 0))

    @property
    def cells(self) -> list[tuple[str, int]]:
        """``(column, count)`` in the order of :data:`COLUMNS` (the table's cells, without a
        lookup per cell in the template: a dashboard has a row per department)."""
        return [(column, self.counts[column]) for column in COLUMNS]

    @property
    def total(self) -> int:
        return sum(self.counts[c] for c in ("accepted", "declined", "pending", "exempt"))


def state_counts(rows, key: str, today: date) -> dict:
    """``{value of key: {column: count}}`` of the acknowledgements ``rows`` grouped by ``key``
    (a field path such as ``"person__department_id"``): accepted, declined, pending (overdue
    included), overdue and exempt. One query whatever the number of rows."""
    counted = (
        rows.values(key, "state")
        .annotate(
            n=Count("pk"),
            late=Count("pk", filter=Q(state=State.PENDING, due_date__lt=today)),
        )
        .order_by()
    )
    found: dict = {}
    for line in counted:
        counts = found.setdefault(line[key], dict.fromkeys(COLUMNS, 0))
        counts[line["state"]] += line["n"]
        counts["overdue"] += line["late"]
    return found


def dashboard(campaign: Campaign, user, today: date | None = None) -> dict:
    """A campaign's counts per department (accepted, declined, pending, overdue, exempt) of
    the acknowledgements ``user`` may read; three queries whatever the number of people."""
    today = today or timezone.localdate()
    rows = visible_acknowledgements(campaign.acknowledgements.all(), user)
    by_department: dict[int | None, DepartmentRow] = {
        dept: DepartmentRow(dept, "", counts)
        for dept, counts in state_counts(rows, "person__department_id", today).items()
    }
    names = dict(
        Department.objects.filter(pk__in=[d for d in by_department if d]).values_list("pk", "name")
    )
    for dept, row in by_department.items():
        row.name = names.get(dept, "") if dept else str(_("No department"))
    departments = sorted(by_department.values(), key=lambda r: (r.department_id is None, r.name))
    totals = dict.fromkeys(COLUMNS, 0)
    for row in departments:
        for column in COLUMNS:
            totals[column] += row.counts[column]
    return {"departments": departments, "totals": totals}


#: What a campaign's dashboard shows: acknowledgements and campaigns, people and departments,
#: roles (what a reader may see).
DASHBOARD_DEPENDS_ON = ("governance", "org", "auth")


def dashboard_key(campaign: Campaign, user, today: date) -> tuple:
    """What a cached dashboard of ``campaign`` read by ``user`` on ``today`` depends on
    besides :data:`DASHBOARD_DEPENDS_ON`: the day (overdue counts), the language (the "No
    department" row, the numbers) and what the reader may see (everything for the MIS
    office, else their own rows)."""
    from django.utils.translation import get_language

    scope = ("all",) if manages(user) else ("user", user.pk)
    return ("governance.dashboard", campaign.pk, *scope, today.isoformat(), get_language())


def drill_down(campaign: Campaign, user, department=None, state: str = "", today=None) -> dict:
    """The people of one department (``department`` an id, 0 for none, None for all) in one
    column of the dashboard: the first :data:`DRILL_DOWN_ROWS` by name, the rest counted."""
    today = today or timezone.localdate()
    rows = visible_acknowledgements(campaign.acknowledgements.all(), user)
    if department == 0:
        rows = rows.filter(person__department__isnull=True)
    elif department is not None:
        rows = rows.filter(person__department_id=department)
    if state == "overdue":
        rows = rows.filter(state=State.PENDING, due_date__lt=today)
    elif state in State.values:
        rows = rows.filter(state=state)
    rows = rows.select_related("person__department").order_by(
        "person__last_name", "person__first_name", "pk"
    )
    shown = list(rows[:DRILL_DOWN_ROWS])
    more = rows.count() - len(shown)  # always asked: the page's queries stay the same
    return {"people": shown, "more": more}
