"""Issue #11, item 17: rates in percent on the form, ranges said plainly, missing flows named,
and no memo offered when nothing can be calculated."""

from decimal import Decimal

import pytest

from openmis.appraisal.models import Evaluation
from openmis.appraisal.tests.factories import (
    AlternativeFactory,
    CashFlowLineFactory,
    EvaluationFactory,
)
from openmis.core import registry

pytestmark = pytest.mark.django_db


@pytest.fixture
def evaluation(department):
    evaluation = EvaluationFactory(
        title="Laptops", department=department, horizon_years=3, discount_rate=Decimal("0.08")
    )
    buy = AlternativeFactory(evaluation=evaluation, name="Buy")
    for year, amount in [(0, -1000), (1, 300), (2, 400), (3, 500)]:
        CashFlowLineFactory(alternative=buy, year=year, amount=Decimal(amount), category="other")
    return evaluation


def _form(evaluation, **changes):
    data = {
        "title": evaluation.title,
        "need": evaluation.need,
        "department": evaluation.department_id,
        "horizon_years": evaluation.horizon_years,
        "discount_rate": "8",
        "currency": evaluation.currency,
        "status": evaluation.status,
        "distribution": evaluation.distribution,
        "draws": evaluation.draws,
        "seed": evaluation.seed,
        "line_correlation": "0",
        "version": evaluation.version,
    }
    return data | changes


def edit_url(evaluation):
    return registry.get(Evaluation).url("edit", evaluation)


def test_the_form_shows_and_takes_the_rate_in_percent(director_client, evaluation):
    # The stored 0.08 is shown as 8
    page = director_client.get(edit_url(evaluation)).content.decode()
    assert 'name="discount_rate" value="8"' in page
    assert "In percent a year, as the results show it: 8 means 8 %." in page
    # and "9" typed for 9 % is stored as 0.09, not 9 (900 %)
    response = director_client.post(edit_url(evaluation), _form(evaluation, discount_rate="9"))
    assert response.status_code == 302, response.content.decode()[:3000]
    evaluation.refresh_from_db()
    assert evaluation.discount_rate == Decimal("0.0900")
    # and 8.25 % is kept to its hundredths
    response = director_client.post(edit_url(evaluation), _form(evaluation, discount_rate="8.25"))
    evaluation.refresh_from_db()
    assert evaluation.discount_rate == Decimal("0.0825")


@pytest.mark.parametrize("typed", ["-150", "1001", "9.125"])
def test_a_rate_out_of_range_says_the_range(director_client, evaluation, typed):
    response = director_client.post(edit_url(evaluation), _form(evaluation, discount_rate=typed))
    assert response.status_code == 400
    page = response.content.decode()
    assert "Enter a rate from -99.99 % to 1000 % a year, e.g. 8 for 8 %." in page
    assert "digits" not in page
    evaluation.refresh_from_db()
    assert evaluation.discount_rate == Decimal("0.0800")


def test_the_api_takes_a_fraction_and_refuses_9_for_9_percent(api_client_for, director, evaluation):
    client = api_client_for(director)
    url = f"/api/appraisal/evaluations/{evaluation.pk}/"
    response = client.patch(url, {"discount_rate": 9, "version": evaluation.version}, format="json")
    assert response.status_code == 400
    # the API takes a fraction (its schema says so): 9 is 900 %, refused with the range
    assert response.json() == {"discount_rate": ["Ensure this value is less than or equal to 1."]}
    response = client.patch(
        url, {"discount_rate": -150, "version": evaluation.version}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {
        "discount_rate": ["Ensure this value is greater than or equal to -0.9999."]
    }  # the range, not "no more than 2 digits before the decimal point"
    evaluation.refresh_from_db()
    assert evaluation.discount_rate == Decimal("0.0800")
    response = client.patch(
        url, {"discount_rate": "0.09", "version": evaluation.version}, format="json"
    )
    assert response.status_code == 200, response.content
    evaluation.refresh_from_db()
    assert evaluation.discount_rate == Decimal("0.0900")


def test_the_appraise_api_refuses_a_rate_in_percent(api_client_for, director):
    body = {
        "discount_rate": 9,
        "horizon_years": 1,
        "alternatives": [{"name": "A", "cash_flows": [{"year": 1, "amount": 100}]}],
    }
    response = api_client_for(director).post("/api/appraisal/appraise/", body, format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["discount_rate"]


def test_an_implausible_rate_is_flagged_on_the_page(director_client, evaluation):
    Evaluation.objects.filter(pk=evaluation.pk).update(discount_rate=Decimal("0.9"))
    response = director_client.get(f"/appraisal/evaluations/{evaluation.pk}/")
    assert response.context["notices"] == [
        "The discount rate is 90.0% a year, which is unusual (most are 0.0% to "
        "25.0%): check it was entered in percent, 8 for 8 %."
    ]
    # the results are still there
    assert response.context["results"]["alternatives"][0]["npv"] is not None


def test_an_alternative_without_flows_is_named_not_blamed_on_the_horizon(
    director_client, evaluation, api_client_for, director
):
    AlternativeFactory(evaluation=evaluation, name="Lease")
    response = director_client.get(f"/appraisal/evaluations/{evaluation.pk}/")
    assert response.context["error"] is None
    assert response.context["notices"] == ["Not calculated yet, as they have no cash flows: Lease."]
    assert [a["name"] for a in response.context["results"]["alternatives"]] == ["Buy"]
    # and the API says what is missing
    body = {
        "discount_rate": 0.08,
        "horizon_years": 3,
        "alternatives": [
            {"name": "Buy", "cash_flows": [{"year": 1, "amount": 100}]},
            {"name": "Lease", "cash_flows": []},
        ],
    }
    response = api_client_for(director).post("/api/appraisal/appraise/", body, format="json")
    assert response.status_code == 400
    assert response.json() == {
        "alternatives[1].cash_flows": ["'Lease' has no cash flows yet: give at least one amount"]
    }
    body["alternatives"][1]["cash_flows"] = [{"year": 0, "amount": -100}]
    response = api_client_for(director).post("/api/appraisal/appraise/", body, format="json")
    assert "after year 0" in response.json()["alternatives[1].cash_flows"][0]
    assert "horizon" not in response.json()["alternatives[1].cash_flows"][0]


def test_no_memo_is_offered_when_nothing_can_be_calculated(director_client, department):
    evaluation = EvaluationFactory(department=department)
    AlternativeFactory(evaluation=evaluation, name="Lease")
    response = director_client.get(f"/appraisal/evaluations/{evaluation.pk}/")
    page = response.content.decode()
    assert response.context["error"] == (
        "no alternative has cash flows yet: enter the amounts of at least one in the table below"
    )
    assert 'id="memo-link"' not in page
    assert 'id="workbook-link"' in page


def test_the_memo_is_offered_when_there_are_results(director_client, evaluation):
    page = director_client.get(f"/appraisal/evaluations/{evaluation.pk}/").content.decode()
    assert 'id="memo-link"' in page
