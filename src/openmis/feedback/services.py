"""Feedback state changes and figures: improvement status changes and the e-mails they send,
grouping feedback into improvements, a system's rating trend and post-implementation review,
and the lowest-rated systems in use."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from datetime import date, timedelta

from auditlog.context import set_actor
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Avg, Count, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from openmis.core import formatting
from openmis.core.notifications import Recipient, notify, template
from openmis.core.services import save_object
from openmis.feedback import confidentiality, review, workflow
from openmis.feedback.models import Feedback, FeedbackStatusChange, Improvement, StatusChange
from openmis.org.models import Person

TREND_MONTHS = 12  # months shown in a system's rating trend
LOWEST_RATED_DAYS = 90
LOWEST_RATED_MIN_RATINGS = 3
IN_USE_STAGES = ("deployed", "retiring")  # systems people use: deployed, or deployed and retiring
STATUS_CHANGE = "feedback.status_change"  # the kind of notice to feedback givers (registry.py)


# --- improvements ----------------------------------------------------------------------------


@transaction.atomic
def change_status(
    improvement: Improvement,
    status: str,
    user=None,
    reason: str = "",
    expected_version: int | None = None,
    notify_givers: bool = True,
) -> StatusChange:
    """Move ``improvement`` to ``status``, record the change and notify each person whose
    feedback it groups (one e-mail per person per change, sent once the change is committed).

    Declining needs a ``reason``; it is kept on the improvement and on the change. With
    ``notify_givers`` False nobody is told here: the caller tells them once for several
    changes (a go-live, :func:`deliver_project`) and records how many on the change.
    """
    reason = (reason or "").strip()
    if status not in Improvement.Status.values:
        raise ValidationError({"status": _("Unknown status.")})
    if status == improvement.status:
        raise ValidationError({"status": _("The improvement has this status already.")})
    if status == Improvement.Status.DECLINED and not reason:
        raise ValidationError({"reason": _("Say why the improvement is declined.")})
    with set_actor(user) if user else contextlib.nullcontext():
        previous = improvement.status
        improvement.status = status
        improvement.decline_reason = reason if status == Improvement.Status.DECLINED else ""
        save_object(improvement, user, expected_version)
        if status == Improvement.Status.DONE:
            answer_feedback(improvement, user)
        recipients = feedback_givers(improvement) if notify_givers else []
        change = StatusChange.objects.create(
            improvement=improvement,
            from_status=previous,
            to_status=status,
            reason=reason,
            changed_by=user if user is not None and user.is_authenticated else None,
            notified=len(recipients),
        )
    _notify_feedback_givers(change, recipients)
    return change


@dataclass
class Giver:
    """Someone who gave feedback and is told what became of it: a person of the organisation
    or a client's contact (``person`` None), with the language to write to them in."""

    email: str
    language: str
    person: Person | None = None
    feedback: list[int] = field(default_factory=list)

    @property
    def recipient(self):
        return self.person if self.person is not None else Recipient(email=self.email)


def _given(improvements) -> models.QuerySet:
    """The feedback ``improvements`` group, and the items merged into them as duplicates."""
    grouped = Feedback.objects.filter(improvements__in=improvements).values("pk")
    return Feedback.objects.filter(Q(pk__in=grouped) | Q(duplicate_of__in=grouped))


def givers_of(feedback) -> list[Giver]:
    """The people to tell about ``feedback`` (a queryset), each once by e-mail address: the
    active authors and the client contacts with an address. Each is written to in the latest
    language recorded on their feedback, else their own (a person's), else the default."""
    rows = feedback.order_by("date", "pk").values_list(
        "pk",
        "language",
        "author_id",
        "author__email",
        "author__active",
        "author__language",
        "contact__email",
    )
    found: dict[str, Giver] = {}
    person_ids: dict[str, int] = {}
    for pk, language, author_id, author_email, active, own_language, contact_email in rows:
        addresses = []
        if author_id is not None and author_email and active:
            addresses.append((author_email, own_language or ""))
            person_ids[author_email.lower()] = author_id
        if contact_email:
            addresses.append((contact_email, ""))
        for email, own in addresses:
            giver = found.setdefault(email.lower(), Giver(email, own))
            giver.language = language or giver.language or own
            if pk not in giver.feedback:
                giver.feedback.append(pk)
    people = Person.objects.in_bulk(list(person_ids.values())) if person_ids else {}
    givers = []
    for key in sorted(found):
        giver = found[key]
        giver.person = people.get(person_ids.get(key))
        giver.language = giver.language or settings.LANGUAGE_CODE
        givers.append(giver)
    return givers


