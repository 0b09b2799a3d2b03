"""Appraising alternatives: turn an evaluation (models or API JSON) into every result.

:func:`appraise` takes the JSON of ``POST /api/appraisal/appraise/`` (see the API docs) and
returns its response; the evaluation page feeds it :func:`evaluation_input`, so the page, the
API and the exports compute the same figures the same way. The arithmetic is in
:mod:`openmis.appraisal.calc`.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import asdict
from typing import Any

from openmis.appraisal import calc
from openmis.appraisal.calc import CalcError, saaty

DEFAULT_DRAWS = 100_000


def _num(value) -> float | None:
    """A JSON-safe number: None for missing, NaN or infinite values."""
    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def _spec(alternative: dict, index: int, horizon: int) -> list[calc.Flow]:
    spec = []
    path = f"alternatives[{index}].cash_flows"
    lines = alternative.get("cash_flows") or []
    name = alternative.get("name")
    if not lines:
        raise CalcError(path, f"{name!r} has no cash flows yet: give at least one amount")
    if all(line.get("year") == 0 for line in lines):
        raise CalcError(
            path, f"{name!r} has amounts in year 0 only: give at least one amount after year 0"
        )
    for i, line in enumerate(lines):
        year = line.get("year")
        if isinstance(year, int) and not 0 <= year <= horizon:
            raise CalcError(
                f"{path}[{i}].year", f"year {year} is outside the horizon of 0..{horizon} years"
            )
        spread = line.get("range")
        if spread is not None:
            missing = {"min", "mode", "max"} - set(spread)
            if missing and not ({"min", "max"} <= set(spread)):
                raise CalcError(f"{path}[{i}].range", "needs min and max (and optionally mode)")
            spread = (spread["min"], spread.get("mode", line.get("amount")), spread["max"])
        driver = line.get("line") or line.get("category") or None
        spec.append(
            {"year": year, "most_likely": line.get("amount"), "range": spread, "line": driver}
        )
    try:
        calc.flows_from_spec(spec, horizon)
        return spec
    except CalcError as error:
        raise error.rebase("flows_spec", path) from None


def _metrics(
    flows: list[float], lines: list[list[float]], rate: float, horizon: int
) -> dict[str, Any]:
    """The metrics of an alternative: TCO, ROI and the benefit-cost ratio count each of its
    ``lines`` (by year) by its own sign; the others are about the netted yearly ``flows``."""
    irr = calc.irr(flows)
    return {
        "npv": _num(calc.npv(rate, flows)),
        "irr": _num(irr.value),
        "irr_warning": irr.warning,
        "mirr": _num(calc.mirr(flows, rate, rate)),
        "roi": _num(calc.roi(lines)),
        "payback_years": _num(calc.payback_years(flows)),
        "discounted_payback_years": _num(calc.discounted_payback_years(rate, flows)),
        "tco": _num(calc.tco(lines)),
        "discounted_tco": _num(calc.discounted_tco(rate, lines)),
        "benefit_cost_ratio": _num(calc.benefit_cost_ratio(rate, lines)),
        "eac": _num(calc.equivalent_annual_cost(rate, flows, horizon)),
    }


def _criteria_weights(data: dict, ahp_result: dict | None) -> list[float] | None:
    criteria = data.get("criteria") or []
    weights = [c.get("weight") for c in criteria]
    if all(w is not None for w in weights):
        return [float(w) for w in weights]
    if ahp_result is not None:
        by_item = ahp_result["weights"]
        missing = [c["name"] for c in criteria if c["name"] not in by_item]
        if missing:
            raise CalcError("criteria", f"no weight and no AHP item for {', '.join(missing)}")
        return [by_item[c["name"]] for c in criteria]
    raise CalcError("criteria", "give every criterion a weight, or an AHP comparison matrix")


def _rank(method, data, names, weights) -> dict:
    criteria = data["criteria"]
    scores = data.get("scores") or {}
    matrix = []
    for a, name in enumerate(names):
        row = []
        for c, criterion in enumerate(criteria):
            value = scores.get(name, {}).get(criterion["name"])
            if value is None:
                raise CalcError(
                    f"scores.{name}.{criterion['name']}",
                    f"alternative {a} has no score on criterion {c}",
                )
            row.append(value)
        matrix.append(row)
    types = [c.get("type", "benefit") for c in criteria]
    try:
        result = method(matrix, weights, types)
    except CalcError as error:
        raise error.rebase("weights", "criteria[].weight").rebase("scores", "scores") from None
    return {
        "scores": {name: _num(result.scores[i]) for i, name in enumerate(names)},
        "ranking": [names[i] for i in result.ranking],
    }


def appraise(data: dict, detail: bool = False, partial: bool = False) -> dict:
    """Every result of an evaluation given as the API's JSON; raises :class:`CalcError`.

    With ``detail`` the result also carries what the evaluation page draws: cash flows per
    year, the NPV histogram and the tornado of each alternative, and the weight sensitivity.
    With ``partial`` a broken criteria part (AHP matrix, weights, scores) or simulation does
    not raise: that part is None and ``errors`` names the problem under ``criteria`` or
    ``simulation``, so the money results are still shown. The API is not partial: a bad part
    of a request is a 400.
    """
    horizon = data["horizon_years"]
    if not isinstance(horizon, int) or not 1 <= horizon <= calc.MAX_HORIZON:
        raise CalcError("horizon_years", f"must be a whole number from 1 to {calc.MAX_HORIZON}")
    rate = data["discount_rate"]
    if not isinstance(rate, int | float) or not math.isfinite(rate) or rate <= -1:
        raise CalcError("discount_rate", "must be a number above -1 (-100 %)")
    alternatives = data.get("alternatives") or []
    if len(alternatives) < 1:
        raise CalcError("alternatives", "give at least one alternative")
    names = [a.get("name") for a in alternatives]
    for i, name in enumerate(names):
        if names.index(name) != i:
            raise CalcError(f"alternatives[{i}].name", f"the name {name!r} is used twice")

    result: dict[str, Any] = {"currency": data.get("currency"), "alternatives": []}
    specs = []
    for i, alternative in enumerate(alternatives):
        spec = _spec(alternative, i, horizon)
        specs.append(spec)
        flows = calc.flows_from_spec(spec, horizon)
        lines = calc.lines_from_spec(spec, horizon)
        row = {"name": alternative["name"], **_metrics(flows, lines, rate, horizon)}
        if detail:
            row["flows"] = [_num(v) for v in flows]
        result["alternatives"].append(row)

    result["errors"] = {}
    try:
        _appraise_criteria(data, names, result, detail)
    except CalcError as error:
        if not partial:
            raise
        result["ahp"] = result["weighted_sum"] = result["topsis"] = None
        result.pop("criteria_weights", None)
        result["errors"]["criteria"] = f"{error.field}: {error.message}"
    try:
        _appraise_risk(data, names, specs, rate, result, detail)
    except CalcError as error:
        if not partial:
            raise
        result["simulation"] = None
        result["errors"]["simulation"] = f"{error.field}: {error.message}"
    if not partial:
        del result["errors"]
    return result


def _appraise_criteria(data: dict, names: list, result: dict, detail: bool) -> None:
    """The AHP weights and the weighted-sum and TOPSIS rankings, into ``result``."""
    ahp_result = None
    if data.get("ahp"):
        ahp = data["ahp"]
        if ahp.get("problem"):  # a stored judgement that cannot be used (evaluation_input)
            raise CalcError("ahp.matrix", ahp["problem"])
        items = ahp.get("items") or []
        try:
            computed = calc.ahp(saaty.complete_matrix(ahp["matrix"]), labels=items)
        except CalcError as error:
            raise error.rebase("matrix", "ahp.matrix") from None
        if len(items) != len(computed.weights):
            raise CalcError("ahp.items", "needs one name for each row of the matrix")
        ahp_result = {
            "weights": {item: _num(w) for item, w in zip(items, computed.weights, strict=True)},
            "lambda_max": _num(computed.lambda_max),
            "consistency_index": _num(computed.consistency_index),
            "consistency_ratio": _num(computed.consistency_ratio),
            "warning": computed.warning,
        }
    result["ahp"] = ahp_result

    result["weighted_sum"] = result["topsis"] = None
    if data.get("criteria"):
        weights = _criteria_weights(data, ahp_result)
        if data.get("normalise_weights"):
            weights = calc.normalise_weights(weights)
        result["weighted_sum"] = _rank(calc.weighted_sum, data, names, weights)
        result["topsis"] = _rank(calc.topsis, data, names, weights)
        if detail:
            result["criteria_weights"] = dict(
                zip([c["name"] for c in data["criteria"]], weights, strict=True)
            )


def _appraise_risk(data: dict, names: list, specs: list, rate, result: dict, detail: bool):
    """The Monte Carlo simulation and the tornado of each alternative, into ``result``."""
    result["simulation"] = None
    simulation = data.get("simulation")
    if simulation is not None:
        draws = simulation.get("draws", DEFAULT_DRAWS)
        seed = simulation.get("seed")
        distribution = simulation.get("distribution", "pert")
        correlation = simulation.get("correlation") or 0.0
        result["simulation"] = {}
        for name, spec in zip(names, specs, strict=True):
            try:
                sim = calc.simulate(
                    spec,
                    rate,
                    draws=draws,
                    seed=seed,
                    distribution=distribution,
                    correlation=correlation,
                )
            except CalcError as error:
                raise (
                    error.rebase("draws", "simulation.draws")
                    .rebase("seed", "simulation.seed")
                    .rebase("correlation", "simulation.correlation")
                ) from None
            entry = {
                "mean": _num(sim.mean),
                "p10": _num(sim.p10),
                "p50": _num(sim.p50),
                "p90": _num(sim.p90),
                "prob_npv_positive": _num(sim.prob_npv_positive),
            }
            if detail:
                entry["histogram"] = asdict(sim.histogram)
            result["simulation"][name] = entry
    if detail:
        result["tornado"] = {
            name: asdict(calc.tornado(spec, rate)) for name, spec in zip(names, specs, strict=True)
        }


def evaluation_input(evaluation) -> dict:
    """The API JSON of a stored evaluation: its lines, criteria, averaged stakeholder scores
    and the geometric mean of the stakeholders' pairwise judgements."""
    alternatives = list(evaluation.alternatives.prefetch_related("cash_flows"))
    criteria = list(evaluation.criteria.all())
    data: dict[str, Any] = {
        "discount_rate": float(evaluation.discount_rate),
        "horizon_years": evaluation.horizon_years,
        "currency": evaluation.currency,
        "alternatives": [
            {
                "name": alt.name,
                "cash_flows": [
                    {
                        "year": line.year,
                        "amount": float(line.amount),
                        "category": line.category,
                        "line": f"{line.category}: {line.note}" if line.note else line.category,
                        "note": line.note,
                        **(
                            {
                                "range": {
                                    "min": float(line.minimum),
                                    "mode": float(line.amount),
                                    "max": float(line.maximum),
                                }
                            }
                            if line.minimum is not None
                            else {}
                        ),
                    }
                    for line in alt.cash_flows.all()
                ],
            }
            for alt in alternatives
        ],
        "simulation": {
            "draws": evaluation.draws,
            "seed": evaluation.seed,
            "distribution": evaluation.distribution,
            "correlation": float(evaluation.line_correlation),
        },
    }
    if criteria:
        data["criteria"] = [
            {
                "name": c.name,
                "type": c.type,
                "weight": None if c.weight is None else float(c.weight),
            }
            for c in criteria
        ]
        sums: dict[tuple, list[float]] = defaultdict(list)
        from openmis.appraisal.models import Score

        for score in Score.objects.filter(alternative__evaluation=evaluation).select_related(
            "alternative", "criterion"
        ):
            sums[(score.alternative.name, score.criterion.name)].append(float(score.value))
        data["scores"] = {
            alt.name: {
                c.name: sum(v) / len(v) for c in criteria if (v := sums.get((alt.name, c.name)))
            }
            for alt in alternatives
        }
        judgements = list(evaluation.judgements.select_related("person"))
        problems = [
            (judgement, problem)
            for judgement in judgements
            if (problem := judgement.problem(len(criteria)))
        ]
        if problems:
            judgement, problem = problems[0]
            data["ahp"] = {"problem": f"{judgement.person}: {problem}"}
        elif judgements:
            matrices = [j.matrix for j in judgements]
            data["ahp"] = {
                "items": [c.name for c in criteria],
                "matrix": calc.aggregate_judgements(matrices) if len(matrices) > 1 else matrices[0],
            }
    return data
