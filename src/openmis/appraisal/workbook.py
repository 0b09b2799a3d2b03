"""The whole model of an evaluation as an XLSX workbook (numbers stay numbers)."""

from __future__ import annotations

import io
from decimal import Decimal

from django.utils.text import capfirst
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from openmis.appraisal.formatting import (
    field_label_text,
    npv_convention,
)
from openmis.appraisal.models import CashFlowLine, Evaluation, Score
from openmis.core.exports import safe_row

MONEY = "#,##0.00"
PERCENT = "0.00%"


def _append(sheet, values) -> None:
    """Add a row; stored text is written as text (never a formula) without control characters."""
    sheet.append(safe_row(values))


def _sheet(workbook: Workbook, title: str, header: list[str] | None = None):
    sheet = workbook.create_sheet(title[:31])
    if header:
        _append(sheet, header)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
    return sheet


def _formats(sheet, formats: dict[int, str], first_row: int = 2) -> None:
    """Number formats by column (1-based) from ``first_row`` down, and readable widths."""
    for row in sheet.iter_rows(min_row=first_row):
        for cell in row:
            if cell.column in formats and isinstance(cell.value, int | float | Decimal):
                cell.number_format = formats[cell.column]
    for index, column in enumerate(sheet.columns, start=1):
        longest = max((len(str(c.value)) for c in column if c.value is not None), default=8)
        sheet.column_dimensions[get_column_letter(index)].width = min(max(longest + 2, 10), 60)


def _parameters_sheet(workbook, evaluation: Evaluation) -> None:
    sheet = _sheet(workbook, _("Parameters"))
    rows = [
        (field_label_text("title"), evaluation.title),
        (field_label_text("need"), evaluation.need),
        (field_label_text("department"), str(evaluation.department)),
        (field_label_text("owner"), str(evaluation.owner) if evaluation.owner else None),
        (field_label_text("status"), evaluation.get_status_display()),
        (field_label_text("horizon_years"), evaluation.horizon_years),
        (field_label_text("discount_rate"), float(evaluation.discount_rate)),
        (field_label_text("currency"), evaluation.currency),
        (field_label_text("distribution"), evaluation.get_distribution_display()),
        (field_label_text("draws"), evaluation.draws),
        (field_label_text("seed"), evaluation.seed),
        (_("NPV convention"), npv_convention()),
    ]
    for row in rows:
        _append(sheet, row)
    sheet.cell(7, 2).number_format = PERCENT
    for cell in sheet["A"]:
        cell.font = Font(bold=True)
    sheet.column_dimensions["A"].width = 24
    sheet.column_dimensions["B"].width = 80


def _cash_flows_sheet(workbook, evaluation: Evaluation) -> None:
    sheet = _sheet(
        workbook,
        _("Cash flows"),
        [_("Alternative"), *(capfirst(_(n)) for n in ("year", "category", "amount"))]
        + [capfirst(_(n)) for n in ("minimum", "maximum", "note")],
    )
    lines = CashFlowLine.objects.filter(alternative__evaluation=evaluation).select_related(
        "alternative"
    )
    for line in lines.order_by("alternative_id", "year", "pk"):
        _append(
            sheet,
            [
                line.alternative.name,
                line.year,
                line.get_category_display(),
                line.amount,
                line.minimum,
                line.maximum,
                line.note or None,
            ],
        )
    _formats(sheet, {4: MONEY, 5: MONEY, 6: MONEY})


def _result_columns() -> list[tuple[str, str, str]]:
    """``(key in the results, column heading, number format)`` of the Results sheet."""
    return [
        ("npv", "NPV", MONEY),
        ("irr", "IRR", PERCENT),
        ("mirr", "MIRR", PERCENT),
        ("roi", "ROI", PERCENT),
        ("payback_years", _("Payback (years)"), "0.00"),
        ("discounted_payback_years", _("Discounted payback"), "0.00"),
        ("tco", "TCO", MONEY),
        ("discounted_tco", _("Discounted TCO"), MONEY),
        ("benefit_cost_ratio", _("Benefit-cost ratio"), "0.000"),
        ("eac", _("Equivalent annual cost"), MONEY),
    ]


