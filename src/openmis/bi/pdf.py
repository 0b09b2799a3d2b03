"""A dashboard as an A4 landscape PDF for one reader, drawn on the server with fpdf2.

The download button and the scheduled e-mail deliveries both call :func:`dashboard_pdf`.
Every card's question runs through :func:`openmis.bi.services.run_question` as the reader, so
the PDF holds exactly the rows their row-level rules admit, from the shared result cache when
it is warm. Charts are drawn with fpdf2's own primitives (rectangles, polylines, polygons):
no browser, no network. Text is set in DejaVu Sans (copied to the static files by
``make assets``), which has every Polish letter.
"""

from __future__ import annotations

import html
import math
import re
import zoneinfo
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from fpdf import FPDF

from openmis.analytics.errors import AnalyticsError
from openmis.bi import charts, services
from openmis.bi.models import Dashboard
from openmis.core import registry

__all__ = ["dashboard_pdf"]

FONT = "DejaVu"
FONT_FILES = {"": "vendor/fonts/DejaVuSans.ttf", "B": "vendor/fonts/DejaVuSans-Bold.ttf"}

# ECharts' default palette, so that a printed chart has the colours of the screen.
PALETTE = [
    (0x54, 0x70, 0xC6),
    (0x91, 0xCC, 0x75),
    (0xFA, 0xC8, 0x58),
    (0xEE, 0x66, 0x66),
    (0x73, 0xC0, 0xDE),
    (0x3B, 0xA2, 0x72),
    (0xFC, 0x84, 0x52),
    (0x9A, 0x60, 0xB4),
]
INK = (33, 37, 41)
MUTED = (108, 117, 125)
GRID = (229, 231, 235)
AXIS = (150, 156, 165)
BORDER = (214, 219, 224)
HEAD_FILL = (230, 236, 244)
STRIPE = (246, 248, 250)
UP, DOWN = (25, 135, 84), (220, 53, 69)
WARN_FILL, WARN_INK = (255, 243, 205), (102, 77, 3)

MARGIN = 12.0  # mm, left, right and top
BOTTOM = 14.0  # mm kept free at the foot of the page for the page number
GAP = 5.0  # between cards, across and down
PAD = 3.0  # inside a card
TITLE_H = 6.0  # a question card's title line
CHART_H = 58.0
NUMBER_H = 26.0
MESSAGE_H = 8.0
ROW_H = 4.4  # a table row
TABLE_ROWS = 20
MIN_COLUMN = 14.0  # mm: narrower table columns are left out
MAX_BARS = 100  # categories of a bar chart
MAX_POINTS = 1000  # categories of a line or area chart, points of a scatter
PIE_SLICES = 8
FULL_WIDTH = 7  # a card at least this many twelfths wide takes the whole page width
AXIS_CHARTS = {"bar", "line", "area"}


def _font_path(name: str) -> str:
    found = finders.find(name)
    if not found:
        raise ImproperlyConfigured(f"{name} is missing from the static files: run `make assets`.")
    return found


# --- numbers and text -------------------------------------------------------------------------


def _number(value) -> float | None:
    """``value`` as a float when it is a finite number; None otherwise (text, None, NaN)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) else None


def _number_text(value, places: int | None = None) -> str:
    """A number with the active language's thousands separator and decimal mark."""
    if places is None:
        if isinstance(value, int) or float(value).is_integer():
            places = 0
        else:
            places = 2 if abs(value) >= 1 else 4
    return number_format(round(value, places) + 0, places, use_l10n=True, force_grouping=True)