def feedback_givers(improvement: Improvement) -> list[tuple[str, str]]:
    """``[(e-mail, language)]`` of those whose feedback ``improvement`` groups, each once,
    the givers of the feedback merged into it as duplicates included (see :func:`givers_of`)."""
    return [(g.email, g.language) for g in givers_of(_given([improvement]))]


def _notify_feedback_givers(change: StatusChange, recipients: list[tuple[str, str]]) -> None:
    """One notice per person, in the language of their latest feedback; sent on commit."""
    people = Person.objects.filter(email__in=[email for email, _language in recipients])
    by_email = {person.email: person for person in people}
    for email, language in recipients:
        notify(
            by_email.get(email) or Recipient(email=email),
            STATUS_CHANGE,
            _status_subject,
            _status_body,
            {"change": change, "improvement": change.improvement},
            obj=change.improvement,
            key=f"change {change.pk}",
            language=language,
        )


def _status_subject(context: dict) -> str:
    change, improvement = context["change"], context["improvement"]
    return _("Improvement “%(title)s” is now: %(status)s") % {
        "title": improvement.title,
        "status": Improvement.Status(change.to_status).label,
    }


def _status_body(context: dict) -> str:
    change, improvement = context["change"], context["improvement"]
    lines = [
        _(
            "You gave feedback on %(system)s that is part of the improvement "
            "“%(title)s”. Its status changed from “%(old)s” to “%(new)s”."
        )
        % {
            "system": improvement.system,
            "title": improvement.title,
            "old": Improvement.Status(change.from_status).label,
            "new": Improvement.Status(change.to_status).label,
        }
    ]
    if change.reason:
        lines.append(_("Reason: %(reason)s") % {"reason": change.reason})
    if improvement.project_id:
        lines.append(
            _("It is delivered by the project “%(project)s”.") % {"project": improvement.project}
        )
    lines.append(_("Thank you for your feedback."))
    return "\n\n".join(lines)


# --- closed by the deployment ----------------------------------------------------------------

DELIVERED = "feedback.delivered"  # the kind of notice of a go-live to feedback givers (registry)


@transaction.atomic
def deliver_project(project, user=None) -> list[StatusChange]:
    """The go-live of ``project`` delivers the open improvements it implements: each becomes
    done through :func:`change_status` (recorded; its feedback and their duplicates answered),
    and everyone who gave that feedback, people and client contacts, gets one e-mail in their
    language naming what changed, however many of their items it answers. Sent once the
    go-live commits; a second call finds nothing open and sends nothing.

    Portfolio's go-live calls it through the ``portfolio.project_went_live`` hook."""
    improvements = list(
        Improvement.objects.filter(project=project, status__in=Improvement.OPEN)
        .select_related("system")
        .order_by("title", "pk")
    )
    if not improvements:
        return []
    when = project.go_live or timezone.localdate()
    reason = _("Delivered by the go-live of “%(project)s” on %(date)s.") % {
        "project": project,
        # (a stored sentence in the language of whoever records the go-live, date included)
        "date": formatting.format_date(when, get_language() or settings.LANGUAGE_CODE),
    }
    changes = [
        change_status(improvement, Improvement.Status.DONE, user, reason, notify_givers=False)
        for improvement in improvements
    ]
    by_pk = {improvement.pk: improvement for improvement in improvements}
    # which improvement answers which feedback item (the duplicates through their original)
    links = Improvement.feedback.through.objects.filter(improvement_id__in=by_pk)
    answers: dict[int, set[int]] = {}
    for improvement_id, feedback_id in links.values_list("improvement_id", "feedback_id"):
        answers.setdefault(feedback_id, set()).add(improvement_id)
    duplicates = Feedback.objects.filter(duplicate_of_id__in=list(answers))
    for pk, original in duplicates.values_list("pk", "duplicate_of_id"):
        answers.setdefault(pk, set()).update(answers[original])
    told: dict[int, int] = {}
    for giver in givers_of(_given(improvements)):
        ids = set().union(*(answers.get(pk, set()) for pk in giver.feedback))
        if not ids:
            continue
        delivered = [by_pk[pk] for pk in sorted(ids, key=lambda pk: (by_pk[pk].title, pk))]
        for pk in ids:
            told[pk] = told.get(pk, 0) + 1
        notify(
            giver.recipient,
            DELIVERED,
            template("feedback/notices/delivered_subject.txt"),
            template("feedback/notices/delivered_body.txt"),
            {
                "project": project,
                "system": project.system,
                "go_live": when,
                "improvements": [
                    {"title": i.title, "link": site_url(i.get_absolute_url())} for i in delivered
                ],
                "client": giver.person is None,
            },
            obj=project,
            key=f"go-live {project.pk}",
            language=giver.language,
        )
    for change in changes:
        change.notified = told.get(change.improvement_id, 0)
    StatusChange.objects.bulk_update(changes, ["notified"])
    return changes


