"""The demo in English or Polish: `openmis demo --language pl` and a first `openmis run` in a
Polish locale load the organization with Polish names (departments, systems, meetings,
feedback, evaluations, the BI warehouse and its labels); English stays as it was. And the
demo's KPI card compares the quarter to date with the same days of the previous quarter."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from openmis import demo
from openmis.appraisal.models import Evaluation
from openmis.bi import demo as bi_demo
from openmis.bi import services
from openmis.bi.models import Card, Column, Dashboard, Dataset, Question
from openmis.bi.pdf.document import dashboard_pdf
from openmis.bi.pdf.style import value_text
from openmis.bi.tests.test_pdf import pdf_text
from openmis.core import demotext
from openmis.feedback.models import Improvement
from openmis.governance.models import (
    Audience,
    Course,
    Policy,
    PolicyException,
    PolicyVersion,
    Procedure,
)
from openmis.meetings.models import MeetingSeries
from openmis.org import demo as org_demo
from openmis.org.models import Department, Person
from openmis.org.roles import EMPLOYEE
from openmis.org.tests.factories import user_with_role
from openmis.portfolio.models import Capability, System, Vendor

EXPECTED = {
    "en": {
        "departments": ["Management", "MIS", "Sales North", "Customer Relations"],
        "systems": ["Data Warehouse", "Legacy CRM 2012", "Comarch ERP XL"],
        "description": "Sales, finance and marketing data for reporting.",
        "capability": "Reporting and BI",
        "series": "Weekly with Marketing leaders",
        "improvement": "Deduplicate customers by tax number",
        "evaluation": "Laptop fleet refresh",
        "dataset": "Order lines",
        "amount_label": "Amount",
        "question": "Revenue by month",
        "dashboard": "Sales overview",
        "first_products": [
            "Microsoft 365 Business Standard licence — 1 user, 1 year",
            "Laptop Dell Latitude 5540",
            "ERP implementation — small scope",
        ],
        "north": "North",
        "policy": "Passwords and multi-factor authentication",
        "course": "Security awareness",
        "regions": ["East", "North", "South", "West"],
        "by_region": ["customer.region", "revenue"],
    },
    "pl": {
        "departments": ["Zarząd", "Dział MIS", "Sprzedaż Północ", "Obsługa Klienta"],
        "systems": ["Hurtownia danych", "Stary CRM 2012", "Comarch ERP XL"],
        "description": "Dane sprzedaży, finansów i marketingu do raportowania.",
        "capability": "Raportowanie i BI",
        "series": "Cotygodniowe spotkanie z kierownictwem Marketingu",
        "improvement": "Usuwanie duplikatów klientów po NIP",
        "evaluation": "Wymiana floty laptopów",
        "dataset": "Pozycje zamówień",
        "amount_label": "Kwota",
        "question": "Przychód według miesięcy",
        "dashboard": "Przegląd sprzedaży",
        "first_products": [
            "Licencja Microsoft 365 Business Standard — 1 użytkownik, 1 rok",
            "Laptop Dell Latitude 5540",
            "Wdrożenie ERP — mały zakres",
        ],
        "north": "Północ",
        "policy": "Hasła i uwierzytelnianie wieloskładnikowe",
        "course": "Świadomość bezpieczeństwa",
        "regions": ["Południe", "Północ", "Wschód", "Zachód"],
        "by_region": ["region klienta", "przychód"],
    },
}


def _small_warehouse(monkeypatch):
    """The BI demo with a few thousand order lines instead of a million (same shape)."""
    sizes = {
        str(bi_demo.ORDER_LINES): "4000",
        str(bi_demo.ORDERS): "1000",
        str(bi_demo.CUSTOMERS): "50",
    }
    generate = {}
    for name, sql in bi_demo.GENERATE.items():
        for big, small in sizes.items():
            sql = sql.replace(f"range({big})", f"range({small})").replace(
                f"% {big})", f"% {small})"
            )
        generate[name] = sql
    monkeypatch.setattr(bi_demo, "GENERATE", generate)


@pytest.mark.django_db
@pytest.mark.xdist_group("demo")
@pytest.mark.parametrize("language", ["en", "pl"])
def test_the_demo_speaks_the_language_it_is_loaded_in(language, monkeypatch):
    expected = EXPECTED[language]
    # Given a (small) warehouse, when the whole demo is loaded in the language
    _small_warehouse(monkeypatch)
    counts = demo.load(language=language)
    # Then the organization has the same shape in either language
    assert counts == {"departments": 11, "people": 200}
    assert System.objects.count() == 40
    # And its names are in the language, the vendors' and products' real names kept
    departments = set(Department.objects.values_list("name", flat=True))
    assert set(expected["departments"]) <= departments
    assert set(expected["systems"]) <= set(System.objects.values_list("name", flat=True))
    assert System.objects.get(name=expected["systems"][0]).description == expected["description"]
    assert Capability.objects.filter(name=expected["capability"]).count() == 1
    assert Vendor.objects.filter(name__in=["Microsoft", "Comarch", "Asseco Poland"]).count() == 3
    assert MeetingSeries.objects.filter(title=expected["series"]).count() == 1
    assert Improvement.objects.get(title=expected["improvement"]).feedback.count() >= 1
    assert Evaluation.objects.get(title=expected["evaluation"]).status == "decided"
    # And its governance: 15 policies (13 published), their exceptions, procedures, audiences,
    # and courses the demo people passed, in the language
    assert Policy.objects.count() == 15
    assert PolicyVersion.objects.filter(state="published").count() == 13
    assert Policy.objects.get(title=expected["policy"]).current_version.number == 2
    assert (PolicyException.objects.count(), Procedure.objects.count()) == (3, 5)
    assert (Audience.objects.count(), Course.objects.count()) == (4, 10)
    course = Course.objects.get(title=expected["course"])
    assert course.certificates.filter(person__user__username="analyst").count() == 1
    # And the demo people read it in the language
    assert set(Person.objects.values_list("language", flat=True)) == {language}
    # And the BI warehouse: titles, column labels, questions and the dashboard
    order_lines = Dataset.objects.get(name="order_lines")
    assert order_lines.title == expected["dataset"]
    assert Column.objects.get(dataset=order_lines, name="amount").label == expected["amount_label"]
    assert Column.objects.filter(dataset=order_lines, label="").count() == 0
    assert Question.objects.filter(title=expected["question"]).count() == 1
    board = Dashboard.objects.get(title=expected["dashboard"])
    assert board.cards.count() == 6
    analyst = get_user_model().objects.get(username="analyst")
    products = services.run_query(
        analyst,
        {
            "dataset": "products",
            "dimensions": ["id", "name"],
            "filters": [{"column": "id", "op": "<=", "value": 3}],
            "order_by": [{"column": "id"}],
        },
    )
    assert [row[1] for row in products["rows"]] == expected["first_products"]
    distinct = services.run_query(
        analyst, {"dataset": "products", "measures": [{"agg": "count_distinct", "column": "name"}]}
    )
    assert distinct["rows"] == [[bi_demo.PRODUCTS]]
    targets = {"dataset": "sales_targets", "dimensions": ["region"], "measures": [{"agg": "count"}]}
    assert [row[0] for row in services.run_query(analyst, targets)["rows"]] == expected["regions"]
    # And a seller of the north sees the north's targets only: the department's region and
    # the warehouse's speak the same language
    north = user_with_role(EMPLOYEE, Department.objects.get(code="SAL-N"), username="north_seller")
    assert services.run_query(north, targets)["rows"] == [[expected["north"], 48]]
    # And every card of the dashboard renders a result (the completed-orders filter included)
    client = Client()
    client.force_login(analyst)
    results = []
    for card in Card.objects.filter(dashboard=board).order_by("position"):
        response = client.get(f"/bi/cards/{card.pk}/render/")
        assert response.context["error"] is None, card
        assert response.context["result"]["rows"] != [], card
        results.append(response.context["result"])
    # with the legends named in the language
    assert results[1]["columns"] == expected["by_region"]
    assert sorted(row[0] for row in results[1]["rows"]) == expected["regions"]


@pytest.mark.django_db
@pytest.mark.xdist_group("demo")
def test_the_kpi_card_compares_the_quarter_to_date_with_the_same_days_before(monkeypatch):
    # Given the demo organization and warehouse (its orders run to a day inside a quarter)
    _small_warehouse(monkeypatch)
    org_demo.load()
    bi_demo.load()
    analyst = get_user_model().objects.get(username="analyst")
    question = Question.objects.get(title="Orders per quarter")
    card = Card.objects.get(question=question)
    completed = {"column": "status", "op": "=", "value": "completed"}
    last = services.run_query(
        analyst,
        {
            "dataset": "orders",
            "measures": [{"agg": "max", "column": "order_date"}],
            "filters": [completed],
        },
    )["rows"][0][0]
    as_of = dt.date.fromisoformat(last[:10])
    quarter_start = dt.date(as_of.year, 3 * ((as_of.month - 1) // 3) + 1, 1)
    days = (as_of - quarter_start).days + 1
    previous_start = dt.date(
        quarter_start.year - (quarter_start.month == 1), (quarter_start.month - 4) % 12 + 1, 1
    )
    previous_end = previous_start + dt.timedelta(days=days - 1)
    # When the analyst opens the card
    client = Client()
    client.force_login(analyst)
    number = client.get(f"/bi/cards/{card.pk}/render/").context["number"]
    # Then the quarter so far is set against as many days from the previous quarter's start
    assert (number["previous_start"], number["previous_end"]) == (previous_start, previous_end)
    same_days = services.run_query(
        analyst,
        {
            "dataset": "orders",
            "measures": [{"agg": "count"}],
            "filters": [
                completed,
                {
                    "column": "order_date",
                    "op": "between",
                    "value": [previous_start.isoformat(), previous_end.isoformat()],
                },
            ],
        },
    )["rows"][0][0]
    assert number["previous"] == same_days
    assert number["change"] == (number["value"] - same_days) / same_days
    # And the dashboard's PDF says the same
    text = pdf_text(dashboard_pdf(card.dashboard, analyst))
    said = f"against the same days of the previous period ({value_text(same_days)},"
    assert said in " ".join(text.split())


@pytest.mark.engine_neutral
@pytest.mark.parametrize(
    ("environ", "language"),
    [
        ({}, "en"),
        ({"LANG": "pl_PL.UTF-8"}, "pl"),
        ({"LANG": "en_GB.UTF-8"}, "en"),
        ({"LANG": "C.UTF-8"}, "en"),
        # LC_ALL overrides LANG, as the C library reads them
        ({"LC_ALL": "en_US.UTF-8", "LANG": "pl_PL.UTF-8"}, "en"),
        ({"LC_MESSAGES": "pl_PL", "LANG": "en_US.UTF-8"}, "pl"),
        # the variable overrides the locale
        ({"OPENMIS_DEMO_LANGUAGE": "en", "LANG": "pl_PL.UTF-8"}, "en"),
        ({"OPENMIS_DEMO_LANGUAGE": "pl", "LANG": "en_US.UTF-8"}, "pl"),
        ({"OPENMIS_DEMO_LANGUAGE": "PL"}, "pl"),
    ],
)
def test_a_first_run_picks_the_demo_language_from_the_environment(environ, language):
    assert demotext.detect(environ) == language


@pytest.mark.engine_neutral
def test_every_demo_text_has_its_polish_one():
    """A text added to a demo in English only would show up in English in the Polish demo."""
    from openmis.appraisal import demo as appraisal
    from openmis.feedback import demo as feedback
    from openmis.feedback import demo_texts as feedback_texts
    from openmis.governance import demo as governance
    from openmis.meetings import demo as meetings
    from openmis.portfolio import demo as portfolio

    texts = {
        org_demo.texts("pl"): [row[0] for row in org_demo.DEPARTMENTS]
        + [title for titles in org_demo.TITLES.values() for title in titles]
        + [f"Head of {row[0]}" for row in org_demo.DEPARTMENTS],
        portfolio.texts("pl"): portfolio.CAPABILITIES
        + list(portfolio.DESCRIPTIONS.values())
        + [row[2] for row in portfolio.DEPENDENCIES],
        meetings.texts("pl"): meetings.TOPICS
        + meetings.GENERAL_TOPICS
        + meetings.DECISIONS
        + meetings.INFORMATION
        + meetings.ACTIONS
        + meetings.OVERDUE_ACTIONS
        + [row[0] for row in meetings.WEEKLY],
        feedback.texts("pl"): [text for texts in feedback.KIND_FOR_TEXT.values() for text in texts]
        + [row[0] for row in feedback.IMPROVEMENTS]
        + [feedback.STORY_COMPLAINT, feedback.STORY_IMPROVEMENT, feedback.STORY_PROJECT]
        + [row[2] for row in feedback.STORY_BEFORE + feedback.STORY_AFTER]
        + [text for row in feedback.STORY_MEETINGS for text in row[1:]],
        appraisal.texts("pl"): [row[0] for row in appraisal.EVALUATIONS]
        + [alternative[0] for row in appraisal.EVALUATIONS for alternative in row[5]]
        + [alternative[0] for alternative in appraisal.STORY_ALTERNATIVES]
        + [name for name, _kind in appraisal.CRITERIA],
        bi_demo.texts("pl"): [row[0] for row in bi_demo.QUESTIONS] + ["Sales overview"],
        governance.texts("pl"): governance.english_texts(),
    }
    missing = [text for t, english in texts.items() for text in english if text not in t.polish]
    assert missing == []
    assert set(feedback_texts.KEYWORDS) == set(feedback.KEYWORDS)
