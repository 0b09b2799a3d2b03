"""The PDF of a dashboard: its header, its cards in rows, across pages."""

from __future__ import annotations

import zoneinfo

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _

from openmis.bi import results
from openmis.bi.models import Dashboard
from openmis.bi.pdf.cards import (
    Panel,
    card_height,
    card_panels,
    draw_card,
    draw_lines,
    paragraph_layout,
)
from openmis.bi.pdf.style import (
    BORDER,
    GAP,
    INK,
    MUTED,
    DashboardPDF,
    draw_message,
)
from openmis.core import formatting, registry
from openmis.org.people import person_of

__all__ = ["dashboard_pdf"]


# --- the page ---------------------------------------------------------------------------------


def _reader_name(user) -> str:
    return (user.get_full_name() or "").strip() or user.get_username()


def _reader_zone(user):
    """The reader's time zone (of their person record), or the installation's."""
    person = person_of(user)
    return person.zone() if person else zoneinfo.ZoneInfo(settings.TIME_ZONE)


def _header(pdf: DashboardPDF, dashboard: Dashboard, filters: dict, prepared: str) -> float:
    """Title, description, filters and reader at the top of the first page; where cards start."""
    x, y, width = pdf.l_margin, pdf.t_margin, pdf.epw
    for line in pdf.lines(dashboard.title, width, 17, bold=True)[:2]:
        pdf.text_at(x, y, width, 8, line, size=17, bold=True)
        y += 8
    description = " ".join(dashboard.description.split())
    if description:
        layout = paragraph_layout(pdf, [("paragraph", description)], width, 4 * 3.9)
        draw_lines(pdf, layout, x, y + 0.5, width, INK)
        y += sum(line[4] for line in layout) + 1.5
    if filters or dashboard.filters:
        applied = (
            " · ".join(
                f"{column}: {results.filter_text(condition)}"
                for column, condition in filters.items()
            )
            or "—"
        )
        pdf.text_at(x, y, width, 5, f"{_('Filters')}: {applied}", size=8.5)
        y += 5
    pdf.text_at(x, y, width, 5, prepared, size=8, color=MUTED)
    y += 6.5
    pdf.set_draw_color(*BORDER)
    pdf.set_line_width(0.3)
    pdf.line(x, y, x + width, y)
    return y + 4


def _rows(panels: list[Panel]) -> list[list[Panel]]:
    """The cards in rows: a wide card alone, two narrow ones side by side."""
    rows, waiting = [], None
    for panel in panels:
        if panel.full:
            if waiting:
                rows.append([waiting])
                waiting = None
            rows.append([panel])
        elif waiting:
            rows.append([waiting, panel])
            waiting = None
        else:
            waiting = panel
    if waiting:
        rows.append([waiting])
    return rows


def dashboard_pdf(dashboard, user, filters: dict | None = None, *, now=None) -> bytes:
    """Render ``dashboard`` as an A4 landscape PDF with what ``user`` may see.

    Parameters
    ----------
    dashboard : Dashboard
        The dashboard to render; its cards are drawn in order, two narrow cards (width
        under 7 twelfths) side by side and wider ones across the page.
    user : User
        The reader. Every question runs as this user, so their row-level rules decide which
        rows the PDF holds; the header names them.
    filters : dict, optional
        Dashboard filter values by column, as :func:`openmis.bi.results.read_filters` reads
        them from the page's URL (``{"region": {"values": ["North"]}}``, a range as
        ``{"from": ..., "to": ...}``; a text is read as older links were:
        ``{"region": "North,South"}``), applied to every card whose dataset has the column.
    now : datetime, optional
        When the PDF is prepared, shown in the reader's time zone (that of their person
        record, else ``settings.TIME_ZONE``); the current time by default.

    Returns
    -------
    bytes
        The PDF document. Texts follow the active language.

    Raises
    ------
    PermissionDenied
        When the dashboard is not shared with ``user`` (nothing is rendered).
    django.core.exceptions.ImproperlyConfigured
        When the DejaVu fonts are missing from the static files (run ``make assets``).

    Notes
    -----
    A card whose question fails shows the error's text in place of its result.
    """
    if not registry.get(Dashboard).for_user(user).filter(pk=dashboard.pk).exists():
        raise PermissionDenied(_("This dashboard has not been shared with you."))
    filters = {
        str(k): v if isinstance(v, dict) else results.read_filters([k], {f"f_{k}": str(v)}).get(k)
        for k, v in (filters or {}).items()
        if v is not None
    }
    filters = {k: v for k, v in filters.items() if v}
    now = now or timezone.now()
    if timezone.is_naive(now):
        now = timezone.make_aware(now)
    when = formatting.format_datetime(now, formatting.active_locale(), _reader_zone(user))
    prepared = _("Prepared for %(name)s on %(date)s") % {"name": _reader_name(user), "date": when}
    panels = card_panels(dashboard, user, filters)

    pdf = DashboardPDF(f"{dashboard.title} · OpenMIS")
    pdf.set_title(dashboard.title)
    pdf.set_author("OpenMIS")
    pdf.set_creator("OpenMIS")
    pdf.set_creation_date(now)
    pdf.add_page()
    y = _header(pdf, dashboard, filters, prepared)
    pdf.set_auto_page_break(False)  # cards are placed on the page by the loop below
    if not panels:
        draw_message(pdf, pdf.l_margin, y, pdf.epw, _("No cards yet."))
    half = (pdf.epw - GAP) / 2
    for row in _rows(panels):
        width = pdf.epw if row[0].full else half
        height = max(card_height(pdf, panel, width) for panel in row)
        if y + height > pdf.bottom and y > pdf.t_margin + 1:
            pdf.add_page()
            y = pdf.t_margin
        for column, panel in enumerate(row):
            draw_card(pdf, panel, pdf.l_margin + column * (half + GAP), y, width, height)
        y += height + GAP
    return bytes(pdf.output())
