"""CSV files as Polish Excel saves them, loaded into the warehouse: Windows-1250 or ISO-8859-2
text, numbers like "12 000,50", dates like "31.12.2026", from the command line and the dataset
page; a value that does not fit a declared type refuses the whole file by line and column."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from openmis import cli
from openmis.analytics.warehouse import localised
from openmis.bi import services
from openmis.bi.models import Dataset, ImportJob
from openmis.bi.tests.test_imports import columns_of
from openmis.org.roles import ANALYST

pytestmark = pytest.mark.django_db

# Semicolons, decimal commas, thousands grouped by a space or a no-break space (Excel; the
# code pages have no narrow no-break space, see the UTF-8 test); day-first dates; a code with
# leading zeros; "1.234" in a file whose decimal mark is the comma (one thousand two hundred
# and thirty-four).
SALES = (
    "miasto;kod;kwota;data;sztuk\n"
    "Łódź;00042;12 000,50;31.12.2026;1.234\n"
    "Świętochłowice;00043;1\u00a0234,25;01.02.2026;2.000\n"
    "Kraków;00044;-7,5;1.2.2026;3\n"
    "Gdańsk;00045;1\u00a0000\u00a0000;15.06.2026;\n"
)
SALES_COLUMNS = [
    ("miasto", "string", 0),
    ("kod", "string", 1),
    ("kwota", "decimal(18,2)", 2),
    ("data", "date", 3),
    ("sztuk", "int64", 4),
]
SALES_ROWS = [
    ["Gdańsk", "00045", 1000000.0, "2026-06-15", None],
    ["Kraków", "00044", -7.5, "2026-02-01", 3],
    ["Łódź", "00042", 12000.5, "2026-12-31", 1234],
    ["Świętochłowice", "00043", 1234.25, "2026-02-01", 2000],
]
LABELS = {"cp1250": "Windows-1250", "iso8859_2": "ISO-8859-2"}


@pytest.fixture(autouse=True)
def _no_migrate(monkeypatch):
    """The test database is migrated already; the command's own migrate is skipped."""
    monkeypatch.setattr(cli, "_manage", lambda *args: None)


@pytest.fixture
def analyst(make_user):
    return make_user(ANALYST)


def rows_of(user, name: str) -> list:
    spec = {
        "dataset": name,
        "dimensions": ["miasto", "kod", "data", "sztuk"],
        "measures": [{"agg": "sum", "column": "kwota", "as": "kwota"}],
        "order_by": [{"column": "miasto"}],
    }
    return [[m, k, total, d, n] for m, k, d, n, total in services.run_query(user, spec)["rows"]]


def run(capsys, *args):
    code = cli.main(["warehouse", "import", *map(str, args)])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("encoding", ["cp1250", "iso8859_2"])
@pytest.mark.parametrize("given", ["detected", "named"])
def test_the_cli_loads_a_polish_code_page_csv_with_decimal_commas(
    capsys, tmp_path, analyst, encoding, given
):
    # Given a file saved by Polish Excel in a code page
    path = tmp_path / "sprzedaz.csv"
    path.write_bytes(SALES.encode(encoding))
    option = (
        []
        if given == "detected"
        else ["--encoding", {"cp1250": "windows-1250"}.get(encoding, "ISO-8859-2")]
    )
    # When it is imported from the command line
    code, out, err = run(capsys, path, "--dataset", "sprzedaz", *option)
    # Then it is read in its code page, and its numbers and dates are numbers and dates
    dataset = Dataset.objects.get(name="sprzedaz")
    job = ImportJob.objects.get(dataset=dataset)
    assert (code, err) == (0, "")
    assert out == (
        f"Read {path} as {LABELS[encoding]} text, converted to UTF-8.\n"
        f"Loaded {path}: 'sprzedaz' now has 4 rows (data version {job.pk}).\n"
    )
    assert columns_of(dataset) == SALES_COLUMNS
    assert rows_of(analyst, "sprzedaz") == SALES_ROWS
    # And the given file is left as it was, and no converted copy stays behind
    assert path.read_bytes() == SALES.encode(encoding)
    assert list((tmp_path.parent / "data").glob("tmp/import-*")) == []


def test_a_utf8_file_with_its_bom_is_loaded_as_it_is(capsys, tmp_path, analyst):
    # Thousands grouped by narrow no-break spaces, as CLDR's Polish writes them
    path = tmp_path / "sprzedaz.csv"
    path.write_bytes(SALES.replace("\u00a0", "\u202f").encode("utf-8-sig"))
    code, out, err = run(capsys, path, "--dataset", "sprzedaz")
    assert code == 0, err
    assert out.startswith("Loaded ")
    assert columns_of(Dataset.objects.get(name="sprzedaz")) == SALES_COLUMNS
    assert rows_of(analyst, "sprzedaz") == SALES_ROWS


