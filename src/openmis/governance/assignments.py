"""Assigning courses: enrolling an audience (an assignment) or the users of a system (its
required courses) in bulk, idempotently; the portfolio's triggers (go-live, new access,
retirement); the daily pass (late joiners, renewals, reminders).

Enrolling never opens a second enrolment of a person in a course (there is one per person and
course; a closed one is reopened) and leaves alone people whose certificate is valid for more
than :data:`~openmis.governance.training.EXPIRING_DAYS` days. Every enrolment remembers why
it exists (:class:`~openmis.governance.models.EnrolmentSource`), so that retiring a system
cancels only the enrolments that system alone caused.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from openmis.core.formatting import date_text
from openmis.core.notifications import notify
from openmis.governance import audience_members
from openmis.governance.models import (
    Certificate,
    Course,
    CourseAssignment,
    Enrolment,
    EnrolmentSource,
)
from openmis.governance.training import EXPIRING_DAYS
from openmis.portfolio.access import in_force, users_of
from openmis.portfolio.models import System

#: Days the users of a system have to pass its required courses (go-live, new access).
SYSTEM_DUE_DAYS = 30
#: Days to pass a course again once its certificate expired.
RENEWAL_DUE_DAYS = 30
#: Days before the due date the person is reminded.
REMINDER_DAYS = 7
#: Statuses of an enrolment still to be completed.
OPEN = (Enrolment.Status.ASSIGNED, Enrolment.Status.IN_PROGRESS, Enrolment.Status.FAILED)
#: Statuses of an enrolment that enrolling again reopens.
CLOSED = (Enrolment.Status.EXPIRED, Enrolment.Status.CANCELLED)
BATCH = 500

DUE_SOON = "governance.training_due"
OVERDUE = "governance.training_overdue"
DUE_SOON_LABEL = gettext_lazy("Training due soon")
OVERDUE_LABEL = gettext_lazy("Training overdue")


@dataclass(frozen=True)
class Enrolled:
    """What enrolling came to: enrolments created, reopened (renewal, cancelled before) and
    people left as they were (enrolled already, or certified)."""

    created: int = 0
    reopened: int = 0
    unchanged: int = 0

    def __add__(self, other: Enrolled) -> Enrolled:
        return Enrolled(
            self.created + other.created,
            self.reopened + other.reopened,
            self.unchanged + other.unchanged,
        )


def _newest_certificates(course: Course) -> dict[int, date | bool | None]:
    """``{enrolment id: valid until (None: never expires)}`` of the newest unvoided
    certificate of each enrolment in ``course`` (one query)."""
    newest: dict[int, date | None] = {}
    rows = (
        Certificate.objects.filter(course=course, voided_on__isnull=True)
        .order_by("issued_on", "pk")
        .values_list("enrolment_id", "valid_until")
    )
    for enrolment_id, until in rows:
        newest[enrolment_id] = until  # the newest wins
    return newest


def enrol(
    course: Course,
    person_ids: Iterable[int],
    due_in_days: int,
    *,
    assignment: CourseAssignment | None = None,
    system: System | int | None = None,
    today: date | None = None,
) -> Enrolled:
    """Enrol the people ``person_ids`` in ``course``, due ``due_in_days`` from ``today``,
    because of ``assignment`` or of the use of ``system`` (recorded on each enrolment).

    A person without an enrolment gets one; an open one is left as it is; a passed one is
    reopened (renewal) only when its certificate expires within ``EXPIRING_DAYS`` days or has
    expired; an expired or cancelled one is reopened. A constant number of queries, whatever
    the number of people; in one transaction."""
    today = today or timezone.localdate()
    due = today + timedelta(days=due_in_days)
    system_id = system.pk if isinstance(system, System) else system
    kind = EnrolmentSource.Kind.ASSIGNMENT if assignment else EnrolmentSource.Kind.SYSTEM
    people = sorted(set(person_ids))
    if not people:
        return Enrolled()
    renew_from = today + timedelta(days=EXPIRING_DAYS)
    with transaction.atomic():
        # One writer per course at a time: two runs cannot both create the same enrolment.
        Course.objects.select_for_update().filter(pk=course.pk).values_list("pk").get()
        existing = {
            person: (pk, status)
            for person, pk, status in Enrolment.objects.filter(course=course).values_list(
                "person_id", "pk", "status"
            )
        }
        certificates = _newest_certificates(course)
        new, reopen, touched = [], [], []
        for person in people:
            if person not in existing:
                new.append(
                    Enrolment(
                        person_id=person,
                        course=course,
                        due_date=due,
                        status=Enrolment.Status.ASSIGNED,
                    )
                )
                continue
            pk, status = existing[person]
            touched.append(pk)
            if status in CLOSED:
                reopen.append(pk)
            elif status == Enrolment.Status.PASSED:
                until = certificates.get(pk, today)  # no valid certificate: renew
                if until is not None and until <= renew_from:
                    reopen.append(pk)
        created = Enrolment.objects.bulk_create(new, batch_size=BATCH)
        if any(e.pk is None for e in created):  # a database that returns no ids
            created = list(
                Enrolment.objects.filter(course=course, due_date=due, version=1).exclude(
                    pk__in=touched
                )
            )
        if reopen:
            Enrolment.objects.filter(pk__in=reopen).update(
                status=Enrolment.Status.ASSIGNED,
                due_date=due,
                cancel_reason="",
                version=F("version") + 1,
                updated=timezone.now(),
            )
        EnrolmentSource.objects.bulk_create(
            [
                EnrolmentSource(
                    enrolment_id=pk,
                    kind=kind,
                    assignment=assignment,
                    system_id=None if assignment else system_id,
                    added_on=today,
                )
                for pk in [*(e.pk for e in created), *touched]
            ],
            batch_size=BATCH,
            ignore_conflicts=True,
        )
    return Enrolled(len(created), len(reopen), len(touched) - len(reopen))


# --- assignments to audiences ---------------------------------------------------------------------


def assign(assignment: CourseAssignment, today: date | None = None) -> Enrolled:
    """Enrol everyone ``assignment``'s audience reaches on ``today`` (default today) who is
    not enrolled yet (late joiners included: each is due ``due_in_days`` from the day they are
    enrolled). An inactive assignment enrols nobody. Running it again creates nothing new."""
    if not assignment.active:
        return Enrolled()
    today = today or timezone.localdate()
    with transaction.atomic():
        people = audience_members.members(assignment.audience, on=today)
        result = enrol(
            assignment.course,
            people,
            assignment.due_in_days,
            assignment=assignment,
            today=today,
        )
        CourseAssignment.objects.filter(pk=assignment.pk).update(last_run=timezone.now())
    return result


def assignment_saved(assignment: CourseAssignment) -> None:
    """The type's ``after_save``: a saved active assignment enrols its audience at once."""
    assign(assignment)


