"""Dashboards: each card loads on its own, auto-refresh, the card limit warning, dashboard
filters, and identical queries of several cards run once."""

import re
import threading
import time

# Imported before any test generates SQL (see test_api.py: the PostgreSQL date-filter bug).
import ibis.backends.sql.dialects  # noqa: F401
import pytest
from django.test import Client

from openmis.bi import services
from openmis.bi.engine import get_warehouse
from openmis.bi.models import Card, Dashboard, Dataset, Question, Relationship
from openmis.bi.tests import factories as f
from openmis.org.roles import ANALYST

pytestmark = pytest.mark.django_db

PRODUCTS_CSV = """sku,category,price
A1,Software,100
B2,Hardware,250
C3,Software,40
"""


@pytest.fixture
def analyst(make_user):
    return make_user(ANALYST)


@pytest.fixture
def client(analyst):
    client = Client()
    client.force_login(analyst)
    return client


def ask(title, owner, spec, chart="table"):
    dataset = Dataset.objects.get(name=spec["dataset"])
    return Question.objects.create(
        title=title, spec=spec, chart=chart, owner=owner, dataset=dataset
    )


def board_of(owner, *questions, **fields) -> Dashboard:
    board = Dashboard.objects.create(title="Sales", owner=owner, **fields)
    for position, question in enumerate(questions):
        Card.objects.create(dashboard=board, question=question, position=position)
    return board


def render(client, card, query=""):
    response = client.get(f"/bi/cards/{card.pk}/render/{query}")
    assert response.status_code == 200
    return response.context


REVENUE_BY_REGION = {
    "dataset": "orders",
    "measures": [{"agg": "sum", "column": "amount", "as": "revenue"}],
    "dimensions": ["region"],
}


# --- cards load on their own ----------------------------------------------------------------------


def test_each_card_loads_through_its_own_url(client, analyst):
    # Given a dashboard of two question cards and a text card
    f.orders()
    first = ask("Revenue", analyst, REVENUE_BY_REGION)
    second = ask("Orders", analyst, {"dataset": "orders", "measures": [{"agg": "count"}]})
    board = board_of(analyst, first, second)
    note = Card.objects.create(dashboard=board, text="Amounts in **PLN**.", position=9)
    # When the dashboard page is opened
    response = client.get(f"/bi/dashboards/{board.pk}/")
    html = response.content.decode()
    # Then the page holds no result, only one placeholder per card that loads its own URL
    assert response.status_code == 200
    cards = re.findall(
        r'<div class="bi-card" id="card-(\d+)" hx-get="([^"]*)" hx-trigger="([^"]*)"', html
    )
    assert cards == [
        (str(card.pk), f"/bi/cards/{card.pk}/render/?", "load")
        for card in board.cards.order_by("position")
    ]
    assert "bi-result" not in html
    # And each card's URL gives that card's content alone
    assert render(client, board.cards.get(question=first))["result"]["rows"] == [
        ["North", 375.75],
        ["South", 350.25],
        ["West", 25.0],
    ]
    assert render(client, board.cards.get(question=second))["result"]["rows"] == [[6]]
    text = client.get(f"/bi/cards/{note.pk}/render/").content.decode()
    assert text == '<div class="bi-text"><p>Amounts in <strong>PLN</strong>.</p></div>\n'


def test_an_auto_refreshing_dashboard_reloads_each_card(client, analyst):
    f.orders()
    board = board_of(analyst, ask("Revenue", analyst, REVENUE_BY_REGION), refresh_seconds=60)
    html = client.get(f"/bi/dashboards/{board.pk}/").content.decode()
    card = board.cards.get()
    assert (
        f'hx-get="/bi/cards/{card.pk}/render/?" hx-trigger="load, every 60s" hx-swap="innerHTML"'
    ) in html


def test_more_than_25_cards_shows_a_warning(client, analyst):
    # Given a dashboard of 25 cards
    board = Dashboard.objects.create(title="Everything", owner=analyst)
    for i in range(25):
        Card.objects.create(dashboard=board, text=f"Note {i}", position=i)
    warning = "more than 25 make it slow to read and to load."
    assert warning not in client.get(f"/bi/dashboards/{board.pk}/").content.decode()
    # When a 26th is added
    Card.objects.create(dashboard=board, text="One more", position=26)
    html = client.get(f"/bi/dashboards/{board.pk}/").content.decode()
    # Then the page warns, and still lists every card
    assert "This dashboard has 26 cards; more than 25 make it slow to read and to load." in html
    assert html.count('class="bi-card"') == 26


def test_a_card_of_a_dashboard_not_shared_is_refused(make_user, analyst):
    f.orders()
    board = board_of(analyst, ask("Revenue", analyst, REVENUE_BY_REGION))
    other = Client()
    other.force_login(make_user(ANALYST))
    response = other.get(f"/bi/cards/{board.cards.get().pk}/render/")
    assert response.status_code == 403


