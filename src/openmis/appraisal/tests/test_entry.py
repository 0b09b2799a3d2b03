"""Issue #13, item 6: the pairwise comparison grid on Saaty's scale and the scores matrix.

No JSON is typed by a person: one select per pair of criteria, the reciprocals, weights and
consistency ratio filled in; every score of a stakeholder in one form and one save.
"""

from decimal import Decimal

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from openmis.appraisal import calc
from openmis.appraisal.calc import saaty
from openmis.appraisal.models import Criterion, Judgement, Score
from openmis.appraisal.tests.factories import AlternativeFactory, EvaluationFactory
from openmis.conftest import logged_in
from openmis.org.models import Person
from openmis.org.roles import EMPLOYEE, LEADER
from openmis.org.tests.factories import DepartmentFactory, PersonFactory, user_with_role

pytestmark = pytest.mark.django_db

LEADER_CRITERIA = ["Experience", "Education", "Charisma", "Age"]
# Wikipedia, "Analytic hierarchy process - leader example" (also the R package ahp's
# tom_dick_harry.ahp): the board's judgements of the four criteria, above the diagonal.
LEADER_JUDGEMENTS = {(0, 1): "4", (0, 2): "3", (0, 3): "7", (1, 2): "1/3", (1, 3): "3", (2, 3): "5"}


@pytest.fixture
def evaluation(department):
    return EvaluationFactory(title="New CRM", department=department)


def _criteria(evaluation, names):
    return [Criterion.objects.create(evaluation=evaluation, name=name) for name in names]


def grid_url(evaluation):
    return reverse("appraisal:judgement-grid", args=[evaluation.pk])


def scores_url(evaluation):
    return reverse("appraisal:scores-matrix", args=[evaluation.pk])


def _grid_post(criteria, person, judgements, action="save", **extra):
    data = {
        "person": person.pk,
        "criteria": " ".join(str(c.pk) for c in criteria),
        "action": action,
    }
    for (i, j), value in judgements.items():
        data[f"pair-{criteria[i].pk}-{criteria[j].pk}"] = value
    return data | extra


def test_the_leader_example_gives_the_published_weights_and_consistency_ratio(
    director_client, director, evaluation
):
    """Wikipedia, "Analytic hierarchy process - leader example" (the board's comparison of
    Experience, Education, Charisma and Age): published priorities .547, .127, .270, .056;
    lambda_max 4.1184, so CI = 0.0395 and CR = 0.0395 / 0.90 = 0.044."""
    # Given an evaluation with the example's four criteria
    criteria = _criteria(evaluation, LEADER_CRITERIA)
    person = Person.objects.get(user=director)
    # When the director chooses the board's judgements in the grid and saves
    response = director_client.post(
        grid_url(evaluation), _grid_post(criteria, person, LEADER_JUDGEMENTS)
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    # Then the stored matrix is the reciprocal matrix of the judgements
    judgement = Judgement.objects.get(evaluation=evaluation, person=person)
    assert judgement.matrix[1][2] == pytest.approx(1 / 3)
    assert judgement.matrix[2][1] == pytest.approx(3)
    assert judgement.matrix[3][0] == pytest.approx(1 / 7)
    # and the grid shows the published weights and consistency ratio
    page = director_client.get(response["Location"])
    grid = page.context["grid"]
    assert [round(w, 3) for w in grid.result.weights[1:]] == [0.127, 0.270, 0.056]
    assert grid.result.weights[0] == pytest.approx(0.547, abs=0.001)
    html = page.content.decode()
    assert '<output id="ahp-cr" class="fw-semibold">0.044</output>' in html
    assert 'data-weight="0">54.8%</td>' in html
    assert 'data-reciprocal="1-2">3</td>' in html  # Charisma against Education
    assert 'id="ahp-cr-warning" hidden></div>' in html  # 0.044 is below 0.10


def test_an_inconsistent_grid_warns_and_names_the_least_consistent_pair(
    director_client, director, evaluation
):
    # Given three criteria judged A > B (9), B > C (9) but C > A (9): circular
    criteria = _criteria(evaluation, ["Cost", "Usability", "Security"])
    person = Person.objects.get(user=director)
    post = _grid_post(
        criteria, person, {(0, 1): "9", (0, 2): "1/9", (1, 2): "9"}, action="calculate"
    )
    # When the grid is calculated (without JavaScript)
    response = director_client.post(grid_url(evaluation), post)
    # Then the consistency ratio is above 0.10, the warning says so and nothing was saved
    assert response.status_code == 200
    consistency = response.context["consistency"]
    assert consistency["too_high"] is True
    assert "above 0.10: Saaty recommends revising the judgements" in consistency["warning"]
    assert Judgement.objects.count() == 0


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    n=st.integers(min_value=2, max_value=6),
    picks=st.lists(st.sampled_from(saaty.SCALE), min_size=15, max_size=15),
)
def test_the_grid_always_gives_a_reciprocal_matrix_and_the_calcs_weights(
    director_client, director, evaluation, n, picks
):
    # Given any judgements on Saaty's scale for n criteria
    Criterion.objects.filter(evaluation=evaluation).delete()
    criteria = _criteria(evaluation, [f"C{k}" for k in range(n)])
    pairs = [(i, j) for i in range(n) for j in range(i + 1, n)]
    judgements = dict(zip(pairs, picks, strict=False))
    # Then the grid's filling is a reciprocal matrix with 1 on the diagonal
    matrix = saaty.reciprocal_matrix(n, judgements)
    for i in range(n):
        assert matrix[i][i] == 1
        for j in range(n):
            assert matrix[i][j] * matrix[j][i] == pytest.approx(1, rel=1e-12)
    # and the weights the server computes from the form post are the calculator's
    person = Person.objects.get(user=director)
    response = director_client.post(
        grid_url(evaluation), _grid_post(criteria, person, judgements, action="calculate")
    )
    assert response.status_code == 200
    expected = calc.ahp(matrix)
    result = response.context["grid"].result
    assert result.weights == pytest.approx(expected.weights, abs=1e-12)
    assert result.consistency_ratio == pytest.approx(expected.consistency_ratio, abs=1e-12)


