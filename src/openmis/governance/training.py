"""Training services: who sees whose training, the quiz of a course and its fingerprint,
submitting an attempt (score, pass mark, attempt limit, certificate), raising a course's
version, and the state of a certificate on a given day."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from openmis.core import permissions, registry
from openmis.core.services import save_object
from openmis.governance import quiz as scoring
from openmis.governance.models import (
    Attempt,
    Certificate,
    Course,
    Enrolment,
    QuizQuestion,
)
from openmis.governance.models.training import SEES_ALL_TRAINING
from openmis.org.people import person_of

#: Days before its end from which a certificate shows as expiring (amber).
EXPIRING_DAYS = 90

VALID, EXPIRING, EXPIRED, VOID = "valid", "expiring", "expired", "void"


class QuizChanged(Exception):
    """The quiz changed since the answers' page was shown: the answers are not scored."""

    def __init__(self, current: str):
        super().__init__(_("The quiz changed since it was shown to you. Answer it again."))
        self.current = current


class AttemptRefused(Exception):
    """No attempt may be made now (limit reached, already passed, no questions)."""


# --- who sees whose training ---------------------------------------------------------------------


def sees_all(user) -> bool:
    """Whether ``user`` sees everyone's enrolments and certificates (the MIS office)."""
    return user is not None and permissions.has_perm(user, SEES_ALL_TRAINING)


def visible_training(queryset, user):
    """The rows of ``queryset`` (enrolments, certificates, external certificates: each has a
    ``person``) that ``user`` may see: their own, those of the people they manage, those of
    their departments for a department leader, everyone's for the MIS office."""
    if user is None or not user.is_authenticated:
        return queryset.none()
    if sees_all(user):
        return queryset
    person = person_of(user)
    if person is None:
        return queryset.none()
    condition = Q(person_id=person.pk) | Q(person__manager_id=person.pk)
    object_type = registry.get(queryset.model)
    if permissions.write_scope(user, object_type, "view") == permissions.DEPARTMENT:
        condition |= Q(person__department_id__in=sorted(permissions.user_department_ids(user)))
    return queryset.filter(condition)


# --- the quiz ------------------------------------------------------------------------------------


def questions_of(course: Course) -> list[QuizQuestion]:
    """The quiz of ``course``: its questions in order, their choices prefetched."""
    return list(course.questions.order_by("position", "pk").prefetch_related("choices"))


def fingerprint(course: Course, questions: list[QuizQuestion] | None = None) -> str:
    """A keyed SHA-256 (HMAC with the installation's secret key) of everything the quiz's
    answers depend on (the course version, its questions and choices and which are correct):
    answers given to a page showing another fingerprint are answers to another quiz. Keyed,
    because the person taking the quiz sees all of it but which choices are correct: a plain
    hash would let them find those by trying every combination offline."""
    questions = questions_of(course) if questions is None else questions
    parts = [f"course:{course.pk}:{course.course_version}"]
    for q in questions:
        parts.append(f"\x1eq:{q.pk}:{q.text}")
        for c in sorted(q.choices.all(), key=lambda c: c.pk):
            parts.append(f"\x1fc:{c.pk}:{int(c.correct)}:{c.text}")
    return salted_hmac("openmis.governance.quiz", "".join(parts), algorithm="sha256").hexdigest()


def correct_choices(questions: list[QuizQuestion]) -> dict[int, frozenset[int]]:
    """``{question id: ids of its correct choices}`` for :func:`openmis.governance.quiz.score`."""
    return {q.pk: frozenset(c.pk for c in q.choices.all() if c.correct) for q in questions}


def attempts_used(enrolment: Enrolment) -> int:
    """Attempts of ``enrolment`` on the course's current version since its last pass (a
    certificate that expired is earned again with a fresh set of attempts)."""
    attempts = enrolment.attempts.filter(course_version=enrolment.course.course_version)
    last_pass = attempts.filter(passed=True).order_by("-taken_at", "-pk").first()
    if last_pass is not None:
        attempts = attempts.filter(pk__gt=last_pass.pk)
    return attempts.count()


def attempts_left(enrolment: Enrolment) -> int | None:
    """Attempts still allowed (None: no limit)."""
    limit = enrolment.course.attempt_limit
    return None if not limit else max(limit - attempts_used(enrolment), 0)


