"""Dashboard cards in the PDF: their results as the reader sees them, measured and drawn."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from openmis.analytics.errors import AnalyticsError
from openmis.bi import charts, presentation, results
from openmis.bi.models import Dashboard
from openmis.bi.pdf.charts import draw_chart
from openmis.bi.pdf.markdown import markdown_blocks
from openmis.bi.pdf.style import (
    BORDER,
    CHART_H,
    DOWN,
    FONT,
    FULL_WIDTH,
    HEAD_FILL,
    INK,
    MESSAGE_H,
    MIN_COLUMN,
    MUTED,
    NUMBER_H,
    PAD,
    ROW_H,
    STRIPE,
    TABLE_ROWS,
    TITLE_H,
    UP,
    WARN_FILL,
    WARN_INK,
    DashboardPDF,
    as_number,
    draw_message,
    number_text,
    value_text,
)


@dataclass
class Panel:
    """One card, ready to draw: its kind, its title, and its result or error or text."""

    kind: str  # a Question.Chart value, or "text"
    full: bool
    title: str = ""
    result: dict | None = None
    error: str = ""
    dimensions: int | None = None
    text: str = ""
    layout: list = field(default_factory=list)  # lines of a text or error, once measured


def card_panels(dashboard: Dashboard, user, filters: dict) -> list[Panel]:
    """The dashboard's cards with their results as ``user`` may see them.

    The questions run one after the other in this thread: the active language (of error
    messages), the database connection and an enclosing transaction all belong to it, and
    the warehouse already spreads one query over its own threads.
    """
    panels = []
    for card in dashboard.cards.select_related("question"):
        full = card.width >= FULL_WIDTH
        question = card.question
        if question is None:
            panels.append(Panel("text", full, text=card.text))
            continue
        panel = Panel(question.chart, full, title=question.title)
        panel.dimensions = len(question.spec.get("dimensions", [])) if question.spec else None
        try:
            panel.result = presentation.labelled(
                results.run_question(user, question, extra_filters=filters or None), question.spec
            )
        except AnalyticsError as exc:
            panel.error = str(exc.detail)
        panels.append(panel)
    return panels


# --- measuring and drawing cards --------------------------------------------------------------


def paragraph_layout(pdf: DashboardPDF, blocks, width: float, limit: float) -> list:
    """``(text, size, bold, indent, height)`` lines of ``blocks``, cut at ``limit`` mm."""
    styles = {"heading": (9.5, True, 0.0), "paragraph": (8.5, False, 0.0), "item": (8.5, False, 3)}
    layout, used = [], 0.0
    for index, (kind, text) in enumerate(blocks):
        size, bold, indent = styles[kind]
        gap = 1.5 if index and kind != "item" else (0.5 if index else 0.0)
        height = size * 0.45
        for number, line in enumerate(pdf.lines(text, width - indent, size, bold)):
            step = height + (gap if number == 0 else 0)
            if used + step > limit:
                if layout:
                    last = layout[-1]
                    pdf.set_font(FONT, "B" if last[2] else "", last[1])
                    layout[-1] = (pdf.fitted(last[0] + " …", width - last[3]), *last[1:])
                return layout
            layout.append((line, size, bold, indent, step))
            used += step
    return layout


def _table_rows(panel: Panel) -> tuple[list, list[list], list[bool], int]:
    """Headings, rows, right-alignment and the hidden row count of a table or pivot card."""
    result = panel.result
    crossed = results.pivot(result) if panel.kind == "pivot" else None
    if crossed is not None:
        headings = [crossed["corner"], *crossed["across"]]
        rows = [[key, *values] for key, values in crossed["rows"]]
    else:
        headings, rows = list(result["columns"]), list(result["rows"])
    numeric = [
        any(as_number(row[i]) is not None for row in rows[:TABLE_ROWS] if i < len(row))
        for i in range(len(headings))
    ]
    if crossed is not None:
        numeric[0] = False
    return headings, rows[:TABLE_ROWS], numeric, max(0, len(rows) - TABLE_ROWS)


def _content_height(pdf: DashboardPDF, panel: Panel, width: float, limit: float) -> float:
    """How tall the content of ``panel`` is when drawn ``width`` wide (at most ``limit``)."""
    if panel.error or panel.kind == "text":
        if panel.error:
            blocks = [("paragraph", panel.error)]
            panel.layout = paragraph_layout(pdf, blocks, width - 4, limit - 4)
            return sum(line[4] for line in panel.layout) + 4
        panel.layout = paragraph_layout(pdf, markdown_blocks(panel.text), width, limit)
        return max(sum(line[4] for line in panel.layout), MESSAGE_H)
    if not panel.result["rows"]:
        return ROW_H * 2 + 1 if panel.kind in ("table", "pivot") else MESSAGE_H
    if panel.kind == "number":
        return NUMBER_H
    if panel.kind in ("table", "pivot"):
        _headings, rows, _numeric, hidden = _table_rows(panel)
        return ROW_H * (len(rows) + 1) + (ROW_H + 1 if hidden else 0) + 1
    return CHART_H


def card_height(pdf: DashboardPDF, panel: Panel, width: float) -> float:
    title = TITLE_H if panel.title else 0.0
    limit = pdf.bottom - pdf.t_margin - 2 * PAD - title
    return 2 * PAD + title + _content_height(pdf, panel, width - 2 * PAD, limit)


def draw_card(pdf: DashboardPDF, panel: Panel, x: float, y: float, w: float, h: float):
    pdf.set_draw_color(*BORDER)
    pdf.set_fill_color(255, 255, 255)
    pdf.set_line_width(0.25)
    pdf.rect(x, y, w, h, style="DF", round_corners=True, corner_radius=1.5)
    x, y, w = x + PAD, y + PAD, w - 2 * PAD
    if panel.title:
        pdf.text_at(x, y, w, TITLE_H - 1, panel.title, size=9.5, bold=True)
        y += TITLE_H
    if panel.error:
        _draw_error(pdf, panel, x, y, w)
    elif panel.kind == "text":
        draw_lines(pdf, panel.layout, x, y, w, INK)
    elif not panel.result["rows"] and panel.kind not in ("table", "pivot"):
        draw_message(pdf, x, y, w, _("No rows"))
    elif panel.kind == "number":
        _draw_number(pdf, panel.result, x, y, w)
    elif panel.kind in ("table", "pivot"):
        _draw_table(pdf, panel, x, y, w)
    else:
        draw_chart(pdf, panel.kind, panel.result, panel.dimensions, x, y, w, CHART_H)


def draw_lines(pdf: DashboardPDF, layout, x, y, w, color):
    for text, size, bold, indent, step in layout:
        pdf.text_at(
            x + indent,
            y + step - size * 0.45,
            w - indent,
            size * 0.45,
            text,
            size=size,
            bold=bold,
            color=color,
        )
        y += step


def _draw_error(pdf: DashboardPDF, panel: Panel, x, y, w):
    height = sum(line[4] for line in panel.layout) + 3
    pdf.set_fill_color(*WARN_FILL)
    pdf.rect(x, y, w, height, style="F", round_corners=True, corner_radius=1)
    draw_lines(pdf, panel.layout, x + 2, y + 1.5, w - 4, WARN_INK)


def _draw_number(pdf: DashboardPDF, result: dict, x, y, w):
    number = charts.single_number(result)
    value = number["value"]
    text = "—" if value is None else value_text(value)
    size = 30.0
    pdf.set_font(FONT, "B", size)
    while size > 10 and pdf.get_string_width(text) > w - 2:
        size -= 2
        pdf.set_font(FONT, "B", size)
    pdf.text_at(x, y + 1, w, size * 0.42, text, size=size, bold=True)
    change = number["change"]
    if change is not None:
        values = {
            "pct": number_text(round(change * 100), 0),
            "previous": value_text(number["previous"]),
        }
        if number["window"]:
            line = _(
                "%(pct)s%% against the same days of the previous period "
                "(%(previous)s, %(start)s – %(end)s)"  # noqa: RUF001 (a range of dates)
            ) % {
                **values,
                "start": date_format(number["previous_start"], "SHORT_DATE_FORMAT"),
                "end": date_format(number["previous_end"], "SHORT_DATE_FORMAT"),
            }
        else:
            line = _("%(pct)s%% against the previous period (%(previous)s)") % values
        pdf.text_at(x, y + 3 + size * 0.42, w, 5, line, size=8.5, color=UP if change >= 0 else DOWN)


def _draw_table(pdf: DashboardPDF, panel: Panel, x, y, w):
    headings, rows, numeric, hidden = _table_rows(panel)
    shown = max(1, min(len(headings), int(w // MIN_COLUMN)))
    hidden_columns = len(headings) - shown
    headings, numeric = headings[:shown], numeric[:shown]
    texts = [[value_text(row[i]) if i < len(row) else "" for i in range(shown)] for row in rows]
    pdf.set_font(FONT, "B", 7.5)
    natural = [pdf.get_string_width(value_text(h)) for h in headings]
    pdf.set_font(FONT, "", 7.5)
    for row in texts:
        natural = [max(n, pdf.get_string_width(text)) for n, text in zip(natural, row, strict=True)]
    natural = [min(n + 4, w * 0.6) for n in natural]  # one long text column does not take all
    widths = [n * w / sum(natural) for n in natural]

    def line(values, bold=False):
        left = x
        for text, width, right in zip(values, widths, numeric, strict=True):
            align = "R" if right else "L"
            pdf.text_at(left + 1, y, width - 2, ROW_H, text, size=7.5, bold=bold, align=align)
            left += width

    pdf.set_fill_color(*HEAD_FILL)
    pdf.rect(x, y, w, ROW_H, style="F")
    line([value_text(h) or "—" for h in headings], bold=True)
    y += ROW_H
    if not rows:
        draw_message(pdf, x, y, w, _("No rows"))
        return
    for number, values in enumerate(texts):
        if number % 2:
            pdf.set_fill_color(*STRIPE)
            pdf.rect(x, y, w, ROW_H, style="F")
        line(values)
        y += ROW_H
    pdf.set_draw_color(*BORDER)
    pdf.line(x, y, x + w, y)
    notes = []
    if hidden:
        notes.append(
            ngettext("and %(count)s more row", "and %(count)s more rows", hidden)
            % {"count": number_text(hidden, 0)}
        )
    if hidden_columns:
        notes.append(
            ngettext("and %(count)s more column", "and %(count)s more columns", hidden_columns)
            % {"count": number_text(hidden_columns, 0)}
        )
    if notes:
        pdf.text_at(x, y + 0.5, w, ROW_H, "; ".join(notes), size=7, color=MUTED)
