"""Tiles that are a window on a list: the count and the first rows of a registered type's
list filtered by a query string, and the link to that very list.

A tile is a path to data, so it reads through the same door as the list page: the type's
row rules (``ObjectType.for_user``), its FilterSet (whose reference filters offer only what
the user may see) and its order. The count on the tile is therefore the row count of the
list it links to, for every user, and a tile can never count or name a row that user's list
would hide::

    # meetings/tiles.py
    def overdue(request):
        me = person_of(request.user)
        return cockpit.list_tile(request, ActionItem, {"status": "open", "overdue": "1"})

``list_tile`` returns None (no tile) when the user may not view the type, so an app
registers the tile for the roles it suits and leaves the rights to the list.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from django.http import QueryDict

from openmis.core import permissions, registry

ROWS_SHOWN = 6


@dataclass(frozen=True)
class ListWindow:
    """What a tile shows of a list: ``count`` rows in all, the first ``rows``, and ``url``,
    the list filtered by the same query."""

    count: int
    rows: list[Any]
    url: str
    object_type: Any

    @property
    def more(self) -> int:
        """How many rows the tile leaves to the list."""
        return max(self.count - len(self.rows), 0)


def query(params: dict) -> QueryDict:
    """``params`` (values may be lists, for a filter that takes several) as a query string."""
    q = QueryDict(mutable=True)
    for key, value in params.items():
        if isinstance(value, list | tuple):
            q.setlist(key, [str(v) for v in value])
        else:
            q[key] = str(value)
    return q


def list_tile(
    request,
    model,
    params: dict,
    *,
    rows: int = ROWS_SHOWN,
    order_by: list[str] | None = None,
    select: list[str] | None = None,
    prefetch: list[str] | None = None,
) -> ListWindow | None:
    """The list of ``model`` (a class or ``app.model`` label) filtered by ``params`` as
    ``request.user`` sees it at ``<list url>?<params>``: its count, the first ``rows`` rows
    (in ``order_by``, else the list's order; ``select`` and ``prefetch`` what the tile
    reads of them) and
    the URL; None if the user may not view the type. Two queries whatever the number of rows
    (plus those of the filters and of ``prefetch``)."""
    from openmis.core.views.generic.base import filtered_queryset

    object_type = registry.get(model)
    if not permissions.can(request.user, object_type, "view"):
        return None
    q = query(params)
    as_list = copy.copy(request)
    as_list.GET = q
    queryset, _filterset = filtered_queryset(object_type, as_list)
    shown = queryset.order_by(*order_by, "pk") if order_by else queryset
    if object_type.select or select:
        shown = shown.select_related(*object_type.select, *(select or []))
    if prefetch:
        shown = shown.prefetch_related(*prefetch)
    return ListWindow(
        count=queryset.count(),
        rows=list(shown[:rows]) if rows else [],
        url=f"{object_type.url('list')}?{q.urlencode()}",
        object_type=object_type,
    )
