"""The evaluation page: figures, recommendation, risk and criteria of stored evaluations."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from openmis.appraisal.models import CashFlowLine, Judgement
from openmis.appraisal.tests.factories import (
    AlternativeFactory,
    CashFlowLineFactory,
    CriterionFactory,
    EvaluationFactory,
    JudgementFactory,
    ScoreFactory,
)
from openmis.org.roles import EMPLOYEE, LEADER
from openmis.org.tests.factories import PersonFactory, user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def evaluation(department):
    evaluation = EvaluationFactory(
        title="Laptops",
        department=department,
        horizon_years=3,
        discount_rate=Decimal("0.10"),
        draws=5000,
    )
    buy = AlternativeFactory(evaluation=evaluation, name="Buy")
    for year, amount in [(0, -1000), (1, 300), (2, 400), (3, 500)]:
        CashFlowLineFactory(alternative=buy, year=year, amount=Decimal(amount), category="other")
    lease = AlternativeFactory(evaluation=evaluation, name="Lease")
    for year in (1, 2, 3):
        CashFlowLineFactory(
            alternative=lease,
            year=year,
            amount=Decimal(-50),
            category="subscription",
            minimum=Decimal(-70),
            maximum=Decimal(-40),
        )
    return evaluation


def test_page_shows_results_and_recommendation(director_client, evaluation):
    response = director_client.get(f"/appraisal/evaluations/{evaluation.pk}/")
    assert response.status_code == 200
    results = {a["name"]: a for a in response.context["results"]["alternatives"]}
    assert results["Buy"]["npv"] == pytest.approx(-21.0368, abs=1e-3)
    assert results["Lease"]["npv"] == pytest.approx(-50 / 1.1 - 50 / 1.21 - 50 / 1.331)
    assert response.context["recommendation"]["name"] == "Buy"
    page = response.content.decode()
    assert "Recommended: Buy" in page
    assert "NPV convention: year 0 is not discounted" in page
    charts = response.context["charts"]
    assert charts["cumulative"]["Buy"][-1] == pytest.approx(-21.04, abs=0.01)
    # One bar for the subscription line over its three years (issue #11, item 14), not one
    # per year: -70..-40 in each year gives NPV -174.08..-99.47
    (bar,) = charts["tornado"]["Lease"]["bars"]
    assert bar["label"] == "Subscription, years 1\u20133"
    assert bar["low"] == pytest.approx(-70 * 2.486852, abs=0.01)
    assert bar["high"] == pytest.approx(-40 * 2.486852, abs=0.01)


def test_tornado_labels_speak_the_readers_language(director_client, evaluation):
    """The bar of a line names its years in Polish for a Polish reader (they were English)."""
    response = director_client.get(
        f"/appraisal/evaluations/{evaluation.pk}/", HTTP_ACCEPT_LANGUAGE="pl"
    )
    (bar,) = response.context["charts"]["tornado"]["Lease"]["bars"]
    assert bar["label"].endswith(", lata 1\u20133")


def test_results_follow_a_change_of_the_cash_flows(director_client, evaluation):
    url = f"/appraisal/evaluations/{evaluation.pk}/"
    director_client.get(url)
    line = CashFlowLine.objects.get(alternative__name="Buy", year=3)
    line.amount = Decimal(600)
    line.save()
    results = director_client.get(url).context["results"]["alternatives"]
    assert results[0]["npv"] == pytest.approx(-21.0368 + 100 / 1.331, abs=1e-3)


def test_an_evaluation_that_cannot_be_calculated_says_why(director_client, department):
    evaluation = EvaluationFactory(department=department)
    response = director_client.get(f"/appraisal/evaluations/{evaluation.pk}/")
    assert response.status_code == 200
    assert response.context["error"] == "alternatives: give at least one alternative"


def test_leaders_read_evaluations_and_employees_do_not(evaluation, department):
    leader, employee = Client(), Client()
    leader.force_login(user_with_role(LEADER, department))
    employee.force_login(user_with_role(EMPLOYEE, department))
    assert leader.get(f"/appraisal/evaluations/{evaluation.pk}/").status_code == 200
    assert employee.get(f"/appraisal/evaluations/{evaluation.pk}/").status_code == 403


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"year": 9}, "year"),
        ({"minimum": Decimal(-1500)}, "maximum"),
        ({"minimum": Decimal(-500), "maximum": Decimal(0)}, "minimum"),
        ({"minimum": Decimal(-1500), "maximum": Decimal(-1200)}, "maximum"),
    ],
)
def test_cash_flow_line_validation(evaluation, changes, field):
    line = CashFlowLine.objects.get(alternative__name="Buy", year=0)  # amount -1000
    for key, value in changes.items():
        setattr(line, key, value)
    with pytest.raises(ValidationError) as error:
        line.full_clean()
    assert list(error.value.message_dict) == [field]


def test_the_recommendation_shows_the_risk_and_says_when_it_reverses_the_ranking(
    director_client, department
):
    """Issue #11, item 15. At 10 % over one year:
    Gamble: -1000 now, 1210 (500..1250) next year: NPV 100 at the most likely amount, but the
    PERT mean of the year-1 amount is (500 + 4 x 1210 + 1250) / 6 = 1098.33, so the expected
    NPV is -1000 + 1098.33 / 1.1 = -1.52.
    Sure: -1000 now, 1150 certain: NPV = expected NPV = 45.45, P(NPV > 0) = 100 %.
    """
    evaluation = EvaluationFactory(
        department=department, horizon_years=1, discount_rate=Decimal("0.10"), draws=20000
    )
    gamble = AlternativeFactory(evaluation=evaluation, name="Gamble")
    CashFlowLineFactory(alternative=gamble, year=0, amount=Decimal(-1000), category="licences")
    CashFlowLineFactory(
        alternative=gamble,
        year=1,
        amount=Decimal(1210),
        minimum=Decimal(500),
        maximum=Decimal(1250),
        category="savings",
    )
    sure = AlternativeFactory(evaluation=evaluation, name="Sure")
    CashFlowLineFactory(alternative=sure, year=0, amount=Decimal(-1000), category="licences")
    CashFlowLineFactory(alternative=sure, year=1, amount=Decimal(1150), category="savings")
    response = director_client.get(f"/appraisal/evaluations/{evaluation.pk}/")
    recommendation = response.context["recommendation"]
    simulated = response.context["results"]["simulation"]["Gamble"]
    assert simulated["mean"] == pytest.approx(-1000 + 1098.33 / 1.1, abs=2)
    chance = round(100 * simulated["prob_npv_positive"])
    assert 30 < chance < 70
    # The highest NPV is still recommended, with its risk beside it
    assert recommendation["name"] == "Gamble"
    risk = recommendation["reasons"][1]
    assert risk.startswith("with the risk: an expected NPV of -")
    assert f"a {chance} % probability that the NPV is positive" in risk
    assert "(P10)" in risk and "(P90)" in risk
    # and the page says in words that the risk reverses the ranking
    assert recommendation["caveats"][:3] == [
        "the risk reverses the ranking: Sure has the higher expected NPV (45 PLN against "
        f"{simulated['mean']:,.0f} PLN)".replace(",", " "),
        f"the risk reverses the ranking: Sure is likelier to have a positive NPV (100 % against "
        f"{chance} %)",
        "its NPV is positive only at the most likely amounts: the expected NPV is negative",
    ]
    page = response.content.decode()
    assert "the risk reverses the ranking: Sure has the higher expected NPV" in page


def test_no_reversal_is_reported_when_the_best_npv_is_also_the_safest(director_client, evaluation):
    # Buy has the highest NPV; Lease is certain-ish but always negative: no reversal
    recommendation = director_client.get(f"/appraisal/evaluations/{evaluation.pk}/").context[
        "recommendation"
    ]
    assert recommendation["name"] == "Buy"
    assert not any("reverses" in c for c in recommendation["caveats"])


@pytest.fixture
def four_criteria(evaluation):
    """The Laptops evaluation with four weightless criteria, scored (weights come from AHP)."""
    person = PersonFactory()
    for name in ("Cost", "Security", "Usability", "Support"):
        criterion = CriterionFactory(evaluation=evaluation, name=name)
        for alternative, value in zip(evaluation.alternatives.all(), (8, 4), strict=True):
            ScoreFactory(alternative=alternative, criterion=criterion, person=person, value=value)
    return evaluation


def test_a_matrix_of_the_wrong_size_is_refused_on_save_by_the_api(
    four_criteria, department, api_client_for, director
):
    """Issue #11, item 16: a 2 x 2 matrix on a 4-criteria evaluation is a 400 naming it."""
    client = api_client_for(director)
    person = PersonFactory(department=department)
    body = {"evaluation": four_criteria.pk, "person": person.pk, "matrix": [[1, 3], [1 / 3, 1]]}
    response = client.post("/api/appraisal/judgements/", body, format="json")
    assert response.status_code == 400, response.content
    assert response.json() == {
        "matrix": [
            "The matrix must have one row and one column for each of the 4 criteria of the "
            "evaluation, in their order (4 \u00d7 4)."
        ]
    }
    assert not Judgement.objects.exists()
    # A matrix of the right size that is not reciprocal is refused too, naming the cell
    bad = [[1, 3, 1, 1], [3, 1, 1, 1], [1, 1, 1, 1], [1, 1, 1, 1]]
    response = client.post("/api/appraisal/judgements/", body | {"matrix": bad}, format="json")
    assert response.status_code == 400
    assert response.json()["matrix"][0].startswith("The comparison matrix cannot be used: matrix[")
    assert not Judgement.objects.exists()


