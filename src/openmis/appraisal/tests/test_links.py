"""Links of an evaluation to the portfolio, feedback and meetings; the deployment project of a
decision; the radar, weight sensitivity and break-even views of the evaluation page."""

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.messages import get_messages
from django.test import Client
from django.utils import timezone
from pypdf import PdfReader

from openmis.appraisal.models import Decision, Evaluation
from openmis.appraisal.tests.factories import (
    AlternativeFactory,
    CashFlowLineFactory,
    CriterionFactory,
    DecisionFactory,
    EvaluationFactory,
    ScoreFactory,
)
from openmis.core import registry
from openmis.feedback.tests.factories import ImprovementFactory
from openmis.meetings.tests.factories import OccurrenceFactory
from openmis.org.models import Person, Role
from openmis.org.tests.factories import PersonFactory, user_with_role
from openmis.portfolio.models import DeploymentProject
from openmis.portfolio.tests.factories import SystemFactory

pytestmark = pytest.mark.django_db


def page(client, evaluation):
    return client.get(f"/appraisal/evaluations/{evaluation.pk}/")


def decide_url(evaluation):
    return f"/appraisal/evaluations/{evaluation.pk}/decide/"


def detail_url(obj):
    return registry.get(type(obj)).url("detail", obj)


@pytest.fixture
def evaluation(department):
    """Buy: -1000 and +200 in year 0, -300 and +400 in year 1, -500 in year 2 (10 %);
    Keep: -2000 in year 1. Buy has the higher NPV."""
    evaluation = EvaluationFactory(
        department=department,
        title="CRM",
        horizon_years=3,
        discount_rate=Decimal("0.10"),
        draws=2000,
    )
    buy = AlternativeFactory(evaluation=evaluation, name="Buy")
    for year, amount in [(0, -1000), (0, 200), (1, -300), (1, 400), (2, -500)]:
        CashFlowLineFactory(alternative=buy, year=year, amount=Decimal(amount), category="other")
    keep = AlternativeFactory(evaluation=evaluation, name="Keep")
    CashFlowLineFactory(alternative=keep, year=1, amount=Decimal(-2000), category="staff")
    return evaluation


# --------------------------------------------------------------------------- links


def test_the_page_links_the_systems_and_improvements(director_client, evaluation):
    # given an evaluation linked to two systems and an improvement
    old_crm, mailer = SystemFactory(name="Old CRM"), SystemFactory(name="Mailer")
    search = ImprovementFactory(title="Faster customer search", system=old_crm)
    evaluation.systems.set([old_crm, mailer])
    evaluation.improvements.set([search])
    # when the director opens the evaluation page
    html = page(director_client, evaluation).content.decode()
    # then each is listed, by name, with a link to its page
    assert (
        f'<a href="{detail_url(mailer)}">Mailer</a>, <a href="{detail_url(old_crm)}">Old CRM</a>'
        in html
    )
    assert f'<a href="{detail_url(search)}">Faster customer search</a>' in html
    assert "Systems it would replace or affect" in html
    assert "Improvements that motivate it" in html


def test_an_evaluation_without_links_shows_no_link_list(director_client, evaluation):
    assert 'id="evaluation-links"' not in page(director_client, evaluation).content.decode()


def test_the_generic_form_saves_the_links(director_client, department):
    # given a system and an improvement
    system = SystemFactory(name="Old CRM")
    improvement = ImprovementFactory(system=system)
    # when the director creates an evaluation linked to them with the generic form
    data = {
        "title": "Linked",
        "need": "One customer view.",
        "department": department.pk,
        "horizon_years": 5,
        "discount_rate": "8",  # percent, as the form takes it
        "currency": "PLN",
        "status": "draft",
        "distribution": "pert",
        "draws": 10000,
        "seed": 1,
        "line_correlation": "0",
        "systems": [system.pk],
        "improvements": [improvement.pk],
    }
    response = director_client.post(registry.get(Evaluation).url("add"), data)
    # then the links are stored
    assert response.status_code == 302
    evaluation = Evaluation.objects.get(title="Linked")
    assert evaluation.discount_rate == Decimal("0.08")
    assert list(evaluation.systems.all()) == [system]
    assert list(evaluation.improvements.all()) == [improvement]


