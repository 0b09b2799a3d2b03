"""PDF documents of every app (fpdf2): the DejaVu Sans fonts, which print Polish and any other
letters, and the A4 page with the OpenMIS footer that memos and procedures share."""

from __future__ import annotations

from django.contrib.staticfiles import finders
from django.core.exceptions import ImproperlyConfigured
from fpdf import FPDF

FONT = "DejaVu"
FONT_FILES = {"": "vendor/fonts/DejaVuSans.ttf", "B": "vendor/fonts/DejaVuSans-Bold.ttf"}


def font_path(name: str) -> str:
    """The file of a vendored font (installed by ``make assets`` from npm)."""
    found = finders.find(name)
    if not found:
        raise ImproperlyConfigured(f"{name} is missing from the static files: run `make assets`.")
    return found


def add_fonts(pdf: FPDF) -> None:
    """Give ``pdf`` DejaVu Sans, regular and bold, under the name :data:`FONT`."""
    for style, name in FONT_FILES.items():
        pdf.add_font(FONT, style, font_path(name))


class DocumentPDF(FPDF):
    """A4 pages in DejaVu Sans with a footer: what made the document (``footer_text``) on the
    left, the page number on the right."""

    def __init__(self, footer_text: str, orientation: str = "portrait"):
        super().__init__(orientation=orientation, unit="mm", format="A4")
        self.footer_text = footer_text
        add_fonts(self)
        self.set_margins(18, 16, 18)
        self.set_auto_page_break(True, margin=18)
        self.set_font(FONT, size=10)

    def footer(self):
        self.set_y(-12)
        self.set_font(FONT, size=7.5)
        self.set_text_color(110)
        self.cell(self.epw / 2, 5, self.footer_text)
        self.cell(self.epw / 2, 5, f"{self.page_no()} / {{nb}}", align="R")
        self.set_text_color(0)