def assignment_context(assignment: CourseAssignment, request) -> dict:
    """The assignment's page: how many of the enrolments it caused are in each status
    (one query)."""
    from django.db.models import Count

    counts = dict(
        Enrolment.objects.filter(sources__assignment=assignment)
        .values_list("status")
        .annotate(n=Count("pk", distinct=True))
        .values_list("status", "n")
    )
    rows = [(label, counts.get(value, 0)) for value, label in Enrolment.Status.choices]
    return {"assignment_counts": rows, "assignment_total": sum(counts.values())}


# --- courses required for systems -----------------------------------------------------------------


def required_courses(system: System | int) -> list[Course]:
    """The courses every user of ``system`` must pass."""
    return list(Course.objects.filter(systems=system, required_for_users=True).order_by("pk"))


def enrol_users(system: System, on: date | None = None, today: date | None = None) -> Enrolled:
    """Enrol the users of ``system`` on ``on`` in its required courses (nothing for a
    retired system)."""
    today = today or timezone.localdate()
    result = Enrolled()
    if system.lifecycle_stage == System.Stage.RETIRED:
        return result
    courses = required_courses(system)
    if not courses:
        return result
    people = users_of([system.pk], on or today)[system.pk]
    for course in courses:
        result += enrol(course, people, SYSTEM_DUE_DAYS, system=system, today=today)
    return result


def project_went_live(project, user=None):
    """At :data:`openmis.portfolio.services.GO_LIVE_HOOK`: the system's current users are
    enrolled in its required courses (in the go-live's transaction)."""
    enrol_users(project.system, on=max(project.go_live, timezone.localdate()))


def access_granted(system, accesses):
    """At :data:`openmis.portfolio.access.ACCESS_GRANTED_HOOK`: the new users of ``system``
    whose access holds today are enrolled in its required courses; access that ended
    already enrols nobody, and access from a later day waits for the daily pass of that day
    (:func:`late_joiners`), as acknowledgements do. A constant number of queries per
    required course, whatever the number of new users."""
    today = timezone.localdate()
    people = in_force(accesses, today)
    if not people or system.lifecycle_stage == System.Stage.RETIRED:
        return
    for course in required_courses(system):
        enrol(course, people, SYSTEM_DUE_DAYS, system=system, today=today)


def only_because_of(system: System | int):
    """The open enrolments that exist only because of ``system``: enrolled for its use, with
    no assignment behind them and no other system still in use."""
    system_id = system.pk if isinstance(system, System) else system
    other = EnrolmentSource.objects.filter(enrolment=OuterRef("pk")).filter(
        Q(assignment__isnull=False)
        | (
            Q(system__isnull=False)
            & ~Q(system_id=system_id)
            & ~Q(system__lifecycle_stage=System.Stage.RETIRED)
        )
    )
    return (
        Enrolment.objects.filter(status__in=OPEN, sources__system_id=system_id)
        .exclude(Exists(other))
        .distinct()
    )


