"""The policies' places on other pages: a system page's section listing the policies linked
to it, and the MIS office's home tile of policies due for review."""

from __future__ import annotations

from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone

from openmis.core import permissions, registry
from openmis.governance import policies
from openmis.governance.models import Policy, PolicyVersion

PANEL_SHOWN = 20  # policies listed on a system's page; the filtered list has the rest
TILE_SHOWN = 5


def can_view_policies(user) -> bool:
    """Whether ``user`` may see policies at all (the system page's panel needs it)."""
    return permissions.can(user, registry.get(Policy), "view")


def system_visibility(user) -> tuple:
    """What of a system's policy panel ``user`` may see (the panel's ``vary``)."""
    return (*policies.visibility_key(user), can_view_policies(user))


def system_policies(request, system) -> dict:
    """The policies linked to ``system`` that the reader may see, each with its version in
    force (two queries whatever the rows)."""
    policy_type = registry.get(Policy)
    published = Prefetch(
        "versions",
        queryset=PolicyVersion.objects.filter(state=PolicyVersion.State.PUBLISHED),
        to_attr="published",
    )
    rows = list(
        policy_type.for_user(request.user, Policy.objects.filter(systems=system))
        .select_related("owner")
        .prefetch_related(published)
        .order_by("title")[: PANEL_SHOWN + 1]
    )
    return {
        "system_policies": [
            (p, p.published[0] if p.published else None) for p in rows[:PANEL_SHOWN]
        ],
        "more_policies": len(rows) > PANEL_SHOWN,
        "policies_url": f"{policy_type.url('list')}?systems={system.pk}",
    }


def review_tile(request) -> dict | None:
    """Policies whose review is overdue or due within the reminder window (the MIS office)."""
    if not policies.manages(request.user):
        return None
    today = timezone.localdate()
    due = policies.due_for_review(today, policies.REVIEW_NOTICE_DAYS)
    rows = list(due[:TILE_SHOWN])
    return {
        "due_policies": [(p, p.review_overdue(today)) for p in rows],
        "due_count": due.count() if len(rows) == TILE_SHOWN else len(rows),
        "overdue_count": due.filter(next_review__lt=today).count(),
        "review_due_url": reverse("governance:policy_review_due"),
    }
