"""The SQL editor's result saved as a question, charted and downloaded, with the guard and the
reader's row rules in front of every SQL; a SQL question opened back in the editor."""

import csv
import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from openmis.bi.models import Question, RowRule
from openmis.bi.tests import factories as f
from openmis.org.roles import ANALYST, EMPLOYEE
from openmis.org.tests.factories import DepartmentFactory, user_with_role

pytestmark = pytest.mark.django_db
SQL = "SELECT region, SUM(amount) AS revenue FROM orders GROUP BY region ORDER BY region"


@pytest.fixture
def analyst():
    f.orders()
    return user_with_role(ANALYST, DepartmentFactory(name="Sales"), username="ana")


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_sql_result_is_charted(analyst):
    response = client_for(analyst).post("/bi/sql/", {"sql": SQL, "chart": "bar"})
    assert response.status_code == 200
    option = response.context["chart_options"]
    assert option["xAxis"]["data"] == ["North", "South", "West"]
    assert [s["name"] for s in option["series"]] == ["revenue"]


def test_a_sql_result_is_saved_as_a_question_and_opens_back_in_the_editor(analyst):
    client = client_for(analyst)
    response = client.post(
        "/bi/sql/", {"sql": SQL, "chart": "bar", "title": "Revenue (SQL)", "save": "new"}
    )
    assert response.status_code == 302
    question = Question.objects.get(title="Revenue (SQL)")
    assert (question.sql, question.chart, question.spec, question.owner) == (
        SQL,
        "bar",
        {},
        analyst,
    )
    # Its page opens it in the SQL editor, which holds its SQL and chart
    page = client.get(question.get_absolute_url()).content.decode()
    assert f"/bi/sql/?question={question.pk}" in page
    editor = client.get("/bi/sql/", {"question": question.pk})
    assert (editor.context["sql"], editor.context["chart"]) == (SQL, "bar")
    # And saving changes goes into the same question
    changed = SQL.replace("ORDER BY region", "ORDER BY revenue DESC")
    saved = client.post(
        "/bi/sql/",
        {"sql": changed, "chart": "line", "question": question.pk, "save": "update", "title": ""},
    )
    assert saved.status_code == 302
    question.refresh_from_db()
    assert (question.sql, question.chart, question.title) == (changed, "line", "Revenue (SQL)")
    assert Question.objects.count() == 1


def test_sql_the_guard_refuses_is_neither_saved_nor_exported(analyst):
    client = client_for(analyst)
    bad = "DELETE FROM orders"
    response = client.post("/bi/sql/", {"sql": bad, "title": "Oops", "save": "new"})
    assert response.status_code == 400
    assert not Question.objects.exists()
    export = client.post("/bi/sql/export.csv", {"sql": bad})
    assert export.status_code == 302


def test_a_sql_result_downloads_as_csv_and_xlsx_through_the_row_rules():
    dataset = f.orders(restricted=True)
    RowRule.objects.create(dataset=dataset, match=RowRule.Match.REGION, column="region")
    north = user_with_role(
        ANALYST, DepartmentFactory(name="Sales North", region="North"), username="north"
    )
    client = client_for(north)
    response = client.post("/bi/sql/export.csv", {"sql": SQL})
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows == [["region", "revenue"], ["North", "375.75"]]
    xlsx = client.post("/bi/sql/export.xlsx", {"sql": SQL})
    sheet = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).active
    assert sheet["A2"].value == "North"
    assert sheet.max_row == 2
    assert client.get("/bi/sql/export.csv").status_code == 405


def test_who_may_not_write_sql_may_not_export_it(analyst):
    employee = user_with_role(EMPLOYEE, DepartmentFactory(name="Ops"), username="emp")
    assert client_for(employee).post("/bi/sql/export.csv", {"sql": SQL}).status_code == 403
    assert client_for(employee).post("/bi/sql/", {"sql": SQL}).status_code == 403
