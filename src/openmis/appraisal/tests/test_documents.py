"""Documents of an evaluation: the decision memo (PDF), the workbook (XLSX), the decision."""

import io
from datetime import date
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from openpyxl import load_workbook
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
from openmis.appraisal.views import evaluation_context
from openmis.org.models import Person, Role
from openmis.org.roles import EMPLOYEE, LEADER
from openmis.org.tests.factories import DepartmentFactory, PersonFactory, user_with_role

pytestmark = pytest.mark.django_db


def textbook(department, buy_name="Buy", **fields) -> Evaluation:
    """Buy: -1000, 300, 400, 500 at 10 % (NPV -21.04); Lease: -50 a year with a range."""
    evaluation = EvaluationFactory(
        department=department,
        horizon_years=3,
        discount_rate=Decimal("0.10"),
        draws=5000,
        **fields,
    )
    buy = AlternativeFactory(evaluation=evaluation, name=buy_name)
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
            note="per seat",
        )
    return evaluation


@pytest.fixture
def evaluation(department):
    evaluation = textbook(department, title="Laptops")
    buy, lease = evaluation.alternatives.order_by("pk")
    security = CriterionFactory(evaluation=evaluation, name="Security", weight=Decimal("0.6"))
    usability = CriterionFactory(evaluation=evaluation, name="Usability", weight=Decimal("0.4"))
    stakeholder = PersonFactory(department=department, first_name="Ewa", last_name="Kowalska")
    for alternative, values in [(buy, (8, 6)), (lease, (5, 9))]:
        for criterion, value in zip((security, usability), values, strict=True):
            ScoreFactory(
                alternative=alternative,
                criterion=criterion,
                person=stakeholder,
                value=Decimal(value),
            )
    return evaluation


