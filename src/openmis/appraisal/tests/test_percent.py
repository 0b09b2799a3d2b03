"""Issue #13, item 6: rates and weights typed in percent with the reader's decimal comma, and
an implausible rate confirmed before it is saved (a warning, not an error)."""

from decimal import Decimal

import pytest
from django.utils import translation

from openmis.appraisal.forms import discount_rate_warning
from openmis.appraisal.models import Criterion, Evaluation
from openmis.appraisal.tests.factories import EvaluationFactory
from openmis.appraisal.tests.test_rates import _form, edit_url
from openmis.core import registry

pytestmark = pytest.mark.django_db


@pytest.fixture
def evaluation(department):
    return EvaluationFactory(title="Laptops", department=department, discount_rate=Decimal("0.08"))


def test_a_rate_typed_with_a_decimal_comma_round_trips_in_polish(director_client, evaluation):
    # When "8,5" is typed in the Polish form
    response = director_client.post(
        edit_url(evaluation), _form(evaluation, discount_rate="8,5"), HTTP_ACCEPT_LANGUAGE="pl"
    )
    # Then 0.085 is stored
    assert response.status_code == 302, response.content.decode()[:3000]
    evaluation.refresh_from_db()
    assert evaluation.discount_rate == Decimal("0.0850")
    # and shown again as 8,5 in Polish, 8.5 in English
    polish = director_client.get(edit_url(evaluation), HTTP_ACCEPT_LANGUAGE="pl")
    assert 'name="discount_rate" value="8,5"' in polish.content.decode()
    english = director_client.get(edit_url(evaluation), HTTP_ACCEPT_LANGUAGE="en")
    assert 'name="discount_rate" value="8.5"' in english.content.decode()


def test_900_percent_is_asked_about_before_it_is_saved(director_client, evaluation):
    # When 900 is typed for the discount rate
    response = director_client.post(edit_url(evaluation), _form(evaluation, discount_rate="900"))
    # Then nothing is saved yet: the form says it is almost always a typo, as a warning
    assert response.status_code == 400
    page = response.content.decode()
    assert "900 % is almost always a typo — did you mean 9 %?" in page
    assert 'class="alert alert-warning small py-2 mt-2 mb-0" role="alert"' in page
    assert 'name="discount_rate-confirm" value="900"' in page
    assert "invalid-feedback" not in page  # a warning, not an error
    evaluation.refresh_from_db()
    assert evaluation.discount_rate == Decimal("0.0800")
    # and a confirmation for another value does not count
    confirmed_other = _form(evaluation, discount_rate="900") | {"discount_rate-confirm": "90"}
    assert director_client.post(edit_url(evaluation), confirmed_other).status_code == 400
    # When "save anyway" is ticked for 900
    confirmed = _form(evaluation, discount_rate="900") | {"discount_rate-confirm": "900"}
    response = director_client.post(edit_url(evaluation), confirmed)
    # Then 900 % is saved
    assert response.status_code == 302
    evaluation.refresh_from_db()
    assert evaluation.discount_rate == Decimal("9.0000")


def test_a_plausible_rate_is_saved_without_a_question(director_client, evaluation):
    response = director_client.post(edit_url(evaluation), _form(evaluation, discount_rate="12"))
    assert response.status_code == 302
    evaluation.refresh_from_db()
    assert evaluation.discount_rate == Decimal("0.1200")


@pytest.mark.parametrize(
    ("rate", "warning"),
    [
        ("9", "900 % is almost always a typo — did you mean 9 %?"),
        ("1.5", "150 % is almost always a typo — did you mean 1.5 %?"),
        (
            "-0.02",
            "A negative discount rate (-2 %) values money later above money now; it is almost "
            "never meant.",
        ),
        ("0.0008", "0.08 % is very low — did you mean 8 %? The form takes percent: 8 means 8 %."),
        ("0.4", "40 % a year is unusually high: most discount rates are 0 % to 25 %."),
        ("0.08", None),
        ("0", None),
        ("0.25", None),
    ],
)
def test_which_discount_rates_are_implausible(rate, warning):
    assert discount_rate_warning(Decimal(rate)) == warning


def test_the_warning_speaks_polish():
    with translation.override("pl"):
        assert "8,5" in discount_rate_warning(Decimal("8.5"))


def test_a_criterion_weight_is_typed_in_percent(director_client, evaluation):
    url = registry.get(Criterion).url("add")
    data = {"evaluation": evaluation.pk, "name": "Cost", "type": "cost", "weight": "37,5"}
    response = director_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    criterion = Criterion.objects.get()
    assert criterion.weight == Decimal("0.3750")
    page = director_client.get(registry.get(Criterion).url("edit", criterion)).content.decode()
    assert 'name="weight" value="37.5"' in page
    response = director_client.post(url, data | {"name": "Risk", "weight": "140"})
    assert response.status_code == 400
    assert "Enter a weight from 0 % to 100 %, e.g. 40 for 40 %." in response.content.decode()
    assert Criterion.objects.count() == 1
    # empty: the weight comes from the pairwise comparisons
    assert director_client.post(url, data | {"name": "Use", "weight": ""}).status_code == 302
    assert Criterion.objects.get(name="Use").weight is None


def test_the_api_still_refuses_a_rate_above_100_percent(api_client_for, director, evaluation):
    response = api_client_for(director).patch(
        f"/api/appraisal/evaluations/{evaluation.pk}/",
        {"discount_rate": 9, "version": evaluation.version},
        format="json",
    )
    assert response.status_code == 400
    assert Evaluation.objects.get().discount_rate == Decimal("0.0800")