def refusal(enrolment: Enrolment, questions: list[QuizQuestion]) -> str | None:
    """Why ``enrolment`` may not take the quiz now, or None when it may."""
    course = enrolment.course
    if enrolment.status == Enrolment.Status.CANCELLED:
        return _("This enrolment was cancelled: %(reason)s") % {"reason": enrolment.cancel_reason}
    if not questions:
        return _("This course has no quiz yet.")
    certificate = current_certificate(enrolment)
    if (
        enrolment.status == Enrolment.Status.PASSED
        and certificate is not None
        and state(certificate) != EXPIRED
    ):
        return _("You have already passed this course.")
    if attempts_left(enrolment) == 0:
        return ngettext(
            "You have used the %(limit)d attempt this course allows.",
            "You have used all %(limit)d attempts this course allows.",
            course.attempt_limit,
        ) % {"limit": course.attempt_limit}
    return None


def clean_answers(questions: list[QuizQuestion], raw) -> dict[int, list[int]]:
    """``raw`` (``{question id: [choice ids]}``, keys and ids as numbers or texts) checked
    against the quiz: every id must be a choice of its question, a single-answer question
    takes one choice. Refused with a ``ValidationError`` on ``answers``."""
    if not isinstance(raw, dict):
        raise ValidationError({"answers": [_("Give the answers by question.")]})
    by_id = {q.pk: q for q in questions}
    answers: dict[int, list[int]] = {}
    for key, picked in raw.items():
        try:
            question = by_id[int(key)]
        except (KeyError, TypeError, ValueError):
            raise ValidationError(
                {"answers": [_("%(key)s is not a question of this quiz.") % {"key": key}]}
            ) from None
        if not isinstance(picked, list | tuple | set):
            picked = [picked]
        choices = {c.pk: c for c in question.choices.all()}
        ids = []
        for value in picked:
            try:
                choice = int(value)
            except (TypeError, ValueError):
                choice = None
            if choice not in choices:
                raise ValidationError(
                    {
                        "answers": [
                            _("%(value)s is not an answer of this question.") % {"value": value}
                        ]
                    }
                )
            ids.append(choice)
        if len(set(ids)) > 1 and not is_multiple(question):
            raise ValidationError(
                {
                    "answers": [
                        _("Question %(position)s takes one answer.")
                        % {"position": question.position}
                    ]
                }
            )
        answers[question.pk] = sorted(set(ids))
    return answers


def is_multiple(question: QuizQuestion) -> bool:
    """Whether more than one of the question's choices is correct (check boxes, not radios)."""
    return sum(1 for c in question.choices.all() if c.correct) > 1


@dataclass(frozen=True)
class Outcome:
    """What an attempt came to."""

    attempt: Attempt
    certificate: Certificate | None
    attempts_left: int | None


def submit(enrolment: Enrolment, raw_answers, shown: str, now=None) -> Outcome:
    """Score the answers ``raw_answers`` to the quiz of ``enrolment`` shown with the
    fingerprint ``shown``; a pass issues the certificate. Raises :class:`QuizChanged`
    (the quiz is no longer the one shown), :class:`AttemptRefused` (limit reached, already
    passed) or ``ValidationError`` (answers that are not the quiz's)."""
    now = now or timezone.now()
    with transaction.atomic():
        enrolment = (
            Enrolment.objects.select_for_update().select_related("course").get(pk=enrolment.pk)
        )
        course = enrolment.course
        questions = questions_of(course)
        current = fingerprint(course, questions)
        if shown != current:
            raise QuizChanged(current)
        reason = refusal(enrolment, questions)
        if reason:
            raise AttemptRefused(reason)
        answers = clean_answers(questions, raw_answers)
        value = scoring.score(correct_choices(questions), answers)
        passed = scoring.passes(value, course.pass_mark)
        attempt = Attempt.objects.create(
            enrolment=enrolment,
            taken_at=now,
            score=value,
            passed=passed,
            answers={str(k): v for k, v in answers.items()},
            quiz_hash=current,
            course_version=course.course_version,
        )
        certificate = None
        if passed:
            issued = timezone.localdate(now)
            certificate = Certificate.objects.create(
                enrolment=enrolment,
                person_id=enrolment.person_id,
                course=course,
                course_version=course.course_version,
                score=value,
                issued_on=issued,
                valid_until=valid_until(issued, course.validity_months),
            )
            enrolment.status = Enrolment.Status.PASSED
        else:
            enrolment.status = Enrolment.Status.FAILED
        enrolment.save(update_fields=["status", "version", "updated"])
    return Outcome(attempt, certificate, attempts_left(enrolment))


