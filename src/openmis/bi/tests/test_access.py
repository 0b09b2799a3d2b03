"""Sharing and row-level security: who sees which questions, dashboards and warehouse rows.

Row rules must hold on every path that reads the warehouse: the query API, SQL, a question's
page, a dashboard card, exports, and results cached for somebody else.
"""

import pytest
from django.test import Client

from openmis.bi import services
from openmis.bi.models import Card, RowRule, Share
from openmis.bi.tests import factories as f
from openmis.org.models import Role
from openmis.org.roles import ANALYST, EMPLOYEE, LEADER
from openmis.org.tests.factories import DepartmentFactory, user_with_role

pytestmark = pytest.mark.django_db

REVENUE_BY_REGION = {
    "dataset": "orders",
    "measures": [{"agg": "sum", "column": "amount", "as": "revenue"}],
    "dimensions": ["region"],
    "order_by": [{"column": "region"}],
}


@pytest.fixture
def world():
    """Orders restricted by region: North sales see North, finance sees all, others nothing."""
    north = DepartmentFactory(name="Sales North", region="North")
    finance = DepartmentFactory(name="Finance")
    outsiders = DepartmentFactory(name="Operations")
    dataset = f.orders(restricted=True)
    RowRule.objects.create(dataset=dataset, match=RowRule.Match.REGION, column="region")
    RowRule.objects.create(dataset=dataset, department=finance, match=RowRule.Match.ALL)
    return {
        "dataset": dataset,
        "north": user_with_role(ANALYST, north, username="north"),
        "finance": user_with_role(LEADER, finance, username="cfo"),
        "outsider": user_with_role(ANALYST, outsiders, username="ops"),
        "employee": user_with_role(EMPLOYEE, outsiders, username="emp"),
        "departments": {"north": north, "finance": finance, "outsiders": outsiders},
    }


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def test_rules_admit_rows_by_the_users_department_region(world):
    # Given orders restricted by region
    # When each reader asks for revenue by region
    north = services.run_query(world["north"], REVENUE_BY_REGION)
    finance = services.run_query(world["finance"], REVENUE_BY_REGION)
    outsider = services.run_query(world["outsider"], REVENUE_BY_REGION)
    # Then North sees North only, finance sees every region, and the outsider nothing
    assert north["rows"] == [["North", 375.75]]
    assert finance["rows"] == [["North", 375.75], ["South", 350.25], ["West", 25.0]]
    assert outsider["rows"] == []


def test_a_result_cached_for_one_reader_is_never_served_to_another(world):
    # Given finance's result of the question is cached
    assert services.run_query(world["finance"], REVENUE_BY_REGION)["cached"] is False
    assert services.run_query(world["finance"], REVENUE_BY_REGION)["cached"] is True
    # When North asks the same question
    north = services.run_query(world["north"], REVENUE_BY_REGION)
    # Then North gets its own rows, not the cached ones
    assert north["rows"] == [["North", 375.75]]


def test_compiled_sql_is_kept_per_reader_and_follows_rule_changes(world, monkeypatch):
    # Given North's question compiled once, with results never cached
    compiled = []
    original = services.qcompile.compile_query
    monkeypatch.setattr(
        services.qcompile,
        "compile_query",
        lambda *a, **kw: compiled.append(1) or original(*a, **kw),
    )
    first = services.run_query(world["north"], REVENUE_BY_REGION, use_cache=False)
    # When North asks again, then finance asks the same question
    again = services.run_query(world["north"], REVENUE_BY_REGION, use_cache=False)
    finance = services.run_query(world["finance"], REVENUE_BY_REGION, use_cache=False)
    # Then North's SQL was compiled once and reused, while finance got its own
    assert first["rows"] == again["rows"] == [["North", 375.75]]
    assert finance["rows"] == [["North", 375.75], ["South", 350.25], ["West", 25.0]]
    assert len(compiled) == 2
    # And when a rule admits North to South's rows too, the next answer follows it at once
    RowRule.objects.create(
        dataset=world["dataset"],
        department=world["departments"]["north"],
        match=RowRule.Match.VALUES,
        column="region",
        values="South",
    )
    widened = services.run_query(world["north"], REVENUE_BY_REGION, use_cache=False)
    assert widened["rows"] == [["North", 375.75], ["South", 350.25]]
    assert len(compiled) == 3


def test_sql_cannot_see_past_the_rules(world):
    # Given a reader admitted to North only
    sql = "SELECT region, count(*) AS n FROM orders WHERE region <> 'North' OR 1 = 1 GROUP BY 1"
    # When they try to widen the filter, read a CTE of the dataset, or a subquery
    plain = services.run_sql(world["north"], sql)
    cte = services.run_sql(
        world["north"], "WITH o AS (SELECT * FROM orders) SELECT DISTINCT region FROM o"
    )
    nested = services.run_sql(world["north"], "SELECT (SELECT count(*) FROM orders) AS n")
    # Then only North rows exist for them
    assert plain["rows"] == [["North", 3]]
    assert cte["rows"] == [["North"]]
    assert nested["rows"] == [[3]]