# --------------------------------------------------------------------------- meeting


def test_the_meeting_choices_are_recent_and_newest_first(director_client, evaluation):
    # given meetings 90 and 3 days ago, in 2 and in 10 days
    now = timezone.now()
    recent = OccurrenceFactory(start=now - timedelta(days=3))
    OccurrenceFactory(start=now - timedelta(days=90))
    soon = OccurrenceFactory(start=now + timedelta(days=2))
    OccurrenceFactory(start=now + timedelta(days=10))
    # when the director opens the decision form
    response = director_client.get(decide_url(evaluation))
    # then only the meetings of the last 60 days and the next 7 are offered, newest first
    assert response.status_code == 200
    field = response.context["form"].fields["meeting"]
    assert list(field.queryset) == [soon, recent]
    html = response.content.decode()
    assert 'name="meeting"' in html
    assert html.index(f">{soon}</option>") < html.index(f">{recent}</option>")


def test_the_decision_records_its_meeting_and_the_memo_states_it(
    director_client, director, evaluation
):
    # given a meeting two days ago
    meeting = OccurrenceFactory(start=timezone.now() - timedelta(days=2))
    data = {
        "chosen": evaluation.alternatives.get(name="Buy").pk,
        "decided_by": director.person.pk,
        "decided_on": "2026-11-20",
        "rationale": "Cheapest.",
        "meeting": meeting.pk,
    }
    # when the director records the decision taken in it
    assert director_client.post(decide_url(evaluation), data).status_code == 302
    # then the decision names the meeting, and so does the memo
    assert Decision.objects.get(evaluation=evaluation).meeting == meeting
    memo = director_client.get(f"/appraisal/evaluations/{evaluation.pk}/memo.pdf")
    reader = PdfReader(io.BytesIO(memo.content))
    text = "\n".join(p.extract_text() for p in reader.pages)
    assert f"Taken in: {meeting}" in text
    assert f"Taken in: {meeting}." in page(director_client, evaluation).content.decode()


def test_a_memo_without_a_meeting_has_no_meeting_line(director_client, evaluation):
    DecisionFactory(evaluation=evaluation, chosen=evaluation.alternatives.get(name="Buy"))
    memo = director_client.get(f"/appraisal/evaluations/{evaluation.pk}/memo.pdf")
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(memo.content)).pages)
    assert "Taken in" not in text


# --------------------------------------------------------------------------- project


