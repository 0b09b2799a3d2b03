"""Exports write stored text as inert text: no live formulas (OWASP "CSV injection"), and no
control characters that XLSX cannot hold (which made the whole export answer 500)."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from openmis.appraisal.tests.factories import (
    AlternativeFactory,
    CashFlowLineFactory,
    EvaluationFactory,
)
from openmis.core.exports import safe_cell
from openmis.org.models import Person
from openmis.org.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

FORMULA = '=HYPERLINK("http://x","y")'
ESCAPES = "\x1b[31mERROR\x1b[0m"
PEOPLE = "/api/org/people/"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def csv_rows(response) -> list[list[str]]:
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(content)))


def xlsx_cells(response):
    """The cells (not only the values) of the first sheet, row by row."""
    sheet = load_workbook(io.BytesIO(response.getvalue())).worksheets[0]
    return [list(row) for row in sheet.iter_rows()]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (FORMULA, "'" + FORMULA),
        ("+48 600 700 800", "'+48 600 700 800"),
        ("-1+1", "'-1+1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("-12.5", "-12.5"),  # text that is only a number cannot run
        ("a = b", "a = b"),
        (ESCAPES, "[31mERROR[0m"),
        ("line\nnext\ttab", "line\nnext\ttab"),
        (-5, -5),
        (None, None),
    ],
)
def test_safe_cell(value, expected):
    assert safe_cell(value) == expected


@pytest.fixture
def marked(department):
    """A person whose job title is a formula and whose phone holds terminal colour codes."""
    return PersonFactory(
        department=department, last_name="Zed", job_title=FORMULA, phone=f"+48 {ESCAPES}"
    )


def test_generic_csv_export_neutralises_formulas(director_client, api_client_for, director, marked):
    page = director_client.get("/org/people/export/", {"format": "csv", "q": "Zed"})
    api = api_client_for(director).get(f"{PEOPLE}export/", {"format": "csv", "q": "Zed"})
    for response in (page, api):
        assert response.status_code == 200
        header, *rows = csv_rows(response)
        row = next(r for r in rows if r[header.index("last_name")] == "Zed")
        assert row[header.index("job_title")] == "'" + FORMULA
        assert row[header.index("phone")] == "'+48 [31mERROR[0m"


def test_generic_xlsx_export_writes_text_cells_without_control_characters(
    director_client, api_client_for, director, marked
):
    page = director_client.get("/org/people/export/", {"format": "xlsx", "q": "Zed"})
    api = api_client_for(director).get(f"{PEOPLE}export/", {"format": "xlsx", "q": "Zed"})
    for response in (page, api):
        assert response.status_code == 200
        assert response["Content-Type"] == XLSX
        header, *rows = xlsx_cells(response)
        names = [c.value for c in header]
        row = next(r for r in rows if r[names.index("Last name")].value == "Zed")
        title = row[names.index("Job title")]
        assert (title.value, title.data_type) == ("'" + FORMULA, "s")
        assert row[names.index("Phone")].value == "'+48 [31mERROR[0m"


def test_appraisal_workbook_keeps_numbers_and_neutralises_text(director_client, department):
    evaluation = EvaluationFactory(department=department, horizon_years=1)
    alternative = AlternativeFactory(evaluation=evaluation, name="@Buy")
    CashFlowLineFactory(
        alternative=alternative, year=0, amount=-1000, category="other", note=f"={ESCAPES}"
    )
    response = director_client.get(f"/appraisal/evaluations/{evaluation.pk}/workbook.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.getvalue()))["Cash flows"]
    row = list(next(sheet.iter_rows(min_row=2, max_row=2)))
    assert [row[0].value, row[0].data_type] == ["'@Buy", "s"]
    assert [row[3].value, row[3].data_type] == [-1000, "n"]  # a negative number stays a number
    assert [row[6].value, row[6].data_type] == ["'=[31mERROR[0m", "s"]


def test_new_text_is_stored_without_control_characters(
    director_client, api_client_for, director, department
):
    api = api_client_for(director)
    # through the API
    created = api.post(
        PEOPLE,
        {
            "first_name": "Log",
            "last_name": "Paste",
            "email": "log@example.com",
            "department": department.pk,
            "job_title": f"{ESCAPES}\tdone",
        },
        format="json",
    )
    assert created.status_code == 201
    assert created.json()["job_title"] == "[31mERROR[0m\tdone"  # the tab stays
    # through an import
    upload = io.BytesIO(
        "first_name,last_name,email,department,job_title\n"
        f"Ola,Nowak,ola@example.com,Marketing,{ESCAPES}\n".encode()
    )
    upload.name = "people.csv"
    report = api.post(f"{PEOPLE}import/", {"file": upload}, format="multipart")
    assert report.status_code == 200, report.content
    assert Person.objects.get(email="ola@example.com").job_title == "[31mERROR[0m"
    # and every export of them answers 200
    response = director_client.get("/org/people/export/", {"format": "xlsx"})
    assert response.status_code == 200


def test_generic_xlsx_export_is_sent_from_a_file_not_built_in_the_response(
    director_client, api_client_for, director
):
    # Given people to export
    PersonFactory(first_name="Ann", last_name="Zed")
    # When their list is exported as XLSX on the page and through the API
    page = director_client.get("/org/people/export/", {"format": "xlsx"})
    api = api_client_for(director).get(f"{PEOPLE}export/", {"format": "xlsx"})
    # Then both stream the workbook from a file (no copy of it in the response's memory)
    for response in (page, api):
        assert response.status_code == 200
        assert response.streaming
        assert response["Content-Disposition"] == 'attachment; filename="people.xlsx"'
        sheet = load_workbook(io.BytesIO(response.getvalue())).worksheets[0]
        assert any("Zed" in row for row in sheet.iter_rows(values_only=True))


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_exported_file_imports_back_without_the_quotes(director, api_client_for, marked, fmt):
    # Given a person whose phone and job title were quoted by the export
    api = api_client_for(director)
    exported = api.get(f"{PEOPLE}export/", {"format": fmt, "q": "Zed"}).getvalue()
    # When the exported file is imported back unchanged
    response = api.post(
        f"{PEOPLE}import/",
        {"file": SimpleUploadedFile(f"people.{fmt}", exported), "dry_run": "false"},
        format="multipart",
    )
    # Then the person is updated to exactly what they were: no quote is gained
    assert response.status_code == 200, response.json()
    assert response.json()["updated"] == 1
    marked.refresh_from_db()
    assert (marked.job_title, marked.phone) == (FORMULA, "+48 [31mERROR[0m")
