"""The BI demo: a sales warehouse of over a million order lines, the "Sales overview" dashboard
shared with Marketing, Sales and Finance, and per-region sales targets."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from openmis.bi import demo as bi_demo
from openmis.bi import services
from openmis.bi.models import Card, Dashboard, Dataset, ImportJob, Question, Relationship, Share
from openmis.bi.tests.test_imports import readable
from openmis.org import demo as org_demo
from openmis.org.models import Department
from openmis.org.roles import EMPLOYEE
from openmis.org.tests.factories import user_with_role

TARGETS_BY_REGION = {
    "dataset": "sales_targets",
    "dimensions": ["region"],
    "measures": [{"agg": "count"}],
}


@pytest.mark.django_db
@pytest.mark.xdist_group("demo")
def test_the_demo_warehouse(django_capture_on_commit_callbacks):
    # Given the demo organization
    org_demo.load()
    # When the BI demo is loaded
    bi_demo.load()
    # Then every dataset is loaded, order lines by the million
    datasets = {d.name: d for d in Dataset.objects.all()}
    assert sorted(datasets) == [
        "customers",
        "order_lines",
        "orders",
        "products",
        "regions",
        "sales_targets",
    ]
    assert datasets["order_lines"].row_count >= 1_000_000
    assert datasets["order_lines"].row_count == bi_demo.ORDER_LINES
    assert datasets["orders"].row_count == bi_demo.ORDERS
    assert all(d.data_version > 0 for d in datasets.values())
    assert ImportJob.objects.exclude(status="done").count() == 0
    assert sorted(Relationship.objects.values_list("dataset__name", "name", "target__name")) == [
        ("customers", "region_info", "regions"),
        ("order_lines", "customer", "customers"),
        ("order_lines", "order", "orders"),
        ("order_lines", "product", "products"),
        ("orders", "customer", "customers"),
    ]
    # And the Sales overview has six cards, shared with Marketing, Sales and Finance
    board = Dashboard.objects.get(title="Sales overview")
    cards = list(board.cards.order_by("position"))
    assert len(cards) == 6
    assert sorted(
        Share.objects.filter(dashboard=board).values_list("department__name", "level")
    ) == [
        ("Finance", "view"),
        ("Marketing", "view"),
        ("Sales", "view"),
    ]

    # When the Marketing leader opens the dashboard and each of its cards
    client = Client()
    client.force_login(get_user_model().objects.get(username="marketing"))
    page = client.get(f"/bi/dashboards/{board.pk}/")
    # Then the page lists every card, and each renders a result without error
    assert page.status_code == 200
    for card in cards:
        assert f'hx-get="/bi/cards/{card.pk}/render/?' in page.content.decode()
        response = client.get(f"/bi/cards/{card.pk}/render/")
        assert response.status_code == 200, card
        assert response.context["error"] is None, (card, response.context["error"])
        assert response.context["result"]["rows"] != [], card
    revenue_by_region = client.get(f"/bi/cards/{cards[1].pk}/render/").context["result"]
    assert revenue_by_region["columns"] == ["customer.region", "revenue"]
    assert sorted(row[0] for row in revenue_by_region["rows"]) == ["East", "North", "South", "West"]
    months = client.get(f"/bi/cards/{cards[0].pk}/render/").context["result"]["rows"]
    # orders span 1,430 days from 2023-01-01: the months 2023-01 to 2026-11
    assert (len(months), months[0][0], months[-1][0]) == (47, "2023-01-01", "2026-11-01")

    # And the restricted targets: the employee sees no row, Sales North only North
    employee = get_user_model().objects.get(username="employee")
    north_department = Department.objects.get(name="Sales North")
    north = user_with_role(EMPLOYEE, north_department, username="north_seller")
    analyst = get_user_model().objects.get(username="analyst")
    assert datasets["sales_targets"].restricted is True
    assert services.run_query(employee, TARGETS_BY_REGION)["rows"] == []
    assert services.run_query(north, TARGETS_BY_REGION)["rows"] == [["North", 48]]
    assert services.run_query(analyst, TARGETS_BY_REGION)["rows"] == [
        ["East", 48],
        ["North", 48],
        ["South", 48],
        ["West", 48],
    ]
    north_sql = services.run_sql(north, "SELECT DISTINCT region FROM sales_targets")
    assert north_sql["rows"] == [["North"]]

    # When the BI demo is reset
    versions = [(d.key, d.data_version) for d in datasets.values()]
    assert all(readable(key, version) for key, version in versions)
    with django_capture_on_commit_callbacks(execute=True):
        bi_demo.reset()
    # Then its datasets, questions and cards are gone, with their warehouse data
    assert Dataset.objects.count() == 0
    assert Question.objects.count() == 0
    assert Card.objects.count() == 0
    assert ImportJob.objects.count() == 0
    assert [v for v in versions if readable(*v)] == []


def _small_demo(monkeypatch):
    """The demo with a few hundred order lines instead of a million."""
    sizes = {
        str(bi_demo.ORDER_LINES): "400",
        str(bi_demo.ORDERS): "100",
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
def test_reset_removes_the_dashboard_and_its_shares(monkeypatch):
    # Given the demo organization and a (small) BI demo
    _small_demo(monkeypatch)
    org_demo.load()
    bi_demo.load()
    assert Dataset.objects.get(name="order_lines").row_count == 400
    # When the BI demo is reset
    bi_demo.reset()
    # Then no BI object of the demo remains
    assert Dashboard.objects.count() == 0
    assert Share.objects.count() == 0
    # And loading it again gives one Sales overview
    bi_demo.load()
    assert Dashboard.objects.filter(title="Sales overview").count() == 1


@pytest.mark.parametrize(
    ("language", "legal_forms"),
    [
        ("pl", ("sp. z o.o.", "S.A.", "sp.j.", "s.c.", "sp.k.")),
        ("en", ("Ltd", "LLC", "Inc.", "PLC", "& Co.")),
    ],
)
def test_demo_customers_have_unique_company_names(tmp_path, language, legal_forms):
    import re

    import duckdb

    def customer_names(directory):
        directory.mkdir()
        path = bi_demo.generate(directory, language)["customers"]
        return [r[0] for r in duckdb.sql(f"SELECT name FROM '{path}' ORDER BY id").fetchall()]  # noqa: S608

    # When the demo warehouse's customers are generated in a language
    names = customer_names(tmp_path / "first")
    # Then every customer has a company name of its own, not a numbered placeholder
    assert len(names) == bi_demo.CUSTOMERS
    assert len(set(names)) == bi_demo.CUSTOMERS
    assert [n for n in names if re.search(r"(Klient|Customer) \d+", n)] == []
    # And each ends in a legal form of the language
    assert [n for n in names if not n.endswith(legal_forms)] == []
    # And the same names come on every run (drawn with the demo's seed)
    assert customer_names(tmp_path / "again") == names
