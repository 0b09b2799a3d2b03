"""Imports of files as Polish offices write them: Windows-1250 or ISO-8859-2 text, semicolons,
decimal commas with spaces between thousands, dates as 31.12.2026; every bad row by its line."""

from datetime import date
from decimal import Decimal

import pytest
from babel.numbers import format_decimal
from hypothesis import given
from hypothesis import strategies as st

from openmis.core import registry
from openmis.core.imports import run_import
from openmis.core.imports.reading import detect_encoding, sniff_delimiter
from openmis.core.imports.values import parse_date, parse_number
from openmis.core.tests.test_imports import errors
from openmis.portfolio.models import Contract
from openmis.portfolio.tests.factories import VendorFactory

HEADER = "title;vendor;value;currency;start_date;end_date;notice_days\n"


def contracts_file(*rows: str, encoding: str) -> bytes:
    return (HEADER + "".join(r + "\n" for r in rows)).encode(encoding)


@pytest.mark.django_db
@pytest.mark.parametrize("encoding", ["cp1250", "iso8859_2"])
def test_polish_csv_with_semicolons_and_decimal_commas_imports(director, encoding):
    # Given a Polish spreadsheet saved as CSV in a Polish code page, with semicolons,
    # amounts with a space (or a no-break space) between thousands, and dates as 31.12.2026
    VendorFactory(name="Śląskie Zakłady Łączności")
    content = contracts_file(
        "Utrzymanie źródeł;Śląskie Zakłady Łączności;12 000,50;PLN;01.01.2026;31.12.2026;90",
        "Wsparcie ąę;Śląskie Zakłady Łączności;1\u00a0234,00;PLN;2026-02-01;2027-01-31;1 000",
        encoding=encoding,
    )
    # When it is imported with the encoding detected
    report = run_import(registry.get(Contract), "umowy.csv", content, director, dry_run=False)
    # Then both rows are created with their Polish letters, numbers and dates
    assert errors(report) == []
    assert report.encoding == encoding
    first = Contract.objects.get(title="Utrzymanie źródeł")
    assert first.vendor.name == "Śląskie Zakłady Łączności"
    assert (first.value, first.start_date, first.end_date) == (
        Decimal("12000.50"),
        date(2026, 1, 1),
        date(2026, 12, 31),
    )
    second = Contract.objects.get(title="Wsparcie ąę")
    assert (second.value, second.notice_days) == (Decimal("1234.00"), 1000)


@pytest.mark.django_db
def test_the_encoding_the_user_chooses_is_used(director):
    VendorFactory(name="Śląsk")
    content = contracts_file("Ś;Śląsk;1,5;PLN;01.01.2026;31.12.2026;90", encoding="iso8859_2")
    contracts = registry.get(Contract)
    report = run_import(contracts, "u.csv", content, director, dry_run=True, encoding="iso8859_2")
    assert (errors(report), report.encoding) == ([], "iso8859_2")


@pytest.mark.django_db
def test_bad_rows_are_reported_at_their_own_lines_and_columns_and_nothing_is_written(director):
    # Given a file whose rows 3 and 7 (the header is row 1) have a bad amount and a bad date
    VendorFactory(name="Acme")
    good = "Umowa {n};Acme;100,00;PLN;01.01.2026;31.12.2026;30"
    rows = [good.format(n=n) for n in range(2, 9)]
    rows[1] = "Umowa 3;Acme;dwanaście;PLN;01.01.2026;31.12.2026;30"
    rows[5] = "Umowa 7;Acme;100,00;PLN;31.02.2026;31.12.2026;30"
    content = contracts_file(*rows, encoding="cp1250")
    # When it is imported
    report = run_import(registry.get(Contract), "u.csv", content, director, dry_run=False)
    # Then lines 3 and 7 are named with their columns, and no contract is created
    assert [(e.row, e.column) for e in report.errors] == [(3, "value"), (7, "start_date")]
    assert "dwanaście" in report.errors[0].message
    assert Contract.objects.count() == 0