def test_the_grid_shows_a_stored_judgement_and_escapes_the_names(director_client, director):
    # Given a judgement stored with 1/3 typed as a decimal, criteria named with markup
    evaluation = EvaluationFactory()
    criteria = _criteria(evaluation, ["<b>Cost</b>", "Use"])
    person = Person.objects.get(user=director)
    Judgement.objects.create(evaluation=evaluation, person=person, matrix=[[1, 0.3333], [3, 1]])
    # When the grid is opened
    html = director_client.get(grid_url(evaluation)).content.decode()
    # Then the judgement is selected as 1/3 and its reciprocal shown as 3
    assert '<option value="1/3" selected>Use · 3 · moderately more important</option>' in html
    assert 'data-reciprocal="0-1">3</td>' in html
    # and the names are text, never markup
    assert "<b>Cost</b>" not in html
    assert "&lt;b&gt;Cost&lt;/b&gt; compared with Use" in html
    del criteria


def test_a_grid_drawn_for_other_criteria_is_not_saved(director_client, director, evaluation):
    criteria = _criteria(evaluation, ["Cost", "Use"])
    person = Person.objects.get(user=director)
    post = _grid_post(criteria, person, {(0, 1): "3"}) | {"criteria": f"{criteria[0].pk}"}
    response = director_client.post(grid_url(evaluation), post)
    assert response.status_code == 409
    assert "changed since the page was loaded" in response.content.decode()
    assert Judgement.objects.count() == 0


def test_a_value_off_the_scale_is_refused_on_its_pair(director_client, director, evaluation):
    criteria = _criteria(evaluation, ["Cost", "Use"])
    person = Person.objects.get(user=director)
    response = director_client.post(
        grid_url(evaluation), _grid_post(criteria, person, {(0, 1): "-3"})
    )
    assert response.status_code == 400
    assert "Choose a judgement from the list." in response.content.decode()
    assert Judgement.objects.count() == 0


