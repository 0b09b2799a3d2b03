"""What each role may do in BI, the same on the pages and in the API (README, "Roles and
permissions"); who may switch row-level security; what a restricted reader learns of a dataset
outside a query; and the MIS office's reach over all BI content."""

import pytest
from auditlog.models import LogEntry
from django.contrib.auth.models import Group, Permission
from django.test import Client

from openmis.bi import services
from openmis.bi.models import Dashboard, Dataset, Question, RowRule
from openmis.bi.tests import factories as f
from openmis.org.models import Role
from openmis.org.roles import ANALYST, DIRECTOR, EMPLOYEE, LEADER, STAFF
from openmis.org.tests.factories import DepartmentFactory, user_with_role

pytestmark = pytest.mark.django_db

COUNT = {"dataset": "orders", "measures": [{"agg": "count"}]}


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def restricted_orders():
    """Orders restricted by region: Sales North reads the North rows, nobody else any."""
    dataset = f.orders(restricted=True)
    RowRule.objects.create(dataset=dataset, match=RowRule.Match.REGION, column="region")
    return dataset


# --- the dataset's profile goes through the reader's row rules ---------------------------------


@pytest.fixture
def readers(restricted_orders):
    north = DepartmentFactory(name="Sales North", region="North")
    finance = DepartmentFactory(name="Finance")
    RowRule.objects.create(dataset=restricted_orders, department=finance, match=RowRule.Match.ALL)
    operations = DepartmentFactory(name="Operations")
    return {
        "north": user_with_role(ANALYST, north, username="north"),
        "finance": user_with_role(LEADER, finance, username="cfo"),
        "employee": user_with_role(EMPLOYEE, operations, username="emp"),
    }


NORTH_PROFILE = {
    "row_count": 3,
    "region": {"nulls": 0, "distinct": 1, "min": "North", "max": "North", "top": [["North", 3]]},
    "amount": {"nulls": 0, "distinct": 3, "min": 75.25, "max": 200.0},
}


def test_the_dataset_page_profiles_only_the_rows_the_reader_may_read(readers, restricted_orders):
    # Given orders restricted to the reader's region (North: 3 of the 6 orders)
    url = restricted_orders.get_absolute_url()
    # When North's analyst and an employee without a rule open the dataset's page
    north = client_for(readers["north"]).get(url)
    employee = client_for(readers["employee"]).get(url)
    # Then North's profile counts North's rows only, and the employee's counts none
    profile = north.context["profile"]
    assert profile["row_count"] == 3
    assert profile["columns"]["region"] == NORTH_PROFILE["region"]
    amount = profile["columns"]["amount"]
    assert {k: amount[k] for k in ("nulls", "distinct", "min", "max")} == NORTH_PROFILE["amount"]
    assert "3 rows you may read" in north.content.decode()
    for hidden in ("South", "West", "300.0"):
        assert hidden not in north.content.decode()
    assert employee.context["profile"]["row_count"] == 0
    assert employee.context["profile"]["columns"]["region"] == {
        "nulls": 0,
        "distinct": 0,
        "min": None,
        "max": None,
        "top": [],
    }
    page = employee.content.decode()
    for hidden in ("North", "South", "West", "6 rows"):
        assert hidden not in page


def test_a_reader_of_every_row_gets_the_stored_profile(readers, restricted_orders):
    # Given finance may read every order (its rule admits all rows)
    # When finance opens the dataset's page
    response = client_for(readers["finance"]).get(restricted_orders.get_absolute_url())
    # Then it shows the profile stored at load time, of all 6 orders, and the import's rows
    assert response.context["profile"] == restricted_orders.profile
    assert response.context["profile"]["row_count"] == 6
    assert "6 rows" in response.content.decode()