def project_went_live(project, user=None, **_kwargs):
    """The answer to portfolio's ``portfolio.project_went_live`` hook (see registry.py)."""
    return deliver_project(project, user) or None


def site_url(path: str) -> str:
    """An absolute link when the installation's address is known (its first trusted origin)."""
    base = settings.SITE_URL or next(iter(settings.CSRF_TRUSTED_ORIGINS), "")
    return f"{base.rstrip('/')}{path}"


@transaction.atomic
def group_feedback(feedback: Feedback, improvement: Improvement, user=None) -> None:
    """Add ``feedback`` to ``improvement``; both must be about the same system."""
    if feedback.system_id != improvement.system_id:
        raise ValidationError(
            {"improvement": _("The improvement is about another system than the feedback.")}
        )
    with set_actor(user) if user else contextlib.nullcontext():
        improvement.feedback.add(feedback)


# --- triage -----------------------------------------------------------------------------------

TRIAGE_PERMISSION = "feedback.triage_feedback"


def can_triage(user) -> bool:
    """Whether ``user``'s roles let them triage feedback (the MIS office by default)."""
    from openmis.core import permissions

    return permissions.has_perm(user, TRIAGE_PERMISSION)


def refusal(feedback: Feedback, status: str, reason: str = "", duplicate_of=None) -> dict:
    """Why ``feedback`` may not move to ``status``: ``{field: [message]}``, empty if it may."""
    if status not in Feedback.Status.values:
        return {"status": [_("Unknown status.")]}
    if not workflow.may_move(feedback.status, status):
        return {"status": [not_allowed_message(feedback.status, status)]}
    if status in workflow.NEEDS_REASON and not (reason or "").strip():
        return {"reason": [_("Say why the feedback is declined.")]}
    if status == workflow.NEEDS_ORIGINAL:
        if duplicate_of is None:
            return {"duplicate_of": [_("Choose the feedback item this one repeats.")]}
        if duplicate_of.pk == feedback.pk:
            return {"duplicate_of": [_("A feedback item cannot repeat itself.")]}
        seen, original = {feedback.pk}, duplicate_of
        while original is not None:
            if original.pk in seen:
                return {
                    "duplicate_of": [
                        _("That item is already merged into this one: it would make a circle.")
                    ]
                }
            seen.add(original.pk)
            original = original.duplicate_of
    return {}


def not_allowed_message(from_status: str, to_status: str) -> str:
    allowed = workflow.allowed(from_status)
    return _("Feedback that is “%(current)s” cannot become “%(status)s”; allowed: %(allowed)s.") % {
        "current": Feedback.Status(from_status).label,
        "status": Feedback.Status(to_status).label,
        "allowed": ", ".join(allowed) if allowed else _("none"),
    }


def _move(feedback, status, user, reason="", duplicate_of=None, improvement=None):
    change = FeedbackStatusChange(
        feedback=feedback,
        from_status=feedback.status,
        to_status=status,
        reason=reason,
        duplicate_of=duplicate_of if status == workflow.DUPLICATE else None,
        improvement=improvement,
        changed_by=user if user is not None and user.is_authenticated else None,
    )
    feedback.status = status
    feedback.status_reason = reason
    feedback.duplicate_of = duplicate_of if status == workflow.DUPLICATE else None
    return change