def test_the_generic_judgement_pages_lead_to_the_grid(director_client, director, evaluation):
    # Given a stored judgement
    _criteria(evaluation, ["Cost", "Use"])
    person = Person.objects.get(user=director)
    judgement = Judgement.objects.create(
        evaluation=evaluation, person=person, matrix=[[1, 3], [1 / 3, 1]]
    )
    # Then its edit page and the add page of an evaluation open the grid, not a JSON box
    edit = director_client.get(reverse("appraisal:judgement_edit", args=[judgement.pk]))
    assert edit["Location"] == f"{grid_url(evaluation)}?person={person.pk}"
    add = director_client.get(reverse("appraisal:judgement_add") + f"?evaluation={evaluation.pk}")
    assert add["Location"] == grid_url(evaluation)


# --------------------------------------------------------------------------- who may enter


def test_a_department_leader_enters_for_their_department_only(department, evaluation):
    # Given a marketing leader, a marketing colleague and someone of finance
    leader = user_with_role(LEADER, department, username="lead")
    colleague = PersonFactory(department=department, last_name="Colleague")
    outsider = PersonFactory(department=DepartmentFactory(name="Finance"), last_name="Outsider")
    criteria = _criteria(evaluation, ["Cost", "Use"])
    client = logged_in(leader)
    # Then the stakeholder choice offers their department's people
    page = client.get(grid_url(evaluation))
    assert page.status_code == 200
    offered = set(page.context["people"].choices)
    assert colleague in offered and outsider not in offered
    # and they may save the colleague's judgement
    response = client.post(grid_url(evaluation), _grid_post(criteria, colleague, {(0, 1): "5"}))
    assert response.status_code == 302
    # but not the outsider's
    response = client.post(grid_url(evaluation), _grid_post(criteria, outsider, {(0, 1): "5"}))
    assert response.status_code == 404
    assert list(Judgement.objects.values_list("person", flat=True)) == [colleague.pk]


def test_an_employee_may_not_enter_judgements_or_scores(department, evaluation):
    client = logged_in(user_with_role(EMPLOYEE, department, username="emp"))
    assert client.get(grid_url(evaluation)).status_code == 403
    assert client.get(scores_url(evaluation)).status_code == 403


# --------------------------------------------------------------------------- scores matrix


@pytest.fixture
def matrix(evaluation):
    alternatives = [
        AlternativeFactory(evaluation=evaluation, name=n) for n in ["Keep", "Buy", "Rent"]
    ]
    criteria = _criteria(evaluation, ["Cost", "Usability", "Security", "Support"])
    return alternatives, criteria


def _scores_post(alternatives, criteria, person, values):
    data = {
        "person": person.pk,
        "shown": " ".join(str(a.pk) for a in alternatives)
        + ";"
        + " ".join(str(c.pk) for c in criteria),
    }
    for (a, c), value in values.items():
        data[f"score-{alternatives[a].pk}-{criteria[c].pk}"] = value
    return data


def test_the_scores_matrix_saves_twelve_cells_in_one_post(director_client, director, matrix):
    alternatives, criteria = matrix
    person = Person.objects.get(user=director)
    values = {
        (a, c): f"{a + c},5" if c == 3 else str(a * 3 + c) for a in range(3) for c in range(4)
    }
    # When one form with 3 x 4 cells is posted
    response = director_client.post(
        scores_url(alternatives[0].evaluation),
        _scores_post(alternatives, criteria, person, values),
    )
    # Then the twelve scores are stored (7,5 typed with a decimal comma)
    assert response.status_code == 302, response.content.decode()[:2000]
    stored = {
        (s.alternative_id, s.criterion_id): s.value for s in Score.objects.filter(person=person)
    }
    assert len(stored) == 12
    assert stored[(alternatives[2].pk, criteria[3].pk)] == Decimal("5.5")
    assert stored[(alternatives[1].pk, criteria[2].pk)] == Decimal("5")
    # and shown again as typed
    page = director_client.get(response["Location"]).content.decode()
    assert f'name="score-{alternatives[2].pk}-{criteria[3].pk}" value="5.5"' in page


