"""The improvement a meeting's agenda point is about (:class:`~openmis.feedback.models.
AgendaLink`): chosen in the meeting page's "Add point" form, shown as a link beside the point,
kept when the point is carried over or brought back, and listed on the improvement's page
("Discussed in"). Meetings lies beneath feedback, so all of it plugs into the meetings'
extension points (:mod:`openmis.meetings.extensions`), answered from ``registry.py``.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from openmis.core import caching, permissions, registry
from openmis.core.services import save_object
from openmis.feedback.models import AgendaLink, Improvement, agenda_link_error
from openmis.meetings.extensions import AgendaFormPart, PointLink
from openmis.meetings.models import AgendaItem

FIELD = "improvement"


def can_view_improvements(user) -> bool:
    return user is not None and permissions.can(user, registry.get(Improvement), "view")


def link_point(item: AgendaItem, improvement: Improvement, user=None) -> AgendaLink:
    """Say that the agenda point ``item`` is about ``improvement`` (of the point's system,
    when it has one; refused otherwise)."""
    link = AgendaLink(agenda_item=item, improvement=improvement)
    link.full_clean()
    return save_object(link, user)


def form_part(user, occurrence) -> AgendaFormPart | None:
    """The improvement picker of the "Add point" form (the meetings' ``agenda_form`` point):
    only the improvements ``user`` may see; none for a user who may see no improvement."""
    if not can_view_improvements(user):
        return None
    queryset = registry.visible_only(Improvement.objects.order_by("title", "pk"), user)
    field = forms.ModelChoiceField(
        queryset=queryset,
        required=False,
        label=_("improvement"),
    )

    def clean(cleaned: dict) -> None:
        improvement = cleaned.get(FIELD)
        if improvement is None:
            return
        system = cleaned.get("system")
        message = agenda_link_error(system.pk if system else None, improvement)
        if message:
            raise ValidationError({FIELD: message})

    def save(item: AgendaItem, cleaned: dict, acting_user) -> None:
        if cleaned.get(FIELD) is not None:
            link_point(item, cleaned[FIELD], acting_user)

    return AgendaFormPart(fields={FIELD: field}, clean=clean, save=save)


def point_links(items: list[AgendaItem], user) -> dict[int, list[PointLink]] | None:
    """The improvement of each of ``items`` that ``user`` may see, as a link (the meetings'
    ``agenda_links`` point); one query whatever the number of points."""
    if not can_view_improvements(user):
        return None
    visible = registry.visible_only(Improvement.objects.all(), user)
    links = (
        AgendaLink.objects.filter(agenda_item__in=[item.pk for item in items])
        .filter(improvement__in=visible)
        .select_related("improvement")
    )
    improvement_type = registry.get(Improvement)
    return {
        link.agenda_item_id: [
            PointLink(
                "agenda-improvement",
                improvement_type.detail_url(link.improvement_id),
                link.improvement.title,
            )
        ]
        for link in links
    }


def copy_links(copies: list[AgendaItem]) -> None:
    """Give the copies of carried-over or brought-back points the improvement of the point
    they copy (the meetings' ``agenda_copied`` point)."""
    source_of = {c.carried_from_id: c.pk for c in copies if c.carried_from_id is not None}
    if not source_of:
        return
    rows = AgendaLink.objects.filter(agenda_item_id__in=source_of).values_list(
        "agenda_item_id", "improvement_id"
    )
    new = [AgendaLink(agenda_item_id=source_of[src], improvement_id=imp) for src, imp in rows]
    if new:
        AgendaLink.objects.bulk_create(new, ignore_conflicts=True)
        caching.bump("feedback")  # a bulk write sends no signals


def discussed_in(improvement: Improvement, user) -> list[AgendaLink] | None:
    """The agenda points about ``improvement`` that ``user`` may see, latest meeting first,
    each with its meeting (for the improvement's page); None when they may see no point."""
    agenda_type = registry.get(AgendaItem)
    if user is None or not permissions.can(user, agenda_type, "view"):
        return None
    points = agenda_type.for_user(user, AgendaItem.objects.all())
    return list(
        AgendaLink.objects.filter(improvement=improvement, agenda_item__in=points)
        .select_related("agenda_item__occurrence__series")
        .order_by("-agenda_item__occurrence__start", "agenda_item__position", "pk")
    )


def point_panel(request, item: AgendaItem) -> dict | None:
    """The improvement an agenda point is about, on the point's own page (the generic one);
    None (no section) when it has none the user may see."""
    links = point_links([item], request.user) or {}
    shown = links.get(item.pk)
    if not shown:
        return None
    return {"improvement_url": shown[0].url, "improvement_title": shown[0].text}
