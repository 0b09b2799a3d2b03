"""``POST /api/appraisal/appraise/``: the contract of issue #5; bad input is a 400 per field."""

import json
import math

import numpy_financial as npf
import pytest

from openmis.org.roles import ANALYST, EMPLOYEE
from openmis.org.tests.factories import user_with_role

pytestmark = pytest.mark.django_db
URL = "/api/appraisal/appraise/"


def request(**changes):
    body = {
        "discount_rate": 0.1,
        "horizon_years": 3,
        "currency": "PLN",
        "alternatives": [
            {
                "name": "Cloud",
                "cash_flows": [
                    {"year": 0, "amount": -1000, "category": "licences"},
                    {"year": 1, "amount": 300, "category": "savings"},
                    {"year": 2, "amount": 400, "category": "savings"},
                    {"year": 3, "amount": 500, "category": "savings"},
                ],
            },
            {
                "name": "Keep",
                "cash_flows": [
                    {"year": y, "amount": -100, "category": "support"} for y in (1, 2, 3)
                ],
            },
        ],
    }
    return body | changes


@pytest.fixture
def analyst_api(api_client_for, department):
    return api_client_for(user_with_role(ANALYST, department))


def test_textbook_figures(analyst_api):
    # Given -1000 then 300, 400, 500 at 10 %:
    # NPV = -1000 + 300/1.1 + 400/1.21 + 500/1.331 = -1000 + 272.73 + 330.58 + 375.66 = -21.04
    # cumulative: -1000, -700, -300, +200 -> payback 2 + 300/500 = 2.6 years
    response = analyst_api.post(URL, request(), format="json")
    assert response.status_code == 200, response.content
    cloud, keep = response.json()["alternatives"]
    assert cloud["name"] == "Cloud"
    assert cloud["npv"] == pytest.approx(-21.0368, abs=1e-3)
    assert cloud["npv"] == pytest.approx(npf.npv(0.1, [-1000, 300, 400, 500]))
    assert cloud["irr"] == pytest.approx(npf.irr([-1000, 300, 400, 500]))
    assert cloud["payback_years"] == pytest.approx(2.6)
    assert cloud["discounted_payback_years"] is None  # NPV < 0: never pays back discounted
    assert cloud["tco"] == 1000
    assert cloud["roi"] == pytest.approx(0.2)  # (1200 - 1000) / 1000
    # keep: all outflows, so no IRR, no payback, and a null ratio is null, never NaN
    assert keep["irr"] is None and keep["payback_years"] is None
    assert keep["npv"] == pytest.approx(-100 / 1.1 - 100 / 1.21 - 100 / 1.331)
    assert keep["eac"] == pytest.approx(100, abs=1e-9)  # a level 100 a year costs 100 a year
    body = response.json()
    assert (body["ahp"], body["weighted_sum"], body["topsis"], body["simulation"]) == (
        None,
        None,
        None,
        None,
    )


def test_criteria_ahp_and_simulation(analyst_api):
    body = request(
        criteria=[{"name": "Cost", "type": "cost"}, {"name": "Security", "type": "benefit"}],
        scores={"Cloud": {"Cost": 7, "Security": 9}, "Keep": {"Cost": 3, "Security": 4}},
        ahp={"items": ["Cost", "Security"], "matrix": [[1, 3], [0.3333, 1]]},
        simulation={"draws": 20000, "seed": 1},
    )
    body["alternatives"][0]["cash_flows"][1]["range"] = {"min": 200, "mode": 300, "max": 450}
    response = analyst_api.post(URL, body, format="json")
    assert response.status_code == 200, response.content
    result = response.json()
    assert result["ahp"]["weights"]["Cost"] == pytest.approx(0.75, abs=1e-3)
    assert result["ahp"]["consistency_ratio"] == 0
    # Weights 0.75 (Cost, a cost criterion) and 0.25 (Security). Min-max normalised, Keep is
    # best on cost (3 < 7) and Cloud on security: weighted sums Keep 0.75, Cloud 0.25.
    assert result["weighted_sum"]["ranking"] == ["Keep", "Cloud"]
    assert result["weighted_sum"]["scores"]["Keep"] == pytest.approx(0.75, abs=1e-3)
    # TOPSIS, vector-normalised: Cloud d+ = 0.75*(7-3)/sqrt(58) = 0.394, d- = 0.25*5/sqrt(97)
    # = 0.127, closeness 0.127 / 0.521 = 0.244; Keep is the mirror image, 0.756.
    assert result["topsis"]["ranking"] == ["Keep", "Cloud"]
    assert result["topsis"]["scores"]["Cloud"] == pytest.approx(0.244, abs=2e-3)
    sim = result["simulation"]["Cloud"]
    assert sim["p10"] <= sim["p50"] <= sim["p90"]
    assert 0 <= sim["prob_npv_positive"] <= 1
    # the same seed gives the same figures
    again = analyst_api.post(URL, body, format="json").json()["simulation"]["Cloud"]
    assert again == sim
    # Keep has no range: every draw is its deterministic NPV
    keep = result["simulation"]["Keep"]
    assert keep["p10"] == keep["p90"] == pytest.approx(result["alternatives"][1]["npv"])


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"horizon_years": 0}, "horizon_years"),
        ({"horizon_years": 101}, "horizon_years"),
        ({"discount_rate": -1}, "discount_rate"),
        ({"discount_rate": -2.5}, "discount_rate"),
        ({"alternatives": []}, "alternatives"),
    ],
)
def test_bad_parameters_are_400_naming_the_field(analyst_api, changes, field):
    response = analyst_api.post(URL, request(**changes), format="json")
    assert response.status_code == 400
    assert list(response.json()) == [field]