def test_the_profile_api_answers_through_the_readers_rules(
    readers, restricted_orders, api_client_for
):
    url = f"/api/bi/datasets/{restricted_orders.pk}/profile/"
    # When each reader asks the API for the profile
    north = api_client_for(readers["north"]).get(url)
    employee = api_client_for(readers["employee"]).get(url)
    finance = api_client_for(readers["finance"]).get(url)
    # Then each gets the rows their rules admit
    assert north.status_code == 200
    assert north.json()["row_count"] == 3
    assert north.json()["columns"]["region"] == NORTH_PROFILE["region"]
    assert employee.json()["row_count"] == 0
    assert employee.json()["columns"]["status"]["top"] == []
    assert finance.json()["row_count"] == 6
    assert finance.json()["columns"]["region"]["top"] == [["North", 3], ["South", 2], ["West", 1]]


def test_a_restricted_readers_profile_copes_with_any_column_names():
    # Given a restricted dataset whose columns are named like the profile's own outputs
    dataset = f.load_csv(
        "counts",
        "count,frequency,rows,flag\n1,a,x,true\n1,b,y,false\n2,b,z,true\n",
        restricted=True,
    )
    RowRule.objects.create(
        dataset=dataset, match=RowRule.Match.VALUES, column="frequency", values="b"
    )
    reader = user_with_role(ANALYST, username="ana")
    # When a reader with a rule admitting the "b" rows asks for its profile
    profile = services.dataset_profile(reader, dataset)
    # Then it is computed over those rows, whatever the columns are called
    assert profile["row_count"] == 2
    assert profile["columns"]["count"]["top"] == [[1, 1], [2, 1]]
    assert profile["columns"]["frequency"]["top"] == [["b", 2]]
    assert profile["columns"]["flag"] | {"top": None} == {
        "nulls": 0,
        "distinct": 2,
        "min": False,
        "max": True,
        "top": None,
    }


def test_the_builders_value_suggestions_offer_only_readable_values(readers, restricted_orders):
    # When North's analyst picks a filter on the region in the builder
    response = client_for(readers["north"]).get(
        "/bi/ask/", {"dataset": "orders", "f0_col": "region", "f0_op": "="}
    )
    # Then the value picker offers North only
    assert response.status_code == 200
    suggestions = dict(response.context["suggestions"])
    assert suggestions["region"] == ["North"]
    assert suggestions["status"] == ["completed"]
    page = response.content.decode()
    assert 'list="values-region"' in page
    assert '<option value="North">' in page
    assert '<option value="South">' not in page


def test_the_dataset_list_shows_no_row_count(readers, restricted_orders):
    # When the employee lists the datasets
    response = client_for(readers["employee"]).get("/bi/datasets/")
    # Then the list has no row-count column (it would count rows they may not read)
    assert response.status_code == 200
    assert ">Rows<" not in response.content.decode()
    assert ">Restricted<" in response.content.decode()


# --- row-level security belongs to the MIS office ------------------------------------------------


def test_an_analyst_cannot_switch_off_row_level_security(restricted_orders, api_client_for):
    # Given an analyst (who may change datasets) and an employee who reads no row of them
    analyst = user_with_role(ANALYST, username="ana")
    employee = user_with_role(EMPLOYEE, username="emp")
    url = f"/api/bi/datasets/{restricted_orders.pk}/"
    # When the analyst switches the restriction off in the API and on the page
    api = api_client_for(analyst).patch(url, {"restricted": False}, format="json")
    page = client_for(analyst).post(
        f"/bi/datasets/{restricted_orders.pk}/edit/",
        {"name": "orders", "title": "Orders renamed", "version": restricted_orders.version},
    )
    # Then both are refused, the dataset is unchanged and the employee still reads nothing
    assert api.status_code == 403
    assert page.status_code == 403
    restricted_orders.refresh_from_db()
    assert restricted_orders.restricted is True
    assert restricted_orders.title == "Orders"
    assert services.run_query(employee, COUNT)["rows"] == [[0]]
    # But the analyst still changes what is not security
    renamed = api_client_for(analyst).patch(url, {"title": "Orders 2024"}, format="json")
    assert renamed.status_code == 200
    assert renamed.json()["restricted"] is True


