"""The builder's filter value picker: ``GET /api/bi/values/`` lists a column's distinct values
through the reader's row rules, with the query API's access check, searched in any case,
capped, and a 400 JSON naming the field for bad input."""

import pytest
from rest_framework.test import APIClient

from openmis.bi import services
from openmis.bi.models import RowRule
from openmis.bi.tests import factories as f
from openmis.org.roles import ANALYST, EMPLOYEE
from openmis.org.tests.factories import DepartmentFactory, user_with_role

pytestmark = pytest.mark.django_db
URL = "/api/bi/values/"


def api_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def north():
    dataset = f.orders(restricted=True)
    RowRule.objects.create(dataset=dataset, match=RowRule.Match.REGION, column="region")
    department = DepartmentFactory(name="Sales North", region="North")
    return user_with_role(ANALYST, department, username="north")


def test_the_picker_lists_only_the_values_the_reader_may_read(north):
    response = api_for(north).get(URL, {"dataset": "orders", "column": "region"})
    assert response.status_code == 200
    assert response.json() == {"values": ["North"], "truncated": False}
    # Values of another column, over North's rows only (South's "cancelled" is not there)
    statuses = api_for(north).get(URL, {"dataset": "orders", "column": "status"}).json()
    assert statuses["values"] == ["completed"]


def test_the_picker_searches_in_any_case():
    f.orders()
    analyst = user_with_role(ANALYST, DepartmentFactory(name="Sales"), username="ana")
    client = api_for(analyst)
    assert client.get(URL, {"dataset": "orders", "column": "region", "q": "OUT"}).json() == {
        "values": ["South"],
        "truncated": False,
    }
    everything = client.get(URL, {"dataset": "orders", "column": "region"}).json()
    assert everything["values"] == ["North", "South", "West"]
    # Numbers and dates are searched as they read
    amounts = client.get(URL, {"dataset": "orders", "column": "amount", "q": "00"}).json()
    assert amounts["values"] == [100.5, 200.0, 300.0]


def test_the_picker_is_capped():
    f.orders()
    analyst = user_with_role(ANALYST, DepartmentFactory(name="Sales"), username="ana")
    response = api_for(analyst).get(URL, {"dataset": "orders", "column": "id", "limit": 4})
    assert response.json() == {"values": [1, 2, 3, 4], "truncated": True}
    too_many = api_for(analyst).get(URL, {"dataset": "orders", "column": "id", "limit": 5000})
    assert too_many.status_code == 400
    assert "limit" in too_many.json()
    assert services.column_values(analyst, "orders", "id", limit=10**6)["truncated"] is False


def test_who_may_not_ask_questions_gets_no_values():
    f.orders()
    employee = user_with_role(EMPLOYEE, DepartmentFactory(name="Ops"), username="emp")
    response = api_for(employee).get(URL, {"dataset": "orders", "column": "region"})
    assert response.status_code == 403
    assert APIClient().get(URL, {"dataset": "orders", "column": "region"}).status_code in (401, 403)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"dataset": "orders", "column": "nope"}, "dimensions[0]"),
        ({"dataset": "nope", "column": "region"}, "dataset"),
        ({"dataset": "orders"}, "column"),
        ({"dataset": "orders", "column": "region", "limit": "x"}, "limit"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(params, field):
    f.orders()
    analyst = user_with_role(ANALYST, DepartmentFactory(name="Sales"), username="ana")
    response = api_for(analyst).get(URL, params)
    assert response.status_code == 400
    assert any(key.startswith(field) for key in response.json()), response.json()