def test_a_utf16_file_is_not_taken_for_a_code_page(capsys, tmp_path, analyst):
    # Given the sales saved as "Unicode text" (UTF-16 with its byte order mark)
    path = tmp_path / "sprzedaz.csv"
    path.write_bytes(SALES.encode("utf-16"))
    # When it is imported, its encoding detected
    code, out, _err = run(capsys, path, "--dataset", "sprzedaz")
    # Then it is read as UTF-16, not converted as if it were Windows-1250
    assert code == 0
    assert out.startswith("Loaded ")
    assert rows_of(analyst, "sprzedaz") == SALES_ROWS


def test_a_file_that_is_not_in_the_encoding_named_is_refused_by_line(capsys, tmp_path):
    # Given a Windows-1250 file, said to be UTF-8
    path = tmp_path / "sprzedaz.csv"
    path.write_bytes(SALES.encode("cp1250"))
    # When it is imported
    code, _out, err = run(capsys, path, "--dataset", "sprzedaz", "--encoding", "utf-8")
    # Then the engine refuses it at its first line that is not UTF-8, and no dataset stays
    assert code == 1
    assert err.startswith("Import failed: Line 2: the file is not UTF-8 encoded.")
    assert not Dataset.objects.filter(name="sprzedaz").exists()


def test_a_byte_the_code_page_has_no_letter_for_is_refused_by_line(capsys, tmp_path):
    path = tmp_path / "sprzedaz.csv"
    path.write_bytes(SALES.encode("cp1250") + b"Opole;00046;\x98;1.1.2026;1\n")
    code, _out, err = run(capsys, path, "--dataset", "sprzedaz", "--encoding", "cp1250")
    assert code == 1
    assert err.startswith(
        "Import failed: Line 6: the file is not Windows-1250 text (unexpected byte 0x98)."
    )
    assert not Dataset.objects.filter(name="sprzedaz").exists()


@pytest.mark.parametrize(
    ("line", "types", "error"),
    [
        (
            "Opole;00046;12,5 zł;1.1.2026;1\n",
            {"kwota": "decimal(18,2)"},
            'Line 6, column "kwota": "12,5 zł" is not a decimal number.',
        ),
        (
            "Opole;00046;12,5;31.02.2026;1\n",
            {"data": "date"},
            'Line 6, column "data": "31.02.2026" is not a date.',
        ),
        (
            "Opole;00046;12,5;1.1.2026;2,5\n",
            {"sztuk": "int64"},
            'Line 6, column "sztuk": "2,5" is not a whole number.',
        ),
    ],
)
def test_a_value_that_does_not_fit_a_declared_type_refuses_the_file(
    capsys, tmp_path, analyst, line, types, error
):
    import json

    # Given the sales loaded
    path = tmp_path / "sprzedaz.csv"
    path.write_text(SALES, encoding="utf-8")
    assert run(capsys, path, "--dataset", "sprzedaz")[0] == 0
    dataset = Dataset.objects.get(name="sprzedaz")
    version = dataset.data_version
    # When a file with a value that is not of the declared type replaces them
    bad = tmp_path / "zle.csv"
    bad.write_text(SALES + line, encoding="utf-8")
    code, _out, err = run(capsys, bad, "--dataset", "sprzedaz", "--types", json.dumps(types))
    # Then the import fails naming the line and the column, and nothing of it is loaded
    column = next(iter(types))
    assert code == 1
    assert err == (
        f"Import failed: {error} (line 6, column {column})\n"
        "The dataset 'sprzedaz' keeps its previous data.\n"
    )
    dataset.refresh_from_db()
    assert (dataset.data_version, dataset.row_count) == (version, 4)
    assert rows_of(analyst, "sprzedaz") == SALES_ROWS


def test_appending_checks_every_value_against_the_dataset_columns(capsys, tmp_path, analyst):
    # Given the sales loaded (kwota a decimal)
    path = tmp_path / "sprzedaz.csv"
    path.write_text(SALES, encoding="utf-8")
    assert run(capsys, path, "--dataset", "sprzedaz")[0] == 0
    # When a file whose third row's amount is no number is appended
    more = tmp_path / "wiecej.csv"
    more.write_text(
        "miasto;kod;kwota;data;sztuk\n"
        "Opole;00046;2 500,00;2.1.2026;4\n"
        "Nysa;00047;dużo;3.1.2026;5\n",
        encoding="utf-8",
    )
    code, _out, err = run(capsys, more, "--dataset", "sprzedaz", "--append")
    # Then nothing is appended, and the error names the line and the column
    assert code == 1
    assert err.startswith('Import failed: Line 3, column "kwota": "dużo" is not a decimal number.')
    assert Dataset.objects.get(name="sprzedaz").row_count == 4
    # And a file whose values all fit is appended, Polish numbers and dates included
    more.write_text("miasto;kod;kwota;data;sztuk\nOpole;00046;2 500,00;2.1.2026;4\n", "utf-8")
    assert run(capsys, more, "--dataset", "sprzedaz", "--append")[0] == 0
    assert rows_of(analyst, "sprzedaz")[2] == ["Opole", "00046", 2500.0, "2026-01-02", 4]