def _results_sheet(workbook, figures: dict) -> None:
    columns = _result_columns()
    sheet = _sheet(workbook, _("Results"), [_("Alternative"), *(c[1] for c in columns)])
    results = figures["results"]
    if results is None:
        _append(sheet, [_("The evaluation cannot be calculated yet:"), figures.get("error")])
        return
    for row in results["alternatives"]:
        _append(sheet, [row["name"], *(row[key] for key, _heading, _format in columns)])
    _formats(sheet, {i: c[2] for i, c in enumerate(columns, start=2)})
    recommendation = figures["recommendation"]
    if recommendation:
        _append(sheet, [])
        _append(sheet, [_("Recommended: %(name)s") % {"name": recommendation["name"]}])
        for reason in [*recommendation["reasons"], *recommendation["caveats"]]:
            _append(sheet, [reason])


def _append_bold(sheet, values: list) -> None:
    _append(sheet, values)
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)


def _criteria_sheet(workbook, evaluation: Evaluation, results: dict | None) -> None:
    sheet = _sheet(workbook, _("Criteria & scores"))
    results = results or {}
    criteria = list(evaluation.criteria.all())
    used = results.get("criteria_weights") or {}
    _append_bold(sheet, [_("Criteria")])
    _append_bold(sheet, [capfirst(_(n)) for n in ("name", "type", "weight")] + [_("Weight used")])
    for c in criteria:
        _append(sheet, [c.name, c.get_type_display(), c.weight, used.get(c.name)])
    if results.get("ahp"):
        _append(sheet, [_("Consistency ratio (AHP)"), results["ahp"]["consistency_ratio"]])

    scores = list(
        Score.objects.filter(alternative__evaluation=evaluation).select_related(
            "person", "alternative", "criterion"
        )
    )
    by_pair: dict[tuple[str, str], list] = {}
    for score in scores:
        by_pair.setdefault((score.alternative.name, score.criterion.name), []).append(score.value)
    weighted = results.get("weighted_sum") or {"scores": {}}
    topsis = results.get("topsis") or {"scores": {}}
    _append(sheet, [])
    _append_bold(sheet, [_("Ranking")])
    names = [c.name for c in criteria]
    _append_bold(sheet, [_("Alternative"), *names, _("Weighted sum"), "TOPSIS"])
    for alternative in evaluation.alternatives.all():
        averages = [
            float(sum(v) / len(v)) if (v := by_pair.get((alternative.name, name))) else None
            for name in names
        ]
        _append(
            sheet,
            [
                alternative.name,
                *averages,
                weighted["scores"].get(alternative.name),
                topsis["scores"].get(alternative.name),
            ],
        )

    _append(sheet, [])
    _append_bold(sheet, [_("Scores by stakeholder")])
    _append_bold(
        sheet, [capfirst(_(n)) for n in ("stakeholder", "alternative", "criterion", "score")]
    )
    for score in scores:
        _append(
            sheet, [str(score.person), score.alternative.name, score.criterion.name, score.value]
        )
    _formats(sheet, {}, first_row=1)


def _simulation_sheet(workbook, evaluation: Evaluation, results: dict | None) -> None:
    header = [_("Alternative"), _("Mean"), "P10", "P50", "P90", _("P(NPV > 0)")]
    sheet = _sheet(workbook, _("Simulation"), header)
    simulation = (results or {}).get("simulation") or {}
    for name, sim in simulation.items():
        _append(
            sheet, [name, *(sim[k] for k in ("mean", "p10", "p50", "p90", "prob_npv_positive"))]
        )
    _formats(sheet, {2: MONEY, 3: MONEY, 4: MONEY, 5: MONEY, 6: PERCENT})
    _append(sheet, [])
    _append(
        sheet,
        [
            _("%(draws)s draws (%(distribution)s), seed %(seed)s")
            % {
                "draws": evaluation.draws,
                "distribution": evaluation.get_distribution_display(),
                "seed": evaluation.seed,
            }
        ],
    )


def render_workbook(evaluation: Evaluation, figures: dict) -> bytes:
    """The whole model of ``evaluation`` (inputs and results) as XLSX bytes."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    results = figures["results"]
    _parameters_sheet(workbook, evaluation)
    _cash_flows_sheet(workbook, evaluation)
    _results_sheet(workbook, figures)
    _criteria_sheet(workbook, evaluation, results)
    _simulation_sheet(workbook, evaluation, results)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
