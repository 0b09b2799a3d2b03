"""What the evaluation page shows beyond the generic detail: results, risk, criteria, charts."""

from __future__ import annotations

from django.core.cache import cache
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from openmis.appraisal import calc
from openmis.appraisal.calc import CalcError
from openmis.appraisal.formatting import number_text, percent_text
from openmis.appraisal.models import RATE_PLAUSIBLE, CashFlowLine, Decision, Judgement, Score
from openmis.appraisal.services import appraise, evaluation_input
from openmis.core import caching, permissions, registry


def _money(value: float, currency: str) -> str:
    return f"{value:,.0f} {currency}".replace(",", " ").strip()


def _recommendation(results) -> dict | None:
    """The alternative with the highest NPV, with its risk beside it: the simulated expected
    NPV, P(NPV > 0) and P10/P90, and a warning when the risk reverses the ranking (another
    alternative has the best expected NPV or the best chance of a positive NPV)."""
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
    simulations = results.get("simulation") or {}
    simulation = simulations.get(name)
    if simulation is not None:
        reasons.append(
            _(
                "with the risk: an expected NPV of %(mean)s, a %(p)d %% probability that the "
                "NPV is positive, and 80 %% of the outcomes between %(p10)s (P10) and %(p90)s "
                "(P90)"
            )
            % {
                "mean": _money(simulation["mean"], currency),
                "p": round(100 * simulation["prob_npv_positive"]),
                "p10": _money(simulation["p10"], currency),
                "p90": _money(simulation["p90"], currency),
            }
        )
    if best["discounted_payback_years"] is not None:
        reasons.append(
            _("it pays back (discounted) in %(years).1f years")
            % {"years": best["discounted_payback_years"]}
        )
    caveats = []
    if simulation is not None:
        simulated = [(r["name"], simulations[r["name"]]) for r in rows if r["name"] in simulations]
        by_mean = max(simulated, key=lambda item: item[1]["mean"])
        by_chance = max(simulated, key=lambda item: item[1]["prob_npv_positive"])
        if by_mean[1]["mean"] > simulation["mean"]:
            caveats.append(
                _(
                    "the risk reverses the ranking: %(other)s has the higher expected NPV "
                    "(%(other_mean)s against %(mean)s)"
                )
                % {
                    "other": by_mean[0],
                    "other_mean": _money(by_mean[1]["mean"], currency),
                    "mean": _money(simulation["mean"], currency),
                }
            )
        if by_chance[1]["prob_npv_positive"] > simulation["prob_npv_positive"]:
            caveats.append(
                _(
                    "the risk reverses the ranking: %(other)s is likelier to have a positive "
                    "NPV (%(other_p)d %% against %(p)d %%)"
                )
                % {
                    "other": by_chance[0],
                    "other_p": round(100 * by_chance[1]["prob_npv_positive"]),
                    "p": round(100 * simulation["prob_npv_positive"]),
                }
            )
        if best["npv"] > 0 and simulation["mean"] < 0:
            caveats.append(
                _(
                    "its NPV is positive only at the most likely amounts: the expected NPV is "
                    "negative"
                )
            )
    topsis = results.get("topsis")
    if topsis and topsis["ranking"] and topsis["ranking"][0] != name:
        caveats.append(
            _("on the non-financial criteria %(other)s ranks first (TOPSIS)")
            % {"other": topsis["ranking"][0]}
        )
    if best["npv"] < 0:
        caveats.append(_("every alternative loses money over the horizon: this is the cheapest"))
    return {"name": name, "reasons": reasons, "caveats": caveats}


def _line_name(line: dict) -> str:
    category = line.get("category") or "other"
    try:
        name = str(CashFlowLine.Category(category).label)
    except ValueError:
        name = category
    return f"{name} ({line['note']})" if line.get("note") else name


def _line_label(line: dict) -> str:
    return _("%(line)s, year %(year)d") % {"line": _line_name(line), "year": line["year"]}


def _years_text(years: list[int]) -> str:
    """``year 3``, ``years 1-5`` or ``years 1, 3, 4``, in the reader's language."""
    years = sorted(set(years))
    if len(years) == 1:
        return _("year %(year)d") % {"year": years[0]}
    if years == list(range(years[0], years[-1] + 1)):
        return _("years %(first)d–%(last)d") % {"first": years[0], "last": years[-1]}  # noqa: RUF001
    return _("years %(years)s") % {"years": ", ".join(str(y) for y in years)}


def _bar_label(bar: dict, lines: list[dict]) -> str:
    """A tornado bar names its line and the years it was moved in: "Hours saved, years 1-5"."""
    indices = bar.get("indices") or [bar["index"]]
    return f"{_line_name(lines[indices[0]])}, {_years_text([lines[i]['year'] for i in indices])}"


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
                    "label": _bar_label(bar, lines),
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


def _radar(data) -> dict | None:
    """Average stakeholder score (0-10) of each alternative on each criterion."""
    criteria = [c["name"] for c in data.get("criteria") or []]
    if not criteria:
        return None
    scores = data.get("scores") or {}
    return {
        "indicators": [{"name": name, "max": 10} for name in criteria],
        "series": [
            {
                "name": a["name"],
                "value": [scores.get(a["name"], {}).get(name) for name in criteria],
            }
            for a in data["alternatives"]
        ],
    }