@transaction.atomic
def triage(
    feedback: Feedback,
    status: str,
    user=None,
    reason: str = "",
    duplicate_of: Feedback | None = None,
    expected_version: int | None = None,
) -> FeedbackStatusChange:
    """Move ``feedback`` to ``status`` as the workflow allows (:mod:`~openmis.feedback.
    workflow`) and record the move. Declining needs a ``reason``; a duplicate names the item it
    repeats (``duplicate_of``), which keeps its giver among those told when that is answered."""
    reason = (reason or "").strip()
    errors = refusal(feedback, status, reason, duplicate_of)
    if errors:
        raise ValidationError(errors)
    with set_actor(user) if user else contextlib.nullcontext():
        change = _move(feedback, status, user, reason, duplicate_of)
        save_object(feedback, user, expected_version)
        change.save()
    if status in TOLD_ON_TRIAGE:
        tell_givers_of_triage(change)
    return change


TRIAGED = "feedback.triaged"  # the kind of notice of a decline or a merge to givers (registry)
#: The triage moves whose givers are told at once (the others are told when answered).
TOLD_ON_TRIAGE = (workflow.DECLINED, workflow.DUPLICATE)


def tell_givers_of_triage(change: FeedbackStatusChange) -> int:
    """Tell everyone who gave the feedback of ``change`` (a decline, with its reason, or a
    merge into an earlier item) what became of it: its active author and, for a client's
    feedback, the contact when they have an address, each once, in their language
    (:func:`givers_of`), sent once the move commits. A client's contact gets no link (they do
    not log in). The key is the change: sent once however often this is called. Returns how
    many were told."""
    feedback = change.feedback
    told = 0
    for giver in givers_of(Feedback.objects.filter(pk=feedback.pk)):
        notice = notify(
            giver.recipient,
            TRIAGED,
            template("feedback/notices/triaged_subject.txt"),
            template("feedback/notices/triaged_body.txt"),
            {
                "system": feedback.system,
                "given": feedback.date,
                "summary": feedback.summary,
                "declined": change.to_status == workflow.DECLINED,
                "reason": change.reason,
                "link": site_url(feedback.get_absolute_url()) if giver.person else "",
            },
            obj=feedback,
            key=f"triage {change.pk}",
            language=giver.language,
        )
        told += notice is not None
    return told


@transaction.atomic
def bulk_triage(
    feedback: list[Feedback], status: str, user=None, reason: str = "", duplicate_of=None
) -> dict[int, dict]:
    """Move every item of ``feedback`` to ``status``, all or none: ``{pk: errors}`` of the items
    the workflow refuses (then nothing changed), empty when all moved."""
    refused = {}
    for item in feedback:
        errors = refusal(item, status, reason, duplicate_of)
        if errors:
            refused[item.pk] = errors
    if refused:
        return refused
    for item in feedback:
        triage(item, status, user, reason, duplicate_of)
    return {}


def answer_feedback(improvement: Improvement, user=None) -> int:
    """Mark the feedback ``improvement`` groups, and the items merged into them, answered (it
    is done); returns how many items moved."""
    grouped = Feedback.objects.filter(improvements=improvement).values("pk")
    items = list(
        Feedback.objects.filter(Q(pk__in=grouped) | Q(duplicate_of__in=grouped))
        .filter(status__in=workflow.ANSWERED_BY_IMPROVEMENT)
        .select_related("duplicate_of")
    )
    changes = []
    for item in items:
        duplicate_of = item.duplicate_of
        change = _move(item, workflow.ANSWERED, user, improvement=improvement)
        item.duplicate_of = duplicate_of  # the merge stays: it says whose answer it shares
        change.duplicate_of = duplicate_of
        save_object(item, user)
        changes.append(change)
    FeedbackStatusChange.objects.bulk_create(changes)
    return len(changes)


def overdue_acknowledgement_params() -> dict:
    """The feedback list's filter of the items that missed the service level: still new more
    than ``FEEDBACK_ACKNOWLEDGE_DAYS`` working days after they were given."""
    return {
        "status": list(workflow.UNACKNOWLEDGED),
        "older_than": settings.FEEDBACK_ACKNOWLEDGE_DAYS,
    }


# --- the system page ------------------------------------------------------------------------


def seen_by(queryset, user):
    """The feedback of ``queryset`` that ``user`` may see (the one row rule,
    :func:`~openmis.feedback.confidentiality.visible_feedback`); all of it with no user (the
    command line, the demo). Every figure shown to someone counts through it, so a confidential
    item is neither listed nor counted for those who may not see it."""
    return queryset if user is None else confidentiality.visible_feedback(queryset, user)


def _month_starts(last: date, count: int) -> list[date]:
    months = []
    year, month = last.year, last.month
    for _step in range(count):
        months.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months[::-1]


