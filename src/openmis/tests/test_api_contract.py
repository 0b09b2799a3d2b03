"""What the published schema promises about the generic API, request by request: the rules that
schemathesis (``test_schemathesis.py``) found unstated or unheld, each pinned by a plain test."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.utils import timezone

from openmis.core import registry
from openmis.core.api import LOCAL_TIME_PATTERN
from openmis.feedback.models import StatusChange
from openmis.org.models import Department
from openmis.org.tests.factories import DepartmentFactory

PEOPLE = "/api/org/people/"
DEPARTMENTS = "/api/org/departments/"


@pytest.fixture
def api(director, api_client_for):
    return api_client_for(director)


@pytest.fixture(scope="module")
def schema():
    """The published schema, built once: the schema view is public and reads no table."""
    return Client().get("/api/schema/?format=json").json()


# --- exports -----------------------------------------------------------------------------------


@pytest.mark.parametrize("query", ["format=", "format=csv&format=xlsx"])
def test_export_with_an_empty_or_repeated_format_is_400(api, query):
    # when an export names its format as nothing, or twice
    response = api.get(f"{PEOPLE}export/?{query}")
    # then it is refused as the schema says (enum csv, xlsx), not answered as CSV
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"format": ["Choose csv or xlsx."]}


def test_export_without_a_format_is_csv_as_the_schema_says(api, schema):
    response = api.get(f"{PEOPLE}export/")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    parameters = schema["paths"][f"{PEOPLE}export/"]["get"]["parameters"]
    (fmt,) = [p for p in parameters if p["name"] == "format"]
    assert fmt["schema"] == {"type": "string", "enum": ["csv", "xlsx"], "default": "csv"}


# --- pagination --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "errors"),
    [
        ("page=", {"page": ["A whole number from 1 is required."]}),
        ("page=0", {"page": ["A whole number from 1 is required."]}),
        ("page_size=null", {"page_size": ["A whole number from 1 is required."]}),
        ("page_size=false", {"page_size": ["A whole number from 1 is required."]}),
        ("page_size=-1", {"page_size": ["A whole number from 1 is required."]}),
        ("page_size=1001", {"page_size": ["Ensure this value is less than or equal to 1000."]}),
        ("page=1&page=2", {"page": ["Give this parameter once."]}),
    ],
)
def test_a_page_or_page_size_the_schema_does_not_admit_is_400(api, query, errors):
    # when a list is asked for with a page or page size outside the schema's integer 1..1000
    response = api.get(f"{DEPARTMENTS}?{query}")
    # then it is refused, where DRF used to answer the first page of 50 instead
    assert response.status_code == 400
    assert response.json() == errors


def test_pages_within_the_schema_are_served(api, department, schema):
    assert api.get(f"{DEPARTMENTS}?page=1&page_size=1000").json()["count"] == 1
    assert api.get(f"{DEPARTMENTS}?page=last").status_code == 200
    parameters = {p["name"]: p["schema"] for p in schema["paths"][DEPARTMENTS]["get"]["parameters"]}
    assert parameters["page"] == {"type": "integer", "minimum": 1}
    assert parameters["page_size"] == {"type": "integer", "minimum": 1, "maximum": 1000}


# --- read-only types ---------------------------------------------------------------------------


def test_types_written_by_services_only_publish_no_writes(schema):
    read_only = [ot for ot in registry.all_types() if ot.read_only]
    assert {ot.label for ot in read_only} == {
        "bi.importjob",
        "feedback.feedbackstatuschange",
        "feedback.statuschange",
        "governance.acknowledgement",
        "governance.campaign",
        "governance.certificate",
        "portfolio.lifecycletransition",
    }
    for ot in read_only:
        base = f"/api/{ot.app_label}/{ot.slug}/"
        assert set(schema["paths"][base]) == {"get"}, base
        assert set(schema["paths"][base + "{id}/"]) == {"get"}, base
        assert base + "import/" not in schema["paths"]


def test_a_write_to_a_read_only_type_is_still_refused(api, department):
    before = StatusChange.objects.count()
    response = api.post("/api/feedback/status-changes/", {}, format="json")
    assert response.status_code == 403
    assert StatusChange.objects.count() == before


# --- times of day ------------------------------------------------------------------------------


def test_times_of_day_are_local_times_with_a_pattern(schema):
    series = schema["components"]["schemas"]["MeetingSeries"]["properties"]["start_time"]
    assert series == {"type": "string", "pattern": LOCAL_TIME_PATTERN, "example": "10:00:00"}
    assert '"format": "time"' not in str(schema).replace("'", '"')
    for value in ("10:00", "10:00:00", "23:59:59.123456"):
        assert re.match(LOCAL_TIME_PATTERN, value)
    for value in ("10:00:00+01:00", "24:00", "1000", ""):
        assert not re.match(LOCAL_TIME_PATTERN, value)


# --- imports -----------------------------------------------------------------------------------


def test_import_schema_states_the_file_types(schema):
    # the rule of imports.read_table: the file name's extension says the type
    body = schema["paths"][f"{DEPARTMENTS}import/"]["post"]["requestBody"]["content"]
    encoding = body["multipart/form-data"]["encoding"]["file"]
    assert encoding["contentType"] == (
        "text/csv, application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )


# --- text and decimals -------------------------------------------------------------------------


def test_a_number_where_text_is_expected_is_400(api):
    # when a department's name is sent as a number
    response = api.post(DEPARTMENTS, {"name": 5}, format="json")
    # then it is refused as the schema says (type: string), not stored as "5"
    assert response.status_code == 400
    assert response.json() == {"name": ["Not a valid string."]}
    assert list(Department.objects.values_list("name", flat=True)) == ["Marketing"]


def test_text_longer_than_the_schema_admits_is_400_even_with_spaces_around(api, department):
    name = " " * 5 + "x" * 96  # 101 characters as sent, 96 once trimmed
    response = api.patch(f"{DEPARTMENTS}{department.pk}/", {"name": name}, format="json")
    assert response.status_code == 400
    assert response.json() == {"name": ["Ensure this field has no more than 100 characters."]}
    department.refresh_from_db()
    assert department.name == "Marketing"


def test_decimals_are_text_with_at_least_one_digit(schema):
    budget = schema["components"]["schemas"]["DeploymentProjectRequest"]["properties"]["budget"]
    pattern = budget["pattern"]
    for value in ("12", "-12.5", ".5", "12."):
        assert re.match(pattern, value), value
    for value in ("", "-", ".", "1e5", "12.345"):
        assert not re.match(pattern, value), value


# --- filters -----------------------------------------------------------------------------------


def test_an_empty_filter_lists_all_rows_as_the_schema_says(api, department, schema):
    DepartmentFactory(name="IT", parent=department)
    response = api.get(f"{DEPARTMENTS}?parent=")
    assert response.status_code == 200
    assert response.json()["count"] == 2
    parameters = {p["name"]: p["schema"] for p in schema["paths"][DEPARTMENTS]["get"]["parameters"]}
    assert parameters["parent"] == {
        "anyOf": [{"type": "integer"}, {"type": "string", "enum": [""]}]
    }


# --- methods -----------------------------------------------------------------------------------


PATHS_WITH_AN_ID = [
    "/api/auth/tokens/{id}/",
    "/api/bi/datasets/{id}/upload/",
    "/api/bi/datasets/{id}/profile/",
    "/api/meetings/occurrences/{id}/follow-up/",
]


@pytest.mark.parametrize("path", PATHS_WITH_AN_ID)
def test_a_method_a_published_path_lacks_is_405_for_any_integer_id(api, schema, path):
    # the schema publishes {id} as any integer (no minimum), and no TRACE
    (operation,) = schema["paths"][path].values()
    (id_schema,) = [p["schema"] for p in operation["parameters"] if p["name"] == "id"]
    assert id_schema == {"type": "integer"}
    assert "trace" not in schema["paths"][path]
    for id_ in (-1, 0, 7):
        response = api.generic("TRACE", path.replace("{id}", str(id_)))
        # the path's view answers 405, where the URL resolver used to answer 404 below 0
        assert response.status_code == 405, id_


# --- follow-up of a meeting ----------------------------------------------------------------------

FOLLOW_UP = "/api/meetings/occurrences/{id}/follow-up/"


def _properties(schema, name) -> dict:
    return schema["components"]["schemas"][name]["properties"]


def test_the_follow_up_publishes_the_fields_it_returns(api, schema, department):
    from datetime import UTC, datetime, timedelta

    from openmis.feedback.tests.factories import FeedbackFactory
    from openmis.meetings.tests.factories import (
        ActionItemFactory,
        OccurrenceFactory,
        OutcomeFactory,
        SeriesFactory,
    )

    # Given a meeting whose predecessor left feedback, an open action item and a decision
    series = SeriesFactory(department=department)
    start = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    earlier = OccurrenceFactory(series=series, start=start, end=start + timedelta(hours=1))
    later = OccurrenceFactory(
        series=series, start=start + timedelta(days=7), end=start + timedelta(days=7, hours=1)
    )
    FeedbackFactory(occurrence=earlier)
    ActionItemFactory(occurrence=earlier, due_date=timezone.localdate())
    OutcomeFactory(occurrence=earlier, kind="decision")
    # Then the response has exactly the fields the schema names, for each list
    operation = schema["paths"][FOLLOW_UP]["get"]
    ref = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    top = schema["components"]["schemas"][ref.rsplit("/", 1)[1]]
    assert set(top["required"]) == {"feedback", "action_items", "decisions"}
    data = api.get(FOLLOW_UP.replace("{id}", str(later.pk))).json()
    assert set(data) == set(top["properties"])
    for key, fields in (
        ("feedback", {"id", "status", "improvement", "improvement_status"}),
        ("action_items", {"id", "title", "owner", "due_date", "overdue", "occurrence"}),
        ("decisions", {"id", "text", "occurrence", "date"}),
    ):
        item_ref = top["properties"][key]["items"]["$ref"].rsplit("/", 1)[1]
        assert set(_properties(schema, item_ref)) == fields
        (row,) = data[key]
        assert set(row) == fields, key
