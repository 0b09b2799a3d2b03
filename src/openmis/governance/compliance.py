"""The compliance view: for a system, a department (with those below it) or a person, how the
people concerned stand with the policies that apply to them and the courses they must pass,
the exceptions that exempt them and the gaps left, counting only what the reader may see.

* :func:`figures` — per policy (its open campaign, the version in force): acknowledged,
  declined, pending (overdue included), overdue, exempt and the rate of acknowledged among
  those asked (the exempt counted apart); per course: assigned, completed (a valid
  certificate), expired, overdue; the active exceptions; the gaps (people who must still
  acknowledge or pass, and those whose exception expired). Reads the acknowledgements through
  :func:`openmis.governance.acknowledgements.state_counts` (the campaign dashboard's
  aggregation) and every row through the types' own ``visible_to``, with a fixed number of
  queries whatever the number of people.
* :func:`evidence` — who had acknowledged which exact version (number, SHA-256) of each
  policy *as of* a past day: answers given after it count as pending then, versions
  published after it are absent, exceptions count if active on that day.

An exemption recorded on an acknowledgement holds only while an exception still covers the
person: one that expired counts as pending (the gap it reopened) even before the daily
round asks the person again.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from openmis.core import permissions, registry
from openmis.governance.acknowledgements import COLUMNS, state_counts
from openmis.governance.models import (
    Acknowledgement,
    Campaign,
    Certificate,
    Course,
    Enrolment,
    Policy,
    PolicyException,
    PolicyVersion,
)
from openmis.governance.policies import manages
from openmis.governance.training import sees_all
from openmis.org import tree
from openmis.org.models import Department, Person
from openmis.org.people import person_of
from openmis.portfolio.access import current
from openmis.portfolio.models import System, SystemAccess

State = Acknowledgement.State
GAP_ROWS = 200  # people listed among the gaps of each kind; the rest are counted
EXCEPTION_ROWS = 50

SYSTEM, DEPARTMENT, PERSON = "system", "department", "person"
#: The model of each kind of subject.
SUBJECTS = {SYSTEM: System, DEPARTMENT: Department, PERSON: Person}

#: How a gap is named on the page, in the API (``state``) and in the drill-down filter.
GAP_STATES = {
    "pending": pgettext_lazy("compliance gap", "Pending"),
    "overdue": pgettext_lazy("compliance gap", "Overdue"),
    "declined": pgettext_lazy("compliance gap", "Declined"),
    "reopened": pgettext_lazy("compliance gap", "Exception expired"),
    "assigned": pgettext_lazy("compliance gap", "Not passed yet"),
    "expired": pgettext_lazy("compliance gap", "Certificate expired"),
}
#: The states of the evidence as of a day.
EVIDENCE_STATES = {
    "acknowledged": pgettext_lazy("compliance evidence", "Acknowledged"),
    "declined": pgettext_lazy("compliance evidence", "Declined"),
    "pending": pgettext_lazy("compliance evidence", "Pending"),
    "overdue": pgettext_lazy("compliance evidence", "Overdue"),
    "exempt": pgettext_lazy("compliance evidence", "Exempt"),
}


# ---------------------------------------------------------------- subjects and readers


@dataclass(frozen=True)
class Subject:
    """What the compliance is of: a system, a department (with sub-departments) or a person."""

    kind: str
    obj: System | Department | Person

    @property
    def label(self):
        return {
            SYSTEM: _("system"),
            DEPARTMENT: _("department"),
            PERSON: _("person"),
        }[self.kind]

    def people(self, today: dt.date) -> Q:
        """The condition on ``Person`` of the active people concerned (no query)."""
        if self.kind == PERSON:
            return Q(pk=self.obj.pk, active=True)
        if self.kind == DEPARTMENT:
            return Q(department_id__in=sorted(tree.descendants(self.obj.pk)), active=True)
        return Q(
            pk__in=SystemAccess.objects.filter(current(today), system=self.obj).values("person_id"),
            active=True,
        )

    def rows_of(self, today: dt.date) -> Q:
        """The same condition on rows that have a ``person``."""
        return Q(person__in=Person.objects.filter(self.people(today)).values("pk"))


def reader_scope(user) -> str | None:
    """How far ``user`` reads others' acknowledgements, as
    :func:`~openmis.governance.acknowledgements.visible_acknowledgements` decides:
    ``"all"`` (the MIS office), ``"department"`` (a department leader), or None (their own
    and their reports' only)."""
    if user is None or not user.is_authenticated:
        return None
    if manages(user) or sees_all(user):
        return permissions.ALL
    if permissions.write_scope(user, registry.get(Acknowledgement), "view") == (
        permissions.DEPARTMENT
    ):
        return permissions.DEPARTMENT
    return None


def can_view_overview(user) -> bool:
    """Whether ``user`` may open the compliance of systems and departments (the MIS office,
    department leaders: who reads others' acknowledgements beyond their own reports)."""
    return reader_scope(user) in (permissions.ALL, permissions.DEPARTMENT)


def can_view_person(user, person: Person) -> bool:
    """Whether ``user`` may open ``person``'s compliance: their own, their reports', their
    departments' for a department leader, everyone's for the MIS office."""
    scope = reader_scope(user)
    if scope == permissions.ALL:
        return True
    me = person_of(user)
    if me is None:
        return False
    if person.pk == me.pk or person.manager_id == me.pk:
        return True
    return (
        scope == permissions.DEPARTMENT
        and person.department_id in permissions.user_department_ids(user)
    )


def check(user, subject: Subject) -> None:
    """Raise PermissionDenied unless ``user`` may open ``subject``'s compliance."""
    allowed = (
        can_view_person(user, subject.obj) if subject.kind == PERSON else can_view_overview(user)
    )
    if not allowed:
        raise PermissionDenied(_("Your role does not allow this."))


# ---------------------------------------------------------------- figures


@dataclass
class PolicyFigures:
    """One policy's line: its version in force and the counts of the people concerned."""

    policy: Policy
    version: PolicyVersion | None
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COLUMNS, 0))
    reopened: int = 0  # exempt rows whose exception expired: counted in pending too

    @property
    def asked(self) -> int:
        """Those who must acknowledge (the exempt left out)."""
        return self.counts["accepted"] + self.counts["declined"] + self.counts["pending"]

    @property
    def rate(self) -> float | None:
        """Acknowledged among those asked (None when nobody was asked)."""
        return self.counts["accepted"] / self.asked if self.asked else None