def test_default_deny_through_the_api_and_sql(world, api_client_for):
    # Given a reader no rule admits
    client = api_client_for(world["outsider"])
    # When they query through the API and through SQL
    query = client.post("/api/bi/query/", REVENUE_BY_REGION, format="json")
    sql = client.post("/api/bi/sql/", {"sql": "SELECT count(*) AS n FROM orders"}, format="json")
    # Then they get no rows, not an error
    assert query.status_code == 200
    assert query.json()["rows"] == []
    assert sql.json() == {"columns": ["n"], "rows": [[0]], "truncated": False, "cached": False}


def test_a_shared_dashboard_shows_each_reader_their_own_rows(world):
    # Given a dashboard by finance, shared with Sales North and Operations
    question = f.question(owner=world["finance"], visibility="organization")
    board = f.dashboard(owner=world["finance"])
    card = Card.objects.create(dashboard=board, question=question)
    for key in ("north", "outsiders"):
        Share.objects.create(dashboard=board, department=world["departments"][key])
    # When North and the outsider open the card
    north = client_for(world["north"]).get(f"/bi/cards/{card.pk}/render/")
    outsider = client_for(world["outsider"]).get(f"/bi/cards/{card.pk}/render/")
    # Then each sees what their rules admit: the recipient's rights, never the sharer's
    assert north.status_code == 200
    assert north.context["result"]["rows"] == [["North", 375.75]]
    assert outsider.context["result"]["rows"] == []


def test_exports_apply_the_readers_rules(world):
    # Given a question published to everyone
    question = f.question(owner=world["finance"], visibility="organization")
    # When North exports it
    response = client_for(world["north"]).get(f"/bi/questions/{question.pk}/export.csv")
    # Then the file has North's rows only
    body = b"".join(response.streaming_content).decode()
    assert body.splitlines() == ["region,revenue", "North,375.75"]


def test_unshared_content_is_a_friendly_403_in_the_ui_and_404_in_the_api(world, api_client_for):
    # Given a private question and dashboard of finance
    question = f.question(owner=world["finance"])
    board = f.dashboard(owner=world["finance"])
    client = client_for(world["outsider"])
    # When an outsider opens them
    page = client.get(f"/bi/questions/{question.pk}/")
    board_page = client.get(f"/bi/dashboards/{board.pk}/")
    api = api_client_for(world["outsider"]).get(f"/api/bi/questions/{question.pk}/")
    listing = api_client_for(world["outsider"]).get("/api/bi/questions/")
    # Then the pages say it was not shared with them, and the API does not reveal it
    assert page.status_code == 403
    assert "has not been shared with you" in page.content.decode()
    assert board_page.status_code == 403
    assert api.status_code == 404
    assert listing.json()["count"] == 0


def test_sharing_with_a_department_reaches_its_sub_departments(world):
    # Given a dashboard shared with Sales, and a member of Sales North below it
    sales = DepartmentFactory(name="Sales")
    north = world["departments"]["north"]
    north.parent = sales
    north.save()
    board = f.dashboard(owner=world["finance"])
    client = client_for(world["north"])
    assert client.get(f"/bi/dashboards/{board.pk}/").status_code == 403
    Share.objects.create(dashboard=board, department=sales)
    # When the member opens it
    response = client.get(f"/bi/dashboards/{board.pk}/")
    # Then they see it, and it is listed under "Shared with me"
    assert response.status_code == 200
    shared = client.get("/bi/shared/")
    assert list(shared.context["dashboards"]) == [board]


def test_view_access_does_not_allow_editing(world):
    # Given a question shared with North for viewing
    question = f.question(owner=world["finance"])
    Share.objects.create(question=question, user=world["north"], level=Share.Level.VIEW)
    client = client_for(world["north"])
    # When North tries to edit it
    response = client.post(
        f"/bi/questions/{question.pk}/edit/",
        {
            "title": "Hijacked",
            "chart": "bar",
            "visibility": "private",
            "version": question.version,
            "spec": '{"dataset": "orders", "measures": [{"agg": "count"}]}',
        },
    )
    # Then it is refused and nothing changed
    question.refresh_from_db()
    assert response.status_code == 403
    assert question.title.startswith("Revenue by region")


def test_edit_access_allows_editing_and_sharing_further(world):
    # Given a question shared with North for editing
    question = f.question(owner=world["finance"])
    Share.objects.create(question=question, user=world["north"], level=Share.Level.EDIT)
    client = client_for(world["north"])
    role = Role.objects.get(slug=EMPLOYEE)
    # When North shares it with the employees
    response = client.post(
        f"/bi/share/question/{question.pk}/", {"target": f"role:{role.pk}", "level": "view"}
    )
    # Then an employee sees it, with the employee's own rows (none: default deny)
    assert response.status_code == 302
    employee = client_for(world["employee"])
    page = employee.get(f"/bi/questions/{question.pk}/")
    assert page.status_code == 200
    assert page.context["result"]["rows"] == []


def test_an_outsider_cannot_share_what_they_cannot_edit(world):
    question = f.question(owner=world["finance"], visibility="organization")
    client = client_for(world["outsider"])
    department = world["departments"]["outsiders"]
    response = client.post(
        f"/bi/share/question/{question.pk}/", {"target": f"department:{department.pk}"}
    )
    assert response.status_code == 403
    assert Share.objects.filter(question=question).count() == 0
