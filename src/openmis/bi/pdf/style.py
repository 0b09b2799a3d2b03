"""The PDF's page, fonts, colours and sizes, and numbers and values as text."""

from __future__ import annotations

import math

from django.utils.translation import gettext as _
from fpdf import FPDF

from openmis.core import formatting
from openmis.core.pdf import FONT, add_fonts

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


# --- numbers and text -------------------------------------------------------------------------


def as_number(value) -> float | None:
    """``value`` as a float when it is a finite number; None otherwise (text, None, NaN)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) else None


def number_text(value, places: int | None = None) -> str:
    """A number with the active language's thousands separator and decimal mark."""
    if places is None:
        if isinstance(value, int) or float(value).is_integer():
            places = 0
        else:
            places = 2 if abs(value) >= 1 else 4
    return formatting.number_text(value, places)


def value_text(value) -> str:
    """A result cell as text: numbers grouped, None empty, anything else as it is."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if as_number(value) is not None:
        return number_text(value)
    return str(value)


def nice_ticks(low: float, high: float, count: int = 5) -> tuple[list[float], int]:
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


# --- the document -----------------------------------------------------------------------------


class DashboardPDF(FPDF):
    """A4 landscape pages in DejaVu Sans, with the dashboard's name and page numbers below."""

    def __init__(self, footer_text: str):
        super().__init__(orientation="landscape", unit="mm", format="A4")
        self.footer_text = footer_text
        add_fonts(self)
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


def draw_message(pdf: DashboardPDF, x, y, w, text: str):
    pdf.text_at(x, y + 1, w, MESSAGE_H - 2, text, size=8.5, color=MUTED)