@dataclass
class CourseFigures:
    """One course's line: enrolments of the people concerned and how many hold a valid
    certificate."""

    course: Course
    assigned: int = 0
    completed: int = 0
    expired: int = 0
    overdue: int = 0

    @property
    def rate(self) -> float | None:
        return self.completed / self.assigned if self.assigned else None


@dataclass
class Gap:
    """A person who must still do something: acknowledge a policy or pass a course."""

    person: Person
    kind: str  # "policy" or "course"
    item: Policy | Course
    state: str  # a key of GAP_STATES
    due_date: dt.date | None = None
    obj: Acknowledgement | Enrolment | None = None

    @property
    def state_label(self):
        return GAP_STATES[self.state]


@dataclass
class Compliance:
    subject: Subject
    today: dt.date
    people: int
    policies: list[PolicyFigures]
    courses: list[CourseFigures]
    exceptions: list[PolicyException]
    gaps: list[Gap] = field(default_factory=list)
    more_gaps: int = 0

    @property
    def totals(self) -> dict:
        """The policies' counts added up, with the overall rate."""
        counts = dict.fromkeys(COLUMNS, 0)
        for line in self.policies:
            for column in COLUMNS:
                counts[column] += line.counts[column]
        asked = counts["accepted"] + counts["declined"] + counts["pending"]
        assigned = sum(c.assigned for c in self.courses)
        completed = sum(c.completed for c in self.courses)
        return {
            **counts,
            "asked": asked,
            "rate": counts["accepted"] / asked if asked else None,
            "assigned": assigned,
            "completed": completed,
            "completion": completed / assigned if assigned else None,
            "expired": sum(c.expired for c in self.courses),
            "training_overdue": sum(c.overdue for c in self.courses),
            "all_overdue": counts["overdue"] + sum(c.overdue for c in self.courses),
        }


