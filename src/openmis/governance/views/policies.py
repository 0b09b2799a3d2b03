"""Pages of the policies beside their generic ones: the transitions of a version, publishing,
a new draft, the diff of two versions, a review recorded and the list of reviews due."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from openmis.core import permissions, registry
from openmis.core.markdown import render_markdown
from openmis.governance import policies
from openmis.governance.forms_policies import PublishForm
from openmis.governance.models import Policy, PolicyException, PolicyVersion
from openmis.org.people import person_of


def _policy(request, pk) -> Policy:
    return get_object_or_404(registry.get(Policy).for_user(request.user), pk=pk)


def _version(request, pk) -> PolicyVersion:
    versions = registry.get(PolicyVersion).for_user(request.user).select_related("policy")
    return get_object_or_404(versions, pk=pk)


def _refused(request, exc, target):
    messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    return redirect(target)


def policy_context(policy, request) -> dict:
    """The policy page's text in force, versions (those the reader may see), exceptions and
    the actions the reader may take."""
    user = request.user
    versions = list(
        registry.get(PolicyVersion)
        .for_user(user, policy.versions.all())
        .select_related("author", "approved_by")
    )
    current = next((v for v in versions if v.state == PolicyVersion.State.PUBLISHED), None)
    exception_type = registry.get(PolicyException)
    exceptions = []
    if permissions.can(user, exception_type, "view"):
        # the exceptions the reader may read (the type's scope, as on every other page)
        exceptions = list(
            exception_type.for_user(user, policy.exceptions.all()).select_related(
                "person", "department", "system", "approver"
            )
        )
    today = timezone.localdate()
    person = person_of(user)
    may_draft = policies.may_start_draft(user, policy)
    return {
        "current": current,
        "current_html": render_markdown(current.text) if current else "",
        "versions": versions,
        "open_version": next((v for v in versions if v.state in PolicyVersion.OPEN), None),
        "exceptions": [(e, e.active_on(today)) for e in exceptions],
        "can_view_exceptions": permissions.can(user, exception_type, "view"),
        "sees_all_exceptions": policies.manages(user),
        "exception_readers": policies.EXCEPTION_READERS,
        "can_publish": policies.can_publish(user),
        "can_draft": may_draft,
        "can_mark_reviewed": policies.manages(user)
        or (person is not None and person.pk == policy.owner_id),
        "review_overdue": policy.review_overdue(today),
    }


def version_context(version, request) -> dict:
    """A version's page: its text rendered and the transitions the reader may apply."""
    return {
        "text_html": render_markdown(version.text),
        "transitions": policies.allowed_transitions(request.user, version),
        "hash_ok": version.hash_matches(),
    }


@login_required
@require_POST
def transition(request, pk, name):
    """Apply ``name`` (submit, approve, reject, retire) to a version."""
    if name not in policies.TRANSITIONS:
        raise Http404
    version = _version(request, pk)
    target = registry.get(PolicyVersion).url("detail", version)
    try:
        if name == "reject":
            policies.reject(version, request.user, request.POST.get("reason", "")[:250])
        else:
            policies.TRANSITIONS[name](version, request.user)
    except (PermissionDenied, ValidationError) as exc:
        return _refused(request, exc, target)
    done = {
        "submit": _("Submitted version %(number)s for review."),
        "approve": _("Approved version %(number)s."),
        "reject": _("Sent version %(number)s back to draft."),
        "retire": _("Retired version %(number)s."),
    }[name]
    messages.success(request, done % {"number": version.number})
    return redirect(target)


@login_required
def publish(request, pk):
    """Publish the policy's approved version (minor or material change)."""
    policy = _policy(request, pk)
    if not policies.can_publish(request.user):
        raise PermissionDenied
    form = PublishForm(request.POST or None)
    approved = policy.versions.filter(state=PolicyVersion.State.APPROVED).first()
    if request.method == "POST" and form.is_valid():
        try:
            version = policies.publish(policy, form.cleaned_data["change"], request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request, _("Published version %(number)s.") % {"number": version.number}
            )
            return redirect(registry.get(Policy).url("detail", policy))
    status = 400 if request.method == "POST" else 200
    context = {"policy": policy, "form": form, "approved": approved}
    return TemplateResponse(request, "governance/policy_publish.html", context, status=status)


@login_required
@require_POST
def new_draft(request, pk):
    """Start the next version from the text in force, and open it for editing."""
    policy = _policy(request, pk)
    if not policies.may_start_draft(request.user, policy):
        raise PermissionDenied
    try:
        draft = policies.start_draft(policy, request.user)
    except ValidationError as exc:
        return _refused(request, exc, registry.get(Policy).url("detail", policy))
    return redirect(registry.get(PolicyVersion).url("edit", draft))


@login_required
@require_POST
def mark_reviewed(request, pk):
    """Record the policy's review: the next one moves one interval on."""
    policy = _policy(request, pk)
    try:
        policy = policies.mark_reviewed(policy, request.user)
    except PermissionDenied as exc:
        return _refused(request, exc, registry.get(Policy).url("detail", policy))
    messages.success(request, _("Review recorded."))
    return redirect(registry.get(Policy).url("detail", policy))


@login_required
def diff(request, pk):
    """The difference between two versions of a policy (escaped, line by line)."""
    policy = _policy(request, pk)
    versions = list(
        registry.get(PolicyVersion).for_user(request.user, policy.versions.all()).order_by("number")
    )
    by_pk = {str(v.pk): v for v in versions}
    old = by_pk.get(request.GET.get("from", ""))
    new = by_pk.get(request.GET.get("to", ""))
    if old is None and len(versions) >= 2:
        old, new = versions[-2], versions[-1]
    elif new is None and old is not None:
        new = versions[-1]
    lines = policies.diff(old, new) if old is not None and new is not None else []
    context = {"policy": policy, "versions": versions, "old": old, "new": new, "lines": lines}
    return TemplateResponse(request, "governance/policy_diff.html", context)


@login_required
def review_due(request):
    """Policies whose review is overdue or due within the reminder window (the MIS office)."""
    if not policies.manages(request.user):
        raise PermissionDenied
    today = timezone.localdate()
    rows = list(policies.due_for_review(today, policies.REVIEW_NOTICE_DAYS))
    context = {"rows": [(p, p.review_overdue(today)) for p in rows], "today": today}
    return TemplateResponse(request, "governance/policy_review_due.html", context)