def pdf_text(response) -> str:
    reader = PdfReader(io.BytesIO(response.content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return text.replace("\xa0", " ")  # percentages and Polish thousands keep a no-break space


def workbook_of(response):
    return load_workbook(io.BytesIO(response.content))


def actions_html(user, evaluation) -> str:
    """The document buttons of the evaluation page's header, as ``user`` sees them."""
    request = RequestFactory().get(f"/appraisal/evaluations/{evaluation.pk}/")
    request.user = user
    decision = Decision.objects.filter(evaluation=evaluation).first()
    # the page's results: the memo is offered only when there are some (issue #11, item 17)
    results = evaluation_context(evaluation, request)["results"]
    context = {"object": evaluation, "decision": decision, "results": results}
    return render_to_string("appraisal/_document_actions.html", context, request=request)


def url(evaluation, name):
    return {
        "memo": f"/appraisal/evaluations/{evaluation.pk}/memo.pdf",
        "workbook": f"/appraisal/evaluations/{evaluation.pk}/workbook.xlsx",
        "decide": f"/appraisal/evaluations/{evaluation.pk}/decide/",
    }[name]


# --------------------------------------------------------------------------- memo


def test_memo_is_a_pdf_with_the_figures_and_the_recommendation(director_client, evaluation):
    # given an evaluation of two alternatives with criteria
    # when the director downloads the memo
    response = director_client.get(url(evaluation, "memo"))
    # then it is a PDF named after the evaluation with every section's figures
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="memo-laptops.pdf"'
    assert response.content.startswith(b"%PDF")
    text = pdf_text(response)
    for expected in [
        "DECISION MEMO",
        "Laptops",
        "Replace the ageing CRM.",
        "Horizon (years): 3",
        "Discount rate: 10.0 %",
        "Currency: PLN",
        "NPV convention: year 0 is not discounted",
        "Buy",
        "Lease",
        "-21.04",  # NPV of Buy
        "8.9 %",  # IRR of Buy
        "no IRR",  # Lease only spends
        "not within the horizon",
        "P(NPV > 0)",
        "Recommended: Buy",
        "the highest net present value: -21 PLN",
        "Net present value by alternative",
        "Weighted sum",
        "TOPSIS",
        "Security 60.0 %, Usability 40.0 %",
        "No decision has been recorded yet.",
        "Generated by OpenMIS on",
    ]:
        assert expected in text, expected


def test_memo_in_polish_keeps_polish_letters(director_client, department):
    # given an alternative with Polish letters and a user who reads Polish
    evaluation = textbook(department, buy_name="Zakup laptopów", title="Wymiana laptopów")
    director_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "pl"
    # when they download the memo
    response = director_client.get(url(evaluation, "memo"))
    # then the names, the figures and the wording are Polish
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="memo-wymiana-laptopow.pdf"'
    text = pdf_text(response)
    assert "Zakup laptopów" in text
    assert "Wymiana laptopów" in text
    assert "-21,04" in text
    assert "Rekomendowany wariant: Zakup laptopów" in text
    assert "najwyższa wartość bieżąca netto (NPV): -21 PLN" in text
    assert "brak IRR" in text


def test_memo_shows_the_recorded_decision(director_client, evaluation):
    # given a recorded decision
    buy = evaluation.alternatives.get(name="Buy")
    person = PersonFactory(first_name="Anna", last_name="Nowak")
    DecisionFactory(
        evaluation=evaluation,
        chosen=buy,
        decided_by=person,
        decided_on=date(2025, 3, 14),
        rationale="Cheapest over three years.",
    )
    # when the memo is downloaded
    text = pdf_text(director_client.get(url(evaluation, "memo")))
    # then it states what was chosen, by whom, when and why
    assert "Chosen: Buy" in text
    assert "Decided by Anna Nowak on March 14, 2025." in text
    assert "Cheapest over three years." in text
    assert "No decision has been recorded yet." not in text


def test_memo_of_an_evaluation_that_cannot_be_calculated_says_why(director_client, department):
    # given an evaluation without alternatives
    evaluation = EvaluationFactory(department=department, title="Empty")
    # when its memo is downloaded
    response = director_client.get(url(evaluation, "memo"))
    # then it is still a memo, with the reason instead of results
    assert response.status_code == 200
    text = pdf_text(response)
    assert "The evaluation cannot be calculated yet: alternatives: give at least one" in text
    assert "Recommended" not in text


# --------------------------------------------------------------------------- workbook


def test_workbook_holds_inputs_and_results_as_numbers(director_client, evaluation):
    # when the director exports the workbook
    response = director_client.get(url(evaluation, "workbook"))
    # then it opens with openpyxl and has every part of the model
    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response["Content-Disposition"] == 'attachment; filename="model-laptops.xlsx"'
    book = workbook_of(response)
    assert book.sheetnames == [
        "Parameters",
        "Cash flows",
        "Results",
        "Criteria & scores",
        "Simulation",
    ]

    parameters = {row[0]: row[1] for row in book["Parameters"].iter_rows(values_only=True)}
    assert parameters["Horizon (years)"] == 3
    assert parameters["Discount rate"] == 0.1
    assert parameters["Currency"] == "PLN"

    flows = list(book["Cash flows"].iter_rows(values_only=True))
    assert flows[0] == ("Alternative", "Year", "Category", "Amount", "Minimum", "Maximum", "Note")
    assert flows[1:] == [
        ("Buy", 0, "Other", -1000, None, None, None),
        ("Buy", 1, "Other", 300, None, None, None),
        ("Buy", 2, "Other", 400, None, None, None),
        ("Buy", 3, "Other", 500, None, None, None),
        ("Lease", 1, "Subscription", -50, -70, -40, "per seat"),
        ("Lease", 2, "Subscription", -50, -70, -40, "per seat"),
        ("Lease", 3, "Subscription", -50, -70, -40, "per seat"),
    ]

    results = list(book["Results"].iter_rows(values_only=True))
    header = results[0]
    assert header[:4] == ("Alternative", "NPV", "IRR", "MIRR")
    buy = dict(zip(header, results[1], strict=True))
    assert buy["Alternative"] == "Buy"
    assert isinstance(buy["NPV"], float)
    assert buy["NPV"] == pytest.approx(-21.04, abs=0.005)
    assert buy["IRR"] == pytest.approx(0.0890, abs=5e-5)
    assert buy["TCO"] == pytest.approx(1000)
    lease = dict(zip(header, results[2], strict=True))
    assert lease["NPV"] == pytest.approx(-50 / 1.1 - 50 / 1.21 - 50 / 1.331)
    assert lease["IRR"] is None
    assert results[4] == ("Recommended: Buy",) + (None,) * (len(header) - 1)

    simulation = list(book["Simulation"].iter_rows(values_only=True))
    assert simulation[0] == ("Alternative", "Mean", "P10", "P50", "P90", "P(NPV > 0)")
    # Buy has no ranges: every percentile is its deterministic NPV.
    assert simulation[1][0] == "Buy"
    assert simulation[1][1:5] == pytest.approx([-21.0368] * 4, abs=1e-3)
    assert simulation[1][5] == 0.0
    assert simulation[2][0] == "Lease"
    assert simulation[2][5] == 0.0


def test_workbook_has_criteria_and_scores(director_client, evaluation):
    # when the workbook is exported
    sheet = workbook_of(director_client.get(url(evaluation, "workbook")))["Criteria & scores"]
    rows = list(sheet.iter_rows(values_only=True))
    # then the criteria, the averaged scores with both rankings and each score are there
    assert rows[1][:4] == ("Name", "Type", "Weight", "Weight used")
    assert rows[2][:4] == ("Security", "Benefit", 0.6, 0.6)
    assert rows[3][:4] == ("Usability", "Benefit", 0.4, 0.4)
    assert rows[6][:5] == ("Alternative", "Security", "Usability", "Weighted sum", "TOPSIS")
    assert rows[7][:3] == ("Buy", 8, 6)
    assert rows[8][:3] == ("Lease", 5, 9)
    assert isinstance(rows[7][3], float)
    assert isinstance(rows[7][4], float)
    assert rows[11][:4] == ("Stakeholder", "Alternative", "Criterion", "Score")
    assert [row[:4] for row in rows[12:]] == [
        ("Ewa Kowalska", "Buy", "Security", 8),
        ("Ewa Kowalska", "Lease", "Security", 5),
        ("Ewa Kowalska", "Buy", "Usability", 6),
        ("Ewa Kowalska", "Lease", "Usability", 9),
    ]


# --------------------------------------------------------------------------- decision


def decision_data(evaluation, person, **changes):
    data = {
        "chosen": evaluation.alternatives.get(name="Buy").pk,
        "decided_by": person.pk,
        "decided_on": "2025-03-14",
        "rationale": "Highest NPV and the best security score.",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_decide_form_preselects_the_recommendation_and_the_user(
    director_client, director, evaluation
):
    # when the director opens the decision form
    response = director_client.get(url(evaluation, "decide"))
    # then the recommended alternative and the director's own record are chosen
    assert response.status_code == 200
    form = response.context["form"]
    assert form["chosen"].value() == evaluation.alternatives.get(name="Buy").pk
    assert form["decided_by"].value() == director.person.pk
    assert [a.name for a in form.fields["chosen"].queryset] == ["Buy", "Lease"]


def test_deciding_records_the_decision_and_marks_the_evaluation_decided(
    director_client, director, evaluation
):
    # given a person who took the decision
    person = PersonFactory(first_name="Anna", last_name="Nowak")
    # when the director records it
    response = director_client.post(url(evaluation, "decide"), decision_data(evaluation, person))
    # then the decision exists, the evaluation is decided and both changes are audited
    assert response.status_code == 302
    assert response["Location"] == f"/appraisal/evaluations/{evaluation.pk}/"
    decision = Decision.objects.get(evaluation=evaluation)
    assert decision.chosen.name == "Buy"
    assert decision.decided_by == person
    assert decision.decided_on == date(2025, 3, 14)
    assert decision.rationale == "Highest NPV and the best security score."
    evaluation.refresh_from_db()
    assert evaluation.status == "decided"
    entries = LogEntry.objects.get_for_object(decision)
    assert [(e.action, e.actor) for e in entries] == [(LogEntry.Action.CREATE, director)]
    status_change = LogEntry.objects.get_for_object(evaluation).first()
    assert status_change.actor == director
    assert status_change.changes_dict["status"] == ["draft", "decided"]
    # and the evaluation page's button now changes the decision
    assert "Change decision" in actions_html(director, evaluation)


def test_a_stale_decision_is_refused_and_changes_nothing(director_client, evaluation):
    # given a decision that someone changed after the form was opened (version 1 -> 2)
    person = PersonFactory()
    decision = DecisionFactory(
        evaluation=evaluation,
        chosen=evaluation.alternatives.get(name="Buy"),
        decided_by=person,
        rationale="First.",
    )
    data = decision_data(evaluation, person, rationale="Second.", version=1)
    assert director_client.post(url(evaluation, "decide"), data).status_code == 302
    # when a save from the stale copy arrives
    stale = decision_data(
        evaluation,
        person,
        chosen=evaluation.alternatives.get(name="Lease").pk,
        rationale="Third.",
        version=1,
    )
    response = director_client.post(url(evaluation, "decide"), stale)
    # then it is refused and the saved decision stays
    assert response.status_code == 409
    assert "Someone else changed this object" in response.content.decode()
    decision.refresh_from_db()
    assert (decision.chosen.name, decision.rationale, decision.version) == ("Buy", "Second.", 2)


def test_a_first_decision_racing_another_is_refused(director_client, evaluation, monkeypatch):
    # given someone else records the first decision while this one is being saved
    from openmis.appraisal import documents

    other = PersonFactory()
    real_prepare = documents.DecideView.prepare

    def racing_prepare(view, pk):
        prepared = real_prepare(view, pk)
        DecisionFactory(
            evaluation=evaluation,
            chosen=evaluation.alternatives.get(name="Lease"),
            decided_by=other,
            rationale="Theirs.",
        )
        return prepared

    monkeypatch.setattr(documents.DecideView, "prepare", racing_prepare)
    # when this one is saved
    data = decision_data(evaluation, PersonFactory())
    response = director_client.post(url(evaluation, "decide"), data)
    # then it is refused and theirs stays
    assert response.status_code == 409
    assert "Someone else recorded a decision meanwhile" in response.content.decode()
    assert Decision.objects.get().rationale == "Theirs."
    evaluation.refresh_from_db()
    assert evaluation.status == "draft"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"rationale": ""}, "rationale"),
        ({"rationale": None}, "rationale"),
        ({"chosen": "999999"}, "chosen"),
        ({"chosen": "abc"}, "chosen"),
        ({"decided_by": None}, "decided_by"),
        ({"decided_on": "14/13/2025"}, "decided_on"),
    ],
)
def test_bad_decision_input_is_a_400_and_changes_nothing(
    director_client, evaluation, changes, field
):
    # when the form is sent with a bad field
    data = decision_data(evaluation, PersonFactory(), **changes)
    response = director_client.post(url(evaluation, "decide"), data)
    # then the form comes back with that field's error and nothing is saved
    assert response.status_code == 400
    assert list(response.context["form"].errors) == [field]
    assert Decision.objects.count() == 0
    evaluation.refresh_from_db()
    assert evaluation.status == "draft"


