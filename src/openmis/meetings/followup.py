"""Follow-up in the next meeting ("since last time"): what became of the earlier meetings of a
series — the open action items they gave (carried, not copied: the same rows, with the meeting
they came from), the decisions they took, and what other apps add at the extension point
:data:`FOLLOW_UP_HOOK` (feedback: the status of the feedback raised there).

The meeting page and ``GET /api/meetings/occurrences/{id}/follow-up/`` show the same thing,
read through the registered row rules of each type, in a fixed number of queries whatever
the number of earlier meetings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils import timezone

from openmis.core import registry
from openmis.core.extensions import hook_results
from openmis.meetings.models import ActionItem, Occurrence, Outcome

#: Extension point: ``function(occurrence, earlier, user) -> FollowUpPart | None`` where
#: ``earlier`` is the queryset of the series' earlier meetings (cancelled and moved ones
#: included) and ``user`` the reader, whose row rules the answer must apply.
FOLLOW_UP_HOOK = "meetings.follow_up"


@dataclass
class FollowUpPart:
    """What an app adds to "since last time": ``rows`` (plain dicts) under ``key`` in the API
    payload, shown on the page with ``template`` (which receives ``part``)."""

    key: str
    template: str
    rows: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class FollowUp:
    action_items: list[ActionItem]
    decisions: list[Outcome]
    parts: list[FollowUpPart]
    today: date

    def payload(self) -> dict[str, list]:
        """The parts' rows by key, with the action items and decisions (for the API)."""
        data: dict[str, list] = {part.key: part.rows for part in self.parts}
        data["action_items"] = self.action_items
        data["decisions"] = self.decisions
        return data

    def __bool__(self) -> bool:
        return bool(self.action_items or self.decisions or any(p.rows for p in self.parts))


def earlier_meetings(occurrence: Occurrence):
    """The meetings of the series that started before ``occurrence`` (by their actual start,
    so a moved one counts where it took place), cancelled ones included: what was raised or
    agreed in them is still to follow up."""
    return Occurrence.objects.filter(
        series_id=occurrence.series_id, start__lt=occurrence.start
    ).exclude(pk=occurrence.pk)


def open_action_items(earlier, user):
    """The open action items of the ``earlier`` meetings that ``user`` may see, soonest due
    first, each with its meeting."""
    items = ActionItem.objects.filter(occurrence__in=earlier, status=ActionItem.Status.OPEN)
    return list(
        registry.get(ActionItem)
        .for_user(user, items)
        .select_related("owner", "occurrence__series")
        .order_by("due_date", "pk")
    )


def decisions(earlier, user):
    """The decisions recorded as outcomes of the ``earlier`` meetings, latest meeting first."""
    outcomes = Outcome.objects.filter(occurrence__in=earlier, kind=Outcome.Kind.DECISION)
    return list(
        registry.get(Outcome)
        .for_user(user, outcomes)
        .select_related("occurrence__series")
        .order_by("-occurrence__start", "pk")
    )


def follow_up(occurrence: Occurrence, user, today: date | None = None) -> FollowUp:
    """ "Since last time" of ``occurrence`` as ``user`` may see it."""
    today = today or timezone.localdate()
    earlier = earlier_meetings(occurrence)
    items = open_action_items(earlier, user)
    for item in items:
        item.overdue = item.is_overdue(today)
    parts = [
        part
        for part in hook_results(FOLLOW_UP_HOOK, occurrence, earlier, user)
        if isinstance(part, FollowUpPart)
    ]
    return FollowUp(items, decisions(earlier, user), parts, today)
