"""Agendas: the points of a meeting, open points carried over to the next meeting, parked
points brought back."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from openmis.core import caching
from openmis.core.services import save_object
from openmis.meetings import extensions
from openmis.meetings.models import AgendaItem, MeetingSeries, Occurrence


def previous_held(occurrence: Occurrence) -> Occurrence | None:
    """The last meeting of the series before ``occurrence`` that was not cancelled."""
    return (
        occurrence.series.occurrences.filter(start__lt=occurrence.start)
        .exclude(status=Occurrence.Status.CANCELLED)
        .order_by("-start")
        .first()
    )


@transaction.atomic
def carry_over(occurrence: Occurrence, now: datetime | None = None) -> int:
    """Copy the open points of the previous meeting onto ``occurrence``'s agenda.

    Runs once the previous (not cancelled) meeting has ended; open points of meetings
    cancelled in between come along too. Each point is carried once (the copy remembers its
    source), so running it again changes nothing. Parked points stay on the series and are
    not carried, nor are the points of a meeting marked confidential on its own into one that
    is not (see :mod:`~openmis.meetings.confidentiality`). Returns the number of points
    carried.
    """
    if occurrence.status == Occurrence.Status.CANCELLED:
        return 0
    now = now or timezone.now()
    previous = previous_held(occurrence)
    if previous is None or previous.end > now:
        return 0
    open_points = AgendaItem.objects.filter(
        occurrence__series_id=occurrence.series_id,
        occurrence__start__gte=previous.start,
        occurrence__start__lt=occurrence.start,
        status=AgendaItem.Status.OPEN,
        carried_to__isnull=True,
    )
    if not occurrence.confidential:
        # a confidential meeting's points are not copied into a meeting others may read
        open_points = open_points.exclude(occurrence__confidential=True)
    sources = list(open_points.order_by("occurrence__start", "position", "pk"))
    if not sources:
        return 0
    AgendaItem.objects.bulk_create(
        [
            AgendaItem(
                occurrence=occurrence,
                title=item.title,
                notes=item.notes,
                system_id=item.system_id,
                position=n,
                carried_from=item,
            )
            for n, item in enumerate(sources)
        ],
        ignore_conflicts=True,
    )
    caching.bump("meetings")  # a bulk write sends no signals
    # ignore_conflicts leaves the new rows without their keys: read the copies back
    extensions.copied(
        AgendaItem.objects.filter(occurrence=occurrence, carried_from__in=sources).order_by("pk")
    )
    return len(sources)


def agenda(occurrence: Occurrence) -> list[AgendaItem]:
    """The points of one meeting in their order, with where carried ones came from."""
    return list(
        occurrence.agenda_items.select_related("system", "carried_from__occurrence__series")
    )


def parked_items(series: MeetingSeries, user=None) -> list[AgendaItem]:
    """Points parked in any meeting of the series and not brought back since (those of
    confidential meetings only when ``user``, if given, may read them)."""
    from openmis.core import registry

    items = AgendaItem.objects.filter(
        occurrence__series=series,
        status=AgendaItem.Status.PARKED,
        carried_to__isnull=True,
    )
    if user is not None:
        items = registry.get(AgendaItem).for_user(user, items)
    return list(
        items.select_related("occurrence__series", "system").order_by(
            "occurrence__start", "position"
        )
    )


def _next_position(occurrence: Occurrence) -> int:
    top = occurrence.agenda_items.aggregate(top=Max("position"))["top"]
    return 0 if top is None else top + 1


@transaction.atomic
def add_agenda_item(
    occurrence: Occurrence, title: str, user=None, system=None, notes="", then=()
) -> AgendaItem:
    """Add a point at the end of the meeting's agenda, about ``system`` when given; each of
    ``then`` is called with the saved point in the same transaction (what other apps keep
    of it, see :data:`openmis.meetings.extensions.AGENDA_FORM_HOOK`)."""
    item = AgendaItem(
        occurrence=occurrence,
        title=title,
        notes=notes,
        system=system,
        position=_next_position(occurrence),
    )
    item.full_clean()
    save_object(item, user)
    for step in then:
        step(item)
    return item


@transaction.atomic
def set_agenda_status(item: AgendaItem, status: str, user=None) -> AgendaItem:
    """Change a point's status; a point closed or parked after it was carried over is closed
    or parked in the later meetings too."""
    if status not in AgendaItem.Status.values:
        raise ValidationError({"status": _("Unknown status.")})
    item.status = status
    save_object(item, user)
    if status != AgendaItem.Status.OPEN:
        copies = list(item.carried_to.filter(status=AgendaItem.Status.OPEN))
        while copies:
            copy = copies.pop()
            copy.status = status
            save_object(copy, user)
            copies.extend(copy.carried_to.filter(status=AgendaItem.Status.OPEN))
    return item


@transaction.atomic
def bring_back(item: AgendaItem, occurrence: Occurrence, user=None) -> AgendaItem:
    """Put a parked point back on the agenda of ``occurrence`` (as an open copy)."""
    if item.status != AgendaItem.Status.PARKED:
        raise ValidationError({"status": _("Only parked points can be brought back.")})
    if item.occurrence.series_id != occurrence.series_id:
        raise ValidationError({"occurrence": _("The point belongs to another series.")})
    copy = AgendaItem(
        occurrence=occurrence,
        title=item.title,
        notes=item.notes,
        system=item.system,
        position=_next_position(occurrence),
        carried_from=item,
    )
    save_object(copy, user)
    extensions.copied([copy])
    return copy