def test_an_alternative_of_another_evaluation_cannot_be_chosen(director_client, evaluation):
    other = AlternativeFactory(name="Elsewhere")
    data = decision_data(evaluation, PersonFactory(), chosen=other.pk)
    response = director_client.post(url(evaluation, "decide"), data)
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["chosen"]
    assert Decision.objects.count() == 0


def test_an_update_without_its_version_is_a_400(director_client, evaluation):
    person = PersonFactory()
    DecisionFactory(
        evaluation=evaluation, chosen=evaluation.alternatives.get(name="Buy"), decided_by=person
    )
    response = director_client.post(url(evaluation, "decide"), decision_data(evaluation, person))
    assert response.status_code == 400
    assert Decision.objects.get().rationale == "Highest NPV, acceptable risk."


# --------------------------------------------------------------------------- permissions


@pytest.mark.parametrize("name", ["memo", "workbook", "decide"])
def test_anonymous_users_are_sent_to_log_in(evaluation, name):
    response = Client().get(url(evaluation, name))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


@pytest.mark.parametrize("name", ["memo", "workbook", "decide"])
def test_employees_may_not_read_the_documents(evaluation, department, name):
    # given an employee, who may not read evaluations
    client = Client()
    client.force_login(user_with_role(EMPLOYEE, department))
    # when they ask for a document, then they are refused
    assert client.get(url(evaluation, name)).status_code == 403


