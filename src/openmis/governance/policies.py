"""What can happen to a policy: its versions' transitions (submit, approve, reject, publish,
retire), who may see its drafts, the diff of two versions and the review reminders.

Every page and API endpoint goes through these functions, so the rules hold everywhere: the
author never approves their own version, only a listed approver (or whoever holds
``governance.approve_any_policy``, the MIS director) approves, a published text is frozen
with its SHA-256, and publishing retires the version it replaces.
"""

from __future__ import annotations

import calendar
import difflib
from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from openmis.core import permissions
from openmis.core.notifications import notify
from openmis.governance.models import Policy, PolicyException, PolicyVersion
from openmis.governance.models.policies import text_hash
from openmis.org.people import person_of

MANAGE_PERMISSION = "governance.manage_policies"
APPROVE_ANY_PERMISSION = "governance.approve_any_policy"
REVIEW_REMINDER = "governance.policy_review"
#: Owners are reminded this many days before a policy's review date (and when it is overdue).
REVIEW_NOTICE_DAYS = 30

State = PolicyVersion.State


def manages(user) -> bool:
    """Whether ``user`` sees every draft and publishes policies (the MIS office)."""
    return user is not None and permissions.has_perm(user, MANAGE_PERMISSION)


# ---------------------------------------------------------------- who sees what


def visible_policies(queryset, user):
    """The policies of ``queryset`` that ``user`` may see (the type's ``visible_to``): all for
    the MIS office; for everyone else those with a published version, plus those they own or
    approve."""
    if user is None or not user.is_authenticated:
        return queryset.none()
    if manages(user):
        return queryset
    condition = Q(pk__in=PolicyVersion.objects.filter(state=State.PUBLISHED).values("policy_id"))
    person = person_of(user)
    if person is not None:
        condition |= Q(owner_id=person.pk) | Q(
            pk__in=Policy.approvers.through.objects.filter(person_id=person.pk).values("policy_id")
        )
    return queryset.filter(condition)


def draft_readers(user) -> Q | None:
    """The policy versions whose drafts ``user`` may read (None: all, the MIS office): those
    they wrote or edited, and those of the policies they own or approve. The same rule
    decides which drafts they see (:func:`visible_versions`) and whether a published
    version's history shows them the draft texts it went through (the type's
    ``history_redacted``)."""
    if manages(user):
        return None
    condition = Q(editors=user.pk) if getattr(user, "pk", None) is not None else Q(pk__in=[])
    person = person_of(user)
    if person is not None:
        condition |= (
            Q(author_id=person.pk)
            | Q(policy__owner_id=person.pk)
            | Q(
                policy_id__in=Policy.approvers.through.objects.filter(person_id=person.pk).values(
                    "policy_id"
                )
            )
        )
    # a subquery, so that the many-to-many join never repeats a row
    return Q(pk__in=PolicyVersion.objects.filter(condition).values("pk"))


def visible_versions(queryset, user):
    """The policy versions ``user`` may see: none of a policy they may not see; of the
    others, the published and retired ones, and the drafts (in review, approved) that
    :func:`draft_readers` lets them read. The MIS office sees all."""
    if user is None or not user.is_authenticated:
        return queryset.none()
    if manages(user):
        return queryset
    drafts = draft_readers(user)
    return queryset.filter(
        Q(state__in=PolicyVersion.FROZEN) | drafts,
        policy_id__in=visible_policies(Policy.objects.all(), user).values("pk"),
    )


EXCEPTION_READERS = gettext_lazy(
    "A policy exception is shown only to the MIS office, whoever asked for or approved it, "
    "the person it exempts, the leaders of the department it exempts and the owners of the "
    "system it exempts."
)


def visible_exceptions(queryset, user):
    """The policy exceptions ``user`` may read (the rule of CISO Assistant and Eramba: an
    exception tells where a control is missing, so it is no reading for everyone): all for
    the MIS office; for others those they asked for, approved or are exempted by, those of a
    system they are the technical owner of, and, for department leaders (a
    department-scoped right to view exceptions), those exempting their departments or the
    systems those departments own, the departments below theirs included."""
    if user is None or not user.is_authenticated:
        return queryset.none()
    if manages(user):
        return queryset
    person = person_of(user)
    if person is None:
        return queryset.none()
    condition = (
        Q(requested_by_id=person.pk)
        | Q(approver_id=person.pk)
        | Q(person_id=person.pk)
        | Q(system__technical_owner_id=person.pk)
    )
    from openmis.core import registry

    object_type = registry.get(PolicyException)
    if permissions.write_scope(user, object_type, "view") == permissions.DEPARTMENT:
        departments = sorted(permissions.user_department_ids(user))
        condition |= Q(department_id__in=departments) | Q(system__business_owner_id__in=departments)
    return queryset.filter(condition)


