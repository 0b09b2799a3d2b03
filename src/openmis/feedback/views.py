"""Pages of the feedback app beyond the generic ones: the improvement page with its priority
formula and status changes, grouping feedback into an improvement, and triage: of one item
from its page, and of many from the MIS office's triage queue."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from openmis.core import permissions, registry
from openmis.core.cockpit import query as cockpit_query
from openmis.core.services import ConflictError
from openmis.core.views.access import require
from openmis.feedback import agenda, services, workflow
from openmis.feedback.forms import GroupForm, StatusForm, TriageForm
from openmis.feedback.models import Feedback, Improvement


def improvement_context(improvement, request) -> dict:
    """The priority formula with its figures, the grouped feedback and the status history."""
    can_change = permissions.can(request.user, registry.get(Improvement), "change", improvement)
    # Only the items the reader may see are listed and counted (a confidential client
    # complaint is neither named nor counted for an employee), as everywhere else.
    feedback = list(
        registry.get(Feedback)
        .for_user(request.user, improvement.feedback.all())
        .select_related("department", "author")
        .order_by("-date", "-pk")
    )
    ratings = [f.rating for f in feedback if f.rating is not None]
    return {
        "impact_value": Decimal(improvement.impact),
        "grouped_feedback": feedback,
        "grouped_any": bool(feedback),
        "grouped_rating": round(sum(ratings) / len(ratings), 2) if ratings else None,
        # What the feedback reports, beside the reach and impact the score was given.
        "grouped_people": sum(f.people_affected for f in feedback),
        "grouped_hours": sum((f.hours_per_month for f in feedback), Decimal(0)),
        "status_changes": improvement.status_changes.select_related("changed_by"),
        "discussed_in": agenda.discussed_in(improvement, request.user),
        "can_change_status": can_change,
        "status_form": StatusForm(
            initial={"status": _next_status(improvement.status), "version": improvement.version}
        )
        if can_change
        else None,
    }


def _next_status(status: str) -> str:
    order = Improvement.Status.values
    return order[min(order.index(status) + 1, len(order) - 2)]


def feedback_context(feedback, request) -> dict:
    """The improvements a feedback item is part of, the form to add it to another, its triage
    history and, for the MIS office, the triage form offering the moves the workflow allows."""
    improvement_type = registry.get(Improvement)
    context = {
        "improvements": None,
        "triage_history": list(
            feedback.status_changes.select_related("changed_by", "duplicate_of", "improvement")
        ),
        "duplicates": list(
            registry.get(Feedback)
            .for_user(request.user, feedback.duplicates.all())
            .select_related("system")
        ),
    }
    # The items this one was merged into, named only to those who may see them (one query).
    originals = {c.duplicate_of_id for c in context["triage_history"] if c.duplicate_of_id}
    if feedback.duplicate_of_id is not None:
        originals.add(feedback.duplicate_of_id)
    visible = set(
        registry.get(Feedback)
        .for_user(request.user, Feedback.objects.filter(pk__in=originals))
        .values_list("pk", flat=True)
        if originals
        else ()
    )
    context["visible_originals"] = visible
    if feedback.duplicate_of_id is not None:
        context["duplicate_of_hidden"] = feedback.duplicate_of_id not in visible
    allowed = workflow.allowed(feedback.status)
    if allowed and services.can_triage(request.user):
        context["triage_form"] = TriageForm(
            visible=registry.get(Feedback).for_user(request.user).exclude(pk=feedback.pk),
            statuses=allowed,
            initial={"version": feedback.version},
        )
    if permissions.can(request.user, improvement_type, "view"):
        context["improvements"] = list(feedback.improvements.order_by("-priority", "title"))
    if permissions.can(request.user, improvement_type, "change"):
        context["group_form"] = GroupForm(feedback=feedback)
    if permissions.can(request.user, improvement_type, "add"):
        # The people the feedback says it affects are the reach to start from.
        reach = f"&reach={feedback.people_affected}" if feedback.people_affected else ""
        context["new_improvement_url"] = (
            f"{improvement_type.url('add')}?system={feedback.system_id}&feedback={feedback.pk}"
            f"{reach}"
        )
    return context


@login_required
def change_status(request, pk):
    improvement = get_object_or_404(Improvement, pk=pk)
    require(request.user, Improvement, "change", improvement)
    if request.method != "POST":
        return redirect(improvement.get_absolute_url())
    form = StatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, "; ".join(e for errs in form.errors.values() for e in errs))
        return redirect(improvement.get_absolute_url())
    try:
        change = services.change_status(
            improvement,
            form.cleaned_data["status"],
            request.user,
            form.cleaned_data["reason"],
            form.cleaned_data["version"],
        )
    except (ValidationError, ConflictError) as error:
        messages.error(request, "; ".join(getattr(error, "messages", [str(error)])))
        return redirect(improvement.get_absolute_url())
    messages.success(
        request,
        _("%(improvement)s is now “%(status)s”; %(count)d people who gave feedback are told.")
        % {
            "improvement": improvement,
            "status": improvement.get_status_display(),
            "count": change.notified,
        },
    )
    return redirect(improvement.get_absolute_url())


@login_required
def group(request, pk):
    feedback = get_object_or_404(registry.get(Feedback).for_user(request.user), pk=pk)
    require(request.user, Feedback, "view")
    if request.method != "POST":
        return redirect(feedback.get_absolute_url())
    form = GroupForm(request.POST, feedback=feedback)
    if not form.is_valid():
        messages.error(request, "; ".join(e for errs in form.errors.values() for e in errs))
        return redirect(feedback.get_absolute_url())
    improvement = form.cleaned_data["improvement"]
    require(request.user, Improvement, "change", improvement)
    services.group_feedback(feedback, improvement, request.user)
    messages.success(
        request,
        _("The feedback is now part of “%(improvement)s”.") % {"improvement": improvement},
    )
    return redirect(feedback.get_absolute_url())


def _require_triage(user) -> None:
    if not services.can_triage(user):
        raise PermissionDenied(_("Only the MIS office triages feedback."))


def _refusal_text(errors: dict) -> str:
    return " ".join(str(m) for messages_ in errors.values() for m in messages_)


@login_required
def triage(request, pk):
    """Move one feedback item from its page."""
    feedback = get_object_or_404(registry.get(Feedback).for_user(request.user), pk=pk)
    _require_triage(request.user)
    if request.method != "POST":
        return redirect(feedback.get_absolute_url())
    visible = registry.get(Feedback).for_user(request.user)
    form = TriageForm(request.POST, visible=visible)
    if not form.is_valid():
        messages.error(request, "; ".join(e for errs in form.errors.values() for e in errs))
        return redirect(feedback.get_absolute_url())
    data = form.cleaned_data
    try:
        services.triage(
            feedback,
            data["status"],
            request.user,
            data["reason"],
            data["duplicate_of"],
            data["version"],
        )
    except (ValidationError, ConflictError) as error:
        messages.error(request, "; ".join(getattr(error, "messages", [str(error)])))
        return redirect(feedback.get_absolute_url())
    messages.success(
        request, _("The feedback is now “%(status)s”.") % {"status": feedback.get_status_display()}
    )
    return redirect(feedback.get_absolute_url())


#: What the triage queue shows when no filter is chosen: what waits for the MIS office.
QUEUE_DEFAULT = {"status": [workflow.NEW, workflow.ACKNOWLEDGED]}
QUEUE_PAGE_SIZE = 50


@login_required
def queue(request):
    """The MIS office's triage queue: the feedback list filtered (by system, department,
    client, status, age…), with actions on the chosen rows, all or none."""
    _require_triage(request.user)
    if request.method == "POST":
        return _bulk(request)
    if not request.GET:
        return redirect(f"{request.path}?{cockpit_query(QUEUE_DEFAULT).urlencode()}")
    # imported here: the generic views load the import tools (tablib), which starting the
    # site need not (feedback's registry imports this module at startup)
    from openmis.core.views.generic.base import filtered_queryset

    queryset, filterset = filtered_queryset(registry.get(Feedback), request)
    queryset = queryset.select_related("system", "department", "client", "duplicate_of__system")
    page = Paginator(queryset, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return TemplateResponse(
        request,
        "feedback/triage_queue.html",
        {
            "filterset": filterset,
            "page": page,
            "query": query.urlencode(),
            "form": TriageForm(visible=registry.get(Feedback).for_user(request.user)),
            "acknowledge_days": settings.FEEDBACK_ACKNOWLEDGE_DAYS,
        },
    )


def _bulk(request):
    back = f"{request.path}?{request.POST.get('query', '')}"
    visible = registry.get(Feedback).for_user(request.user)
    form = TriageForm(request.POST, visible=visible)
    if not form.is_valid():
        messages.error(request, "; ".join(e for errs in form.errors.values() for e in errs))
        return redirect(back)
    data = form.cleaned_data
    chosen = list(data["feedback"].select_related("duplicate_of"))
    if not chosen:
        messages.error(request, _("Choose the feedback to act on."))
        return redirect(back)
    refused = services.bulk_triage(
        chosen, data["status"], request.user, data["reason"], data["duplicate_of"]
    )
    if refused:
        by_pk = {item.pk: item for item in chosen}
        messages.error(
            request,
            ngettext(
                "Nothing was changed: %(count)d of the chosen items cannot move.",
                "Nothing was changed: %(count)d of the chosen items cannot move.",
                len(refused),
            )
            % {"count": len(refused)},
        )
        for pk, errors in refused.items():
            messages.error(
                request,
                _("#%(id)d %(summary)s: %(reason)s")
                % {"id": pk, "summary": by_pk[pk].summary, "reason": _refusal_text(errors)},
            )
        return redirect(back)
    messages.success(
        request,
        ngettext(
            "%(count)d feedback item is now “%(status)s”.",
            "%(count)d feedback items are now “%(status)s”.",
            len(chosen),
        )
        % {"count": len(chosen), "status": Feedback.Status(data["status"]).label},
    )
    return redirect(back)


urlpatterns = [
    path("triage/", queue, name="triage_queue"),
    path("feedback/<int:pk>/triage/", triage, name="feedback_triage"),
    path("improvements/<int:pk>/status/", change_status, name="improvement_status"),
    path("feedback/<int:pk>/group/", group, name="feedback_group"),
]
