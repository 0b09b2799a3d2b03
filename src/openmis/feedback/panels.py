"""Feedback's sections on other apps' pages: the feedback of a system (rating trend, open
improvements, post-implementation review) and the feedback recorded in a meeting."""

from __future__ import annotations

from django.utils.translation import gettext as _

from openmis.core import formatting, permissions, registry
from openmis.feedback import confidentiality, services
from openmis.feedback.models import Feedback, Improvement
from openmis.portfolio.services import CONCERNS_SHOWN, Concern


def can_view_feedback(user) -> bool:
    """Whether ``user`` may see feedback (the system page's panel needs it)."""
    return permissions.can(user, registry.get(Feedback), "view")


def system_visibility(user) -> tuple:
    """What of a system's feedback panel ``user`` may see and do (the panel's ``vary``): the
    count is of the feedback the reader may see (:mod:`~openmis.feedback.confidentiality`)."""
    feedback_type, improvement_type = registry.get(Feedback), registry.get(Improvement)
    return (
        *confidentiality.visibility_key(user),
        permissions.can(user, feedback_type, "view"),
        permissions.can(user, feedback_type, "add"),
        permissions.can(user, improvement_type, "view"),
        permissions.can(user, improvement_type, "add"),
    )


def system_feedback(request, system) -> dict:
    """The feedback section of a system's page: rating trend (for a line chart), open
    improvements and the post-implementation review."""
    user = request.user
    *_seen, _view, can_add, can_view_improvements, can_add_improvement = system_visibility(user)
    feedback_type, improvement_type = registry.get(Feedback), registry.get(Improvement)
    trend = services.rating_trend(system)
    section = {
        "trend": trend,
        "chart": {
            "months": [formatting.bucket_text(row["month"], "month") for row in trend],
            "averages": [row["average"] for row in trend],
            "ratings": [row["ratings"] for row in trend],
            "label": _("Average rating"),
        },
        "count": feedback_type.for_user(user, Feedback.objects.filter(system=system)).count(),
        "review": services.post_implementation_review(system),
        "list_url": f"{feedback_type.url('list')}?system={system.pk}",
        "add_url": f"{feedback_type.url('add')}?system={system.pk}",
        "can_add": can_add,
        "improvements": None,
    }
    if can_view_improvements:
        section["improvements"] = services.open_improvements(system)
        section["improvements_url"] = f"{improvement_type.url('list')}?system={system.pk}"
        section["can_add_improvement"] = can_add_improvement
        section["add_improvement_url"] = f"{improvement_type.url('add')}?system={system.pk}"
    return {"feedback_section": section}


def meeting_visibility(user) -> tuple:
    """Whether ``user`` may see, and may record, feedback (the meeting panel's ``vary``),
    after which of it they see."""
    feedback_type = registry.get(Feedback)
    return (
        *confidentiality.visibility_key(user),
        permissions.can(user, feedback_type, "view"),
        permissions.can(user, feedback_type, "add"),
    )


def meeting_feedback(request, occurrence) -> dict | None:
    """The feedback recorded in a meeting and the link to record more; None (no section)
    when the user may do neither."""
    *_seen, can_view, can_add = meeting_visibility(request.user)
    if not (can_view or can_add):
        return None
    feedback_type = registry.get(Feedback)
    return {
        "feedback": feedback_type.for_user(
            request.user, Feedback.objects.filter(occurrence=occurrence)
        )
        .select_related("system")
        .order_by("pk")
        if can_view
        else None,
        "feedback_add_url": f"{feedback_type.url('add')}?occurrence={occurrence.pk}"
        if can_add
        else None,
    }


def retirement_concern(system, user):
    """The system's open improvements, for the list of what still relies on a system about
    to retire (the portfolio's ``retirement_concerns`` extension point); None when it has
    none. Named for those who may see improvements, counted for the others."""
    improvements = Improvement.objects.filter(system=system, status__in=Improvement.OPEN)
    count = improvements.count()
    if not count:
        return None
    improvement_type = registry.get(Improvement)
    items = []
    if user is None or permissions.can(user, improvement_type, "view"):
        rows = improvements.order_by("-priority", "title", "pk").values_list("pk", "title")
        items = [(title, improvement_type.detail_url(pk)) for pk, title in rows[:CONCERNS_SHOWN]]
    return Concern("improvements", _("Open improvements"), count, items)