def test_importing_datasets_cannot_switch_off_row_level_security(restricted_orders, api_client_for):
    analyst = user_with_role(ANALYST, username="ana")
    csv = b"name,title,description,department,external_table,restricted\n"
    csv += b"orders,Orders,,,,false\n"
    # When the analyst imports the dataset with the restriction off
    response = api_client_for(analyst).post(
        "/api/bi/datasets/import/", {"file": _upload("datasets.csv", csv)}, format="multipart"
    )
    # Then the import is refused and the dataset stays restricted
    assert response.status_code == 400
    assert response.json()["updated"] == 0
    restricted_orders.refresh_from_db()
    assert restricted_orders.restricted is True


def _upload(name, content):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="text/csv")


def test_row_rules_need_the_row_security_permission_beside_the_rule_permissions(
    restricted_orders, api_client_for
):
    # Given a role that may write row rules and change datasets, but not row security
    role = Role.objects.create(
        group=Group.objects.create(name="Rule writers"), slug="rule_writers", scope="all"
    )
    role.group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="bi",
            codename__in=["view_rowrule", "add_rowrule", "change_rowrule", "view_dataset"],
        )
    )
    user = user_with_role(None, username="writer")
    user.groups.add(role.group)
    # When they add a rule admitting every row to everyone
    response = api_client_for(user).post(
        "/api/bi/row-rules/",
        {"dataset": restricted_orders.pk, "match": "all"},
        format="json",
    )
    # Then it is refused and no rule was added
    assert response.status_code == 403
    assert list(restricted_orders.rules.values_list("match", flat=True)) == ["region"]
    # And neither is an import of such a rule, nor a change of the existing one
    csv = b"id,dataset,role,department,match,column,values\n,orders,,,all,,\n"
    imported = api_client_for(user).post(
        "/api/bi/row-rules/import/", {"file": _upload("rules.csv", csv)}, format="multipart"
    )
    assert imported.status_code == 400
    assert imported.json()["created"] == 0
    rule = restricted_orders.rules.get()
    changed = api_client_for(user).patch(
        f"/api/bi/row-rules/{rule.pk}/", {"match": "all"}, format="json"
    )
    assert changed.status_code == 403
    assert list(restricted_orders.rules.values_list("match", flat=True)) == ["region"]


@pytest.mark.parametrize("slug", [DIRECTOR, STAFF])
def test_the_mis_office_switches_row_level_security_and_the_change_is_audited(
    slug, restricted_orders, api_client_for
):
    # Given an MIS director or staff member
    user = user_with_role(slug, username="mis")
    # When they switch the restriction off
    response = api_client_for(user).patch(
        f"/api/bi/datasets/{restricted_orders.pk}/", {"restricted": False}, format="json"
    )
    # Then it is switched off, and the change log names who did it and what changed
    assert response.status_code == 200
    restricted_orders.refresh_from_db()
    assert restricted_orders.restricted is False
    entry = LogEntry.objects.get_for_object(restricted_orders).order_by("-timestamp").first()
    assert entry.actor == user
    assert entry.changes_dict["restricted"] == ["True", "False"]
    # And the dataset's history on its page shows it
    page = client_for(user).get(restricted_orders.get_absolute_url()).content.decode()
    assert "restricted" in page.split('id="history"', 1)[-1].lower()


# --- what each role may do in BI, walked over the pages and the API -------------------------------

# The README's table, written out: (page status, API status) for each capability and role.
REACH = {
    DIRECTOR: {
        "ask": (200, 200),
        "sql": (200, 200),
        "save question": (302, 201),
        "save SQL question": (302, 201),
        "share": (302, 201),
        "row security": (302, 200),
        "all content": (200, 200),
    },
    STAFF: {
        "ask": (200, 200),
        "sql": (200, 200),
        "save question": (302, 201),
        "save SQL question": (302, 201),
        "share": (302, 201),
        "row security": (302, 200),
        "all content": (403, 404),
    },
    LEADER: {
        "ask": (200, 200),
        "sql": (403, 403),
        "save question": (302, 201),
        "save SQL question": (403, 403),
        "share": (403, 403),
        "row security": (403, 403),
        "all content": (403, 404),
    },
    ANALYST: {
        "ask": (200, 200),
        "sql": (200, 200),
        "save question": (302, 201),
        "save SQL question": (302, 201),
        "share": (302, 201),
        "row security": (403, 403),
        "all content": (403, 404),
    },
    EMPLOYEE: {
        "ask": (403, 403),
        "sql": (403, 403),
        "save question": (403, 403),
        "save SQL question": (403, 403),
        "share": (403, 403),
        "row security": (403, 403),
        "all content": (403, 404),
    },
}