def _value_text(value) -> str:
    """A result cell as text: numbers grouped, None empty, anything else as it is."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if _number(value) is not None:
        return _number_text(value)
    return str(value)


def _nice_ticks(low: float, high: float, count: int = 5) -> tuple[list[float], int]:
    """Round tick values covering ``low``..``high``, and the decimals their labels need."""
    if high <= low:
        low, high = (low - 1, high + 1) if low else (0.0, 1.0)
    raw = (high - low) / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw * 0.999)
    places = 0
    while places < 10 and abs(step * 10**places - round(step * 10**places)) > 1e-6:
        places += 1
    start, end = math.floor(low / step + 1e-9), math.ceil(high / step - 1e-9)
    return [round(i * step, places) for i in range(start, end + 1)], places


_INLINE = [
    (re.compile(r"!\[([^\]]*)\]\([^)]*\)"), r"\1"),  # images: their alt text
    (re.compile(r"\[([^\]]+)\]\(([^)\s]+)[^)]*\)"), r"\1"),  # links: their text
    (re.compile(r"<(https?://[^>\s]+)>"), r"\1"),  # autolinks
    (re.compile(r"<[^>\n]+>"), ""),  # HTML tags
    (re.compile(r"`([^`]*)`"), r"\1"),
    (re.compile(r"(\*\*|__)(.+?)\1"), r"\2"),
    (re.compile(r"~~(.+?)~~"), r"\1"),
    (re.compile(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])"), r"\1"),
    (re.compile(r"(?<!\w)_(?!\s)(.+?)(?<!\s)_(?!\w)"), r"\1"),
    (re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>~])"), r"\1"),  # backslash escapes
]
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$")
_ITEM = re.compile(r"^\s*(?:([-*+])|(\d+[.)]))\s+(.*)$")
_RULE = re.compile(r"^\s{0,3}([-*_])(\s*\1){2,}\s*$")
_TABLE_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")


def _inline(text: str) -> str:
    for pattern, replacement in _INLINE:
        text = pattern.sub(replacement, text)
    return html.unescape(text).strip()


def markdown_blocks(text: str) -> list[tuple[str, str]]:
    """Markdown as plain blocks: ``("heading" | "paragraph" | "item", text)``, markup gone."""
    blocks: list[tuple[str, str]] = []
    paragraph: list[str] = []
    fenced = False

    def flush():
        if paragraph:
            joined = _inline(" ".join(paragraph))
            if joined:
                blocks.append(("paragraph", joined))
            paragraph.clear()

    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if line.strip().startswith(("```", "~~~")):
            flush()
            fenced = not fenced
            continue
        if fenced:
            if line.strip():
                blocks.append(("paragraph", line.rstrip()))
            continue
        line = re.sub(r"^\s{0,3}>\s?", "", line)  # block quotes read as plain text
        if not line.strip() or _RULE.match(line) or _TABLE_SEPARATOR.match(line):
            flush()
            continue
        if heading := _HEADING.match(line):
            flush()
            blocks.append(("heading", _inline(heading.group(1))))
        elif item := _ITEM.match(line):
            flush()
            marker = "•" if item.group(1) else item.group(2)
            blocks.append(("item", f"{marker} {_inline(item.group(3))}"))
        elif line.strip().startswith("|"):
            flush()
            cells = [_inline(c) for c in line.strip().strip("|").split("|")]
            blocks.append(("paragraph", "   ".join(c for c in cells if c)))
        else:
            paragraph.append(line.strip())
    flush()
    return blocks


# --- the document -----------------------------------------------------------------------------


class DashboardPDF(FPDF):
    """A4 landscape pages in DejaVu Sans, with the dashboard's name and page numbers below."""

    def __init__(self, footer_text: str):
        super().__init__(orientation="landscape", unit="mm", format="A4")
        self.footer_text = footer_text
        for style, name in FONT_FILES.items():
            self.add_font(FONT, style, _font_path(name))
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(True, margin=BOTTOM)
        self.c_margin = 0.6
        self.set_font(FONT, size=9)
        self.set_text_color(*INK)

    @property
    def bottom(self) -> float:
        """The lowest ordinate a card may reach."""
        return self.h - BOTTOM

    def footer(self):
        self.set_font(FONT, size=7.5)
        self.set_text_color(*MUTED)
        self.set_xy(self.l_margin, self.h - 10)
        self.cell(self.epw * 0.7, 5, self.fitted(self.footer_text, self.epw * 0.7 - 2))
        page = _("Page %(page)s of %(pages)s") % {"page": self.page_no(), "pages": "{nb}"}
        self.cell(self.epw * 0.3, 5, page, align="R")
        self.set_text_color(*INK)

    def fitted(self, text: str, width: float) -> str:
        """``text`` shortened with an ellipsis to fit ``width`` in the current font."""
        text = str(text).replace("\n", " ")
        if self.get_string_width(text) <= width:
            return text
        low, high = 0, len(text)  # the longest prefix that fits with the ellipsis
        while low < high:
            middle = (low + high + 1) // 2
            if self.get_string_width(text[:middle].rstrip() + "…") <= width:
                low = middle
            else:
                high = middle - 1
        return text[:low].rstrip() + "…" if low else ("…" if width >= 2 else "")

    def text_at(self, x, y, w, h, text, *, align="L", size=None, bold=False, color=INK):
        """One line of text in the box ``x, y, w, h``, cut with an ellipsis when too long."""
        self.set_font(FONT, "B" if bold else "", size or self.font_size_pt)
        self.set_text_color(*color)
        self.set_xy(x, y)
        self.cell(w, h, self.fitted(text, w - 2 * self.c_margin), align=align)

    def lines(self, text: str, width: float, size: float, bold: bool = False) -> list[str]:
        """``text`` broken into the lines a paragraph of ``width`` would have."""
        self.set_font(FONT, "B" if bold else "", size)
        return self.multi_cell(width, 1, text, dry_run=True, output="LINES") or [""]