def visibility_key(user) -> tuple:
    """What the policies a user sees depend on (for panels cached per reader)."""
    return ("all",) if manages(user) else ("user", getattr(user, "pk", None))


def version_access(user, action: str, version) -> bool:
    """The per-row check of policy versions: a published or retired version is never deleted
    (it is the record of what people were asked to follow)."""
    return not (action == "delete" and version is not None and version.frozen)


def policy_delete_warnings(policy) -> list[str]:
    """What deleting a policy takes with it: its versions, the published ones included."""
    published = policy.versions.filter(state__in=PolicyVersion.FROZEN).count()
    if not published:
        return []
    return [
        ngettext(
            "%(count)s published or retired version will be deleted with it: the record of "
            "what people were asked to follow. Retiring its version keeps that record.",
            "%(count)s published or retired versions will be deleted with it: the record of "
            "what people were asked to follow. Retiring its version keeps that record.",
            published,
        )
        % {"count": published}
    ]


# ---------------------------------------------------------------- transitions


def _refuse(message):
    raise PermissionDenied(message)


def _expect(version: PolicyVersion, *states):
    if version.state not in states:
        raise ValidationError(
            _("Version %(number)s is %(state)s; this needs it %(expected)s.")
            % {
                "number": version.number,
                "state": version.get_state_display(),
                "expected": " / ".join(str(State(s).label) for s in states),
            },
            code="state",
        )


def can_edit(user, version: PolicyVersion) -> bool:
    """Whether ``user`` may submit or withdraw ``version``: its author, the policy's owner or
    the MIS office, with the right to change versions."""
    if not permissions.has_perm(user, "governance.change_policyversion"):
        return False
    person = person_of(user)
    mine = person is not None and person.pk in (version.author_id, version.policy.owner_id)
    return mine or manages(user)


def wrote(user, version: PolicyVersion) -> bool:
    """Whether ``user`` wrote ``version``: its author, or anyone who created it or changed its
    text (its ``editors``, recorded by the audited save path), with a person record or not."""
    person = person_of(user)
    if person is not None and person.pk == version.author_id:
        return True
    if version.pk is None or getattr(user, "pk", None) is None:
        return False
    return version.editors.filter(pk=user.pk).exists()


def can_approve(user, version: PolicyVersion) -> bool:
    """Whether ``user`` may approve or reject ``version``: a listed approver of the policy or
    the MIS director, never one who wrote or changed its text (:func:`wrote`)."""
    if wrote(user, version):
        return False
    person = person_of(user)
    if permissions.has_perm(user, APPROVE_ANY_PERMISSION):
        return True
    return person is not None and version.policy.approvers.filter(pk=person.pk).exists()


def can_publish(user) -> bool:
    """Whether ``user`` publishes and retires policy versions (the MIS office)."""
    return manages(user)


def _locked(version: PolicyVersion) -> PolicyVersion:
    return PolicyVersion.objects.select_for_update().select_related("policy").get(pk=version.pk)


def _save(version: PolicyVersion, user):
    from openmis.core.services import save_object

    return save_object(version, user)


def submit(version: PolicyVersion, user) -> PolicyVersion:
    """Send a draft for review by the policy's approvers."""
    if not can_edit(user, version):
        _refuse(_("Only the author, the policy's owner or the MIS office submit a draft."))
    with transaction.atomic():
        version = _locked(version)
        _expect(version, State.DRAFT)
        version.state = State.IN_REVIEW
        return _save(version, user)


def approve(version: PolicyVersion, user) -> PolicyVersion:
    """Approve a version in review: a listed approver or the MIS director, not its author."""
    if not can_approve(user, version):
        _refuse(
            _(
                "Only an approver of the policy who did not write or change its text approves "
                "a version."
            )
        )
    with transaction.atomic():
        version = _locked(version)
        _expect(version, State.IN_REVIEW)
        if wrote(user, version):  # the text may have been changed since the check
            _refuse(
                _(
                    "Only an approver of the policy who did not write or change its text "
                    "approves a version."
                )
            )
        version.state = State.APPROVED
        version.approved_by = person_of(user)
        return _save(version, user)


