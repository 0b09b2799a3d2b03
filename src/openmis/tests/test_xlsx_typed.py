"""XLSX exports hold what a reader sees, typed: numbers as numbers, dates as dates, choices
and yes/no as words, headers as the fields' labels in the reader's language; only the rows of
the list as it is filtered, and text that looks like a formula stays text."""

from __future__ import annotations

import io
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.conf import settings
from openpyxl import load_workbook

from openmis.core import registry
from openmis.core.imports import run_import
from openmis.org.tests.factories import PersonFactory
from openmis.portfolio.models import System
from openmis.portfolio.tests.factories import ContractFactory, SystemFactory, VendorFactory

pytestmark = pytest.mark.django_db


def content(response) -> bytes:
    if not hasattr(response, "_read"):
        response._read = response.getvalue()  # a file response can be read only once
    return response._read


def sheet_of(response):
    return load_workbook(io.BytesIO(content(response))).worksheets[0]


def table(response) -> list[dict]:
    header, *rows = list(sheet_of(response).iter_rows(values_only=True))
    return [dict(zip(header, row, strict=True)) for row in rows]


@pytest.fixture
def contract():
    return ContractFactory(
        title="Licencje",
        vendor=VendorFactory(name="Acme"),
        value=Decimal("12000.50"),
        start_date=date(2026, 1, 1),
        end_date=date(2026, 12, 31),
        notice_days=90,
        auto_renewal=True,
    )


def test_cells_are_typed_with_english_labels(director_client, contract):
    response = director_client.get("/portfolio/contracts/export/", {"format": "xlsx"})
    assert response.status_code == 200
    [row] = table(response)
    assert row["Title"] == "Licencje"
    assert row["Vendor"] == "Acme"
    assert isinstance(row["Annual value"], int | float | Decimal)
    assert row["Annual value"] == pytest.approx(12000.50)
    assert row["End date"] == datetime(2026, 12, 31)  # an Excel date, read back as datetime
    assert row["Notice period (days)"] == 90
    assert row["Renews automatically"] == "Yes"
    cells = {c.value: i for i, c in enumerate(next(sheet_of(response).iter_rows()))}
    value_cell = list(sheet_of(response).iter_rows())[1][cells["Annual value"]]
    assert value_cell.number_format == "#,##0.00"


def test_headers_and_words_in_polish(director_client, contract):
    director_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "pl"
    response = director_client.get("/portfolio/contracts/export/", {"format": "xlsx"})
    [row] = table(response)
    assert row["Tytuł"] == "Licencje"
    assert row["Wartość roczna"] == pytest.approx(12000.50)
    assert row["Data zakończenia"] == datetime(2026, 12, 31)
    assert "Tak" in row.values()
    end = next(sheet_of(response).iter_rows(min_row=2))
    assert any(c.number_format == "dd.mm.yyyy" for c in end)


def test_a_choice_is_exported_as_its_label_and_imported_back(director_client, director):
    SystemFactory(name="Kadry", hosting="on_premises")
    response = director_client.get("/portfolio/systems/export/", {"format": "xlsx"})
    rows = table(response)
    assert rows[0]["Hosting"] == "On premises"
    # The exported workbook imports back as it is (labels as headers and values)
    workbook = content(response)
    report = run_import(registry.get(System), "systems.xlsx", workbook, director, dry_run=True)
    assert report.errors == []
    assert (report.created, report.updated) == (0, 1)


def test_only_the_filtered_rows_are_exported(director_client, api_client_for, director):
    acme, other = VendorFactory(name="Acme"), VendorFactory(name="Other")
    ContractFactory(title="Kept", vendor=acme)
    ContractFactory(title="Left out", vendor=other)
    page = director_client.get("/portfolio/contracts/", {"vendor": acme.pk})
    link = page.content.decode().split('id="export-xlsx" href="')[1].split('"')[0]
    assert f"vendor={acme.pk}" in link
    response = director_client.get(link.replace("&amp;", "&"))
    assert [r["Title"] for r in table(response)] == ["Kept"]
    searched = director_client.get("/portfolio/contracts/export/", {"format": "xlsx", "q": "Left"})
    assert [r["Title"] for r in table(searched)] == ["Left out"]
    api = api_client_for(director).get(
        "/api/portfolio/contracts/export/", {"format": "xlsx", "vendor": other.pk}
    )
    assert [r["Title"] for r in table(api)] == ["Left out"]


def test_a_negative_number_stays_a_number_and_formula_text_stays_text(director_client, department):
    ContractFactory(title="Ujemna", value=Decimal("-5"))
    PersonFactory(department=department, last_name="Minus", job_title="-5+1")
    contracts = sheet_of(director_client.get("/portfolio/contracts/export/", {"format": "xlsx"}))
    header = [c.value for c in next(contracts.iter_rows())]
    value = list(contracts.iter_rows())[1][header.index("Annual value")]
    assert (value.value, value.data_type) == (-5, "n")
    people = sheet_of(director_client.get("/org/people/export/", {"format": "xlsx", "q": "Minus"}))
    header = [c.value for c in next(people.iter_rows())]
    title = list(people.iter_rows())[1][header.index("Job title")]
    assert (title.value, title.data_type) == ("'-5+1", "s")


def test_a_time_is_written_in_the_readers_time_zone(director_client, contract):
    # the moment 2026-07-01 10:00 UTC is 12:00 in Warsaw, the demo's time zone
    from openpyxl import Workbook

    from openmis.core.exports import xlsx_cell

    sheet = Workbook(write_only=True).create_sheet()
    moment = datetime.fromisoformat("2026-07-01T10:00:00+00:00")
    from django.utils import timezone

    with timezone.override("Europe/Warsaw"):
        cell = xlsx_cell(sheet, moment)
    assert cell.value == datetime(2026, 7, 1, 12, 0)


def test_filtering_the_list_in_place_updates_the_export_links(director_client):
    acme = VendorFactory(name="Acme")
    # When htmx filters the list (only the results are replaced)
    response = director_client.get(
        "/portfolio/contracts/",
        {"vendor": acme.pk},
        headers={"HX-Request": "true", "HX-Target": "object-results"},
    )
    # Then the export links come along, out of band, with the filter
    html = response.content.decode()
    assert 'id="export-links" hx-swap-oob="true"' in html
    assert f"?vendor={acme.pk}&amp;format=xlsx" in html
