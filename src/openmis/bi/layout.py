"""Where a dashboard's cards sit: a 12-column grid of rows, each card at ``x, y`` with a width
and a height in grid cells (gridstack's model, so what the page drags is what is stored).

Two ways change it: the page's drag and drop saves the whole layout at once
(:func:`save_layout`), and the keyboard alternative moves or resizes one card a step at a
time (:func:`step_card`), with a plain form post that needs no script. Both are atomic and
leave the cards of other dashboards alone.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from openmis.bi.models import Card, Dashboard
from openmis.core.services import save_object

COLUMNS = 12
MAX_ROW = 999
MAX_HEIGHT = 12
#: What each keyboard button does to a card: (dx, dy, dw, dh).
STEPS = {
    "up": (0, -1, 0, 0),
    "down": (0, 1, 0, 0),
    "left": (-1, 0, 0, 0),
    "right": (1, 0, 0, 0),
    "wider": (0, 0, 1, 0),
    "narrower": (0, 0, -1, 0),
    "taller": (0, 0, 0, 1),
    "shorter": (0, 0, 0, -1),
}


@dataclass(frozen=True)
class Place:
    """One card's place: column ``x`` (0-11), row ``y``, width ``w`` and height ``h``."""

    card: int
    x: int
    y: int
    w: int
    h: int


def check_place(x: int, y: int, w: int, h: int) -> dict[str, str]:
    """The reasons a place does not fit the grid, by field (empty when it fits)."""
    errors = {}
    if not 1 <= w <= COLUMNS:
        errors["w"] = _("The width is from 1 to %(max)d columns.") % {"max": COLUMNS}
    if not 0 <= x < COLUMNS:
        errors["x"] = _("The column is from 0 to %(max)d.") % {"max": COLUMNS - 1}
    elif "w" not in errors and x + w > COLUMNS:
        errors["x"] = _("The card goes past the right edge of the grid.")
    if not 0 <= y <= MAX_ROW:
        errors["y"] = _("The row is from 0 to %(max)d.") % {"max": MAX_ROW}
    if not 1 <= h <= MAX_HEIGHT:
        errors["h"] = _("The height is from 1 to %(max)d rows.") % {"max": MAX_HEIGHT}
    return errors


def _apply(card: Card, place: Place, user) -> bool:
    if (card.grid_x, card.grid_y, card.width, card.height) == (
        place.x,
        place.y,
        place.w,
        place.h,
    ):
        return False
    card.grid_x, card.grid_y, card.width, card.height = place.x, place.y, place.w, place.h
    save_object(card, user)
    return True


def save_layout(user, dashboard: Dashboard, places: list[Place]) -> int:
    """Put the cards of ``dashboard`` at ``places`` (all or nothing); return how many moved.

    Raises :class:`~django.core.exceptions.ValidationError` (by field) when a card is not on
    this dashboard, is listed twice, or a place does not fit the grid. The caller has checked
    that ``user`` may change the dashboard.
    """
    ids = [p.card for p in places]
    if len(set(ids)) != len(ids):
        raise ValidationError({"cards": [_("A card is listed more than once.")]})
    with transaction.atomic():
        cards = Card.objects.select_for_update().filter(dashboard=dashboard).in_bulk(ids)
        foreign = [i for i in ids if i not in cards]
        if foreign:
            raise ValidationError(
                {"cards": [_("Card %(id)s is not on this dashboard.") % {"id": i} for i in foreign]}
            )
        for place in places:
            errors = check_place(place.x, place.y, place.w, place.h)
            if errors:
                raise ValidationError(
                    {f"cards.{place.card}.{field}": [reason] for field, reason in errors.items()}
                )
        return sum(_apply(cards[p.card], p, user) for p in places)


def step_card(user, card: Card, step: str) -> bool:
    """Move or resize ``card`` one grid cell (a :data:`STEPS` name); return whether it changed.

    A step past an edge of the grid leaves the card where it is. A card never placed yet
    starts from the top left.
    """
    dx, dy, dw, dh = STEPS[step]
    x, y = card.grid_x or 0, card.grid_y or 0
    place = Place(card.pk, x + dx, y + dy, card.width + dw, card.height + dh)
    if check_place(place.x, place.y, place.w, place.h):
        return False
    with transaction.atomic():
        return _apply(card, place, user)