# --- dashboard filters ----------------------------------------------------------------------------


@pytest.fixture
def filtered_board(analyst):
    """Cards on orders and customers (both with a region) and on products (without)."""
    f.orders()
    f.load_csv("customers", f.CUSTOMERS_CSV)
    f.load_csv("products", PRODUCTS_CSV)
    questions = [
        ask("Revenue", analyst, REVENUE_BY_REGION),
        ask(
            "Customers",
            analyst,
            {"dataset": "customers", "dimensions": ["segment"], "measures": [{"agg": "count"}]},
        ),
        ask(
            "Products",
            analyst,
            {"dataset": "products", "dimensions": ["category"], "measures": [{"agg": "count"}]},
        ),
    ]
    return board_of(analyst, *questions, filters=["region", "order_date"])


def card_rows(client, board, query=""):
    return [
        render(client, card, query)["result"]["rows"] for card in board.cards.order_by("position")
    ]


UNFILTERED = [
    [["North", 375.75], ["South", 350.25], ["West", 25.0]],
    [["Enterprise", 1], ["Public sector", 1], ["SMB", 2]],
    [["Hardware", 1], ["Software", 2]],
]


def test_a_dashboard_filter_narrows_the_cards_that_have_the_column(client, filtered_board):
    # Given cards on orders, customers and products
    assert card_rows(client, filtered_board) == UNFILTERED
    # When the dashboard is filtered on North
    page = client.get(f"/bi/dashboards/{filtered_board.pk}/?v_region=North").content.decode()
    # Then every card loads with the filter
    for card in filtered_board.cards.all():
        assert f'hx-get="/bi/cards/{card.pk}/render/?v_region=North"' in page
    assert 'name="v_region" value="North"' in page
    # And orders and customers show North only; products, without a region, are left alone
    assert card_rows(client, filtered_board, "?v_region=North") == [
        [["North", 375.75]],
        [["Enterprise", 1], ["SMB", 1]],
        [["Hardware", 1], ["Software", 2]],
    ]


SOUTH_IN_FEBRUARY = [
    [["South", 350.25]],
    [["Public sector", 1], ["SMB", 1]],
    [["Hardware", 1], ["Software", 2]],
]


def test_a_dashboard_filter_takes_lists_and_ranges(client, filtered_board):
    query = "?v_region=South&v_region=West&from_order_date=2024-02-01&to_order_date=2024-02-29"
    assert card_rows(client, filtered_board, query) == SOUTH_IN_FEBRUARY
    # and the page writes its links, and its fields, the same way
    page = client.get(f"/bi/dashboards/{filtered_board.pk}/{query}").content.decode()
    card = filtered_board.cards.order_by("position").first()
    assert f'hx-get="/bi/cards/{card.pk}/render/{query.replace("&", "&amp;")}"' in page
    assert 'name="v_region" value="South"' in page
    assert '<input type="hidden" name="v_region" value="West">' in page
    assert 'name="from_order_date" value="2024-02-01"' in page


def test_links_of_older_releases_still_filter(client, filtered_board):
    query = "?f_region=South,West&f_order_date=2024-02-01..2024-02-29"
    assert card_rows(client, filtered_board, query) == SOUTH_IN_FEBRUARY
    # and the page carries them on in today's form
    page = client.get(f"/bi/dashboards/{filtered_board.pk}/{query}").content.decode()
    assert "v_region=South&amp;v_region=West&amp;from_order_date=2024-02-01&amp;to_" in page


PEOPLE_CSV = """id,name,code,amount,day
1,"Kowalski, Jan",1..2,10,2024-01-05
2,Kowalski,A,20,2024-02-05
3,Jan,1,30,2024-03-05
4,Nowak,2,40,2024-03-20
"""


@pytest.mark.parametrize(
    ("query", "names"),
    [
        # a value holding a comma, or two dots, is one value
        ("?v_name=Kowalski%2C+Jan", ["Kowalski, Jan"]),
        ("?v_code=1..2", ["Kowalski, Jan"]),
        # one parameter per value
        ("?v_name=Kowalski&v_name=Jan", ["Jan", "Kowalski"]),
        # a range of dates, of numbers, open on one side
        ("?from_day=2024-02-01&to_day=2024-03-10", ["Jan", "Kowalski"]),
        ("?from_amount=25", ["Jan", "Nowak"]),
        ("?to_amount=15", ["Kowalski, Jan"]),
        # values and a range together
        ("?v_name=Kowalski&v_name=Nowak&from_amount=25", ["Nowak"]),
    ],
)
def test_filter_values_travel_exactly(client, analyst, query, names):
    # Given a dashboard filtering people by name, code, amount and day
    f.load_csv("people", PEOPLE_CSV)
    spec = {"dataset": "people", "dimensions": ["name"], "measures": [{"agg": "count"}]}
    board = board_of(
        analyst, ask("People", analyst, spec), filters=["name", "code", "amount", "day"]
    )
    # When a card is loaded with the URL's filters
    rows = card_rows(client, board, query)
    # Then it holds exactly the rows they name
    assert [row[0] for row in rows[0]] == names


