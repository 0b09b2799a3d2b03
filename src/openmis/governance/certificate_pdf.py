"""The PDF of a course certificate: one A4 landscape page made with fpdf2, in DejaVu Sans (so
Polish and any other letters print), in the reader's language."""

from __future__ import annotations

from django.utils.translation import gettext as _
from fpdf import FPDF

from openmis.core import formatting
from openmis.core.pdf import FONT, add_fonts
from openmis.governance.models import Certificate


def render_certificate(certificate: Certificate, state: str) -> bytes:
    """The certificate as PDF bytes; a void or expired one says so across the page."""
    pdf = FPDF(orientation="landscape", unit="mm", format="A4")
    add_fonts(pdf)
    pdf.set_title(_("Certificate"))
    pdf.set_creator("OpenMIS")
    pdf.set_auto_page_break(False)
    pdf.add_page()
    pdf.set_draw_color(40, 70, 120)
    pdf.set_line_width(1.2)
    pdf.rect(10, 10, pdf.w - 20, pdf.h - 20)
    pdf.set_y(38)
    pdf.set_font(FONT, "B", 30)
    pdf.cell(0, 14, _("Certificate of completion"), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(8)
    pdf.set_font(FONT, size=14)
    pdf.cell(0, 8, _("This certifies that"), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.set_font(FONT, "B", 24)
    person = certificate.person
    pdf.cell(
        0, 12, f"{person.first_name} {person.last_name}", align="C", new_x="LMARGIN", new_y="NEXT"
    )
    pdf.ln(3)
    pdf.set_font(FONT, size=14)
    pdf.cell(0, 8, _("has passed the course"), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.set_font(FONT, "B", 20)
    pdf.multi_cell(0, 10, certificate.course.title, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    pdf.set_font(FONT, size=12)
    lines = [
        _("Version %(version)s · score %(score)s")
        % {
            "version": certificate.course_version,
            "score": formatting.percent_text(certificate.score / 100, 0),
        },
        _("Issued on %(day)s") % {"day": formatting.date_text(certificate.issued_on)},
        _("Valid until %(day)s") % {"day": formatting.date_text(certificate.valid_until)}
        if certificate.valid_until
        else _("Does not expire"),
    ]
    for line in lines:
        pdf.cell(0, 7, line, align="C", new_x="LMARGIN", new_y="NEXT")
    if state in ("void", "expired"):
        pdf.ln(6)
        pdf.set_text_color(180, 20, 20)
        pdf.set_font(FONT, "B", 18)
        text = (
            _("VOID: a later version of the course replaced it")
            if state == "void"
            else _("EXPIRED")
        )
        pdf.cell(0, 10, text, align="C", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