@dataclass
class _Panel:
    """One card, ready to draw: its kind, its title, and its result or error or text."""

    kind: str  # a Question.Chart value, or "text"
    full: bool
    title: str = ""
    result: dict | None = None
    error: str = ""
    dimensions: int | None = None
    text: str = ""
    layout: list = field(default_factory=list)  # lines of a text or error, once measured


def _panels(dashboard: Dashboard, user, filters: dict) -> list[_Panel]:
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
            panels.append(_Panel("text", full, text=card.text))
            continue
        panel = _Panel(question.chart, full, title=question.title)
        panel.dimensions = len(question.spec.get("dimensions", [])) if question.spec else None
        try:
            panel.result = services.run_question(user, question, extra_filters=filters or None)
        except AnalyticsError as exc:
            panel.error = str(exc.detail)
        panels.append(panel)
    return panels


# --- measuring and drawing cards --------------------------------------------------------------


def _paragraph_layout(pdf: DashboardPDF, blocks, width: float, limit: float) -> list:
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


def _table_rows(panel: _Panel) -> tuple[list, list[list], list[bool], int]:
    """Headings, rows, right-alignment and the hidden row count of a table or pivot card."""
    result = panel.result
    crossed = services.pivot(result) if panel.kind == "pivot" else None
    if crossed is not None:
        headings = [crossed["corner"], *crossed["across"]]
        rows = [[key, *values] for key, values in crossed["rows"]]
    else:
        headings, rows = list(result["columns"]), list(result["rows"])
    numeric = [
        any(_number(row[i]) is not None for row in rows[:TABLE_ROWS] if i < len(row))
        for i in range(len(headings))
    ]
    if crossed is not None:
        numeric[0] = False
    return headings, rows[:TABLE_ROWS], numeric, max(0, len(rows) - TABLE_ROWS)


def _content_height(pdf: DashboardPDF, panel: _Panel, width: float, limit: float) -> float:
    """How tall the content of ``panel`` is when drawn ``width`` wide (at most ``limit``)."""
    if panel.error or panel.kind == "text":
        if panel.error:
            blocks = [("paragraph", panel.error)]
            panel.layout = _paragraph_layout(pdf, blocks, width - 4, limit - 4)
            return sum(line[4] for line in panel.layout) + 4
        panel.layout = _paragraph_layout(pdf, markdown_blocks(panel.text), width, limit)
        return max(sum(line[4] for line in panel.layout), MESSAGE_H)
    if not panel.result["rows"]:
        return ROW_H * 2 + 1 if panel.kind in ("table", "pivot") else MESSAGE_H
    if panel.kind == "number":
        return NUMBER_H
    if panel.kind in ("table", "pivot"):
        _headings, rows, _numeric, hidden = _table_rows(panel)
        return ROW_H * (len(rows) + 1) + (ROW_H + 1 if hidden else 0) + 1
    return CHART_H


