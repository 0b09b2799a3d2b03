"""The assignments' places on other pages: a course's section listing its assignments and
policies, a policy's section listing the courses teaching it."""

from __future__ import annotations

from openmis.core import permissions, registry
from openmis.governance.models import Course, CourseAssignment, Policy

PANEL_SHOWN = 20  # rows listed in a section; the filtered list has the rest


def can_view_courses(user) -> bool:
    """Whether ``user`` may read courses (the policy page's section needs it)."""
    return permissions.can(user, registry.get(Course), "view")


def course_assignments(request, course: Course) -> dict:
    """A course's section: the audiences it is assigned to (two queries) and the policies it
    teaches that the reader may see."""
    assignment_type = registry.get(CourseAssignment)
    policy_type = registry.get(Policy)
    assignments = []
    can_view_assignments = permissions.can(request.user, assignment_type, "view")
    if can_view_assignments:
        assignments = list(
            course.assignments.select_related("audience").order_by("audience__name")[:PANEL_SHOWN]
        )
    policies = []
    if permissions.can(request.user, policy_type, "view"):
        policies = list(
            policy_type.for_user(request.user, course.policies.all()).order_by("title")[
                :PANEL_SHOWN
            ]
        )
    return {
        "assignments": assignments,
        "can_view_assignments": can_view_assignments,
        "course_policies": policies,
        "assignments_url": f"{assignment_type.url('list')}?course={course.pk}",
        "assign_url": (
            f"{assignment_type.url('add')}?course={course.pk}"
            if permissions.can(request.user, assignment_type, "add")
            else None
        ),
    }


def policy_courses(request, policy: Policy) -> dict:
    """A policy's section: the courses that teach it (two queries)."""
    rows = policy.courses.order_by("title")
    shown = list(rows[:PANEL_SHOWN])
    count = len(shown) if len(shown) < PANEL_SHOWN else rows.count()
    return {"policy_courses": shown, "more_courses": count - len(shown)}
