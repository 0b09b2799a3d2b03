"""The evaluation page: figures, recommendation, risk and criteria of stored evaluations."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from openmis.appraisal.models import CashFlowLine
from openmis.appraisal.tests.factories import (
    AlternativeFactory,
    CashFlowLineFactory,
    EvaluationFactory,
)
from openmis.org.roles import EMPLOYEE, LEADER
from openmis.org.tests.factories import user_with_role

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
