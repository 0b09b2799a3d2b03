"""Extension points of the agenda: how an app above meetings adds to an agenda point what
meetings does not know of (feedback: the improvement a point is about), without meetings
importing it or holding a foreign key to it (see :mod:`openmis.core.extensions`).

- :data:`AGENDA_FORM_HOOK`: fields of the meeting page's "Add point" form, checked with the
  point's own fields and saved once the point is saved (in the same transaction).
- :data:`AGENDA_LINKS_HOOK`: links shown beside each point of a page, for all its points at
  once (an answer reads them in a fixed number of queries, never one per point).
- :data:`AGENDA_COPIED_HOOK`: told of points carried over to the next meeting or brought back
  from the parked ones, so what the app keeps for the source point follows the copy.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from openmis.core.extensions import hook_results

#: ``function(user, occurrence) -> AgendaFormPart | None``: what the "Add point" form of
#: ``occurrence``'s page gains for ``user`` (only choices ``user`` may see).
AGENDA_FORM_HOOK = "meetings.agenda_form"
#: ``function(items, user) -> {item pk: [PointLink, ...]} | None``: links to show beside the
#: points ``items`` (a list of agenda items), only to what ``user`` may see.
AGENDA_LINKS_HOOK = "meetings.agenda_links"
#: ``function(copies) -> None``: ``copies`` are new agenda items, each with ``carried_from_id``
#: naming the point it copies; called in the transaction that saved them.
AGENDA_COPIED_HOOK = "meetings.agenda_copied"


@dataclass(frozen=True)
class AgendaFormPart:
    """What an app adds to the "Add point" form.

    ``fields`` are added after the form's own (by name); ``clean(cleaned_data)`` may raise a
    ``ValidationError`` (a dict names the field) once every field is cleaned; ``save(item,
    cleaned_data, user)`` runs after the new point ``item`` is saved."""

    fields: dict[str, Any]
    clean: Callable[[dict], None] | None = None
    save: Callable[[Any, dict, Any], None] | None = None


@dataclass(frozen=True)
class PointLink:
    """A link shown beside an agenda point: ``css`` names what it is (a class of the link)."""

    css: str
    url: str
    text: str


def form_parts(user, occurrence) -> list[AgendaFormPart]:
    """What the registered apps add to the "Add point" form of ``occurrence`` for ``user``."""
    return hook_results(AGENDA_FORM_HOOK, user, occurrence)


def add_links(items: list, user) -> list:
    """Give each of ``items`` (agenda points) its ``links`` from the registered apps, in the
    order of their names; returns ``items``."""
    collected: dict[int, list[PointLink]] = {}
    if items:
        for answer in hook_results(AGENDA_LINKS_HOOK, items, user):
            for pk, links in answer.items():
                collected.setdefault(pk, []).extend(links)
    for item in items:
        item.links = collected.get(item.pk, [])
    return items


def copied(copies: Iterable) -> None:
    """Tell the registered apps of new copies of agenda points (carried over, brought back)."""
    copies = list(copies)
    if copies:
        hook_results(AGENDA_COPIED_HOOK, copies)
