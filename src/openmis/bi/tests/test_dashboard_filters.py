"""Dashboard filters as dropdowns: their values come from GET /api/bi/values/ for the readers
of the dashboard (not only for those who may ask questions), and the URL carries them."""

import ibis.backends.sql.dialects  # noqa: F401  (before any SQL: see test_api.py)
import pytest
from django.test import Client

from openmis.bi.models import Card, Dashboard, Question, Relationship, Visibility
from openmis.bi.tests import factories as f
from openmis.org.roles import ANALYST, EMPLOYEE

pytestmark = pytest.mark.django_db
ANGLE = "\N{SINGLE RIGHT-POINTING ANGLE QUOTATION MARK}"


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def board(make_user):
    analyst = make_user(ANALYST)
    dataset = f.orders()
    question = Question.objects.create(
        title="Revenue",
        chart="table",
        owner=analyst,
        dataset=dataset,
        spec={"dataset": "orders", "measures": [{"agg": "count"}], "dimensions": ["region"]},
    )
    board = Dashboard.objects.create(
        title="Sales", owner=analyst, visibility=Visibility.ORGANIZATION, filters=["region"]
    )
    Card.objects.create(dashboard=board, question=question)
    return board


def values(client, **params):
    return client.get("/api/bi/values/", {"dataset": "orders", "column": "region", **params})


def test_a_reader_of_the_dashboard_gets_its_filter_values(make_user, board):
    viewer = client_of(make_user(EMPLOYEE))
    # Without the dashboard, a reader who may not ask questions gets nothing
    assert values(viewer).status_code == 403
    # With it, the filter's values
    response = values(viewer, dashboard=board.pk)
    assert response.status_code == 200
    assert response.json() == {"values": ["North", "South", "West"], "truncated": False}
    # but not those of a column that is not one of its filters
    assert values(viewer, dashboard=board.pk, column="product").status_code == 403


def test_a_dashboard_not_shared_gives_no_values(make_user, board):
    board.visibility = Visibility.PRIVATE
    board.save()
    assert values(client_of(make_user(EMPLOYEE)), dashboard=board.pk).status_code == 403
    assert values(client_of(make_user(EMPLOYEE)), dashboard="x").status_code == 400


def test_the_page_offers_a_dropdown_per_filter_and_a_clear_link(make_user, board):
    viewer = client_of(make_user(EMPLOYEE))
    html = viewer.get(f"/bi/dashboards/{board.pk}/").content.decode()
    assert 'data-column="region" data-dataset="orders"' in html
    assert 'id="filters-clear"' not in html
    html = viewer.get(f"/bi/dashboards/{board.pk}/?v_region=North").content.decode()
    assert 'value="North"' in html
    assert 'id="filters-clear" href="?"' in html
    # the cards and the PDF link carry the filter
    assert f"/bi/cards/{board.cards.get().pk}/render/?v_region=North" in html
    assert f"/bi/dashboards/{board.pk}/pdf/?v_region=North" in html


def test_a_filter_on_a_related_column_gets_its_dropdown(make_user, board):
    # Given orders related to customers, and the dashboard filtering on the customer's segment
    customers = f.load_csv("customers", f.CUSTOMERS_CSV)
    Relationship.objects.create(
        dataset=board.cards.get().question.dataset,
        name="customer",
        column="customer_id",
        target=customers,
        target_column="id",
    )
    board.filters = ["region", "customer.segment"]
    board.save()
    viewer = client_of(make_user(EMPLOYEE))
    # Then the page offers it a dropdown of the orders' dataset
    html = viewer.get(f"/bi/dashboards/{board.pk}/").content.decode()
    assert 'data-column="customer.segment" data-dataset="orders"' in html
    # headed by the columns' names in words, as the builder names them, not by their paths
    assert '<label class="form-label small mb-0" for="f-region">Region</label>' in html
    assert f'for="f-customer.segment">Customer {ANGLE} Segment<' in html
    # or by a column's label when it has one
    customers.columns.filter(name="segment").update(label="Market segment")
    html = viewer.get(f"/bi/dashboards/{board.pk}/").content.decode()
    assert f'for="f-customer.segment">Customer {ANGLE} Market segment<' in html
    builder = client_of(make_user(ANALYST)).get("/bi/ask/?dataset=orders").content.decode()
    assert f'<option value="customer.segment">Customer {ANGLE} Market segment</option>' in builder
    # fed by the values of the related column
    response = values(viewer, dashboard=board.pk, column="customer.segment")
    assert response.status_code == 200
    assert response.json() == {"values": ["Enterprise", "Public sector", "SMB"], "truncated": False}
