"""Feedback's sections on other apps' pages: the feedback of a system (rating trend, open
improvements, post-implementation review) and the feedback recorded in a meeting."""

from __future__ import annotations

from urllib.parse import urlencode

from django.db.models import Count, DateTimeField, Max, OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce, TruncDate
from django.utils.translation import gettext as _

from openmis.core import formatting, permissions, registry
from openmis.feedback import confidentiality, services
from openmis.feedback.models import Feedback, Improvement, StatusChange
from openmis.meetings.followup import FollowUpPart
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
        # the counts and lists read through the rows' rules: feedback's is the visibility key
        # above (the MIS office shares one page); once some users may not see some
        # improvements, the panel differs per user
        getattr(user, "pk", None) if registry.is_private(Improvement) else None,
    )


def system_feedback(request, system) -> dict:
    """The feedback section of a system's page: rating trend (for a line chart), open
    improvements and the post-implementation review."""
    user = request.user
    *_seen, _view, can_add, can_view_improvements, can_add_improvement, _rows = system_visibility(
        user
    )
    feedback_type, improvement_type = registry.get(Feedback), registry.get(Improvement)
    trend = services.rating_trend(system, user=user)
    section = {
        "trend": trend,
        "chart": {
            "months": [formatting.bucket_text(row["month"], "month") for row in trend],
            "averages": [row["average"] for row in trend],
            "ratings": [row["ratings"] for row in trend],
            "label": _("Average rating"),
        },
        **_by_status(system, user, feedback_type),
        "review": services.post_implementation_review(system, user=user),
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
        section.update(_delivered(system, user, improvement_type))
    return {"feedback_section": section}


DELIVERED_SHOWN = 10  # delivered improvements listed on a system's page; the list has the rest


def _by_status(system, user, feedback_type) -> dict:
    """How many of the system's feedback items ``user`` may see are in each status, each
    linking to the feedback list filtered by the system and that status (one query)."""
    visible = registry.visible_only(Feedback.objects.filter(system=system), user)
    counts = dict(
        visible.order_by().values_list("status").annotate(n=Count("pk")).values_list("status", "n")
    )
    base = feedback_type.url("list")
    rows = [
        {
            "status": status,
            "label": label,
            "count": counts.get(status, 0),
            "url": f"{base}?{urlencode({'system': system.pk, 'status': status})}",
        }
        for status, label in Feedback.Status.choices
    ]
    return {"count": sum(counts.values()), "by_status": rows}


def _delivered(system, user, improvement_type) -> dict:
    """The system's done improvements, latest delivered first, with the project that delivered
    them and the day: the project's go-live, else the day it was marked done (one query)."""
    done_on = (
        StatusChange.objects.filter(improvement=OuterRef("pk"), to_status=Improvement.Status.DONE)
        .order_by()
        .values("improvement")
        .annotate(last=Max("created"))
        .values("last")
    )
    rows = list(
        registry.visible_only(
            Improvement.objects.filter(system=system, status=Improvement.Status.DONE), user
        )
        .select_related("project")
        .annotate(done_on=TruncDate(Subquery(done_on, output_field=DateTimeField())))
        .annotate(delivered_on=Coalesce("project__go_live", "done_on"))
        .order_by("-delivered_on", "title", "pk")[: DELIVERED_SHOWN + 1]
    )
    return {
        "delivered": rows[:DELIVERED_SHOWN],
        "delivered_more": len(rows) > DELIVERED_SHOWN,
        "delivered_url": f"{improvement_type.url('list')}?"
        + urlencode({"system": system.pk, "status": Improvement.Status.DONE}),
    }


def can_view_improvements(user) -> bool:
    """Whether ``user`` may see improvements (the project page's panel needs it)."""
    return permissions.can(user, registry.get(Improvement), "view")


def project_visibility(user) -> tuple[bool, ...]:
    """What of a project's improvements panel ``user`` may see and do (the panel's ``vary``)."""
    improvement_type = registry.get(Improvement)
    return (
        permissions.can(user, improvement_type, "view"),
        permissions.can(user, improvement_type, "add"),
    )


def project_improvements(request, project) -> dict:
    """The improvements a deployment project implements (its go-live delivers the open ones),
    with a link to link another."""
    improvement_type = registry.get(Improvement)
    _view, can_add = project_visibility(request.user)
    rows = registry.visible_only(
        Improvement.objects.filter(project=project), request.user
    ).order_by("-priority", "title", "pk")
    query = urlencode({"system": project.system_id, "project": project.pk})
    return {
        "project_improvements": list(rows),
        "improvements_url": f"{improvement_type.url('list')}?{urlencode({'project': project.pk})}",
        "add_improvement_url": f"{improvement_type.url('add')}?{query}" if can_add else None,
    }


def meeting_visibility(user) -> tuple:
    """Whether ``user`` may see, and may record, feedback (the meeting panel's ``vary``),
    after which of it they see; for a department-scoped recorder, their departments (which
    meetings' feedback they may record)."""
    feedback_type = registry.get(Feedback)
    scope = permissions.write_scope(user, feedback_type, "add")
    return (
        *confidentiality.visibility_key(user),
        permissions.can(user, feedback_type, "view"),
        permissions.can(user, feedback_type, "add"),
        tuple(sorted(permissions.user_department_ids(user)))
        if scope == permissions.DEPARTMENT
        else (),
    )


def may_record_in(user, occurrence) -> bool:
    """Whether ``user`` may record feedback heard in ``occurrence``: the form starts from the
    meeting's department, so this is the check its submission meets (a leader of another
    department would be refused)."""
    probe = Feedback(occurrence=occurrence, department_id=occurrence.series.department_id)
    return permissions.can(user, registry.get(Feedback), "add", probe)


def meeting_feedback(request, occurrence) -> dict | None:
    """The feedback recorded in a meeting and the link to record more (only for those whose
    submission would be accepted); None (no section) when the user may do neither."""
    *_seen, can_view, can_add, _departments = meeting_visibility(request.user)
    can_add = can_add and may_record_in(request.user, occurrence)
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


def meeting_follow_up(occurrence, earlier, user):
    """The feedback raised in the ``earlier`` meetings of a series, each with its status and
    the improvement it became (for "since last time", the meetings' ``follow_up`` extension
    point); only what ``user`` may see (feedback's row rules), None when they may see none."""
    feedback_type, improvement_type = registry.get(Feedback), registry.get(Improvement)
    if user is None or not permissions.can(user, feedback_type, "view"):
        return None
    improvements = Improvement.objects.order_by("pk")
    if permissions.can(user, improvement_type, "view"):
        improvements = improvement_type.for_user(user, improvements)
    else:
        improvements = improvements.none()
    rows = (
        feedback_type.for_user(user, Feedback.objects.filter(occurrence__in=earlier))
        .select_related("system", "occurrence__series")
        .prefetch_related(Prefetch("improvements", queryset=improvements, to_attr="shown"))
        .order_by("-occurrence__start", "pk")
    )
    items = []
    for feedback in rows:
        improvement = feedback.shown[0] if feedback.shown else None
        items.append(
            {
                "id": feedback.pk,
                "summary": feedback.summary,
                "url": feedback_type.detail_url(feedback.pk),
                "system": str(feedback.system),
                "status": feedback.status,
                "status_label": feedback.get_status_display(),
                "occurrence": feedback.occurrence_id,
                "occurrence_start": feedback.occurrence.start,
                "improvement": improvement.pk if improvement else None,
                "improvement_title": improvement.title if improvement else "",
                "improvement_url": improvement_type.detail_url(improvement.pk)
                if improvement
                else "",
                "improvement_status": improvement.status if improvement else None,
                "improvement_status_label": improvement.get_status_display() if improvement else "",
            }
        )
    return FollowUpPart("feedback", "feedback/panels/follow_up.html", items)