def project_data(evaluation, person, system, **changes):
    data = {
        "chosen": evaluation.alternatives.get(name="Buy").pk,
        "decided_by": person.pk,
        "decided_on": "2026-11-20",
        "rationale": "Cheapest.",
        "create_project": "on",
        "project_system": system.pk if system else None,
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_approving_creates_the_deployment_project_once(director_client, director, evaluation):
    # given an evaluation that would replace the old CRM
    system = SystemFactory(name="Old CRM")
    evaluation.systems.set([system])
    # when the director approves Buy and asks for its deployment project
    response = director_client.post(
        decide_url(evaluation), project_data(evaluation, director.person, system)
    )
    # then the project exists, budgeted at Buy's year-0 and year-1 outflows: 1000 + 300
    assert response.status_code == 302
    project = DeploymentProject.objects.get()
    today = timezone.localdate()
    assert project.name == "CRM — Buy"
    assert project.system == system
    assert project.budget == Decimal("1300.00")
    assert project.currency == "PLN"
    assert project.start_date == today
    assert project.planned_go_live == today + timedelta(days=180)
    decision = Decision.objects.get(evaluation=evaluation)
    assert decision.project == project
    # and a message links to it
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert f'Created the deployment project <a href="{detail_url(project)}">CRM — Buy</a>.' in (
        texts
    )
    # when the decision is saved again with the box ticked
    again = project_data(evaluation, director.person, system, version=decision.version)
    assert director_client.post(decide_url(evaluation), again).status_code == 302
    # then no second project is made, and the form no longer offers one
    assert DeploymentProject.objects.count() == 1
    form = director_client.get(decide_url(evaluation)).context["form"]
    assert "create_project" not in form.fields
    # and the evaluation page links to the project
    html = page(director_client, evaluation).content.decode()
    assert f'<a href="{detail_url(project)}">CRM — Buy</a>' in html


def test_the_project_needs_a_linked_system(director_client, director, evaluation):
    # given a linked system and another one
    linked, other = SystemFactory(), SystemFactory()
    evaluation.systems.set([linked])
    # when the box is ticked without a system, or with a system not linked
    for system in (None, other):
        response = director_client.post(
            decide_url(evaluation), project_data(evaluation, director.person, system)
        )
        # then the form is refused and nothing is saved
        assert response.status_code == 400
        assert response.context["form"].errors["project_system"]
    assert Decision.objects.count() == 0
    assert DeploymentProject.objects.count() == 0
    assert list(response.context["form"].fields["project_system"].queryset) == [linked]


def test_the_project_is_refused_without_permission_to_add_projects(evaluation, department):
    # given a role that may record decisions but not add deployment projects
    group = Group.objects.create(name="Deciders")
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="appraisal",
            codename__in=["view_evaluation", "add_decision", "change_decision"],
        )
    )
    Role.objects.create(group=group, scope=Role.Scope.ALL)
    user = user_with_role(None, department)
    user.groups.add(group)
    client = Client()
    client.force_login(user)
    system = SystemFactory()
    evaluation.systems.set([system])
    # when they approve with the box ticked
    data = project_data(evaluation, Person.objects.get(user=user), system)
    response = client.post(decide_url(evaluation), data)
    # then the form says why and nothing is created
    assert response.status_code == 400
    assert response.context["form"].errors["create_project"] == [
        "Your role does not allow you to add deployment projects."
    ]
    assert Decision.objects.count() == 0
    assert DeploymentProject.objects.count() == 0
    # and without the box the decision is recorded
    del data["create_project"]
    assert client.post(decide_url(evaluation), data).status_code == 302
    assert Decision.objects.get().project is None
    assert DeploymentProject.objects.count() == 0


# --------------------------------------------------------------------------- analysis


@pytest.fixture
def scored(department):
    """A (1, 0) and B (0, 1) on two benefit criteria weighted 60 / 40: TOPSIS closeness is
    the weight of the criterion an alternative wins, so the top changes at 50 %."""
    evaluation = EvaluationFactory(department=department, horizon_years=1, draws=2000)
    a = AlternativeFactory(evaluation=evaluation, name="A")
    b = AlternativeFactory(evaluation=evaluation, name="B")
    CashFlowLineFactory(alternative=a, year=1, amount=Decimal(-100))
    CashFlowLineFactory(alternative=b, year=1, amount=Decimal(-200))
    first = CriterionFactory(evaluation=evaluation, name="Security", weight=Decimal("0.6"))
    second = CriterionFactory(evaluation=evaluation, name="Usability", weight=Decimal("0.4"))
    one, two = PersonFactory(), PersonFactory()
    for alternative, values in [(a, (1, 0)), (b, (0, 1))]:
        for criterion, value in zip((first, second), values, strict=True):
            ScoreFactory(alternative=alternative, criterion=criterion, person=one, value=value)
    # stakeholders' scores are averaged: B's usability is (0.5 + 1.5) / 2 = 1
    score = b.scores.get(criterion=second)
    score.value = Decimal("0.5")
    score.save()
    ScoreFactory(alternative=b, criterion=second, person=two, value=Decimal("1.5"))
    return evaluation