def test_a_value_with_a_comma_makes_the_same_links(client, analyst):
    # Given a dashboard filtered on a name holding a comma
    f.load_csv("people", PEOPLE_CSV)
    spec = {"dataset": "people", "dimensions": ["name"], "measures": [{"agg": "count"}]}
    board = board_of(analyst, ask("People", analyst, spec), filters=["name", "amount", "day"])
    card = board.cards.get()
    page = client.get(f"/bi/dashboards/{board.pk}/?v_name=Kowalski%2C+Jan").content.decode()
    # Then the field, the card and the PDF link keep it one value
    assert 'name="v_name" value="Kowalski, Jan"' in page
    assert f"/bi/cards/{card.pk}/render/?v_name=Kowalski%2C+Jan" in page
    assert f"/bi/dashboards/{board.pk}/pdf/?v_name=Kowalski%2C+Jan" in page
    # and its drill links too (the card's bars lead to the rows behind them)
    drill = render(client, card, "?v_name=Kowalski%2C+Jan")["drill_url"]
    assert f"dashboard={board.pk}&v_name=Kowalski%2C+Jan&value=" in drill
    rows = client.get(drill + "Kowalski%2C+Jan").context["result"]["rows"]
    assert [row[1] for row in rows] == ["Kowalski, Jan"]
    # and the number and date filters offer a range, the text one does not
    assert 'name="from_amount"' in page and 'type="date" name="from_day"' in page
    assert 'name="from_name"' not in page


def test_only_the_dashboards_filter_columns_apply(client, filtered_board):
    # Given a dashboard offering region and order date as filters
    # When the URL filters on status, which it does not offer
    rows = card_rows(client, filtered_board, "?f_status=cancelled&f_region=")
    # Then nothing is filtered
    assert rows == UNFILTERED


def test_a_dashboard_filter_on_a_related_field(client, analyst):
    # Given orders related to customers, and a dashboard filtering on the customer's segment
    orders = f.orders()
    customers = f.load_csv("customers", f.CUSTOMERS_CSV)
    Relationship.objects.create(
        dataset=orders, name="customer", column="customer_id", target=customers, target_column="id"
    )
    board = board_of(
        analyst, ask("Revenue", analyst, REVENUE_BY_REGION), filters=["customer.segment"]
    )
    # When it is filtered on SMB customers
    rows = card_rows(client, board, "?v_customer.segment=SMB")
    # Then the card counts the orders of SMB customers only (orders 2, 3 and 6)
    assert rows == [[["North", 275.25], ["South", 50.25]]]


# --- identical queries run once -------------------------------------------------------------------


def test_the_identical_query_of_two_cards_runs_once(client, analyst):
    # Given two cards whose questions ask the same thing
    f.orders()
    first = ask("Revenue", analyst, REVENUE_BY_REGION)
    twin = ask("Revenue again", analyst, dict(REVENUE_BY_REGION), chart="bar")
    board = board_of(analyst, first, twin, filters=["region"])
    one, two = board.cards.order_by("position")
    # When both cards load
    first_result = render(client, one)["result"]
    second_result = render(client, two)["result"]
    # Then the second is the first's result, from the cache
    assert first_result["cached"] is False
    assert second_result["cached"] is True
    assert second_result["rows"] == first_result["rows"]
    # But a filtered card is its own query, whose twin is then cached in turn
    north = render(client, one, "?f_region=North")["result"]
    assert (north["cached"], north["rows"]) == (False, [["North", 375.75]])
    assert render(client, two, "?f_region=North")["result"]["cached"] is True


def test_concurrent_identical_queries_reach_the_engine_once(analyst, monkeypatch):
    # Given a slow engine, counting the queries it runs
    f.orders()
    _spec, sql, locations = services.compile_spec(analyst, REVENUE_BY_REGION)
    warehouse = get_warehouse()
    real = warehouse.execute
    runs = []

    def slow(*args, **kwargs):
        runs.append(args[0])
        time.sleep(0.3)
        return real(*args, **kwargs)

    monkeypatch.setattr(warehouse, "execute", slow)
    results = []
    # When four readers ask the same query at once
    threads = [
        threading.Thread(target=lambda: results.append(services._cached_execute(sql, locations)))
        for _ in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # Then the engine ran it once; the others waited for its result
    assert runs == [sql]
    assert sorted(r["cached"] for r in results) == [False, True, True, True]
    assert {tuple(map(tuple, r["rows"])) for r in results} == {
        (("North", 375.75), ("South", 350.25), ("West", 25.0))
    }
