"""What the evaluation page shows beyond the generic detail: results, risk, criteria, charts."""

from __future__ import annotations

from django.core.cache import cache
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from openmis.appraisal.calc import CalcError
from openmis.appraisal.models import CashFlowLine, Decision
from openmis.appraisal.services import appraise, evaluation_input
from openmis.core import cache as data_cache
from openmis.core import registry


def _recommendation(results) -> dict | None:
    rows = [r for r in results["alternatives"] if r["npv"] is not None]
    if not rows:
        return None
    best = max(rows, key=lambda r: r["npv"])
    name = best["name"]
    currency = results.get("currency") or ""
    reasons = [
        _("the highest net present value: %(npv)s %(currency)s")
        % {"npv": f"{best['npv']:,.0f}".replace(",", " "), "currency": currency}
    ]
    simulation = (results.get("simulation") or {}).get(name)
    if simulation is not None:
        reasons.append(
            _("a %(p)d %% probability that its NPV is positive")
            % {"p": round(100 * simulation["prob_npv_positive"])}
        )
    if best["discounted_payback_years"] is not None:
        reasons.append(
            _("it pays back (discounted) in %(years).1f years")
            % {"years": best["discounted_payback_years"]}
        )
    caveats = []
    topsis = results.get("topsis")
    if topsis and topsis["ranking"] and topsis["ranking"][0] != name:
        caveats.append(
            _("on the non-financial criteria %(other)s ranks first (TOPSIS)")
            % {"other": topsis["ranking"][0]}
        )
    if best["npv"] < 0:
        caveats.append(_("every alternative loses money over the horizon: this is the cheapest"))
    return {"name": name, "reasons": reasons, "caveats": caveats}


def _line_label(line: dict) -> str:
    category = line.get("category") or "other"
    try:
        name = CashFlowLine.Category(category).label
    except ValueError:
        name = category
    return f"{name}, {_('year')} {line['year']}"


def _charts(results, data, horizon: int, rate: float) -> dict:
    years = list(range(horizon + 1))
    cumulative = {}
    for row in results["alternatives"]:
        total, series = 0.0, []
        for year, amount in enumerate(row["flows"]):
            total += amount / (1 + rate) ** year
            series.append(round(total, 2))
        cumulative[row["name"]] = series
    histograms = {
        name: {
            "centres": [
                round((a + b) / 2, 2)
                for a, b in zip(
                    sim["histogram"]["edges"], sim["histogram"]["edges"][1:], strict=False
                )
            ],
            "counts": list(sim["histogram"]["counts"]),
        }
        for name, sim in (results.get("simulation") or {}).items()
    }
    tornado = {
        name: {
            "base": round(tornado_data["base_npv"], 2),
            "bars": [
                {
                    "label": _line_label(lines[bar["index"]]),
                    "low": round(min(bar["npv_at_min"], bar["npv_at_max"]), 2),
                    "high": round(max(bar["npv_at_min"], bar["npv_at_max"]), 2),
                }
                for bar in tornado_data["bars"][:10]
            ],
        }
        for (name, tornado_data), lines in zip(
            (results.get("tornado") or {}).items(),
            [a["cash_flows"] for a in data["alternatives"]],
            strict=False,
        )
    }
    return {"years": years, "cumulative": cumulative, "histograms": histograms, "tornado": tornado}


def evaluation_context(evaluation, request) -> dict:
    """Results of the evaluation, cached until any data changes (the simulation is costly)."""
    key = data_cache.key("evaluation", evaluation.pk, get_language(), data_cache.generation())
    cached = cache.get(key)
    if cached is None:
        try:
            data = evaluation_input(evaluation)
            results = appraise(data, detail=True)
            cached = {
                "results": results,
                "recommendation": _recommendation(results),
                "charts": _charts(
                    results, data, evaluation.horizon_years, float(evaluation.discount_rate)
                ),
                "error": None,
            }
        except CalcError as error:
            cached = {
                "results": None,
                "recommendation": None,
                "charts": None,
                "error": f"{error.field}: {error.message}",
            }
        cache.set(key, cached, 3600)
    links = {
        label: f"{registry.get(model).url('list')}?{query}={evaluation.pk}"
        for label, model, query in [
            ("alternatives", "appraisal.alternative", "evaluation"),
            ("cash_flows", "appraisal.cashflowline", "alternative__evaluation"),
            ("criteria", "appraisal.criterion", "evaluation"),
            ("scores", "appraisal.score", "alternative__evaluation"),
            ("judgements", "appraisal.judgement", "evaluation"),
        ]
    }
    decision = (
        Decision.objects.filter(evaluation=evaluation)
        .select_related("chosen", "decided_by")
        .first()
    )
    return {**cached, "links": links, "decision": decision}