def _covering(exceptions, today: dt.date) -> Q:
    """The condition on acknowledgements of being covered by one of ``exceptions`` (the
    person, their department or one above it, or a system of the policy they use). Grows
    with the exceptions, never with the people."""
    condition = Q(pk__in=[])
    for exc in exceptions:
        if exc.person_id:
            who = Q(person_id=exc.person_id)
        elif exc.department_id:
            who = Q(person__department_id__in=sorted(tree.descendants(exc.department_id)))
        else:
            who = Q(
                person_id__in=SystemAccess.objects.filter(
                    current(today), system_id=exc.system_id
                ).values("person_id")
            ) & Q(
                campaign__policy_id__in=Policy.systems.through.objects.filter(
                    system_id=exc.system_id
                ).values("policy_id")
            )
        condition |= Q(campaign__policy_id=exc.policy_id) & who
    return condition


def _active_exceptions(today: dt.date, policy_ids=None):
    rows = PolicyException.objects.active_on(today)
    if policy_ids is not None:
        rows = rows.filter(policy_id__in=policy_ids)
    return list(rows.only("pk", "policy_id", "person_id", "department_id", "system_id"))


def _acknowledgements(subject: Subject, user, today: dt.date):
    """The visible acknowledgements of the open campaigns concerning ``subject``."""
    policy_type = registry.get(Policy)
    rows = registry.get(Acknowledgement).for_user(
        user,
        Acknowledgement.objects.filter(
            subject.rows_of(today),
            campaign__closed_on__isnull=True,
            campaign__policy__in=policy_type.for_user(user).values("pk"),
        ),
    )
    if subject.kind == SYSTEM:
        rows = rows.filter(campaign__policy__systems=subject.obj)
    return rows


def _enrolments(subject: Subject, user, today: dt.date):
    rows = registry.get(Enrolment).for_user(
        user,
        Enrolment.objects.filter(subject.rows_of(today)).exclude(status=Enrolment.Status.CANCELLED),
    )
    if subject.kind == SYSTEM:
        rows = rows.filter(course__systems=subject.obj)
    valid = Certificate.objects.filter(enrolment=OuterRef("pk"), voided_on__isnull=True).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=today)
    )
    lapsed = Certificate.objects.filter(
        enrolment=OuterRef("pk"), voided_on__isnull=True, valid_until__lt=today
    )
    return rows.annotate(has_valid=Exists(valid), has_lapsed=Exists(lapsed))


def figures(user, subject: Subject, today: dt.date | None = None, gaps: bool = True, **drill):
    """The compliance of ``subject`` as ``user`` may see it (see the module's docstring).
    ``drill`` narrows the gaps listed: ``policy`` / ``course`` (ids), ``state`` (a key of
    :data:`GAP_STATES`). A fixed number of queries whatever the number of people."""
    today = today or timezone.localdate()
    acks = _acknowledgements(subject, user, today)
    exceptions = _active_exceptions(today)
    covered = _covering(exceptions, today)
    stale = Q(state=State.EXEMPT) & ~covered
    by_policy = state_counts(acks.exclude(stale), "campaign__policy_id", today)
    reopened = dict(
        acks.filter(stale)
        .values("campaign__policy_id")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("campaign__policy_id", "n")
    )
    published = Prefetch(
        "versions",
        queryset=PolicyVersion.objects.filter(state=PolicyVersion.State.PUBLISHED),
        to_attr="in_force",
    )
    policy_rows = Policy.objects.filter(pk__in=sorted({*by_policy, *reopened}))
    if subject.kind == SYSTEM:  # the system's policies, even those nobody was asked yet
        policy_rows = registry.get(Policy).for_user(
            user, Policy.objects.filter(Q(pk__in=policy_rows.values("pk")) | Q(systems=subject.obj))
        )
    lines = []
    for policy in policy_rows.prefetch_related(published).order_by("title").distinct():
        line = PolicyFigures(policy, policy.in_force[0] if policy.in_force else None)
        line.counts.update(by_policy.get(policy.pk, {}))
        line.reopened = reopened.get(policy.pk, 0)
        line.counts["pending"] += line.reopened
        lines.append(line)

    enrolments = _enrolments(subject, user, today)
    counted = {
        row["course_id"]: row
        for row in enrolments.values("course_id")
        .annotate(
            assigned=Count("pk"),
            completed=Count("pk", filter=Q(has_valid=True)),
            expired=Count("pk", filter=Q(has_valid=False, has_lapsed=True)),
            overdue=Count("pk", filter=Q(has_valid=False, due_date__lt=today)),
        )
        .order_by()
    }
    course_rows = Course.objects.filter(pk__in=sorted(counted))
    if subject.kind == SYSTEM:
        course_rows = Course.objects.filter(Q(pk__in=sorted(counted)) | Q(systems=subject.obj))
    courses = []
    for course in course_rows.order_by("title").distinct():
        row = counted.get(course.pk, {})
        courses.append(
            CourseFigures(
                course,
                assigned=row.get("assigned", 0),
                completed=row.get("completed", 0),
                expired=row.get("expired", 0),
                overdue=row.get("overdue", 0),
            )
        )

    result = Compliance(
        subject=subject,
        today=today,
        people=Person.objects.filter(subject.people(today)).count(),
        policies=lines,
        courses=courses,
        exceptions=_exceptions_of(subject, user, today),
    )
    if gaps:
        result.gaps, result.more_gaps = _gaps(acks, covered, enrolments, today, **drill)
    return result