def cancel_for_retired(system: System, when: date | None = None) -> int:
    """Cancel the open enrolments that exist only because of ``system``, now retired, saying
    why; returns how many."""
    when = when or timezone.localdate()
    with translation.override(settings.LANGUAGE_CODE):
        reason = _("The system %(system)s was retired on %(date)s.") % {
            "system": system.name,
            "date": date_text(when),
        }
    ids = list(only_because_of(system).values_list("pk", flat=True))
    if not ids:
        return 0
    return Enrolment.objects.filter(pk__in=ids).update(
        status=Enrolment.Status.CANCELLED,
        cancel_reason=reason[:300],
        version=F("version") + 1,
        updated=timezone.now(),
    )


def stage_changed(transition, user=None):
    """The portfolio's ``portfolio.stage_changed`` hook: a system moved to "retired" cancels
    the enrolments it alone caused (in the move's transaction)."""
    if transition.to_stage == System.Stage.RETIRED:
        cancel_for_retired(transition.system, transition.date)


# --- the daily pass -------------------------------------------------------------------------------


def mark_renewals(today: date | None = None) -> int:
    """Reopen the passed enrolments whose certificates have all expired: their people must
    pass the course again within :data:`RENEWAL_DUE_DAYS` days. Returns how many."""
    today = today or timezone.localdate()
    valid = Certificate.objects.filter(enrolment=OuterRef("pk"), voided_on__isnull=True).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=today)
    )
    return (
        Enrolment.objects.filter(status=Enrolment.Status.PASSED)
        .exclude(Exists(valid))
        .update(
            status=Enrolment.Status.ASSIGNED,
            due_date=today + timedelta(days=RENEWAL_DUE_DAYS),
            version=F("version") + 1,
            updated=timezone.now(),
        )
    )


def late_joiners(today: date | None = None) -> Enrolled:
    """Enrol those who joined an active assignment's audience or started using a system with
    required courses since the last pass."""
    today = today or timezone.localdate()
    result = Enrolled()
    for assignment in CourseAssignment.objects.filter(active=True).select_related(
        "course", "audience"
    ):
        result += assign(assignment, today)
    pairs = list(
        Course.systems.through.objects.filter(course__required_for_users=True)
        .exclude(system__lifecycle_stage=System.Stage.RETIRED)
        .select_related("course")
        .order_by("course_id", "system_id")
    )
    users = users_of({p.system_id for p in pairs}, today)
    for pair in pairs:
        result += enrol(
            pair.course, users[pair.system_id], SYSTEM_DUE_DAYS, system=pair.system_id, today=today
        )
    return result


def send_reminders(today: date | None = None) -> tuple[int, int]:
    """Remind people of open enrolments due within :data:`REMINDER_DAYS` days, and the
    managers of people whose enrolment is overdue; each once per stage and due date.
    Returns ``(reminded, escalated)``."""
    today = today or timezone.localdate()
    rows = (
        Enrolment.objects.filter(
            status__in=OPEN,
            due_date__lte=today + timedelta(REMINDER_DAYS),
            person__active=True,
        )
        .select_related("person", "person__manager", "course")
        .order_by("due_date", "pk")
    )
    reminded = escalated = 0
    for enrolment in rows:
        context = {"enrolment": enrolment, "course": enrolment.course, "due": enrolment.due_date}
        if enrolment.due_date >= today:
            notice = notify(
                enrolment.person,
                DUE_SOON,
                _due_subject,
                _due_body,
                context,
                obj=enrolment,
                key=f"due:{enrolment.due_date.isoformat()}",
            )
            reminded += notice is not None
        elif enrolment.person.manager is not None:
            notice = notify(
                enrolment.person.manager,
                OVERDUE,
                _overdue_subject,
                _overdue_body,
                {**context, "person": enrolment.person},
                obj=enrolment,
                key=f"overdue:{enrolment.due_date.isoformat()}",
            )
            escalated += notice is not None
    return reminded, escalated


def _due_subject(context: dict) -> str:
    return _("Training “%(course)s” due %(date)s") % {
        "course": context["course"].title,
        "date": date_text(context["due"]),
    }


def _due_body(context: dict) -> str:
    return _(
        "Pass the course “%(course)s” by %(date)s: open it under “My training” on your home "
        "page, read its pages and take the quiz."
    ) % {"course": context["course"].title, "date": date_text(context["due"])}


def _overdue_subject(context: dict) -> str:
    return _("%(person)s is late with the training “%(course)s”") % {
        "person": context["person"],
        "course": context["course"].title,
    }


def _overdue_body(context: dict) -> str:
    return _(
        "%(person)s, whom you manage, was due to pass the course “%(course)s” by %(date)s and "
        "has not yet. Please remind them."
    ) % {
        "person": context["person"],
        "course": context["course"].title,
        "date": date_text(context["due"]),
    }


@dataclass(frozen=True)
class Daily:
    """What the daily pass did."""

    enrolled: Enrolled
    renewals: int
    reminded: int
    escalated: int


def run_daily(today: date | None = None) -> Daily:
    """The daily pass (part of ``openmis manage governance_daily``): renewals of expired
    certificates, late joiners, then reminders."""
    today = today or timezone.localdate()
    renewals = mark_renewals(today)
    enrolled = late_joiners(today)
    reminded, escalated = send_reminders(today)
    return Daily(enrolled, renewals, reminded, escalated)
