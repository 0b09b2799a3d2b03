"""The decision memo of an evaluation: an A4 PDF made with fpdf2, in the user's language."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from fpdf.fonts import FontFace

from openmis.appraisal.formatting import (
    field_label_text,
    irr_text,
    npv_convention,
    number_text,
    percent_text,
    years_text,
)
from openmis.appraisal.models import Decision, Evaluation
from openmis.core import formatting
from openmis.core.pdf import DocumentPDF

ALTERNATIVES_PER_TABLE = 4


class MemoPDF(DocumentPDF):
    """An A4 page layout with the OpenMIS footer; text in DejaVu Sans (any Unicode letter)."""

    def heading(self, text: str) -> None:
        if self.will_page_break(20):
            self.add_page()
        self.ln(3)
        self.set_font("DejaVu", "B", 12)
        self.multi_cell(0, 7, text, new_x="LMARGIN", new_y="NEXT")
        self.set_font("DejaVu", size=10)
        self.ln(1)

    def paragraph(self, text: str, size: float = 10, bold: bool = False) -> None:
        self.set_font("DejaVu", "B" if bold else "", size)
        self.multi_cell(0, size * 0.5, text, align="L", new_x="LMARGIN", new_y="NEXT")
        self.set_font("DejaVu", size=10)

    def bullets(self, items: list[str]) -> None:
        for item in items:
            self.set_x(self.l_margin + 3)
            self.multi_cell(0, 5, f"• {item}", new_x="LMARGIN", new_y="NEXT")

    def grid(self, rows: list[list[str]], widths: list[float]) -> None:
        """A table with a heading row; the first column left-aligned, numbers right-aligned."""
        self.set_font("DejaVu", size=8.5)
        self.set_fill_color(255)  # the table paints its cells in the current fill colour
        with self.table(
            col_widths=widths,
            width=sum(widths),
            align="LEFT",
            text_align=("LEFT", *["RIGHT"] * (len(widths) - 1)),
            line_height=4.6,
            padding=(0.8, 1.2),
            headings_style=FontFace(emphasis="BOLD", fill_color=(230, 236, 244)),
            borders_layout="HORIZONTAL_LINES",
        ) as table:
            for values in rows:
                row = table.row()
                for value in values:
                    row.cell(value)
        self.set_font("DejaVu", size=10)
        self.ln(2)

    def fitted(self, text: str, width: float) -> str:
        """``text`` shortened with an ellipsis to fit ``width`` in the current font."""
        if self.get_string_width(text) <= width:
            return text
        while text and self.get_string_width(text + "…") > width:
            text = text[:-1]
        return text + "…"

    def npv_chart(self, title: str, rows: list[dict], currency: str) -> None:
        """Horizontal bars of the NPV of each alternative around a zero line, under ``title``."""
        values = [(row["name"], row["npv"]) for row in rows if row["npv"] is not None]
        if not values:
            return
        bar, gap, label_width, value_width = 6.0, 2.5, 55.0, 30.0
        height = len(values) * (bar + gap) + gap
        if self.will_page_break(height + 20):
            self.add_page()
        self.heading(title)
        low = min(0.0, *(v for _n, v in values))
        high = max(0.0, *(v for _n, v in values))
        span = (high - low) or 1.0
        left = self.l_margin + label_width
        width = self.epw - label_width - value_width
        zero = left + (0 - low) / span * width
        top = self.get_y()
        self.set_font("DejaVu", size=8.5)
        y = top + gap
        for name, value in values:
            self.set_xy(self.l_margin, y)
            self.cell(label_width - 2, bar, self.fitted(name, label_width - 3), align="R")
            end = left + (value - low) / span * width
            self.set_fill_color(*((46, 125, 80) if value >= 0 else (192, 57, 43)))
            self.rect(min(zero, end), y, max(abs(end - zero), 0.3), bar, style="F")
            self.set_xy(left + width + 1, y)
            self.cell(value_width - 1, bar, f"{number_text(value, 0)} {currency}", align="R")
            y += bar + gap
        self.set_draw_color(90)
        self.line(zero, top, zero, y)
        self.set_draw_color(0)
        self.set_fill_color(255)
        self.set_y(y + 2)
        self.set_font("DejaVu", size=10)


def _results_rows(results: dict, names: list[str]) -> list[list[str]]:
    by_name = {row["name"]: row for row in results["alternatives"]}
    alternatives = [by_name[name] for name in names]
    currency = results.get("currency") or ""
    metrics = [
        (f"NPV ({currency})", lambda r: number_text(r["npv"])),
        ("IRR", irr_text),
        ("MIRR", lambda r: percent_text(r["mirr"])),
        ("ROI", lambda r: percent_text(r["roi"])),
        (_("Payback (years)"), lambda r: years_text(r["payback_years"])),
        (_("Discounted payback"), lambda r: years_text(r["discounted_payback_years"])),
        (f"TCO ({currency})", lambda r: number_text(r["tco"])),
        (_("Discounted TCO"), lambda r: number_text(r["discounted_tco"])),
        (_("Benefit-cost ratio"), lambda r: number_text(r["benefit_cost_ratio"])),
        (_("Equivalent annual cost"), lambda r: number_text(r["eac"])),
    ]
    rows = [[_("Alternative"), *names]]
    rows += [[label, *(show(r) for r in alternatives)] for label, show in metrics]
    simulation = results.get("simulation") or {}
    if simulation:
        sims = [simulation.get(name) or {} for name in names]
        rows += [
            [_("P(NPV > 0)"), *(percent_text(s.get("prob_npv_positive")) for s in sims)],
            *(
                [f"{key.upper()} NPV", *(number_text(s.get(key)) for s in sims)]
                for key in ("p10", "p50", "p90")
            ),
            [_("Mean NPV"), *(number_text(s.get("mean")) for s in sims)],
        ]
    return rows


def _memo_results(pdf: MemoPDF, evaluation: Evaluation, results: dict) -> None:
    pdf.heading(_("Financial results"))
    names = [row["name"] for row in results["alternatives"]]
    for start in range(0, len(names), ALTERNATIVES_PER_TABLE):
        chunk = names[start : start + ALTERNATIVES_PER_TABLE]
        label_width = 52.0
        column = min((pdf.epw - label_width) / len(chunk), 40.0)
        widths = [label_width] + [column] * len(chunk)
        pdf.grid(_results_rows(results, chunk), widths)
    if any(row["irr"] is not None and row["irr_warning"] for row in results["alternatives"]):
        pdf.paragraph(
            "* "
            + _(
                "The cash flows change sign more than once, so more than one IRR may exist: "
                "judge the alternative by NPV or MIRR."
            ),
            size=8,
        )
    if results.get("simulation"):
        pdf.paragraph(
            _(
                "Monte Carlo simulation: %(draws)s draws (%(distribution)s), seed %(seed)s; "
                "P10, P50 and P90 are percentiles of the simulated NPV."
            )
            % {
                "draws": number_text(evaluation.draws, 0),
                "distribution": evaluation.get_distribution_display(),
                "seed": evaluation.seed,
            }
            + " "
            + _(
                "The years of a line share one draw; rank correlation between lines: "
                "%(correlation)s."
            )
            % {"correlation": number_text(float(evaluation.line_correlation), 2)},
            size=8,
        )
    pdf.npv_chart(
        _("Net present value by alternative"),
        results["alternatives"],
        results.get("currency") or "",
    )


def _memo_criteria(pdf: MemoPDF, results: dict) -> None:
    weighted, topsis = results.get("weighted_sum"), results.get("topsis")
    if not (weighted and topsis):
        return
    pdf.heading(_("Non-financial criteria"))

    def rank(ranking, name):
        return str(ranking.index(name) + 1) if name in ranking else "—"

    rows = [[_("Alternative"), _("Weighted sum"), _("Rank"), "TOPSIS", _("Rank")]]
    for row in sorted(results["alternatives"], key=lambda r: topsis["ranking"].index(r["name"])):
        name = row["name"]
        rows.append(
            [
                name,
                number_text(weighted["scores"].get(name), 3),
                rank(weighted["ranking"], name),
                number_text(topsis["scores"].get(name), 3),
                rank(topsis["ranking"], name),
            ]
        )
    pdf.grid(rows, [68.0, 28.0, 18.0, 28.0, 18.0])
    weights = results.get("criteria_weights") or {}
    if weights:
        pdf.paragraph(
            f"{_('Weights')}: "
            + ", ".join(f"{name} {percent_text(w)}" for name, w in weights.items()),
            size=8.5,
        )
    ahp = results.get("ahp")
    if ahp:
        pdf.paragraph(
            _("Weights from pairwise comparisons (AHP); consistency ratio %(cr)s.")
            % {"cr": number_text(ahp["consistency_ratio"], 3)},
            size=8.5,
        )


def _memo_decision(pdf: MemoPDF, decision: Decision | None) -> None:
    pdf.heading(_("Decision"))
    if decision is None:
        pdf.paragraph(_("No decision has been recorded yet."))
        return
    pdf.paragraph(_("Chosen: %(alternative)s") % {"alternative": decision.chosen.name}, bold=True)
    pdf.paragraph(
        _("Decided by %(person)s on %(date)s.")
        % {"person": decision.decided_by, "date": formatting.date_text(decision.decided_on)}
    )
    if decision.meeting_id:
        pdf.paragraph(_("Taken in: %(meeting)s") % {"meeting": decision.meeting})
    pdf.ln(1)
    pdf.paragraph(decision.rationale)


def render_memo(evaluation: Evaluation, figures: dict) -> bytes:
    """The decision memo of ``evaluation`` as PDF bytes, in the active language."""
    generated = formatting.datetime_text(timezone.now())
    pdf = MemoPDF(_("Generated by OpenMIS on %(date)s") % {"date": generated})
    pdf.set_title(f"{_('Decision memo')}: {evaluation.title}")
    pdf.set_author("OpenMIS")
    pdf.set_creator("OpenMIS")
    pdf.add_page()

    pdf.set_text_color(90)
    pdf.paragraph(_("Decision memo").upper(), size=9, bold=True)
    pdf.set_text_color(0)
    pdf.paragraph(evaluation.title, size=17, bold=True)
    details = [str(evaluation.department), evaluation.get_status_display()]
    if evaluation.owner:
        details.insert(1, f"{field_label_text('owner')}: {evaluation.owner}")
    pdf.paragraph(" · ".join(details), size=9)

    pdf.heading(field_label_text("need"))
    pdf.paragraph(evaluation.need)

    pdf.heading(_("Parameters"))
    pdf.paragraph(
        f"{field_label_text('horizon_years')}: {evaluation.horizon_years}\n"
        f"{field_label_text('discount_rate')}: {percent_text(float(evaluation.discount_rate))}\n"
        f"{field_label_text('currency')}: {evaluation.currency}"
    )
    pdf.ln(1)
    pdf.paragraph(npv_convention(), size=8.5)

    results, recommendation = figures["results"], figures["recommendation"]
    if results is None:
        pdf.heading(_("Financial results"))
        pdf.paragraph(
            f"{_('The evaluation cannot be calculated yet:')} {figures.get('error') or ''}"
        )
    else:
        _memo_results(pdf, evaluation, results)
    if recommendation:
        pdf.heading(_("Recommended: %(name)s") % {"name": recommendation["name"]})
        pdf.bullets([*recommendation["reasons"], *recommendation["caveats"]])
    if results is not None:
        _memo_criteria(pdf, results)
    _memo_decision(pdf, figures.get("decision"))
    return bytes(pdf.output())