def reject(version: PolicyVersion, user, reason: str = "") -> PolicyVersion:
    """Send a version in review (or approved, not yet published) back to draft."""
    if not can_approve(user, version):
        _refuse(
            _(
                "Only an approver of the policy who did not write or change its text rejects "
                "a version."
            )
        )
    with transaction.atomic():
        version = _locked(version)
        _expect(version, State.IN_REVIEW, State.APPROVED)
        version.state = State.DRAFT
        version.approved_by = None
        if reason:
            version.summary = (_("Rejected: %(reason)s") % {"reason": reason})[:300]
        return _save(version, user)


def add_months(day: date, months: int) -> date:
    """``day`` plus ``months`` calendar months (the 31st becomes the month's last day)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def publish(policy: Policy, change: str, user) -> PolicyVersion:
    """Publish the policy's approved version as a ``minor`` or ``material`` change: its text
    is frozen with its SHA-256, the version published before is retired, the next review
    is set and the policy's audience is asked to acknowledge it. A ValidationError names the
    state when no version is approved."""
    if not can_publish(user):
        _refuse(_("Only the MIS office publishes policies."))
    if change not in PolicyVersion.Change.values:
        raise ValidationError(
            {"change": _("Say whether the change is minor or material.")}, code="change"
        )
    with transaction.atomic():
        Policy.objects.select_for_update().filter(pk=policy.pk).first()
        version = (
            PolicyVersion.objects.select_for_update()
            .filter(policy=policy, state=State.APPROVED)
            .first()
        )
        if version is None:
            open_version = policy.versions.filter(state__in=PolicyVersion.OPEN).first()
            if open_version is None:
                message = _("The policy has no approved version to publish, and no draft.")
            else:
                message = _(
                    "The policy has no approved version to publish: version %(number)s is "
                    "%(state)s."
                ) % {"number": open_version.number, "state": open_version.get_state_display()}
            raise ValidationError(message, code="state")
        for previous in policy.versions.select_for_update().filter(state=State.PUBLISHED):
            previous.state = State.RETIRED
            _save(previous, user)
        version.state = State.PUBLISHED
        version.change = change
        version.sha256 = text_hash(version.text)
        version.published_at = timezone.now()
        _save(version, user)
        policy = Policy.objects.get(pk=policy.pk)
        policy.next_review = add_months(timezone.localdate(), policy.review_interval)
        from openmis.core.services import save_object

        save_object(policy, user)
        from openmis.governance.acknowledgements import start_campaign

        start_campaign(version)  # asks the policy's audience (nobody without one)
    return version


def retire(version: PolicyVersion, user) -> PolicyVersion:
    """Withdraw a published version: the policy then has no text in force."""
    if not can_publish(user):
        _refuse(_("Only the MIS office retires policy versions."))
    with transaction.atomic():
        version = _locked(version)
        _expect(version, State.PUBLISHED)
        version.state = State.RETIRED
        from openmis.governance.acknowledgements import close_campaigns

        close_campaigns(version)
        return _save(version, user)


TRANSITIONS = {"submit": submit, "approve": approve, "reject": reject, "retire": retire}


def allowed_transitions(user, version: PolicyVersion) -> list[str]:
    """The transitions ``user`` may apply to ``version`` now (the buttons shown)."""
    allowed = []
    if version.state == State.DRAFT and can_edit(user, version):
        allowed.append("submit")
    if version.state == State.IN_REVIEW and can_approve(user, version):
        allowed += ["approve", "reject"]
    if version.state == State.APPROVED and can_approve(user, version):
        allowed.append("reject")
    if version.state == State.PUBLISHED and can_publish(user):
        allowed.append("retire")
    return allowed


def draft_over(version: PolicyVersion, text: str, user, summary: str = "") -> PolicyVersion:
    """The new draft (not saved) that keeps ``text`` written over a frozen ``version``,
    validated: a ValidationError when another version is being prepared already, or when
    ``user`` may not add versions. Nothing is written: :func:`save_draft` saves it."""
    from openmis.core import registry

    draft = PolicyVersion(policy=version.policy, text=text, summary=summary, author=person_of(user))
    if not permissions.can(user, registry.get(PolicyVersion), "add", draft):
        raise ValidationError(_("You may not start a new version of this policy."), code="add")
    draft.full_clean()
    return draft


def save_draft(draft: PolicyVersion, user) -> PolicyVersion:
    """Save a new draft through the audited path (its writer recorded among its editors)."""
    return _save(draft, user)


def may_start_draft(user, policy: Policy) -> bool:
    """Whether ``user`` starts the policy's next version from its page: the MIS office or the
    policy's owner, with the right to add versions."""
    person = person_of(user)
    return permissions.has_perm(user, "governance.add_policyversion") and (
        manages(user) or (person is not None and person.pk == policy.owner_id)
    )