def _card_height(pdf: DashboardPDF, panel: _Panel, width: float) -> float:
    title = TITLE_H if panel.title else 0.0
    limit = pdf.bottom - pdf.t_margin - 2 * PAD - title
    return 2 * PAD + title + _content_height(pdf, panel, width - 2 * PAD, limit)


def _draw_card(pdf: DashboardPDF, panel: _Panel, x: float, y: float, w: float, h: float):
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
        _draw_lines(pdf, panel.layout, x, y, w, INK)
    elif not panel.result["rows"] and panel.kind not in ("table", "pivot"):
        _message(pdf, x, y, w, _("No rows"))
    elif panel.kind == "number":
        _draw_number(pdf, panel.result, x, y, w)
    elif panel.kind in ("table", "pivot"):
        _draw_table(pdf, panel, x, y, w)
    else:
        _draw_chart(pdf, panel, x, y, w, CHART_H)


def _message(pdf: DashboardPDF, x, y, w, text: str):
    pdf.text_at(x, y + 1, w, MESSAGE_H - 2, text, size=8.5, color=MUTED)


def _draw_lines(pdf: DashboardPDF, layout, x, y, w, color):
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


def _draw_error(pdf: DashboardPDF, panel: _Panel, x, y, w):
    height = sum(line[4] for line in panel.layout) + 3
    pdf.set_fill_color(*WARN_FILL)
    pdf.rect(x, y, w, height, style="F", round_corners=True, corner_radius=1)
    _draw_lines(pdf, panel.layout, x + 2, y + 1.5, w - 4, WARN_INK)


def _draw_number(pdf: DashboardPDF, result: dict, x, y, w):
    number = charts.single_number(result)
    value = number["value"]
    text = "—" if value is None else _value_text(value)
    size = 30.0
    pdf.set_font(FONT, "B", size)
    while size > 10 and pdf.get_string_width(text) > w - 2:
        size -= 2
        pdf.set_font(FONT, "B", size)
    pdf.text_at(x, y + 1, w, size * 0.42, text, size=size, bold=True)
    change = number["change"]
    if change is not None:
        line = _("%(pct)s%% against the previous period (%(previous)s)") % {
            "pct": _number_text(round(change * 100), 0),
            "previous": _value_text(number["previous"]),
        }
        pdf.text_at(x, y + 3 + size * 0.42, w, 5, line, size=8.5, color=UP if change >= 0 else DOWN)


