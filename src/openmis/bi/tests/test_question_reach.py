"""From a question: add it to one of the dashboards the user may change; drill into the rows
behind a bar from a dashboard's card (with the dashboard's filters), with names instead of
ids and a note when the rows shown are capped."""

import pytest
from django.test import Client

from openmis.bi import results
from openmis.bi.models import Card, Dashboard, Dataset, Question, Relationship
from openmis.bi.tests import factories as f
from openmis.org.roles import ANALYST, EMPLOYEE

pytestmark = pytest.mark.django_db

BY_REGION = {
    "dataset": "orders",
    "measures": [{"agg": "sum", "column": "amount", "as": "revenue"}],
    "dimensions": ["region"],
}


@pytest.fixture
def analyst(make_user):
    return make_user(ANALYST)


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def ask(owner, spec=BY_REGION, **fields):
    f.orders()
    return Question.objects.create(
        title="Revenue by region",
        spec=spec,
        chart="bar",
        owner=owner,
        dataset=Dataset.objects.get(name="orders"),
        **fields,
    )


def test_a_question_is_added_to_a_dashboard_the_user_may_change(analyst, make_user):
    question = ask(analyst)
    mine = Dashboard.objects.create(title="Mine", owner=analyst)
    Card.objects.create(dashboard=mine, text="Intro", position=3)
    other = make_user(ANALYST)
    theirs = Dashboard.objects.create(title="Theirs", owner=other, visibility="organization")
    client = client_for(analyst)
    # The question's page offers the dashboards the analyst may change, not the others
    page = client.get(question.get_absolute_url())
    assert list(page.context["dashboards"]) == [mine]
    assert "Theirs" not in page.content.decode()
    # Adding it puts a card last on the dashboard
    response = client.post(f"/bi/questions/{question.pk}/add-to-dashboard/", {"dashboard": mine.pk})
    assert response.status_code == 302
    assert response["Location"] == mine.get_absolute_url()
    card = mine.cards.get(question=question)
    assert card.position == 4
    # A dashboard they may only read is refused, and so is a GET
    refused = client.post(
        f"/bi/questions/{question.pk}/add-to-dashboard/", {"dashboard": theirs.pk}
    )
    assert refused.status_code == 404
    assert not theirs.cards.exists()
    assert client.get(f"/bi/questions/{question.pk}/add-to-dashboard/").status_code == 405


def test_an_employee_is_offered_no_dashboard(analyst, make_user):
    question = ask(analyst, visibility="organization")
    employee = make_user(EMPLOYEE)
    Dashboard.objects.create(title="Theirs", owner=employee)
    client = client_for(employee)
    page = client.get(question.get_absolute_url())
    assert page.status_code == 200
    assert "add-to-dashboard" not in page.content.decode()


def _card_drill(client, board, card, query=""):
    context = client.get(f"/bi/cards/{card.pk}/render/{query}").context
    return context["drill_url"]


def test_a_card_drills_into_the_rows_behind_a_bar_with_the_dashboards_filters(analyst):
    orders = (
        Dataset.objects.get(name="orders")
        if Dataset.objects.filter(name="orders").exists()
        else f.orders()
    )
    customers = f.load_csv("customers", f.CUSTOMERS_CSV)
    Relationship.objects.create(
        dataset=orders, name="customer", column="customer_id", target=customers, target_column="id"
    )
    question = ask(analyst)
    board = Dashboard.objects.create(title="Sales", owner=analyst, filters=["status"])
    card = Card.objects.create(dashboard=board, question=question)
    client = client_for(analyst)
    # When the card, filtered on completed orders, is clicked on North's bar
    url = _card_drill(client, board, card, "?v_status=completed")
    assert f"dashboard={board.pk}" in url and "v_status=completed" in url
    response = client.get(url + "North")
    assert response.status_code == 200
    result = response.context["result"]
    # Then the rows are North's completed orders, with the customer's name for its id
    assert "customer.name" in result["columns"], result["columns"]
    assert "customer_id" not in result["columns"]
    names = [row[result["columns"].index("customer.name")] for row in result["rows"]]
    assert sorted(names) == ["Alfa", "Beta", "Beta"]
    assert response.context["dashboard"] == board
    assert "Sales" in response.content.decode()  # the breadcrumb leads back to the dashboard


def test_a_drill_says_when_its_rows_are_capped(analyst, monkeypatch):
    question = ask(analyst)
    monkeypatch.setattr(results, "DRILL_ROWS", 2)
    response = client_for(analyst).get(f"/bi/questions/{question.pk}/drill/?value=North")
    assert len(response.context["result"]["rows"]) == 2
    assert "The first 2 of 3 rows are shown." in response.content.decode()
    # All of them shown: nothing to say
    whole = client_for(analyst).get(f"/bi/questions/{question.pk}/drill/?value=South")
    assert 'id="drill-capped"' not in whole.content.decode()


def test_a_drill_from_a_dashboard_the_user_may_not_open_is_refused(analyst, make_user):
    question = ask(analyst)
    other = make_user(ANALYST)
    board = Dashboard.objects.create(title="Private", owner=other)
    response = client_for(analyst).get(
        f"/bi/questions/{question.pk}/drill/?dashboard={board.pk}&value=North"
    )
    assert response.status_code == 404