def start_draft(policy: Policy, user) -> PolicyVersion:
    """The policy's next version, starting from the text in force, saved through the audited
    path; a ValidationError when a version is being prepared already."""
    if not may_start_draft(user, policy):
        _refuse(_("Only the policy's owner or the MIS office start a new version."))
    current = policy.current_version
    draft = PolicyVersion(
        policy=policy, text=current.text if current else "", author=person_of(user)
    )
    draft.full_clean(exclude=["text"])
    return _save(draft, user)


# ---------------------------------------------------------------- diff


@dataclass(frozen=True)
class DiffLine:
    """One line of a unified diff: ``kind`` is ``add``, ``remove``, ``context`` or ``hunk``.
    The text is plain; templates escape it."""

    kind: str
    text: str


def diff(old: PolicyVersion, new: PolicyVersion, context: int = 3) -> list[DiffLine]:
    """The unified diff of two versions' texts, line by line (difflib)."""
    lines = []
    for line in difflib.unified_diff(
        old.text.splitlines(), new.text.splitlines(), lineterm="", n=context
    ):
        if line.startswith(("---", "+++")):
            continue
        if line.startswith("@@"):
            lines.append(DiffLine("hunk", line))
        elif line.startswith("+"):
            lines.append(DiffLine("add", line[1:]))
        elif line.startswith("-"):
            lines.append(DiffLine("remove", line[1:]))
        else:
            lines.append(DiffLine("context", line[1:]))
    return lines


# ---------------------------------------------------------------- reviews


def due_for_review(today: date | None = None, within_days: int = 0):
    """Policies whose review date is on or before ``today + within_days`` (overdue first)."""
    today = today or timezone.localdate()
    return (
        Policy.objects.filter(next_review__lte=today + timedelta(days=within_days))
        .select_related("owner", "department")
        .order_by("next_review", "title")
    )


def mark_reviewed(policy: Policy, user) -> Policy:
    """Record that the policy was reviewed today: its next review moves one interval on."""
    if not (manages(user) or getattr(person_of(user), "pk", None) == policy.owner_id):
        _refuse(_("Only the policy's owner or the MIS office record its review."))
    policy.next_review = add_months(timezone.localdate(), policy.review_interval)
    from openmis.core.services import save_object

    return save_object(policy, user)


def send_review_reminders(today: date | None = None) -> int:
    """Notify each policy's owner once per review date, ``REVIEW_NOTICE_DAYS`` before it
    (or as soon as it is overdue); returns how many were notified. Run daily
    (``openmis manage governance_daily``)."""
    today = today or timezone.localdate()
    sent = 0
    for policy in due_for_review(today, REVIEW_NOTICE_DAYS):
        notice = notify(
            policy.owner,
            REVIEW_REMINDER,
            _review_subject,
            _review_body,
            {"policy": policy, "due": policy.next_review},
            obj=policy,
            key=policy.next_review.isoformat(),
        )
        sent += notice is not None
    return sent


def _review_subject(context: dict) -> str:
    from openmis.core.formatting import date_text

    return _("Policy “%(title)s”: review due %(date)s") % {
        "title": context["policy"].title,
        "date": date_text(context["due"]),
    }


def _review_body(context: dict) -> str:
    from openmis.core.formatting import date_text

    return _(
        "The policy “%(title)s” you own is due for review on %(date)s. Read it again, write "
        "a new draft if it needs changing, and record the review on its page."
    ) % {"title": context["policy"].title, "date": date_text(context["due"])}


REVIEW_REMINDER_LABEL = gettext_lazy("Policy review due")