def _draw_table(pdf: DashboardPDF, panel: _Panel, x, y, w):
    headings, rows, numeric, hidden = _table_rows(panel)
    shown = max(1, min(len(headings), int(w // MIN_COLUMN)))
    hidden_columns = len(headings) - shown
    headings, numeric = headings[:shown], numeric[:shown]
    texts = [[_value_text(row[i]) if i < len(row) else "" for i in range(shown)] for row in rows]
    pdf.set_font(FONT, "B", 7.5)
    natural = [pdf.get_string_width(_value_text(h)) for h in headings]
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
    line([_value_text(h) or "—" for h in headings], bold=True)
    y += ROW_H
    if not rows:
        _message(pdf, x, y, w, _("No rows"))
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
            % {"count": _number_text(hidden, 0)}
        )
    if hidden_columns:
        notes.append(
            ngettext("and %(count)s more column", "and %(count)s more columns", hidden_columns)
            % {"count": hidden_columns}
        )
    if notes:
        pdf.text_at(x, y + 0.5, w, ROW_H, "; ".join(notes), size=7, color=MUTED)


# --- charts -----------------------------------------------------------------------------------


def _legend(pdf: DashboardPDF, names: list[str], x, y, w, note: str = ""):
    """Coloured squares and series names on one line; ``note`` at its right end."""
    pdf.set_font(FONT, "", 6.5)
    note_width = pdf.get_string_width(note) + 2 if note else 0
    right = x + w - note_width
    for index, name in enumerate(names):
        width = min(pdf.get_string_width(name) + 2, 45)
        if x + 3 + width > right:
            pdf.text_at(x, y, 4, 4, "…", size=6.5, color=MUTED)
            break
        pdf.set_fill_color(*PALETTE[index % len(PALETTE)])
        pdf.rect(x, y + 0.8, 2.4, 2.4, style="F")
        pdf.text_at(x + 2.8, y, width, 4, name, size=6.5, color=MUTED)
        x += 2.8 + width + 2
    if note:
        pdf.text_at(right, y, note_width, 4, note, size=6.5, color=MUTED, align="R")


def _value_axis(pdf: DashboardPDF, ticks, places, x, top, bottom):
    """The plot's left edge, the value→y map, the tick labels and their width (from ``x``)."""
    pdf.set_font(FONT, "", 6.5)
    labels = [_number_text(t, places) for t in ticks]
    label_width = max(pdf.get_string_width(label) for label in labels) + 2 * pdf.c_margin + 2
    low, high = ticks[0], ticks[-1]

    def to_y(value: float) -> float:
        return bottom - (value - low) / (high - low) * (bottom - top)

    return x + label_width, to_y, labels, label_width


def _draw_value_axis(pdf, ticks, labels, to_y, x, label_width, left, right):
    pdf.set_line_width(0.15)
    for tick, label in zip(ticks, labels, strict=True):
        pdf.set_draw_color(*GRID)
        pdf.line(left, to_y(tick), right, to_y(tick))
        pdf.text_at(
            x, to_y(tick) - 1.5, label_width - 1, 3, label, size=6.5, color=MUTED, align="R"
        )
    pdf.set_draw_color(*AXIS)
    pdf.set_line_width(0.25)
    zero = to_y(min(max(0.0, ticks[0]), ticks[-1]))
    pdf.line(left, zero, right, zero)
    return zero


def _category_labels(pdf: DashboardPDF, categories: list[str], left, slot, y):
    """Category names under the plot; every k-th one when they are too many to read."""
    step = max(1, math.ceil(12 / slot))
    for index in range(0, len(categories), step):
        centre = left + (index + 0.5) * slot
        width = slot * step
        pdf.text_at(
            centre - width / 2, y, width, 4, categories[index], size=6.5, color=MUTED, align="C"
        )


def _draw_chart(pdf: DashboardPDF, panel: _Panel, x, y, w, h):
    option = charts.options(panel.kind, panel.result, dimensions=panel.dimensions)
    if option is None:
        _message(pdf, x, y, w, _("No rows"))
        return
    if panel.kind == "pie":
        _draw_pie(pdf, option, x, y, w, h)
    elif panel.kind == "scatter":
        _draw_scatter(pdf, option, x, y, w, h)
    else:
        _draw_axes_chart(pdf, panel.kind, option, x, y, w, h)


def _shown_note(shown: int, total: int) -> str:
    if shown >= total:
        return ""
    return _("the first %(shown)s of %(total)s") % {
        "shown": _number_text(shown, 0),
        "total": _number_text(total, 0),
    }


def _draw_axes_chart(pdf: DashboardPDF, kind: str, option: dict, x, y, w, h):
    """Vertical (grouped) bars, or lines, or filled areas over category slots."""
    categories = [str(c) for c in option["xAxis"]["data"]]
    cap = MAX_BARS if kind == "bar" else MAX_POINTS
    note = _shown_note(min(cap, len(categories)), len(categories))
    categories = categories[:cap]
    series = [(str(s["name"]), [_number(v) for v in s["data"][:cap]]) for s in option["series"]]
    values = [v for _name, data in series for v in data if v is not None]
    if not values:
        _message(pdf, x, y, w, _("No numbers to draw"))
        return
    legend_h = 5.0 if len(series) > 1 or note else 0.0
    top, bottom = y + 2, y + h - legend_h - 5
    ticks, places = _nice_ticks(min(0.0, *values), max(0.0, *values))
    left, to_y, labels, label_width = _value_axis(pdf, ticks, places, x, top, bottom)
    right = x + w - 1
    zero = _draw_value_axis(pdf, ticks, labels, to_y, x, label_width, left, right)
    slot = (right - left) / len(categories)
    _category_labels(pdf, categories, left, slot, bottom + 0.8)
    if kind == "bar":
        _bars(pdf, series, left, slot, zero, to_y)
    else:
        _lines(pdf, series, left, slot, zero, to_y, filled=kind == "area")
    if legend_h:
        _legend(
            pdf,
            [name for name, _data in series] if len(series) > 1 else [],
            x + 1,
            y + h - legend_h,
            w - 2,
            note,
        )


def _bars(pdf: DashboardPDF, series, left, slot, zero, to_y):
    group = slot * 0.72
    bar = group / len(series)
    pdf.set_font(FONT, "", 6)
    for index, (_name, data) in enumerate(series):
        pdf.set_fill_color(*PALETTE[index % len(PALETTE)])
        for position, value in enumerate(data):
            if value is None:
                continue
            bar_x = left + position * slot + (slot - group) / 2 + index * bar
            end = to_y(value)
            height = max(abs(end - zero), 0.2 if value else 0)
            if height:
                pdf.rect(bar_x + bar * 0.06, min(end, zero), bar * 0.88, height, style="F")
            label = _number_text(value)
            if pdf.get_string_width(label) <= bar + 0.6:
                label_y = end - 3.2 if value >= 0 else end + 0.2
                pdf.text_at(bar_x - 1, label_y, bar + 2, 3, label, size=6, color=INK, align="C")


def _lines(pdf: DashboardPDF, series, left, slot, zero, to_y, *, filled: bool):
    count = len(series[0][1]) if series else 0
    labelled = len(series) == 1 and count <= 15  # labels of several lines would collide
    for index, (_name, data) in enumerate(series):
        colour = PALETTE[index % len(PALETTE)]
        segments, current = [], []
        for position, value in enumerate(data):
            if value is None:
                if current:
                    segments.append(current)
                current = []
            else:
                current.append((left + (position + 0.5) * slot, to_y(value)))
        if current:
            segments.append(current)
        pdf.set_fill_color(*colour)
        pdf.set_draw_color(*colour)
        for points in segments:
            if filled and len(points) > 1:
                outline = [(points[0][0], zero), *points, (points[-1][0], zero)]
                with pdf.local_context(fill_opacity=0.3):
                    pdf.polygon(outline, style="F")
            if len(points) > 1:
                pdf.set_line_width(0.5)
                pdf.polyline(points)
            if len(points) == 1 or count <= 40:
                for px, py in points:
                    pdf.circle(px, py, 0.7, style="F")
        if labelled:
            for position, value in enumerate(data):
                if value is not None:
                    px = left + (position + 0.5) * slot
                    pdf.text_at(
                        px - slot / 2,
                        to_y(value) - 3.6,
                        slot,
                        3,
                        _number_text(value),
                        size=6,
                        align="C",
                    )


def _draw_scatter(pdf: DashboardPDF, option: dict, x, y, w, h):
    """Dots on two value axes; text on the x axis is placed as categories in their order."""
    points = option["series"][0]["data"]
    note = _shown_note(min(MAX_POINTS, len(points)), len(points))
    points = points[:MAX_POINTS]
    xs = [p[0] for p in points]
    ys = [_number(p[1]) for p in points]
    numeric_x = all(_number(v) is not None for v in xs if v is not None)
    if numeric_x:
        xs = [_number(v) for v in xs]
    else:
        categories = list(dict.fromkeys("" if v is None else str(v) for v in xs))
        xs = [categories.index("" if v is None else str(v)) for v in xs]
    pairs = [(px, py) for px, py in zip(xs, ys, strict=True) if px is not None and py is not None]
    if not pairs:
        _message(pdf, x, y, w, _("No numbers to draw"))
        return
    names_h = 4.0
    top, bottom = y + 2 + names_h, y + h - 5 - names_h
    ticks, places = _nice_ticks(min(0.0, *(p[1] for p in pairs)), max(0.0, *(p[1] for p in pairs)))
    left, to_y, labels, label_width = _value_axis(pdf, ticks, places, x, top, bottom)
    right = x + w - 2
    _draw_value_axis(pdf, ticks, labels, to_y, x, label_width, left, right)
    if numeric_x:
        x_ticks, x_places = _nice_ticks(
            min(0.0, *(p[0] for p in pairs)), max(0.0, *(p[0] for p in pairs))
        )

        def to_x(value):
            return left + (value - x_ticks[0]) / (x_ticks[-1] - x_ticks[0]) * (right - left)

        for tick in x_ticks:
            label = _number_text(tick, x_places)
            pdf.text_at(
                to_x(tick) - 10, bottom + 0.8, 20, 4, label, size=6.5, color=MUTED, align="C"
            )
    else:
        slot = (right - left) / len(categories)

        def to_x(value):
            return left + (value + 0.5) * slot

        _category_labels(pdf, categories, left, slot, bottom + 0.8)
    pdf.text_at(x, y, w / 2, names_h, str(option["yAxis"]["name"]), size=6.5, color=MUTED)
    pdf.text_at(
        x + w / 2,
        bottom + 4.5,
        w / 2,
        names_h,
        str(option["xAxis"]["name"]),
        size=6.5,
        color=MUTED,
        align="R",
    )
    if note:
        pdf.text_at(x, bottom + 4.5, w / 2, names_h, note, size=6.5, color=MUTED)
    pdf.set_fill_color(*PALETTE[0])
    with pdf.local_context(fill_opacity=0.8):
        for px, py in pairs:
            pdf.circle(to_x(px), to_y(py), 0.9, style="F")


def _arc(cx, cy, radius, start, end) -> list[tuple[float, float]]:
    """Points of a clockwise arc from angle ``start`` to ``end`` (degrees, 90 is up)."""
    steps = max(2, math.ceil(abs(start - end) / 3))
    return [
        (
            cx + radius * math.cos(math.radians(start - (start - end) * i / steps)),
            cy - radius * math.sin(math.radians(start - (start - end) * i / steps)),
        )
        for i in range(steps + 1)
    ]


def _draw_pie(pdf: DashboardPDF, option: dict, x, y, w, h):
    """A ring of slices clockwise from the top (as ECharts draws it), with a legend."""
    slices = [(str(item["name"]), _number(item["value"])) for item in option["series"][0]["data"]]
    slices = [(name, value) for name, value in slices if value is not None and value > 0]
    if not slices:
        _message(pdf, x, y, w, _("No numbers to draw"))
        return
    if len(slices) > PIE_SLICES:
        kept = set(sorted(range(len(slices)), key=lambda i: -slices[i][1])[: PIE_SLICES - 1])
        rest = sum(value for i, (_name, value) in enumerate(slices) if i not in kept)
        slices = [s for i, s in enumerate(slices) if i in kept] + [(_("Other"), rest)]
    total = sum(value for _name, value in slices)
    radius = min(h - 4, w * 0.45) / 2
    cx, cy = x + 2 + radius, y + h / 2
    angle = 90.0
    pdf.set_draw_color(255, 255, 255)
    pdf.set_line_width(0.3)
    for index, (_name, value) in enumerate(slices):
        sweep = 360.0 * value / total
        outer = _arc(cx, cy, radius, angle, angle - sweep)
        inner = _arc(cx, cy, radius * 0.5, angle - sweep, angle)
        pdf.set_fill_color(*PALETTE[index % len(PALETTE)])
        pdf.polygon(outer + inner, style="DF" if len(slices) > 1 else "F")
        angle -= sweep
    left = cx + radius + 6
    width = x + w - left
    row = 4.6
    top = cy - row * len(slices) / 2
    pdf.set_font(FONT, "", 7)
    amounts = [f"{_number_text(v)} ({_number_text(100 * v / total, 1)}\u00a0%)" for _n, v in slices]
    amount_width = max(pdf.get_string_width(a) for a in amounts) + 2
    for index, ((name, _value), amount) in enumerate(zip(slices, amounts, strict=True)):
        line_y = top + index * row
        pdf.set_fill_color(*PALETTE[index % len(PALETTE)])
        pdf.rect(left, line_y + 1, 2.6, 2.6, style="F")
        name_width = max(width - 3.2 - amount_width, 8)
        pdf.text_at(left + 3.2, line_y, name_width, row, name, size=7)
        pdf.text_at(
            left + 3.2 + name_width,
            line_y,
            amount_width,
            row,
            amount,
            size=7,
            color=MUTED,
            align="R",
        )


# --- the page ---------------------------------------------------------------------------------


def _reader_name(user) -> str:
    return (user.get_full_name() or "").strip() or user.get_username()


def _reader_zone(user):
    """The reader's time zone (of their person record), or the installation's."""
    from openmis.org.models import Person

    person = Person.objects.filter(user=user).first() if user.is_authenticated else None
    return person.zone() if person else zoneinfo.ZoneInfo(settings.TIME_ZONE)


def _header(pdf: DashboardPDF, dashboard: Dashboard, filters: dict, prepared: str) -> float:
    """Title, description, filters and reader at the top of the first page; where cards start."""
    x, y, width = pdf.l_margin, pdf.t_margin, pdf.epw
    for line in pdf.lines(dashboard.title, width, 17, bold=True)[:2]:
        pdf.text_at(x, y, width, 8, line, size=17, bold=True)
        y += 8
    description = " ".join(dashboard.description.split())
    if description:
        layout = _paragraph_layout(pdf, [("paragraph", description)], width, 4 * 3.9)
        _draw_lines(pdf, layout, x, y + 0.5, width, INK)
        y += sum(line[4] for line in layout) + 1.5
    if filters or dashboard.filters:
        applied = " · ".join(f"{column}: {value}" for column, value in filters.items()) or "—"
        pdf.text_at(x, y, width, 5, f"{_('Filters')}: {applied}", size=8.5)
        y += 5
    pdf.text_at(x, y, width, 5, prepared, size=8, color=MUTED)
    y += 6.5
    pdf.set_draw_color(*BORDER)
    pdf.set_line_width(0.3)
    pdf.line(x, y, x + width, y)
    return y + 4


def _rows(panels: list[_Panel]) -> list[list[_Panel]]:
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
        Dashboard filter values by column (``{"region": "North"}``; ``a,b`` and
        ``from..to`` as on the page), applied to every card whose dataset has the column.
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
        str(k): str(v) for k, v in (filters or {}).items() if v is not None and str(v).strip()
    }
    now = now or timezone.now()
    if timezone.is_naive(now):
        now = timezone.make_aware(now)
    when = date_format(timezone.localtime(now, _reader_zone(user)), "DATETIME_FORMAT")
    prepared = _("Prepared for %(name)s on %(date)s") % {"name": _reader_name(user), "date": when}
    panels = _panels(dashboard, user, filters)

    pdf = DashboardPDF(f"{dashboard.title} · OpenMIS")
    pdf.set_title(dashboard.title)
    pdf.set_author("OpenMIS")
    pdf.set_creator("OpenMIS")
    pdf.set_creation_date(now)
    pdf.add_page()
    y = _header(pdf, dashboard, filters, prepared)
    pdf.set_auto_page_break(False)  # cards are placed on the page by the loop below
    if not panels:
        _message(pdf, pdf.l_margin, y, pdf.epw, _("No cards yet."))
    half = (pdf.epw - GAP) / 2
    for row in _rows(panels):
        width = pdf.epw if row[0].full else half
        height = max(_card_height(pdf, panel, width) for panel in row)
        if y + height > pdf.bottom and y > pdf.t_margin + 1:
            pdf.add_page()
            y = pdf.t_margin
        for column, panel in enumerate(row):
            _draw_card(pdf, panel, pdf.l_margin + column * (half + GAP), y, width, height)
        y += height + GAP
    return bytes(pdf.output())