def rating_trend(
    system, today: date | None = None, months: int = TREND_MONTHS, user=None
) -> list[dict]:
    """Average rating per month over the last ``months`` months, from the first month with a
    rating: ``[{"month": date, "average": float | None, "ratings": int}]``, of the feedback
    ``user`` may see (:func:`seen_by`)."""
    today = today or timezone.localdate()
    starts = _month_starts(today, months)
    rows = (
        seen_by(Feedback.objects.filter(system=system, rating__isnull=False), user)
        .filter(date__gte=starts[0], date__lte=today)
        .annotate(month=TruncMonth("date"))
        .values("month")
        .annotate(average=Avg("rating"), ratings=Count("pk"))
        .order_by("month")
    )
    by_month = {_as_date(r["month"]): r for r in rows}
    trend = [
        {
            "month": start,
            "average": round(float(by_month[start]["average"]), 2) if start in by_month else None,
            "ratings": by_month[start]["ratings"] if start in by_month else 0,
        }
        for start in starts
    ]
    while trend and trend[0]["ratings"] == 0:
        trend.pop(0)
    return trend


def _as_date(value) -> date:
    return value.date() if hasattr(value, "date") and callable(value.date) else value


def post_implementation_review(
    system,
    today: date | None = None,
    days: int | None = None,
    min_days: int | None = None,
    min_feedback: int | None = None,
    user=None,
):
    """The review of ``system``'s most recent go-live (:func:`openmis.feedback.review.compare`):
    ``{"project", "review"}``, or None if no project of the system has gone live. Two queries:
    the project, and the feedback rows of both windows (those ``user`` may see,
    :func:`seen_by`). ``days``, ``min_days`` and ``min_feedback`` default to the
    ``OPENMIS_REVIEW_*`` settings."""
    today = today or timezone.localdate()
    days = settings.OPENMIS_REVIEW_DAYS if days is None else days
    min_days = settings.OPENMIS_REVIEW_MIN_DAYS if min_days is None else min_days
    min_feedback = settings.OPENMIS_REVIEW_MIN_FEEDBACK if min_feedback is None else min_feedback
    project = (
        system.projects.filter(go_live__isnull=False, go_live__lte=today)
        .order_by("-go_live", "-pk")
        .first()
    )
    if project is None:
        return None
    first, last = review.span(project.go_live, days)
    rows = seen_by(
        Feedback.objects.filter(system=system, date__gte=first, date__lte=min(last, today)), user
    ).values_list("date", "rating", "hours_per_month")
    return {
        "project": project,
        "review": review.compare(
            rows,
            project.go_live,
            today,
            users=system.users,
            window_days=days,
            min_days=min_days,
            min_feedback=min_feedback,
        ),
    }


def open_improvements(system):
    """The system's improvements that are neither done nor declined, highest priority first."""
    return list(
        Improvement.objects.filter(system=system, status__in=Improvement.OPEN)
        .select_related("project")
        .order_by("-priority", "title")
    )


# --- the cockpit ------------------------------------------------------------------------------


def lowest_rated_systems(
    today: date | None = None,
    days: int = LOWEST_RATED_DAYS,
    min_ratings: int = LOWEST_RATED_MIN_RATINGS,
    limit: int = 5,
    user=None,
) -> list[dict]:
    """The systems in use with the lowest average rating over the last ``days`` days, among
    those rated at least ``min_ratings`` times: ``[{"system", "average", "ratings"}]``, from
    the feedback ``user`` may see (:func:`seen_by`)."""
    from openmis.portfolio.models import System

    today = today or timezone.localdate()
    since = today - timedelta(days=days - 1)
    rated = Q(feedback__rating__isnull=False, feedback__date__gte=since, feedback__date__lte=today)
    if user is not None and not confidentiality.sees_all(user):
        rated &= Q(feedback__in=seen_by(Feedback.objects.all(), user).values("pk"))
    systems = (
        System.objects.filter(lifecycle_stage__in=IN_USE_STAGES)
        .annotate(
            average=Avg("feedback__rating", filter=rated), ratings=Count("feedback", filter=rated)
        )
        .filter(ratings__gte=min_ratings)
        .order_by("average", "name")
        .only("pk", "name", "lifecycle_stage")[:limit]
    )
    return [
        {"system": s, "average": round(float(s.average), 2), "ratings": s.ratings} for s in systems
    ]
