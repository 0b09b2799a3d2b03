"""Pages of the feedback app beyond the generic ones: the improvement page with its priority
formula and status changes, and grouping feedback into an improvement."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import path
from django.utils.translation import gettext as _

from openmis.core import permissions, registry
from openmis.core.services import ConflictError
from openmis.core.views.access import require
from openmis.feedback import services
from openmis.feedback.forms import GroupForm, StatusForm
from openmis.feedback.models import Feedback, Improvement


def improvement_context(improvement, request) -> dict:
    """The priority formula with its figures, the grouped feedback and the status history."""
    can_change = permissions.can(request.user, registry.get(Improvement), "change", improvement)
    feedback = list(
        improvement.feedback.select_related("department", "author").order_by("-date", "-pk")
    )
    ratings = [f.rating for f in feedback if f.rating is not None]
    return {
        "impact_value": Decimal(improvement.impact),
        "grouped_feedback": feedback,
        "grouped_rating": round(sum(ratings) / len(ratings), 2) if ratings else None,
        # What the feedback reports, beside the reach and impact the score was given.
        "grouped_people": sum(f.people_affected for f in feedback),
        "grouped_hours": sum((f.hours_per_month for f in feedback), Decimal(0)),
        "status_changes": improvement.status_changes.select_related("changed_by"),
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
    """The improvements a feedback item is part of, and the form to add it to another."""
    improvement_type = registry.get(Improvement)
    context = {"improvements": None}
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
    feedback = get_object_or_404(Feedback, pk=pk)
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


urlpatterns = [
    path("improvements/<int:pk>/status/", change_status, name="improvement_status"),
    path("feedback/<int:pk>/group/", group, name="feedback_group"),
]
