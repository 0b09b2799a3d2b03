"""Limits that must hold on every endpoint: a deeply nested JSON body is a 400, not a 500."""

from __future__ import annotations

import pytest

from openmis.core.drf import MAX_JSON_DEPTH
from openmis.org.models import Department
from openmis.org.roles import ANALYST

pytestmark = pytest.mark.django_db

DEEP = "[" * 10_000 + "]" * 10_000


@pytest.mark.parametrize(
    "url", ["/api/org/departments/", "/api/bi/query/", "/api/appraisal/appraise/"]
)
def test_a_body_nested_10000_levels_deep_is_a_400_on_every_post_endpoint(
    url, director, make_user, api_client_for
):
    """Given the director (or an analyst, for BI), when a 10,000-level body is posted, then 400."""
    user = make_user(ANALYST) if "/bi/" in url else director
    before = Department.objects.count()

    response = api_client_for(user).post(url, DEEP, content_type="application/json")

    assert response.status_code == 400
    assert response.json() == {
        "detail": f"The JSON body is nested more than {MAX_JSON_DEPTH} levels deep."
    }
    assert Department.objects.count() == before


def test_a_body_just_over_the_depth_limit_is_refused_and_one_at_it_reaches_the_view(
    director, api_client_for
):
    """Depth 65 (it parses: under Python's recursion limit) is refused; depth 64 is validated."""
    api = api_client_for(director)

    def nested(lists: int) -> str:  # an object holding ``lists`` nested lists: depth lists + 1
        return '{"name": ' + "[" * lists + "]" * lists + "}"

    refused = api.post(
        "/api/org/departments/",
        nested(MAX_JSON_DEPTH),
        format=None,
        content_type="application/json",
    )
    validated = api.post(
        "/api/org/departments/", nested(MAX_JSON_DEPTH - 1), content_type="application/json"
    )

    assert refused.status_code == 400
    assert refused.json() == {
        "detail": f"The JSON body is nested more than {MAX_JSON_DEPTH} levels deep."
    }
    assert validated.status_code == 400
    assert "name" in validated.json()


# --- imports -----------------------------------------------------------------------------------

PEOPLE_HEADER = ["first_name", "last_name", "email", "department", "job_title"]


def _xlsx(rows) -> bytes:
    import io

    from openpyxl import Workbook

    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _errors(report):
    return [(e.row, e.column, e.message) for e in report.errors]


@pytest.fixture
def rows_read(monkeypatch):
    """How many rows openpyxl's read-only sheets have handed out (a list of one count)."""
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    count = [0]
    original = ReadOnlyWorksheet.iter_rows

    def counting(self, *args, **kwargs):
        for row in original(self, *args, **kwargs):
            count[0] += 1
            yield row

    monkeypatch.setattr(ReadOnlyWorksheet, "iter_rows", counting)
    return count


def test_an_xlsx_import_over_the_row_limit_stops_reading_at_the_limit(
    director, department, settings, rows_read
):
    from openmis.core import registry
    from openmis.core.imports import run_import
    from openmis.org.models import Person

    # Given a row limit of 2 and a workbook of 10 people
    settings.OPENMIS_IMPORT_MAX_ROWS = 2
    content = _xlsx(
        [PEOPLE_HEADER] + [["A", "B", f"p{i}@example.com", department.name, ""] for i in range(10)]
    )
    before = Person.objects.count()
    # When it is imported
    report = run_import(registry.get(Person), "people.xlsx", content, director, dry_run=False)
    # Then it is refused after reading the header and 3 rows, not all 11, and nothing is written
    assert _errors(report) == [
        (None, None, "The file has more than 2 rows; split it into smaller files.")
    ]
    assert rows_read == [4]
    assert Person.objects.count() == before


def test_blank_rows_do_not_count_towards_the_limit_and_keep_their_line_numbers(
    director, department, settings
):
    from openmis.core import registry
    from openmis.core.imports import run_import
    from openmis.org.models import Person

    # Given a row limit of 2, two people with a blank row between, and blank rows at the end
    settings.OPENMIS_IMPORT_MAX_ROWS = 2
    content = _xlsx(
        [
            PEOPLE_HEADER,
            ["Ola", "Nowak", "ola@example.com", department.name, ""],
            ["", "", "", "", ""],
            ["Jan", "Kot", "not-an-email", department.name, ""],
            *[["", "", "", "", ""]] * 5,
        ]
    )
    # When it is checked
    report = run_import(registry.get(Person), "people.xlsx", content, director, dry_run=True)
    # Then the file is within the limit and the bad row is named by its line in the sheet
    assert _errors(report) == [(4, "email", "Enter a valid email address.")]


def test_a_null_character_in_an_import_is_refused_naming_row_and_column(director, department):
    """XLSX cannot hold one (XML forbids it); CSV can, and is refused as the API refuses it."""
    from openmis.core import registry
    from openmis.core.imports import run_import
    from openmis.org.models import Person

    # Given a CSV whose second person has a null character in the job title
    rows = [
        PEOPLE_HEADER,
        ["Ola", "Nowak", "ola@example.com", department.name, "Analyst"],
        ["Jan", "Kot", "jan@example.com", department.name, "Lead\x00er"],
    ]
    content = "".join(",".join(row) + "\n" for row in rows).encode()
    before = Person.objects.count()
    # When it is imported
    report = run_import(registry.get(Person), "people.csv", content, director, dry_run=False)
    # Then the row and column are named, and nothing is written
    assert _errors(report) == [(3, "job_title", "Null characters are not allowed.")]
    assert Person.objects.count() == before


# --- the server ---------------------------------------------------------------------------------


def test_each_server_keeps_its_gunicorn_control_socket_in_its_own_data_directory(
    settings, tmp_path
):
    from gunicorn.config import Config

    from openmis import cli

    def control_socket(data_dir):
        settings.DATA_DIR = data_dir
        argv = cli.gunicorn_argv("127.0.0.1:8000")
        assert argv[:4] == [cli.sys.executable, "-m", "gunicorn", "openmis.wsgi:application"]
        # As gunicorn itself reads the command line
        parsed = Config().parser().parse_args(argv[3:])
        return parsed.control_socket, bool(parsed.control_socket_disable)

    # Given two servers with data directories of their own
    first, second = tmp_path / "first", tmp_path / "second"
    # Then each has its control socket in its data directory, ready to be created
    assert control_socket(first) == (str(first / "run" / "gunicorn.ctl"), False)
    assert control_socket(second) == (str(second / "run" / "gunicorn.ctl"), False)
    assert (first / "run").is_dir()
    # And a data directory too deep for a socket path gets none rather than a failing start
    deep = tmp_path / ("d" * 120)
    assert control_socket(deep)[1] is True