def _walk(user, page: Client, api, dataset: Dataset) -> dict:
    """(page status, API status) of each BI capability for ``user``."""
    department = user.person.department
    other = user_with_role(ANALYST, username="someone-else")
    private = Dashboard.objects.create(title="Private", owner=other)
    own = Question.objects.create(
        title="Mine", spec=COUNT, dataset=dataset, owner=user, department=department
    )
    reach = {
        "ask": (
            page.get("/bi/ask/").status_code,
            api.post("/api/bi/query/", COUNT, format="json").status_code,
        ),
        "sql": (
            page.get("/bi/sql/").status_code,
            api.post("/api/bi/sql/", {"sql": "SELECT 1 AS one"}, format="json").status_code,
        ),
        "save question": (
            page.post(
                "/bi/ask/", {"dataset": "orders", "m0_agg": "count", "title": "Count"}
            ).status_code,
            api.post(
                "/api/bi/questions/",
                {"title": "Count", "spec": COUNT, "department": department.pk},
                format="json",
            ).status_code,
        ),
        "save SQL question": (
            page.post(
                "/bi/questions/add/",
                {
                    "title": "By SQL",
                    "chart": "table",
                    "visibility": "private",
                    "department": department.pk,
                    "spec": "{}",
                    "sql": "SELECT region FROM orders",
                },
            ).status_code,
            api.post(
                "/api/bi/questions/",
                {
                    "title": "By SQL",
                    "sql": "SELECT region FROM orders",
                    "department": department.pk,
                },
                format="json",
            ).status_code,
        ),
        "share": (
            page.post(
                f"/bi/share/question/{own.pk}/", {"target": f"user:{other.pk}", "level": "view"}
            ).status_code,
            api.post(
                "/api/bi/shares/",
                {"question": own.pk, "role": Role.objects.get(slug=EMPLOYEE).pk, "level": "view"},
                format="json",
            ).status_code,
        ),
        # The page's form leaves "restricted" unticked; the API then turns it the other way.
        "row security": (
            page.post(
                f"/bi/datasets/{dataset.pk}/edit/",
                {"name": "orders", "title": "Orders", "version": dataset.version},
            ).status_code,
            api.patch(
                f"/api/bi/datasets/{dataset.pk}/",
                {"restricted": not Dataset.objects.get(pk=dataset.pk).restricted},
                format="json",
            ).status_code,
        ),
        "all content": (
            page.get(private.get_absolute_url()).status_code,
            api.get(f"/api/bi/dashboards/{private.pk}/").status_code,
        ),
    }
    return reach


@pytest.mark.parametrize("slug", [DIRECTOR, STAFF, LEADER, ANALYST, EMPLOYEE])
def test_each_roles_bi_reach_is_the_same_on_the_pages_and_in_the_api(
    slug, restricted_orders, api_client_for
):
    # Given a user of the role
    user = user_with_role(slug, DepartmentFactory(name="Sales"), username="walker")
    # When they try each BI capability on its page and in the API
    reach = _walk(user, client_for(user), api_client_for(user), restricted_orders)
    # Then the page and the API agree, as the README's table says
    assert reach == REACH[slug]
    # And no refused SQL question was saved
    if REACH[slug]["save SQL question"] == (403, 403):
        assert not Question.objects.filter(title="By SQL").exists()