def _exceptions_of(subject: Subject, user, today: dt.date) -> list[PolicyException]:
    """The active exceptions exempting ``subject`` or some of its people (one query)."""
    if subject.kind == PERSON:
        person = subject.obj
        condition = (
            Q(person=person)
            | Q(department_id__in=tree.ancestors(person.department_id))
            | Q(
                system_id__in=SystemAccess.objects.filter(current(today), person=person).values(
                    "system_id"
                )
            )
        )
    elif subject.kind == DEPARTMENT:
        below = sorted(tree.descendants(subject.obj.pk))
        condition = (
            Q(person__department_id__in=below)
            | Q(department_id__in=below)
            | Q(department_id__in=tree.ancestors(subject.obj.pk))
        )
    else:
        condition = Q(system=subject.obj) | Q(
            person_id__in=SystemAccess.objects.filter(current(today), system=subject.obj).values(
                "person_id"
            )
        )
    rows = registry.get(PolicyException).for_user(
        user, PolicyException.objects.active_on(today).filter(condition)
    )
    return list(
        rows.select_related("policy", "person", "department", "system").order_by("expires", "pk")[
            :EXCEPTION_ROWS
        ]
    )


def _gaps(acks, covered, enrolments, today, policy=None, course=None, state=""):
    """The people who must still acknowledge or pass, the first :data:`GAP_ROWS` of each
    kind by name, and how many more there are (four queries)."""
    if state and state not in GAP_STATES:
        state = ""
    open_rows = acks.filter(
        Q(state__in=[State.PENDING, State.DECLINED]) | (Q(state=State.EXEMPT) & ~covered)
    )
    if course is not None:
        open_rows = open_rows.none()
    if policy is not None:
        open_rows = open_rows.filter(campaign__policy_id=policy)
    if state == "overdue":
        open_rows = open_rows.filter(state=State.PENDING, due_date__lt=today)
    elif state == "pending":
        open_rows = open_rows.filter(state=State.PENDING)
    elif state == "declined":
        open_rows = open_rows.filter(state=State.DECLINED)
    elif state == "reopened":
        open_rows = open_rows.filter(state=State.EXEMPT)
    elif state:
        open_rows = open_rows.none()
    order = ("person__last_name", "person__first_name", "pk")
    shown = list(
        open_rows.select_related("person__department", "campaign__policy").order_by(*order)[
            :GAP_ROWS
        ]
    )
    more = open_rows.count() - len(shown)
    gaps = []
    for ack in shown:
        if ack.state == State.EXEMPT:
            name = "reopened"
        elif ack.state == State.DECLINED:
            name = "declined"
        else:
            name = "overdue" if ack.overdue_on(today) else "pending"
        gaps.append(Gap(ack.person, "policy", ack.campaign.policy, name, ack.due_date, ack))

    missing = enrolments.filter(has_valid=False)
    if policy is not None:
        missing = missing.none()
    if course is not None:
        missing = missing.filter(course_id=course)
    if state == "expired":
        missing = missing.filter(has_lapsed=True)
    elif state == "overdue":
        missing = missing.filter(due_date__lt=today)
    elif state == "assigned":
        missing = missing.filter(has_lapsed=False)
    elif state:
        missing = missing.none()
    shown = list(missing.select_related("person__department", "course").order_by(*order)[:GAP_ROWS])
    more += missing.count() - len(shown)
    for enrolment in shown:
        if enrolment.has_lapsed:
            name = "expired"
        elif enrolment.due_date is not None and enrolment.due_date < today:
            name = "overdue"
        else:
            name = "assigned"
        gaps.append(
            Gap(enrolment.person, "course", enrolment.course, name, enrolment.due_date, enrolment)
        )
    gaps.sort(key=lambda g: (g.person.last_name, g.person.first_name, g.person.pk, g.kind))
    return gaps, more