def _sensitivity(results, data) -> list[dict]:
    """Per criterion, how far its weight must move before the top alternative (TOPSIS) changes."""
    weights = results.get("criteria_weights")
    if not (results.get("topsis") and weights):
        return []
    criteria = data["criteria"]
    names = [a["name"] for a in data["alternatives"]]
    matrix = [[data["scores"][name][c["name"]] for c in criteria] for name in names]
    types = [c.get("type", "benefit") for c in criteria]
    rows = []
    for criterion, item in zip(
        criteria,
        calc.weight_sensitivity(matrix, list(weights.values()), types, method="topsis"),
        strict=True,
    ):
        if item.threshold_weight is None:
            text = _("no change within 0–100 %")  # noqa: RUF001
        else:
            text = _(
                "the top alternative changes when this weight moves from %(weight)s to "
                "%(threshold)s (becoming %(alternative)s)"
            ) % {
                "weight": percent_text(item.weight),
                "threshold": percent_text(item.threshold_weight),
                "alternative": names[item.new_top],
            }
        rows.append({"criterion": criterion["name"], "weight": item.weight, "text": text})
    return rows


def _break_even(results, data, name: str | None, rate: float) -> list[dict]:
    """Break-even values of the five uncertain lines of ``name`` with the largest swing: the
    amount of a one-year line, or the share of its most likely amounts for a line of several
    years (all its years scaled together), at which the NPV is zero."""
    tornado = (results.get("tornado") or {}).get(name)
    if not tornado:
        return []
    lines = next(a["cash_flows"] for a in data["alternatives"] if a["name"] == name)
    spec = [(line["year"], line["amount"]) for line in lines]
    currency = results.get("currency") or ""
    rows = []
    for bar in tornado["bars"][:5]:
        indices = bar.get("indices") or [bar["index"]]
        label = _bar_label(bar, lines)
        if len(indices) == 1:
            value = calc.break_even(spec, rate, indices[0])
            shown = f"{number_text(value, 2)} {currency}".strip() if value is not None else ""
        else:
            present = [line["amount"] / (1 + rate) ** line["year"] for line in lines]
            own = sum(present[i] for i in indices)
            others = sum(present) - own
            value = -others / own if own else None
            shown = _("%(share)s of its most likely amounts") % {
                "share": percent_text(value) if value is not None else ""
            }
        if value is None:
            text = _("no amount of %(line)s makes the NPV zero") % {"line": label}
        else:
            text = _("NPV is zero when %(line)s is %(value)s") % {"line": label, "value": shown}
        rows.append({"label": label, "value": value, "text": text})
    return rows


def _linked(evaluation) -> dict:
    """The systems it would replace or affect and the improvements that motivate it."""
    return {
        "systems": list(evaluation.systems.order_by("name")),
        "improvements": list(evaluation.improvements.order_by("title")),
    }


def evaluation_context(evaluation, request) -> dict:
    """Results of the evaluation, cached until the data it reads changes (the simulation is
    costly): the evaluation's app and those of what it points to (systems, improvements)."""
    key = caching.versioned_key(
        ("evaluation", evaluation.pk, get_language()), caching.depends_on_model(type(evaluation))
    )
    cached = cache.get(key)
    if cached is None:
        notices = []
        try:
            data = evaluation_input(evaluation)
            empty = [a["name"] for a in data["alternatives"] if not a["cash_flows"]]
            if empty and len(empty) == len(data["alternatives"]):
                raise CalcError(
                    "",
                    _(
                        "no alternative has cash flows yet: enter the amounts of at least one "
                        "in the table below"
                    ),
                )
            if empty:
                data["alternatives"] = [a for a in data["alternatives"] if a["cash_flows"]]
                notices.append(
                    _("Not calculated yet, as they have no cash flows: %(names)s.")
                    % {"names": ", ".join(empty)}
                )
            results = appraise(data, detail=True, partial=True)
            low, high = RATE_PLAUSIBLE
            if not low <= evaluation.discount_rate <= high:
                notices.append(
                    _(
                        "The discount rate is %(rate)s a year, which is unusual (most are "
                        "%(low)s to %(high)s): check it was entered in percent, 8 for 8 %%."
                    )
                    % {
                        "rate": percent_text(float(evaluation.discount_rate)),
                        "low": percent_text(float(low)),
                        "high": percent_text(float(high)),
                    }
                )
            recommendation = _recommendation(results)
            rate = float(evaluation.discount_rate)
            charts = _charts(results, data, evaluation.horizon_years, rate)
            charts["radar"] = _radar(data)
            cached = {
                "results": results,
                "recommendation": recommendation,
                "charts": charts,
                "sensitivity": _sensitivity(results, data),
                "break_even": _break_even(
                    results, data, recommendation and recommendation["name"], rate
                ),
                "error": None,
                "notices": notices,
            }
        except CalcError as error:
            cached = {
                "results": None,
                "recommendation": None,
                "charts": None,
                "sensitivity": [],
                "break_even": [],
                "error": f"{error.field}: {error.message}" if error.field else error.message,
                "notices": [],
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
        .select_related("chosen", "decided_by", "meeting__series", "project")
        .first()
    )
    entry = {
        "judgements": _may_enter(request.user, Judgement),
        "scores": _may_enter(request.user, Score),
    }
    return {
        **cached,
        "links": links,
        "decision": decision,
        "linked": _linked(evaluation),
        "entry": entry,
    }


def _may_enter(user, model) -> bool:
    """Whether ``user`` may enter some stakeholder's rows of ``model`` (judgements, scores)."""
    object_type = registry.get(model)
    return any(permissions.can(user, object_type, action) for action in ("add", "change"))