def test_radar_and_weight_sensitivity(director_client, scored):
    response = page(director_client, scored)
    context = response.context
    assert context["error"] is None
    assert context["charts"]["radar"] == {
        "indicators": [{"name": "Security", "max": 10}, {"name": "Usability", "max": 10}],
        "series": [{"name": "A", "value": [1.0, 0.0]}, {"name": "B", "value": [0.0, 1.0]}],
    }
    assert [(r["criterion"], r["weight"], r["text"]) for r in context["sensitivity"]] == [
        (
            "Security",
            0.6,
            "the top alternative changes when this weight moves from 60.0% to 50.0% (becoming B)",
        ),
        (
            "Usability",
            0.4,
            "the top alternative changes when this weight moves from 40.0% to 50.0% (becoming B)",
        ),
    ]
    html = response.content.decode()
    assert 'id="chart-radar"' in html
    assert 'id="sensitivity-table"' in html


def test_a_dominant_alternative_is_insensitive_to_the_weights(director_client, department):
    # given A scoring 8 and B 2 on both criteria
    evaluation = EvaluationFactory(department=department, horizon_years=1, draws=2000)
    a = AlternativeFactory(evaluation=evaluation, name="A")
    b = AlternativeFactory(evaluation=evaluation, name="B")
    person = PersonFactory()
    for name, weight in [("Security", "0.7"), ("Usability", "0.3")]:
        criterion = CriterionFactory(evaluation=evaluation, name=name, weight=Decimal(weight))
        ScoreFactory(alternative=a, criterion=criterion, person=person, value=8)
        ScoreFactory(alternative=b, criterion=criterion, person=person, value=2)
    CashFlowLineFactory(alternative=a, year=1, amount=Decimal(-100))
    CashFlowLineFactory(alternative=b, year=1, amount=Decimal(-100))
    # then no weight in 0-100 % changes the top alternative
    context = page(director_client, evaluation).context
    assert context["error"] is None
    sensitivity = context["sensitivity"]
    assert [r["text"] for r in sensitivity] == ["no change within 0\u2013100 %"] * 2


def test_break_even_values_of_the_recommended_alternative(director_client, department):
    # given Buy: -1000 (-1100..-950) now, savings of 100 (90..110) in year 1 and 500 (400..700)
    # in year 3 (one line, "Savings", over its two years: issue #11 item 14)
    evaluation = EvaluationFactory(
        department=department, horizon_years=3, discount_rate=Decimal("0.10"), draws=2000
    )
    buy = AlternativeFactory(evaluation=evaluation, name="Buy")
    CashFlowLineFactory(
        alternative=buy,
        year=0,
        amount=Decimal(-1000),
        minimum=Decimal(-1100),
        maximum=Decimal(-950),
        category="licences",
    )
    for year, amount, low, high in [(1, 100, 90, 110), (3, 500, 400, 700)]:
        CashFlowLineFactory(
            alternative=buy,
            year=year,
            amount=Decimal(amount),
            minimum=Decimal(low),
            maximum=Decimal(high),
            category="savings",
        )
    keep = AlternativeFactory(evaluation=evaluation, name="Keep")
    CashFlowLineFactory(alternative=keep, year=1, amount=Decimal(-2000), category="staff")
    # when the page is shown
    response = page(director_client, evaluation)
    # then the break-even of each uncertain line is given, largest swing first:
    # Savings swings 20 / 1.1 + 300 / 1.331 = 243.58, Licences 150.
    # Savings (both years scaled together): 1000 / (100 / 1.1 + 500 / 1.331) = 214.3 %
    # Licences: -(100 / 1.1 + 500 / 1.331) = -466.57
    rows = response.context["break_even"]
    assert [r["label"] for r in rows] == ["Savings, years 1, 3", "Licences, year 0"]
    assert rows[0]["value"] == pytest.approx(1000 / (100 / 1.1 + 500 / 1.331), abs=1e-9)
    assert rows[1]["value"] == pytest.approx(-(100 / 1.1 + 500 / 1.331), abs=1e-9)
    assert [r["text"] for r in rows] == [
        "NPV is zero when Savings, years 1, 3 is 214.3% of its most likely amounts",
        "NPV is zero when Licences, year 0 is -466.57 PLN",
    ]
    html = response.content.decode()
    assert "Break-even values of Buy" in html
    assert "NPV is zero when Licences, year 0 is -466.57 PLN" in html