def test_duplicate_names_and_flows_outside_the_horizon(analyst_api):
    body = request()
    body["alternatives"][1]["name"] = "Cloud"
    response = analyst_api.post(URL, body, format="json")
    assert (response.status_code, list(response.json())) == (400, ["alternatives[1].name"])
    body = request()
    body["alternatives"][0]["cash_flows"][3]["year"] = 4
    response = analyst_api.post(URL, body, format="json")
    assert (response.status_code, list(response.json())) == (
        400,
        ["alternatives[0].cash_flows[3].year"],
    )


def test_min_above_mode_is_refused(analyst_api):
    body = request()
    body["alternatives"][0]["cash_flows"][1]["range"] = {"min": 500, "mode": 300, "max": 600}
    response = analyst_api.post(URL, body, format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["alternatives[0].cash_flows[1].range"]


@pytest.mark.parametrize(
    ("matrix", "reason"),
    [
        ([[1, 3, 2], [1 / 3, 1, 2]], "square"),
        ([[1, -3], [-1 / 3, 1]], "positive"),
        ([[1, 3], [3, 1]], "reciprocal"),
    ],
)
def test_bad_ahp_matrix(analyst_api, matrix, reason):
    body = request(ahp={"items": ["Cost", "Security"], "matrix": matrix})
    response = analyst_api.post(URL, body, format="json")
    assert response.status_code == 400
    (field,) = response.json()
    assert field.startswith("ahp.matrix")


def test_weights_not_summing_to_one_are_refused_unless_normalised(analyst_api):
    body = request(
        criteria=[
            {"name": "Cost", "type": "cost", "weight": 0.5},
            {"name": "Security", "weight": 0.3},
        ],
        scores={"Cloud": {"Cost": 7, "Security": 9}, "Keep": {"Cost": 3, "Security": 4}},
    )
    response = analyst_api.post(URL, body, format="json")
    assert response.status_code == 400
    assert "normalis" in json.dumps(response.json())
    body["normalise_weights"] = True
    assert analyst_api.post(URL, body, format="json").status_code == 200


def test_nan_and_infinity_never_appear(analyst_api):
    body = request()
    body["alternatives"][0]["cash_flows"] = [{"year": 1, "amount": 500}]  # only inflows
    response = analyst_api.post(URL, body, format="json")
    text = response.content.decode()
    assert response.status_code == 200
    assert "NaN" not in text and "Infinity" not in text
    cloud = response.json()["alternatives"][0]
    assert cloud["irr"] is None and cloud["roi"] is None and cloud["benefit_cost_ratio"] is None
    assert math.isfinite(cloud["npv"])


def test_appraise_needs_the_appraisal_role(api_client_for, department):
    assert api_client_for(None).post(URL, request(), format="json").status_code == 401
    employee = api_client_for(user_with_role(EMPLOYEE, department))
    assert employee.post(URL, request(), format="json").status_code == 403


def test_tco_roi_and_bcr_count_each_line_before_netting(analyst_api):
    """Issue #11, item 12: -200,000 in year 0, -100,000 opex and +160,000 savings a year for 5
    years at 9 %: TCO 700,000 (588,965 discounted), ROI 14.3 %, BCR 1.06 (see test_calc)."""
    lines = [{"year": 0, "amount": -200_000, "category": "implementation"}]
    for year in range(1, 6):
        lines.append({"year": year, "amount": -100_000, "category": "support"})
        lines.append({"year": year, "amount": 160_000, "category": "savings"})
    body = request(
        discount_rate=0.09, horizon_years=5, alternatives=[{"name": "New", "cash_flows": lines}]
    )
    response = analyst_api.post(URL, body, format="json")
    assert response.status_code == 200, response.content
    (new,) = response.json()["alternatives"]
    assert new["tco"] == 700_000
    assert new["discounted_tco"] == pytest.approx(588_965.1, abs=0.1)
    assert new["roi"] == pytest.approx(1 / 7)
    assert new["benefit_cost_ratio"] == pytest.approx(1.0567, abs=5e-5)
    assert new["npv"] == pytest.approx(npf.npv(0.09, [-200_000] + [60_000] * 5))
