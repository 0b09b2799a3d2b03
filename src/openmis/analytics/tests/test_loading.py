"""Loading files into the warehouse: formats, inferred types, overrides, appends, and the
messages a user gets for a file that cannot be loaded.

Every test runs on the embedded DuckDB engine, and on PostgreSQL too when
``OPENMIS_TEST_POSTGRES`` and ``OPENMIS_TEST_DATABASE_URL`` are set.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import uuid
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import openpyxl
import psycopg
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import sqlglot.expressions as sge

from openmis.analytics.catalog import Location
from openmis.analytics.errors import ImportFailed
from openmis.analytics.warehouse import Warehouse, connect, xlsx

# --- engines -----------------------------------------------------------------------------------


def _postgres_base_url() -> str | None:
    url = os.environ.get("OPENMIS_TEST_DATABASE_URL")
    if not (os.environ.get("OPENMIS_TEST_POSTGRES") and url):
        return None
    try:
        psycopg.connect(url, connect_timeout=5).close()
    except psycopg.OperationalError as exc:
        if "does not exist" not in str(exc):
            raise
        parts = urlsplit(url)  # the test database is created later by Django: use postgres
        url = urlunsplit((parts.scheme, parts.netloc, "/postgres", parts.query, ""))
    return url


ENGINES = (
    ["duckdb", "postgres"]
    if os.environ.get("OPENMIS_TEST_POSTGRES") and os.environ.get("OPENMIS_TEST_DATABASE_URL")
    else ["duckdb"]
)


@pytest.fixture(scope="module")
def postgres_url():
    base = _postgres_base_url()
    schema = f"openmis_wh_test_{uuid.uuid4().hex[:12]}"
    separator = "&" if urlsplit(base).query else "?"
    yield f"{base}{separator}schema={schema}"
    with psycopg.connect(base, autocommit=True) as pg:
        pg.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


@pytest.fixture(params=ENGINES)
def wh(request, tmp_path) -> Warehouse:
    data_dir = tmp_path / "data"
    if request.param == "duckdb":
        return connect(None, data_dir=data_dir, memory_limit="512MB", threads=2)
    return connect(request.getfixturevalue("postgres_url"), data_dir=data_dir)


@pytest.fixture
def key() -> str:
    return f"ds{uuid.uuid4().hex[:10]}"


def rows_of(wh: Warehouse, location: Location) -> list[list]:
    table = sge.table_(
        location.table, db=location.database, catalog=location.catalog, quoted=True
    ).sql(wh.dialect)
    return wh.execute(f"SELECT * FROM {table}", locations=[location]).rows  # noqa: S608


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def write_xlsx(tmp_path: Path, rows: list[list], name: str = "book.xlsx") -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    path = tmp_path / name
    book.save(path)
    return path


CSV = (
    "id,name,amount,day,at,flag\n"
    "1,Alfa,10.5,2024-01-02,2024-01-02 10:11:12,true\n"
    "2,Beta,,2024-02-03,2024-02-03 00:00:00,false\n"
    "3,,7.25,2024-03-04,2024-03-04 23:59:59,\n"
)
CSV_COLUMNS = {
    "id": "int64",
    "name": "string",
    "amount": "float64",
    "day": "date",
    "at": "timestamp",
    "flag": "boolean",
}
CSV_ROWS = [
    [1, "Alfa", 10.5, dt.date(2024, 1, 2), dt.datetime(2024, 1, 2, 10, 11, 12), True],
    [2, "Beta", None, dt.date(2024, 2, 3), dt.datetime(2024, 2, 3), False],
    [3, None, 7.25, dt.date(2024, 3, 4), dt.datetime(2024, 3, 4, 23, 59, 59), None],
]


# --- formats -----------------------------------------------------------------------------------


def test_csv_is_loaded_with_inferred_types(wh, key, tmp_path):
    # Given a CSV file with one column of each type
    source = write(tmp_path, "orders.csv", CSV)

    # When it is loaded as version 1
    result = wh.load(source, key=key, version=1)

    # Then the columns have the expected types and the rows are all there
    assert result.location == wh.location(key, 1)
    assert result.columns == CSV_COLUMNS
    assert result.row_count == 3
    assert rows_of(wh, result.location) == CSV_ROWS


def test_tsv_and_semicolon_csv_are_split_on_their_delimiter(wh, key, tmp_path):
    # Given a TSV file and a semicolon-separated CSV (as Excel writes them in Poland)
    tsv = write(tmp_path, "a.tsv", "id\tname\n1\tA, B\n2\tC\n")
    semicolon = write(tmp_path, "b.csv", "id;name\n1;A, B\n2;C\n")

    # When both are loaded
    first = wh.load(tsv, key=key, version=1)
    second = wh.load(semicolon, key=key, version=2)

    # Then commas inside values stay in the values
    assert first.columns == second.columns == {"id": "int64", "name": "string"}
    assert rows_of(wh, first.location) == rows_of(wh, second.location) == [[1, "A, B"], [2, "C"]]


def test_xlsx_is_streamed_with_types_from_its_cells(wh, key, tmp_path):
    # Given a workbook with typed cells, a blank row, a blank and a repeated header
    source = write_xlsx(
        tmp_path,
        [
            ["id", "name", "price", "day", "at", "paid", None, "id"],
            [1, "Alfa", 1.5, dt.datetime(2024, 1, 2), dt.datetime(2024, 1, 2, 9, 30), True, "x", 7],
            [None, None, None, None, None, None, None, None],
            [2, "Beta", 2, dt.datetime(2024, 1, 3), dt.datetime(2024, 1, 3, 18, 0), False, None, 8],
        ],
    )

    # When it is loaded
    result = wh.load(source, key=key, version=1)

    # Then whole-day datetimes are dates, mixed whole/decimal numbers are floats
    assert result.columns == {
        "id": "int64",
        "name": "string",
        "price": "float64",
        "day": "date",
        "at": "timestamp",
        "paid": "boolean",
        "column6": "string",
        "id_1": "int64",
    }
    assert result.row_count == 2
    assert rows_of(wh, result.location) == [
        [1, "Alfa", 1.5, dt.date(2024, 1, 2), dt.datetime(2024, 1, 2, 9, 30), True, "x", 7],
        [2, "Beta", 2.0, dt.date(2024, 1, 3), dt.datetime(2024, 1, 3, 18, 0), False, None, 8],
    ]


def test_xlsx_batches_widen_a_column_and_report_progress(tmp_path, monkeypatch):
    # Given a sheet whose first batch has whole numbers and whose last has a decimal
    monkeypatch.setattr(xlsx, "BATCH_ROWS", 2)
    source = write_xlsx(tmp_path, [["n", "label"], [1, "a"], [2, "b"], [3, "c"], [4.5, 5]])
    wh = connect(None, data_dir=tmp_path / "data")
    reported: list[float] = []

    # When it is loaded in batches of two rows
    result = wh.load(source, key="ds1", version=1, progress=reported.append)

    # Then the column takes the wider type and progress was reported per batch
    assert result.columns == {"n": "float64", "label": "string"}
    assert rows_of(wh, result.location) == [[1.0, "a"], [2.0, "b"], [3.0, "c"], [4.5, "5"]]
    assert reported[0] == 0.0
    assert reported[-1] == 1.0
    assert reported == sorted(reported)
    assert len(reported) >= 5  # start, two full batches, the rest, end


def test_parquet_types_are_normalised(wh, key, tmp_path):
    # Given a Parquet file with narrow integers, float32, decimals and a zoned timestamp
    table = pa.table(
        {
            "small": pa.array([1, 2], pa.int16()),
            "ratio": pa.array([0.5, 1.5], pa.float32()),
            "price": pa.array([Decimal("1.25"), Decimal("-3.50")], pa.decimal128(10, 2)),
            "day": pa.array([dt.date(2024, 5, 6), None], pa.date32()),
            "at": pa.array(
                [dt.datetime(2024, 1, 1, 12, tzinfo=dt.UTC), None], pa.timestamp("us", tz="UTC")
            ),
            "ok": pa.array([True, False]),
            "tags": pa.array([["a"], []], pa.list_(pa.string())),
        }
    )
    source = tmp_path / "t.parquet"
    pq.write_table(table, source)

    # When it is loaded
    result = wh.load(source, key=key, version=1)

    # Then every column has one of the dataset types; the list became JSON text
    assert result.columns == {
        "small": "int64",
        "ratio": "float64",
        "price": "decimal(10,2)",
        "day": "date",
        "at": "timestamp",
        "ok": "boolean",
        "tags": "string",
    }
    assert rows_of(wh, result.location) == [
        [1, 0.5, Decimal("1.25"), dt.date(2024, 5, 6), dt.datetime(2024, 1, 1, 12), True, '["a"]'],
        [2, 1.5, Decimal("-3.50"), None, None, False, "[]"],
    ]


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("a.json", json.dumps([{"id": 1, "name": "x", "meta": {"k": 1}}, {"id": 2, "name": None}])),
        ("a.ndjson", '{"id": 1, "name": "x", "meta": {"k": 1}}\n{"id": 2, "name": null}\n'),
        ("a.jsonl", '{"id": 1, "name": "x", "meta": {"k": 1}}\n{"id": 2, "name": null}\n'),
    ],
)
def test_json_array_and_newline_delimited_json_are_loaded(wh, key, tmp_path, name, content):
    # Given the same records as a JSON array or one object per line
    source = write(tmp_path, name, content)

    # When loaded
    result = wh.load(source, key=key, version=1)

    # Then nested objects are kept as JSON text
    assert result.columns == {"id": "int64", "name": "string", "meta": "string"}
    assert rows_of(wh, result.location) == [[1, "x", '{"k":1}'], [2, None, None]]


def test_a_header_only_csv_gives_an_empty_dataset(wh, key, tmp_path):
    source = write(tmp_path, "h.csv", "a,b\n")

    result = wh.load(source, key=key, version=1)

    assert result.columns == {"a": "string", "b": "string"}
    assert result.row_count == 0


def test_types_sampled_wrongly_are_taken_from_the_whole_file(wh, key, tmp_path):
    # Given CSV files where the value that decides the type comes after DuckDB's sample
    body = "".join(f"{i},{i}\n" for i in range(25_000))
    words = write(tmp_path, "w.csv", "n,m\n" + body + "abc,1.5\n")

    # When loaded without overrides
    result = wh.load(words, key=key, version=1)

    # Then the columns are typed from all rows, not the first ones
    assert result.columns == {"n": "string", "m": "float64"}
    assert result.row_count == 25_001


def test_fmt_overrides_the_suffix(wh, key, tmp_path):
    source = write(tmp_path, "export.dat", "a\tb\n1\t2\n")

    result = wh.load(source, key=key, version=1, fmt="tsv")

    assert result.columns == {"a": "int64", "b": "int64"}


# --- overrides and appends ---------------------------------------------------------------------


def test_column_types_override_inference(wh, key, tmp_path):
    # Given the orders CSV
    source = write(tmp_path, "orders.csv", CSV)

    # When id is loaded as text and amount as a decimal
    result = wh.load(
        source, key=key, version=1, column_types={"id": "string", "amount": "decimal(10,2)"}
    )

    # Then those columns have the asked types
    assert result.columns == {**CSV_COLUMNS, "id": "string", "amount": "decimal(10,2)"}
    assert [row[:3] for row in rows_of(wh, result.location)] == [
        ["1", "Alfa", Decimal("10.50")],
        ["2", "Beta", None],
        ["3", None, Decimal("7.25")],
    ]


def test_xlsx_column_types_override_inference(wh, key, tmp_path):
    source = write_xlsx(tmp_path, [["code", "amount"], [1, 2.5], ["007", 3]])

    result = wh.load(
        source, key=key, version=1, column_types={"code": "string", "amount": "decimal(8,2)"}
    )

    assert result.columns == {"code": "string", "amount": "decimal(8,2)"}
    assert rows_of(wh, result.location) == [["1", Decimal("2.50")], ["007", Decimal("3.00")]]


@pytest.mark.parametrize(
    ("dates", "line", "value"),
    [
        # ISO dates with one day-first date: the engine guesses %d.%m.%Y from it and blamed
        # line 2; the odd one out is line 5
        (["2026-01-01", "2026-02-01", "2026-03-01", "31.12.2026", "2026-05-01"], 5, "31.12.2026"),
        # and the other way round: day-first dates with one ISO date on line 4
        (["01.01.2026", "01.02.2026", "2026-03-01", "31.12.2026", "01.05.2026"], 4, "2026-03-01"),
    ],
)
def test_a_date_of_another_form_is_reported_on_its_own_line(wh, key, tmp_path, dates, line, value):
    # Given a CSV of dates, one of them written in another form
    source = write(
        tmp_path, "due.csv", "id,due\n" + "".join(f"{i},{d}\n" for i, d in enumerate(dates, 1))
    )

    # When it is loaded with the column as dates
    with pytest.raises(ImportFailed) as failure:
        wh.load(source, key=key, version=1, column_types={"due": "date"})

    # Then the error names that line and value
    assert failure.value.detail == f'Line {line}, column "due": "{value}" is not a date.'
    assert (failure.value.line, failure.value.column) == (line, "due")


@pytest.mark.parametrize(
    ("column_types", "message", "column"),
    [
        (
            {"id": "int128x"},
            'Column "id": "int128x" is not a supported type; use one of int64, float64, '
            "decimal(p,s), string, date, timestamp, boolean, time.",
            "id",
        ),
        ({"nope": "int64"}, 'Column "nope" is not in the file.', "nope"),
    ],
)
def test_bad_column_types_are_refused(wh, key, tmp_path, column_types, message, column):
    source = write(tmp_path, "orders.csv", CSV)

    with pytest.raises(ImportFailed) as failure:
        wh.load(source, key=key, version=1, column_types=column_types)

    assert failure.value.detail == message
    assert failure.value.column == column


def test_append_adds_the_new_rows_to_a_new_version(wh, key, tmp_path):
    # Given version 1 with three orders
    first = wh.load(write(tmp_path, "a.csv", CSV), key=key, version=1)

    # When a file with one more order, its columns in another order, is appended as version 2
    more = "flag,at,day,amount,name,id\ntrue,2024-04-05 06:07:08,2024-04-05,1,Delta,4\n"
    second = wh.load(write(tmp_path, "b.csv", more), key=key, version=2, append_to=first.location)

    # Then version 2 has all four, typed as version 1, and version 1 is unchanged
    assert second.columns == CSV_COLUMNS
    assert second.row_count == 4
    assert rows_of(wh, second.location) == [
        *CSV_ROWS,
        [4, "Delta", 1.0, dt.date(2024, 4, 5), dt.datetime(2024, 4, 5, 6, 7, 8), True],
    ]
    assert rows_of(wh, first.location) == CSV_ROWS


def test_append_with_other_columns_is_refused(wh, key, tmp_path):
    first = wh.load(write(tmp_path, "a.csv", CSV), key=key, version=1)
    other = write(
        tmp_path, "b.csv", "id,name,amount,day,at,colour\n4,D,1,2024-01-01,2024-01-01,red\n"
    )

    with pytest.raises(ImportFailed) as failure:
        wh.load(other, key=key, version=2, append_to=first.location)

    assert failure.value.detail == (
        'The file\'s columns do not match the version appended to: missing "flag"; '
        'unexpected "colour".'
    )
    assert rows_of(wh, first.location) == CSV_ROWS


def test_append_of_a_value_not_fitting_the_previous_type_names_its_line(wh, key, tmp_path):
    first = wh.load(write(tmp_path, "a.csv", "id,name\n1,a\n"), key=key, version=1)
    more = write(tmp_path, "b.csv", "id,name\n2,b\nthree,c\n")

    with pytest.raises(ImportFailed) as failure:
        wh.load(more, key=key, version=2, append_to=first.location)

    assert failure.value.detail == 'Line 3, column "id": "three" is not a whole number.'
    assert (failure.value.line, failure.value.column) == (3, "id")


def test_a_failed_import_leaves_the_previous_version_untouched(tmp_path):
    # Given a DuckDB warehouse with version 1
    wh = connect(None, data_dir=tmp_path / "data")
    first = wh.load(write(tmp_path, "a.csv", CSV), key="ds1", version=1)
    before = wh.path("ds1", 1).read_bytes()

    # When appending a broken file as version 2 fails
    broken = write(tmp_path, "b.csv", CSV.replace("3,,7.25", "3,,7.25,9,9"))
    with pytest.raises(ImportFailed):
        wh.load(broken, key="ds1", version=2, append_to=first.location)

    # Then version 1's file is byte for byte the same and no other file was left behind
    assert wh.path("ds1", 1).read_bytes() == before
    assert sorted(p.name for p in (wh.root / "ds1").iterdir()) == ["v1.duckdb"]
    assert rows_of(wh, first.location) == CSV_ROWS


def test_a_failed_import_creates_no_version(wh, key, tmp_path):
    # Given version 1 (any engine)
    first = wh.load(write(tmp_path, "a.csv", CSV), key=key, version=1)

    # When version 2 fails half-way through the file
    broken = write(tmp_path, "b.csv", "id\n" + "".join(f"{i}\n" for i in range(30_000)) + "1,2\n")
    with pytest.raises(ImportFailed):
        wh.load(broken, key=key, version=2)

    # Then version 1 still answers, and version 2 does not exist
    assert rows_of(wh, first.location) == CSV_ROWS
    assert wh.cleanup(key, {1}) == []


def test_progress_goes_from_zero_to_one(wh, key, tmp_path):
    reported: list[float] = []

    wh.load(write(tmp_path, "a.csv", CSV), key=key, version=1, progress=reported.append)

    assert reported[0] == 0.0
    assert reported[-1] == 1.0
    assert reported == sorted(reported)


# --- files that cannot be loaded ---------------------------------------------------------------

MALFORMED = [
    pytest.param(
        "too_many.csv",
        b"a,b,c\n1,2,3\n4,5,6\n7,8,9,10,11\n",
        "Line 4: expected 3 columns, found 5.",
        4,
        None,
        id="too-many-fields",
    ),
    pytest.param(
        "too_few.csv",
        b"a,b,c\n1,2,3\n4,5\n7,8,9\n",
        "Line 3: expected 3 columns, found 2.",
        3,
        None,
        id="too-few-fields",
    ),
    pytest.param(
        "latin1.csv",
        b"a,b\n1,ok\n2,caf\xe9\n",
        "Line 3: the file is not UTF-8 encoded. Save it as UTF-8 (in Excel: CSV UTF-8) and try "
        "again.",
        3,
        None,
        id="bad-encoding",
    ),
    pytest.param(
        "latin1_header.csv",
        b"caf\xe9,b\n1,2\n",
        "Line 1: the file is not UTF-8 encoded. Save it as UTF-8 (in Excel: CSV UTF-8) and try "
        "again.",
        1,
        None,
        id="bad-encoding-in-header",
    ),
    pytest.param("empty.csv", b"", "The file is empty.", None, None, id="empty-csv"),
    pytest.param("empty.xlsx", b"", "The file is empty.", None, None, id="empty-xlsx"),
    pytest.param(
        "notes.docx",
        b"x",
        'Files of type ".docx" cannot be imported; use CSV, TSV, XLSX, Parquet or JSON.',
        None,
        None,
        id="unknown-suffix",
    ),
    pytest.param(
        "README",
        b"x",
        "The file name has no type suffix; use CSV, TSV, XLSX, Parquet or JSON.",
        None,
        None,
        id="no-suffix",
    ),
    pytest.param(
        "broken.parquet",
        b"PAR1 this is not parquet",
        "The file is not a valid Parquet file.",
        None,
        None,
        id="corrupt-parquet",
    ),
    pytest.param(
        "broken.xlsx",
        b"PK not a zip",
        "The file is not a valid XLSX workbook.",
        None,
        None,
        id="corrupt-xlsx",
    ),
    pytest.param(
        "broken.json",
        b'[{"a": 1}, {"a": ',
        "The file is not valid JSON (unexpected end of data).",
        None,
        None,
        id="corrupt-json",
    ),
    pytest.param(
        "broken.ndjson",
        b'{"a": 1}\n{"a": 2,\n{"a": 3}\n',
        "Line 2: the JSON is malformed (unexpected character).",
        2,
        None,
        id="corrupt-ndjson",
    ),
    pytest.param(
        "scalars.json",
        b"[]",
        "The file holds no JSON objects; use an array of objects or one object per line.",
        None,
        None,
        id="no-json-objects",
    ),
]


@pytest.mark.parametrize(("name", "content", "message", "line", "column"), MALFORMED)
def test_malformed_files_are_refused_with_a_clear_message(
    wh, key, tmp_path, name, content, message, line, column
):
    source = write(tmp_path, name, content)

    with pytest.raises(ImportFailed) as failure:
        wh.load(source, key=key, version=1)

    assert failure.value.detail == message
    assert (failure.value.line, failure.value.column) == (line, column)


def test_a_value_clashing_with_an_overridden_type_names_line_and_column(wh, key, tmp_path):
    source = write(tmp_path, "a.csv", "a,b,c\n1,x,3\nabc,y,4\n")

    with pytest.raises(ImportFailed) as failure:
        wh.load(source, key=key, version=1, column_types={"a": "int64"})

    assert failure.value.detail == 'Line 3, column "a": "abc" is not a whole number.'
    assert (failure.value.line, failure.value.column) == (3, "a")


@pytest.mark.parametrize(
    ("column_types", "message"),
    [
        ({"b": "date"}, 'Line 3, column "b": "nope" is not a date.'),
        ({"d": "boolean"}, 'Line 3, column "d": "maybe" is not true or false.'),
        ({"a": "timestamp"}, 'Line 2, column "a": "1" is not a date and time.'),
        ({"b": "decimal(10,2)"}, 'Line 2, column "b": "2024-01-02" is not a decimal number.'),
    ],
)
def test_each_type_clash_is_named_in_words(wh, key, tmp_path, column_types, message):
    source = write(tmp_path, "a.csv", "a,b,c,d\n1,2024-01-02,1.5,true\n2,nope,2.25,maybe\n")

    with pytest.raises(ImportFailed) as failure:
        wh.load(source, key=key, version=1, column_types=column_types)

    assert failure.value.detail == message


def test_a_decimal_text_loaded_as_int64_is_refused_not_rounded(wh, key, tmp_path):
    # DuckDB's CSV reader would round '1.5' to 2; a whole-number column refuses it instead.
    source = write(tmp_path, "a.csv", "c\n1.5\n2.25\n")

    with pytest.raises(ImportFailed) as failure:
        wh.load(source, key=key, version=1, column_types={"c": "int64"})

    assert failure.value.detail == 'Line 2, column "c": "1.5" is not a whole number.'
    assert (failure.value.line, failure.value.column) == (2, "c")


def test_an_xlsx_cell_clashing_with_an_overridden_type_names_row_and_column(wh, key, tmp_path):
    source = write_xlsx(tmp_path, [["id", "day"], [1, "2024-01-02"], [2, "soon"]])

    with pytest.raises(ImportFailed) as failure:
        wh.load(source, key=key, version=1, column_types={"day": "date"})

    assert failure.value.detail == 'Row 3, column "day": "soon" is not a date.'
    assert (failure.value.line, failure.value.column) == (3, "day")


def test_an_xlsx_row_wider_than_its_header_is_refused(wh, key, tmp_path):
    source = write_xlsx(tmp_path, [["a", "b"], [1, 2], [3, 4, None, 5]])

    with pytest.raises(ImportFailed) as failure:
        wh.load(source, key=key, version=1)

    assert failure.value.detail == "Row 3: expected 2 columns, found 4."
    assert failure.value.line == 3


def test_a_parquet_value_clashing_with_an_override_names_record_and_column(wh, key, tmp_path):
    source = tmp_path / "t.parquet"
    pq.write_table(pa.table({"code": ["1", "2", "x3"]}), source)

    with pytest.raises(ImportFailed) as failure:
        wh.load(source, key=key, version=1, column_types={"code": "int64"})

    assert failure.value.detail == 'Record 3, column "code": "x3" is not a whole number.'


def test_a_huge_field_is_refused_not_crashed_on(wh, key, tmp_path):
    # Given a 3 MB field, over a 1 MB line limit
    source = tmp_path / "huge.csv"
    with source.open("w") as f:
        f.write("a,b\n1,x\n2,")
        f.write("y" * 3_000_000)
        f.write("\n3,z\n")

    # When loaded
    with pytest.raises(ImportFailed) as failure:
        wh.load(source, key=key, version=1, max_line_size=1_000_000)

    # Then the line is named and the sizes given
    assert failure.value.detail == (
        "Line 3 is too long: 3,000,002 bytes, more than the limit of 1,000,000 bytes."
    )
    assert failure.value.line == 3


def test_a_ragged_row_after_the_sample_is_found_by_line(wh, key, tmp_path):
    body = "".join(f"{i},x{i},{i}.5\n" for i in range(30_000))
    source = write(tmp_path, "a.csv", "a,b,c\n" + body + "1,2,3,4,5\n")

    with pytest.raises(ImportFailed) as failure:
        wh.load(source, key=key, version=1)

    assert failure.value.detail == "Line 30002: expected 3 columns, found 5."


# --- previews ----------------------------------------------------------------------------------


def test_sniff_previews_columns_and_first_rows_without_loading(wh, tmp_path):
    source = write(tmp_path, "orders.csv", CSV)

    columns, rows = wh.sniff(source, sample_rows=2)

    assert columns == CSV_COLUMNS
    assert rows == [
        [1, "Alfa", 10.5, "2024-01-02", "2024-01-02T10:11:12", True],
        [2, "Beta", None, "2024-02-03", "2024-02-03T00:00:00", False],
    ]
    assert not (tmp_path / "data" / "warehouse").exists()


def test_sniff_previews_an_xlsx_sheet(wh, tmp_path):
    source = write_xlsx(tmp_path, [["id", "when"], [1, dt.datetime(2024, 1, 2)], [2, None]])

    columns, rows = wh.sniff(source)

    assert columns == {"id": "int64", "when": "date"}
    assert rows == [[1, "2024-01-02"], [2, None]]


def test_sniff_reports_a_broken_file_like_load(wh, tmp_path):
    source = write(tmp_path, "a.csv", b"a,b\n1,2\n3\n")

    with pytest.raises(ImportFailed) as failure:
        wh.sniff(source)

    assert failure.value.detail == "Line 3: expected 2 columns, found 1."