def test_a_bad_score_is_named_by_alternative_and_criterion_and_nothing_is_saved(
    director_client, director, matrix
):
    alternatives, criteria = matrix
    person = Person.objects.get(user=director)
    values = {(a, c): "7" for a in range(3) for c in range(4)}
    values[(1, 2)] = "11"  # Buy on Security
    response = director_client.post(
        scores_url(alternatives[0].evaluation),
        _scores_post(alternatives, criteria, person, values),
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Buy, Security: Enter a number from 0 to 10, e.g. 7 or 7,5." in html
    cell = f"score-{alternatives[1].pk}-{criteria[2].pk}"
    assert f'aria-describedby="{cell}-error"' in html
    assert Score.objects.count() == 0


def test_emptying_a_cell_removes_the_score(director_client, director, matrix):
    alternatives, criteria = matrix
    person = Person.objects.get(user=director)
    Score.objects.create(alternative=alternatives[0], criterion=criteria[0], person=person, value=4)
    values = {(0, 0): "", (0, 1): "6"}
    response = director_client.post(
        scores_url(alternatives[0].evaluation),
        _scores_post(alternatives, criteria, person, values),
    )
    assert response.status_code == 302
    assert list(Score.objects.values_list("criterion__name", "value")) == [
        ("Usability", Decimal("6.0"))
    ]


def test_the_scores_matrix_shows_scores_in_polish(director_client, director, matrix):
    alternatives, criteria = matrix
    person = Person.objects.get(user=director)
    Score.objects.create(
        alternative=alternatives[0], criterion=criteria[0], person=person, value=Decimal("7.5")
    )
    html = director_client.get(
        scores_url(alternatives[0].evaluation), HTTP_ACCEPT_LANGUAGE="pl"
    ).content.decode()
    assert f'name="score-{alternatives[0].pk}-{criteria[0].pk}" value="7,5"' in html


# --------------------------------------------------------------------------- API


def test_the_api_takes_judgements_written_as_ratios(api_client_for, director, evaluation):
    # Given two criteria
    _criteria(evaluation, ["Cost", "Use"])
    person = Person.objects.get(user=director)
    # When a script sends 1/3 as text and leaves the lower triangle empty
    response = api_client_for(director).post(
        "/api/appraisal/judgements/",
        {"evaluation": evaluation.pk, "person": person.pk, "matrix": [[1, "1/3"], [None, None]]},
        format="json",
    )
    # Then the matrix is stored as numbers, reciprocals filled in
    assert response.status_code == 201, response.json()
    assert Judgement.objects.get().matrix == [[1.0, pytest.approx(1 / 3)], [3.0, 1.0]]


def test_the_appraise_api_takes_ratios_as_text(api_client_for, director):
    response = api_client_for(director).post(
        "/api/appraisal/appraise/",
        {
            "discount_rate": 0.08,
            "horizon_years": 1,
            "alternatives": [{"name": "A", "cash_flows": [{"year": 1, "amount": 10}]}],
            "ahp": {"items": ["x", "y"], "matrix": [[1, "3"], [None, 1]]},
        },
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["ahp"]["weights"] == {"x": 0.75, "y": 0.25}
    bad = api_client_for(director).post(
        "/api/appraisal/appraise/",
        {
            "discount_rate": 0.08,
            "horizon_years": 1,
            "alternatives": [{"name": "A", "cash_flows": [{"year": 1, "amount": 10}]}],
            "ahp": {"items": ["x", "y"], "matrix": [[1, "three"], [None, 1]]},
        },
        format="json",
    )
    assert bad.status_code == 400
    assert bad.json() == {
        "ahp": {"matrix": {"0": {"1": ["Enter a positive number such as 3, 0.5 or 1/3."]}}}
    }


def test_the_grid_gives_the_browser_its_numbers_unlocalised(director_client, director):
    # The live calculation reads the threshold and Saaty's random indices from the page: in
    # Polish "0,1" would not be a number to it, and no warning would ever show.
    evaluation = EvaluationFactory()
    _criteria(evaluation, ["Cost", "Use", "Risk"])
    html = director_client.get(grid_url(evaluation), HTTP_ACCEPT_LANGUAGE="pl").content.decode()
    assert 'data-threshold="0.1"' in html
    assert 'data-random-index="0.0 0.0 0.58 0.9 1.12' in html