def test_a_matrix_of_the_wrong_size_is_refused_on_save(
    four_criteria, department, api_client_for, director
):
    # A person compares criteria in the grid (one select per pair, see test_entry.py); a
    # matrix sent by a script is checked against the evaluation's criteria all the same.
    person = PersonFactory(department=department)
    response = api_client_for(director).post(
        "/api/appraisal/judgements/",
        {"evaluation": four_criteria.pk, "person": person.pk, "matrix": [[1, 3], ["1/3", 1]]},
        format="json",
    )
    assert response.status_code == 400
    assert "one row and one column for each of the 4 criteria" in response.json()["matrix"][0]
    assert not Judgement.objects.exists()


def test_a_broken_ahp_matrix_does_not_hide_the_npv_results(director_client, four_criteria):
    # Given a judgement stored before the rule (or before two criteria were added)
    JudgementFactory(evaluation=four_criteria, matrix=[[1, 3], [1 / 3, 1]])
    # When the page is shown
    response = director_client.get(f"/appraisal/evaluations/{four_criteria.pk}/")
    # Then the money results are there, and the criteria part says what is wrong
    context = response.context
    assert context["error"] is None
    npv = {a["name"]: a["npv"] for a in context["results"]["alternatives"]}
    assert npv["Buy"] == pytest.approx(-21.0368, abs=1e-3)
    assert context["recommendation"]["name"] == "Buy"
    assert context["results"]["topsis"] is None
    message = context["results"]["errors"]["criteria"]
    assert "one row and one column for each of the 4 criteria" in message
    page = response.content.decode()
    assert 'id="criteria-error"' in page and 'id="results-table"' in page


def test_the_correlation_between_lines_widens_the_simulated_band(director_client, department):
    """Issue #11, item 13: the evaluation's correlation between lines reaches the simulation
    (two uncertain lines that move together spread the NPV more than independent ones)."""
    evaluation = EvaluationFactory(
        department=department, horizon_years=2, discount_rate=Decimal("0.10"), draws=20000
    )
    buy = AlternativeFactory(evaluation=evaluation, name="Buy")
    for year, category in [(1, "savings"), (2, "hours_saved")]:
        CashFlowLineFactory(
            alternative=buy,
            year=year,
            amount=Decimal(500),
            minimum=Decimal(300),
            maximum=Decimal(700),
            category=category,
        )
    url = f"/appraisal/evaluations/{evaluation.pk}/"
    independent = director_client.get(url).context["results"]["simulation"]["Buy"]
    evaluation.line_correlation = Decimal("0.9")
    evaluation.save()
    together = director_client.get(url).context["results"]["simulation"]["Buy"]
    assert together["p90"] - together["p10"] > 1.2 * (independent["p90"] - independent["p10"])