def start(enrolment: Enrolment, user=None) -> bool:
    """Mark an assigned enrolment in progress: its person said they started the course (a
    POST; opening the quiz page writes nothing). Recorded in the history as ``user``'s change.
    Returns whether it changed (an enrolment not assigned stays as it is)."""
    with transaction.atomic():
        current = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
        if current.status != Enrolment.Status.ASSIGNED:
            return False
        current.status = Enrolment.Status.IN_PROGRESS
        save_object(current, user)
    enrolment.status, enrolment.version = current.status, current.version
    return True


# --- certificates --------------------------------------------------------------------------------


def add_months(day: date, months: int) -> date:
    """``day`` ``months`` later, on the last day of the month when that month is shorter."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def valid_until(issued: date, months: int | None) -> date | None:
    """The last day a certificate issued on ``issued`` is valid (None: it does not expire)."""
    return None if not months else add_months(issued, months) - timedelta(days=1)


def state(certificate: Certificate, today: date | None = None) -> str:
    """``void``, ``expired`` (after its last valid day), ``expiring`` (within
    :data:`EXPIRING_DAYS` of it) or ``valid``."""
    today = today or timezone.localdate()
    if certificate.voided_on is not None:
        return VOID
    if certificate.valid_until is None:
        return VALID
    if certificate.valid_until < today:
        return EXPIRED
    if certificate.valid_until <= today + timedelta(days=EXPIRING_DAYS):
        return EXPIRING
    return VALID


def current_certificate(enrolment: Enrolment) -> Certificate | None:
    """The newest certificate of ``enrolment`` that no course version voided."""
    return (
        enrolment.certificates.filter(voided_on__isnull=True).order_by("-issued_on", "-pk").first()
    )


def raise_version(course: Course, void_earlier: bool, today: date | None = None) -> int:
    """Raise the version of ``course`` (its content changed); with ``void_earlier`` its
    certificates so far become void and their holders must pass the new quiz. Returns the
    number of certificates voided."""
    today = today or timezone.localdate()
    with transaction.atomic():
        course = Course.objects.select_for_update().get(pk=course.pk)
        course.course_version += 1
        course.save()
        voided = 0
        if void_earlier:
            voided = Certificate.objects.filter(course=course, voided_on__isnull=True).update(
                voided_on=today
            )
            Enrolment.objects.filter(course=course, status=Enrolment.Status.PASSED).update(
                status=Enrolment.Status.ASSIGNED
            )
    return voided


def enrolment_status(enrolment: Enrolment, certificate: Certificate | None, today=None) -> str:
    """The status to show: a passed enrolment whose certificate has expired is expired."""
    if (
        enrolment.status == Enrolment.Status.PASSED
        and certificate is not None
        and state(certificate, today) == EXPIRED
    ):
        return Enrolment.Status.EXPIRED
    return enrolment.status


def my_training(person, today: date | None = None) -> list[dict]:
    """The enrolments of ``person`` (cancelled ones left out) with their current certificate
    and its state, those due first. Three queries whatever the number of enrolments."""
    today = today or timezone.localdate()
    enrolments = list(
        Enrolment.objects.filter(person=person)
        .exclude(status=Enrolment.Status.CANCELLED)
        .select_related("course")
        .annotate(n_attempts=Count("attempts"))
        .order_by("due_date", "course__title", "pk")
    )
    certificates: dict[int, Certificate] = {}
    for cert in Certificate.objects.filter(
        enrolment__in=[e.pk for e in enrolments], voided_on__isnull=True
    ).order_by("issued_on", "pk"):
        certificates[cert.enrolment_id] = cert  # the newest wins
    rows = []
    for enrolment in enrolments:
        cert = certificates.get(enrolment.pk)
        rows.append(
            {
                "enrolment": enrolment,
                "certificate": cert,
                "state": state(cert, today) if cert else None,
                "status": enrolment_status(enrolment, cert, today),
                "overdue": enrolment.due_date is not None
                and enrolment.due_date < today
                and enrolment.status != Enrolment.Status.PASSED,
            }
        )
    return rows