@pytest.mark.django_db
def test_the_api_reports_bad_rows_by_line_and_column(api_client_for, director):
    VendorFactory(name="Acme")
    content = contracts_file(
        "Umowa źródłowa;Acme;100,00;PLN;01.01.2026;31.12.2026;30",
        "Umowa 3;Acme;1,234;PLN;01.01.2026;31.12.2026;30",
        encoding="cp1250",
    )
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = api_client_for(director).post(
        "/api/portfolio/contracts/import/",
        {"file": SimpleUploadedFile("u.csv", content, "text/csv"), "dry_run": "true"},
        format="multipart",
    )
    assert response.status_code == 400
    body = response.json()
    assert [(e["row"], e["column"]) for e in body["errors"]] == [(3, "value")]
    assert "1234" in body["errors"][0]["message"]  # the two readings are named
    assert body["encoding"] == "cp1250"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12 000,50", Decimal("12000.50")),
        ("12.000,50", Decimal("12000.50")),
        ("12,000.50", Decimal("12000.50")),
        ("1\u00a0234", Decimal(1234)),
        ("1\u202f234,5", Decimal("1234.5")),
        ("-5", Decimal(-5)),
        ("\u22121,5", Decimal("-1.5")),
        ("0,125", Decimal("0.125")),
        ("1.234.567", Decimal(1234567)),
        ("3,14", Decimal("3.14")),
        (12.5, Decimal("12.5")),
    ],
)
def test_numbers_written_the_english_or_polish_way(text, expected):
    assert parse_number(text) == expected


@pytest.mark.parametrize("text", ["1,234", "1.234", "-12.500"])
def test_a_number_that_reads_two_ways_is_refused_not_guessed(text):
    with pytest.raises(ValueError, match="can be read as"):
        parse_number(text)
    assert parse_number(text, whole=True) == Decimal(text.replace(",", "").replace(".", ""))


@pytest.mark.parametrize("text", ["12 00,5", "1,2,3", "1.2,3.4", "abc", "12 000 ,5", "1..2"])
def test_text_that_is_no_number_is_refused(text):
    with pytest.raises(ValueError, match="not a number"):
        parse_number(text)


@pytest.mark.parametrize("text", ["31.12.2026", "2026-12-31", "31-12-2026", "2026-12-31T00:00:00"])
def test_dates_in_polish_and_iso_forms(text):
    assert parse_date(text) == date(2026, 12, 31)


@given(
    st.decimals(min_value=-(10**12), max_value=10**12, places=2, allow_nan=False),
    st.sampled_from(["pl", "pl_PL", "en"]),
)
def test_a_decimal_formatted_as_babel_writes_it_reads_back(number, locale):
    # Babel writes Polish numbers with a (no-break) space between thousands and a comma
    text = format_decimal(number, format="#,##0.00", locale=locale)
    assert parse_number(text) == number


@pytest.mark.parametrize("encoding", ["utf-8", "cp1250", "iso8859_2"])
def test_encoding_is_detected(encoding):
    text = "nazwa;miasto\nŚląsk;Łódź\nzażółć gęślą jaźń;Źdźbło\n"
    assert detect_encoding(text.encode(encoding)) == encoding
    assert detect_encoding(b"\xef\xbb\xbf" + text.encode()) == "utf-8"


def test_short_iso_8859_2_text_is_told_from_windows_1250():
    assert detect_encoding("a;b\nąę;1\n".encode("iso8859_2")) == "iso8859_2"
    assert detect_encoding("a;b\nŚląsk;1\n".encode("iso8859_2")) == "iso8859_2"
    assert detect_encoding("a;b\nąę;1\n".encode("cp1250")) == "cp1250"


@pytest.mark.parametrize(
    ("text", "delimiter"),
    [
        ("a;b;c\n1,5;2;3\n", ";"),
        ("a,b,c\n1;2,3,4\n", ","),
        ("a\tb\n1,5\t2\n", "\t"),
        ("name\nOla\n", ","),
    ],
)
def test_delimiter_is_recognised(text, delimiter):
    assert sniff_delimiter(text) == delimiter