def test_an_editor_without_the_sql_right_cannot_change_a_questions_sql(
    restricted_orders, api_client_for
):
    # Given an analyst's SQL question, shared for editing with a department leader
    analyst = user_with_role(ANALYST, username="ana")
    sales = DepartmentFactory(name="Sales")
    leader = user_with_role(LEADER, sales, username="lead")
    question = Question.objects.create(
        title="Regions", sql="SELECT region FROM orders", owner=analyst, department=sales
    )
    question.shares.create(user=leader, level="edit")
    api = api_client_for(leader)
    # When the leader renames it, then rewrites its SQL
    renamed = api.patch(f"/api/bi/questions/{question.pk}/", {"title": "Our regions"})
    rewritten = api.patch(
        f"/api/bi/questions/{question.pk}/", {"sql": "SELECT * FROM orders"}, format="json"
    )
    # Then the rename is saved, the rewrite refused, and the SQL is the analyst's
    assert renamed.status_code == 200
    assert rewritten.status_code == 403
    question.refresh_from_db()
    assert (question.title, question.sql) == ("Our regions", "SELECT region FROM orders")


# --- the MIS office sees and administers all BI content --------------------------------------


def test_the_director_opens_edits_and_reads_a_dashboard_not_shared_with_them(
    restricted_orders, api_client_for
):
    # Given the analyst's "Sales overview", shared with Sales only, over restricted orders
    analyst = user_with_role(ANALYST, DepartmentFactory(name="Sales"), username="ana")
    board = Dashboard.objects.create(title="Sales overview", owner=analyst)
    question = f.question(owner=analyst)
    card = board.cards.create(question=question, position=0)
    # And a director whose department lies in the South region
    director = user_with_role(
        DIRECTOR, DepartmentFactory(name="MIS", region="South"), username="dir"
    )
    page = client_for(director)
    # When the director opens it
    response = page.get(board.get_absolute_url())
    # Then they see it, and its card answers with the director's row rules (South only)
    assert response.status_code == 200
    assert "Sales overview" in response.content.decode()
    rendered = page.get(f"/bi/cards/{card.pk}/render/")
    assert rendered.status_code == 200
    assert rendered.context["result"]["rows"] == [["South", 350.25]]
    # And they may edit it, on the page and in the API
    assert page.get(f"/bi/dashboards/{board.pk}/edit/").status_code == 200
    api = api_client_for(director)
    changed = api.patch(f"/api/bi/dashboards/{board.pk}/", {"title": "Sales"}, format="json")
    assert changed.status_code == 200
    assert [q["title"] for q in api.get("/api/bi/questions/").json()["results"]] == [question.title]
    # While staff, without the grant, still do not see it
    staff = user_with_role(STAFF, username="staffer")
    assert client_for(staff).get(board.get_absolute_url()).status_code == 403


def test_the_director_may_grant_staff_the_administration_of_bi_content(restricted_orders):
    # Given a private dashboard of an analyst and a staff member
    analyst = user_with_role(ANALYST, username="ana")
    board = Dashboard.objects.create(title="Private board", owner=analyst)
    staff = user_with_role(STAFF, username="staffer")
    assert client_for(staff).get(board.get_absolute_url()).status_code == 403
    # When the director grants MIS staff the administration of BI content under Roles
    role = Role.objects.get(slug=STAFF)
    role.group.permissions.add(
        Permission.objects.get(content_type__app_label="bi", codename="administer_content")
    )
    # Then staff open and may edit it
    staff = type(staff).objects.get(pk=staff.pk)
    assert client_for(staff).get(board.get_absolute_url()).status_code == 200
    assert client_for(staff).get(f"/bi/dashboards/{board.pk}/edit/").status_code == 200


def test_the_change_history_keeps_no_figure_counted_over_every_row(readers, restricted_orders):
    # Given restricted orders, loaded (row count and profile written) by the import
    url = restricted_orders.get_absolute_url()
    # When an employee without a rule opens the dataset's page
    page = client_for(readers["employee"]).get(url).content.decode()
    # Then its change history shows neither the count of all rows nor their profile
    import re

    history = page[page.index('class="list-unstyled history"') :]
    text = " ".join(re.sub(r"<[^>]+>", " ", history).split())
    assert not re.search(r"\b(Rows|Row count|Profile)\s*:", text, re.IGNORECASE), text
    assert re.search(r"\bcreated\b", text)  # the dataset's history itself is there