# ---------------------------------------------------------------- evidence as of a day


@dataclass
class EvidenceRow:
    policy: Policy
    version: PolicyVersion  # the version in force that day
    person: Person
    state: str  # a key of EVIDENCE_STATES
    ack: Acknowledgement

    @property
    def acknowledged(self) -> bool:
        return self.state == "acknowledged"

    @property
    def state_label(self):
        return EVIDENCE_STATES[self.state]


def _exceptions_on(day: dt.date, policy_ids) -> list[PolicyException]:
    """The exceptions that applied on ``day``: recorded by then and not yet expired."""
    end = timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))
    return list(
        PolicyException.objects.active_on(day)
        .filter(policy_id__in=policy_ids, created__lt=end)
        .only("pk", "policy_id", "person_id", "department_id", "system_id")
    )


def evidence(
    user,
    as_of: dt.date,
    department: Department | None = None,
    system: System | None = None,
    policy: Policy | None = None,
) -> list[EvidenceRow]:
    """Who had acknowledged which version of each policy ``user`` may see, as of the end of
    ``as_of``: the campaign then open (the version then in force), the people asked by then
    (of ``department`` and those below, or users of ``system`` on that day), and each one's
    state that day. A fixed number of queries."""
    campaigns = Campaign.objects.filter(started_on__lte=as_of).filter(
        Q(closed_on__isnull=True) | Q(closed_on__gt=as_of)
    )
    campaigns = campaigns.filter(
        policy__in=registry.get(Policy).for_user(user).values("pk"),
    )
    if policy is not None:
        campaigns = campaigns.filter(policy=policy)
    if system is not None:
        campaigns = campaigns.filter(policy__systems=system)
    rows = Acknowledgement.objects.filter(campaign__in=campaigns.values("pk"), asked_on__lte=as_of)
    if department is not None:
        rows = rows.filter(person__department_id__in=sorted(tree.descendants(department.pk)))
    if system is not None:
        rows = rows.filter(
            person_id__in=SystemAccess.objects.filter(current(as_of), system=system).values(
                "person_id"
            )
        )
    rows = registry.get(Acknowledgement).for_user(user, rows)
    exceptions = _exceptions_on(as_of, campaigns.values("policy_id"))
    exempt = (
        set(rows.filter(_covering(exceptions, as_of)).values_list("pk", flat=True))
        if exceptions
        else set()
    )
    rows = rows.select_related(
        "person__department", "campaign__policy", "campaign__policy_version"
    ).order_by("campaign__policy__title", "person__last_name", "person__first_name", "pk")
    zone = timezone.get_current_timezone()
    found = []
    for ack in rows:
        answered = ack.answered_at is not None and ack.answered_at.astimezone(zone).date() <= as_of
        if ack.state == State.ACCEPTED and answered:
            state = "acknowledged"
        elif ack.state == State.DECLINED and answered:
            state = "declined"
        elif ack.pk in exempt:
            state = "exempt"
        elif ack.due_date is not None and ack.due_date < as_of:
            state = "overdue"
        else:
            state = "pending"
        found.append(
            EvidenceRow(ack.campaign.policy, ack.campaign.policy_version, ack.person, state, ack)
        )
    return found