def test_employees_may_not_decide(evaluation, department):
    client = Client()
    client.force_login(user_with_role(EMPLOYEE, department))
    data = decision_data(evaluation, PersonFactory())
    assert client.post(url(evaluation, "decide"), data).status_code == 403
    assert Decision.objects.count() == 0
    evaluation.refresh_from_db()
    assert evaluation.status == "draft"


def test_leaders_read_the_documents_but_may_not_decide(evaluation):
    # given the leader of another department
    leader_user = user_with_role(LEADER, DepartmentFactory())
    leader = Client()
    leader.force_login(leader_user)
    # then they may read the memo and the workbook, but not decide
    assert leader.get(url(evaluation, "memo")).status_code == 200
    assert leader.get(url(evaluation, "workbook")).status_code == 200
    assert leader.get(url(evaluation, "decide")).status_code == 403
    data = decision_data(evaluation, PersonFactory())
    assert leader.post(url(evaluation, "decide"), data).status_code == 403
    assert Decision.objects.count() == 0
    page = actions_html(leader_user, evaluation)
    assert 'id="memo-link"' in page
    assert 'id="decide-link"' not in page


def test_a_department_scoped_decider_decides_only_in_their_department(evaluation, department):
    # given a role that may record decisions in its own department only
    group = Group.objects.create(name="Decision makers")
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="appraisal",
            codename__in=["view_evaluation", "add_decision", "change_decision"],
        )
    )
    Role.objects.create(group=group, scope=Role.Scope.DEPARTMENT)
    inside, outside = user_with_role(None, department), user_with_role(None, DepartmentFactory())
    for user in (inside, outside):
        user.groups.add(group)
    outsider = Client()
    outsider.force_login(outside)
    insider = Client()
    insider.force_login(inside)
    data = decision_data(evaluation, Person.objects.get(user=inside))
    # when the member of another department tries, then they are refused
    assert outsider.get(url(evaluation, "decide")).status_code == 403
    assert outsider.post(url(evaluation, "decide"), data).status_code == 403
    assert Decision.objects.count() == 0
    # and the member of the evaluation's department may
    assert insider.post(url(evaluation, "decide"), data).status_code == 302
    assert Decision.objects.get().decided_by.user == inside


def test_the_evaluation_page_offers_the_documents(director, evaluation):
    # when the buttons of the evaluation page's header are shown to the director
    page = actions_html(director, evaluation)
    # then they link to the memo, the workbook and the decision form
    assert f'href="/appraisal/evaluations/{evaluation.pk}/memo.pdf"' in page
    assert f'href="/appraisal/evaluations/{evaluation.pk}/workbook.xlsx"' in page
    assert f'href="/appraisal/evaluations/{evaluation.pk}/decide/"' in page
    assert "Decision memo (PDF)" in page
    assert "Record decision" in page


def test_the_memo_states_the_risk_of_the_recommendation_and_how_lines_are_drawn(
    director_client, evaluation
):
    """Issue #11, items 13 and 15: the memo carries what the page says."""
    text = pdf_text(director_client.get(url(evaluation, "memo")))
    flat = " ".join(text.split())
    assert "with the risk: an expected NPV of" in flat
    assert "The years of a line share one draw; rank correlation between lines: 0.00." in flat