def test_a_column_is_numeric_only_if_every_value_is_a_number(capsys, tmp_path, analyst):
    # Given amounts that are numbers beyond the rows the engine samples, then one that is not,
    # and a column whose later values have more decimal places than the first ones
    rows = [f"{i};{i} 000,5;{i},25" for i in range(1, localised.SAMPLE_ROWS + 100)]
    rows.append("9999;brak;1,125")
    path = tmp_path / "kwoty.csv"
    path.write_text("nr;kwota;cena\n" + "\n".join(rows) + "\n", encoding="utf-8")
    # When it is loaded
    assert run(capsys, path, "--dataset", "kwoty")[0] == 0
    # Then the amounts stay text, and the prices keep all their decimal places
    dataset = Dataset.objects.get(name="kwoty")
    assert columns_of(dataset) == [
        ("nr", "int64", 0),
        ("kwota", "string", 1),
        ("cena", "decimal(18,3)", 2),
    ]
    spec = {"dataset": "kwoty", "measures": [{"agg": "max", "column": "cena"}]}
    assert services.run_query(analyst, spec)["rows"] == [[2147.25]]


# --- the dataset page -------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["cp1250", "iso8859_2"])
@pytest.mark.parametrize("chosen", ["", "named"])
def test_the_upload_page_loads_a_polish_code_page_csv(analyst, encoding, chosen):
    # Given an analyst on an empty dataset's page, which offers the encodings
    client = Client()
    client.force_login(analyst)
    dataset = Dataset.objects.create(name="sprzedaz", title="Sprzedaż")
    page = client.get(dataset.get_absolute_url()).content.decode()
    assert f'<option value="{encoding}">{LABELS[encoding]}</option>' in page
    # When a file saved by Polish Excel is uploaded, its encoding detected or chosen
    staged = client.post(
        f"/bi/datasets/{dataset.pk}/upload/",
        {
            "file": SimpleUploadedFile("sprzedaz.csv", SALES.encode(encoding)),
            "mode": "replace",
            "encoding": encoding if chosen else "",
        },
    )
    # Then the preview reads its letters, and its numbers and dates as numbers and dates
    preview = client.get(staged["Location"])
    assert f"Read as {LABELS[encoding]} text." in preview.content.decode()
    assert [(name, t) for _i, name, t, _c in preview.context["columns"]] == [
        (name, t) for name, t, _p in SALES_COLUMNS
    ]
    assert preview.context["rows"][0][:3] == ["Łódź", "00042", 12000.5]
    # And loading it keeps them
    chosen_types = {f"type-{i}": t for i, _n, t, _c in preview.context["columns"]}
    assert client.post(staged["Location"], {"mode": "replace", **chosen_types}).status_code == 302
    dataset.refresh_from_db()
    assert columns_of(dataset) == SALES_COLUMNS
    assert rows_of(analyst, "sprzedaz") == SALES_ROWS


def test_an_encoding_not_offered_is_refused(analyst):
    client = Client()
    client.force_login(analyst)
    dataset = Dataset.objects.create(name="sprzedaz", title="Sprzedaż")
    answer = client.post(
        f"/bi/datasets/{dataset.pk}/upload/",
        {"file": SimpleUploadedFile("s.csv", SALES.encode()), "encoding": "koi8_r"},
        follow=True,
    )
    assert [str(m) for m in answer.context["messages"]] == ["Choose one of the encodings offered."]
    assert ImportJob.objects.count() == 0


def test_the_api_loads_a_polish_code_page_csv(analyst, api_client_for):
    # Given an empty dataset
    dataset = Dataset.objects.create(name="sprzedaz", title="Sprzedaż")
    # When a Windows-1250 file with decimal commas is uploaded through the API
    response = api_client_for(analyst).post(
        f"/api/bi/datasets/{dataset.pk}/upload/",
        {"file": SimpleUploadedFile("sprzedaz.csv", SALES.encode("cp1250"))},
        format="multipart",
    )
    # Then it loads with its letters, numbers and dates
    assert response.status_code == 202
    assert response.json()["status"] == "done"
    dataset.refresh_from_db()
    assert columns_of(dataset) == SALES_COLUMNS
    assert rows_of(analyst, "sprzedaz") == SALES_ROWS
