"""Loading files into datasets from the dataset page: upload, check the inferred columns, load
in the background with progress; replace and append; malformed files (a failed import leaves
the previous data intact); profiles; and deleting a dataset's data."""

import json
from pathlib import Path

import pytest
import sqlglot.expressions as sge
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from openmis.analytics.errors import QueryFailed
from openmis.analytics.warehouse import DuckDBWarehouse
from openmis.bi import loading, services
from openmis.bi.engine import get_warehouse
from openmis.bi.models import Column, Dataset, ImportJob
from openmis.bi.tests import factories as f
from openmis.org.roles import ANALYST, EMPLOYEE, STAFF

pytestmark = pytest.mark.django_db

REVENUE_BY_REGION = {
    "dataset": "orders",
    "measures": [{"agg": "sum", "column": "amount", "as": "revenue"}, {"agg": "count"}],
    "dimensions": ["region"],
}
ORDERS_ROWS = [["North", 375.75, 3], ["South", 350.25, 2], ["West", 25.0, 1]]
ORDERS_COLUMNS = [
    ("id", "int64", 0),
    ("region", "string", 1),
    ("status", "string", 2),
    ("amount", "float64", 3),
    ("quantity", "int64", 4),
    ("order_date", "date", 5),
    ("customer_id", "int64", 6),
]


@pytest.fixture
def analyst(make_user):
    return make_user(ANALYST)


@pytest.fixture
def client(analyst):
    client = Client()
    client.force_login(analyst)
    return client


def columns_of(dataset):
    return list(dataset.columns.order_by("position").values_list("name", "type", "position"))


def readable(key: str, version: int) -> bool:
    """Whether the warehouse still holds that version of a dataset (a DuckDB file, or a
    PostgreSQL table when the suite runs on PostgreSQL)."""
    wh = get_warehouse()
    location = wh.location(key, version)
    table = sge.table_(
        location.table, db=location.database, catalog=location.catalog, quoted=True
    ).sql(wh.dialect)
    try:
        wh.execute(f"SELECT count(*) FROM {table}", locations=[location])  # noqa: S608
    except QueryFailed:
        return False
    return True


ON_DUCKDB = isinstance(get_warehouse(), DuckDBWarehouse)


def stage(client, dataset, content, *, name="orders.csv", mode="replace"):
    """Send a file from the dataset page (the first step of an upload)."""
    if isinstance(content, str):
        content = content.encode()
    return client.post(
        f"/bi/datasets/{dataset.pk}/upload/",
        {"file": SimpleUploadedFile(name, content, content_type="text/csv"), "mode": mode},
    )


def upload(
    client, dataset, content, *, name="orders.csv", mode="replace", types=None, confirm=False
):
    """Send a file, keep (or change) the inferred types on the preview and load it (with
    ``confirm``, confirming that its columns replace the dataset's); the answer of the last
    step reached."""
    staged = stage(client, dataset, content, name=name, mode=mode)
    if staged.status_code != 302 or "/upload/" not in staged["Location"]:
        return staged
    preview = client.get(staged["Location"])
    if preview.status_code != 200:
        return preview
    chosen = {
        f"type-{i}": (types or {}).get(column, inferred)
        for i, column, inferred, _choices in preview.context["columns"]
    }
    if confirm:
        chosen["confirm_columns"] = "1"
    return client.post(staged["Location"], {"mode": mode, **chosen})


def write(tmp_path, name, content) -> Path:
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    return path


# --- the upload and its progress ------------------------------------------------------------------


def test_an_upload_shows_the_columns_then_loads_with_progress(client, analyst):
    # Given a new dataset, and its page offering the upload form
    dataset = Dataset.objects.create(name="orders", title="Orders")
    page = client.get(f"/bi/datasets/{dataset.pk}/")
    assert page.status_code == 200
    assert 'id="upload-form"' in page.content.decode()
    # When the orders file is sent
    staged = stage(client, dataset, f.ORDERS_CSV)
    # Then the browser is sent to a preview of the columns the warehouse infers, before any job
    assert staged.status_code == 302
    assert staged["Location"].startswith(f"/bi/datasets/{dataset.pk}/upload/")
    assert staged["Location"].endswith(".csv/?mode=replace")
    preview = client.get(staged["Location"])
    assert preview.status_code == 200
    assert [(i, n, t) for i, n, t, _choices in preview.context["columns"]] == [
        (position, name, type_name) for name, type_name, position in ORDERS_COLUMNS
    ]
    assert preview.context["rows"][0] == [1, "North", "completed", 100.5, 1, "2024-01-05", 1]
    assert len(preview.context["rows"]) == 6
    assert ImportJob.objects.count() == 0
    # When the file is loaded as previewed
    loaded = client.post(staged["Location"], {"mode": "replace"})
    # Then the browser is sent to the job's progress page, which says it is done, with its rows
    job = ImportJob.objects.get()
    assert loaded.status_code == 302
    assert loaded["Location"] == f"/bi/imports/{job.pk}/progress/"
    progress = client.get(loaded["Location"])
    assert progress.status_code == 200
    html = progress.content.decode()
    assert '<strong class="import-status">Done</strong>' in html
    assert "Loaded. The dataset now has 6 rows." in html
    # And the dataset holds the file, loaded by the uploader; the staged file is gone
    dataset.refresh_from_db()
    assert (dataset.row_count, dataset.data_version) == (6, job.pk)
    assert columns_of(dataset) == ORDERS_COLUMNS
    assert (job.created_by, job.column_types) == (analyst, {})
    assert not Path(job.path).exists()
    assert services.run_query(analyst, REVENUE_BY_REGION)["rows"] == ORDERS_ROWS


def test_a_type_changed_on_the_preview_is_used(client):
    # Given a new dataset
    dataset = Dataset.objects.create(name="orders", title="Orders")
    # When the id is loaded as text instead of the inferred whole number
    upload(client, dataset, f.ORDERS_CSV, types={"id": "string"})
    # Then the job records the change, and the column has the type chosen
    job = ImportJob.objects.get()
    assert (job.status, job.column_types) == ("done", {"id": "string"})
    assert dataset.columns.get(name="id").type == "string"


def test_an_unknown_type_on_the_preview_is_refused(client):
    dataset = f.orders()
    staged = stage(client, dataset, f.ORDERS_CSV)
    response = client.post(staged["Location"], {"mode": "replace", "type-3": "money"})
    assert response.status_code == 200
    assert "Unknown column type: money" in response.content.decode()
    assert ImportJob.objects.count() == 1


def test_the_progress_fragment_polls_only_while_the_job_runs(client):
    # Given a running job and a finished one
    dataset = f.orders()
    done = ImportJob.objects.get(dataset=dataset)
    running = ImportJob.objects.create(
        dataset=dataset, file_name="big.csv", path="/nowhere/big.csv", status="running"
    )
    ImportJob.objects.filter(pk=running.pk).update(progress=0.4)
    queued = ImportJob.objects.create(dataset=dataset, file_name="next.csv", path="/nowhere/n.csv")
    # When htmx asks for their fragments
    headers = {"HX-Request": "true"}
    running_html = client.get(f"/bi/imports/{running.pk}/progress/", headers=headers)
    queued_html = client.get(f"/bi/imports/{queued.pk}/progress/", headers=headers)
    done_html = client.get(f"/bi/imports/{done.pk}/progress/", headers=headers)
    # Then the running and queued ones poll every second, the finished one does not
    url = f"/bi/imports/{running.pk}/progress/"
    assert running_html.templates[0].name == "bi/_import_progress.html"
    assert running_html.content.decode().startswith(
        f'<div id="import-progress" hx-get="{url}" hx-trigger="every 1s" hx-swap="outerHTML">'
    )
    assert 'aria-valuenow="40"' in running_html.content.decode()
    assert 'hx-trigger="every 1s"' in queued_html.content.decode()
    assert done_html.content.decode().startswith('<div id="import-progress" >')
    assert "hx-get" not in done_html.content.decode()
    assert "hx-trigger" not in done_html.content.decode()


def test_an_employee_cannot_upload_or_follow_imports(make_user, client):
    # Given the orders, and an employee
    dataset = f.orders()
    version = dataset.data_version
    job = ImportJob.objects.get()
    analyst_client = client
    client = Client()
    client.force_login(make_user(EMPLOYEE))
    uploads = set(loading.upload_dir().iterdir())
    # When the employee uploads a file, opens another's preview, and opens the import
    response = stage(client, dataset, f.ORDERS_CSV, mode="append")
    token = stage(analyst_client, dataset, f.ORDERS_CSV)["Location"]
    preview = client.post(token, {"mode": "append"})
    progress = client.get(f"/bi/imports/{job.pk}/progress/")
    # Then all are refused, and nothing was stored, queued or changed
    assert response.status_code == 403
    assert preview.status_code == 403
    assert progress.status_code == 403
    assert len(set(loading.upload_dir().iterdir()) - uploads) == 1  # the analyst's
    assert ImportJob.objects.count() == 1
    dataset.refresh_from_db()
    assert (dataset.data_version, dataset.row_count) == (version, 6)


# --- replace and append ---------------------------------------------------------------------------


def test_appending_the_same_file_doubles_the_rows(client, analyst):
    # Given the orders loaded once
    dataset = f.orders()
    first_version = dataset.data_version
    # When the same file is appended
    response = upload(client, dataset, f.ORDERS_CSV, mode="append")
    # Then there are twice the rows, in a new version, with the same columns
    job = ImportJob.objects.latest("pk")
    assert response["Location"] == f"/bi/imports/{job.pk}/progress/"
    assert (job.status, job.mode, job.rows) == ("done", "append", 12)
    dataset.refresh_from_db()
    assert dataset.row_count == 12
    assert dataset.data_version == job.pk != first_version
    assert columns_of(dataset) == ORDERS_COLUMNS
    assert dataset.profile["row_count"] == 12
    doubled = [[region, revenue * 2, count * 2] for region, revenue, count in ORDERS_ROWS]
    assert services.run_query(analyst, REVENUE_BY_REGION)["rows"] == doubled


def test_replacing_swaps_the_rows_and_syncs_the_columns(client, analyst):
    # Given the orders, with a description written for the region column
    dataset = f.orders()
    Column.objects.filter(dataset=dataset, name="region").update(description="Sales region")
    # When a file of other columns replaces them
    text = "id,region,revenue,note\n1,East,10.5,a\n2,East,4.5,b\n"
    upload(client, dataset, text, name="east.csv", mode="replace", confirm=True)
    # Then the dataset holds the new rows, and its column rows match the new file
    job = ImportJob.objects.latest("pk")
    assert (job.status, job.rows) == ("done", 2)
    dataset.refresh_from_db()
    assert (dataset.row_count, dataset.data_version) == (2, job.pk)
    assert columns_of(dataset) == [
        ("id", "int64", 0),
        ("region", "string", 1),
        ("revenue", "float64", 2),
        ("note", "string", 3),
    ]
    # And a kept column keeps its description; roles are given to the new ones
    assert dataset.columns.get(name="region").description == "Sales region"
    assert dataset.columns.get(name="revenue").role == Column.Role.MEASURE
    spec = {"dataset": "orders", "dimensions": ["region"], "measures": [{"agg": "count"}]}
    assert services.run_query(analyst, spec)["rows"] == [["East", 2]]


def test_appending_to_a_dataset_without_data_replaces(client):
    dataset = Dataset.objects.create(name="orders", title="Orders")
    upload(client, dataset, f.ORDERS_CSV, mode="append")
    job = ImportJob.objects.get()
    assert (job.status, job.mode, job.rows) == ("done", "replace", 6)


def test_only_the_live_and_the_previous_version_are_kept(client):
    # Given the orders loaded once, then replaced twice
    dataset = f.orders()
    first = dataset.data_version
    upload(client, dataset, f.ORDERS_CSV)
    dataset.refresh_from_db()
    second = dataset.data_version
    upload(client, dataset, f.ORDERS_CSV)
    dataset.refresh_from_db()
    third = dataset.data_version
    # Then the first version is gone; the live one and the one before it remain
    assert [readable(dataset.key, v) for v in (first, second, third)] == [False, True, True]
    if ON_DUCKDB:
        folder = get_warehouse().path(dataset.key, third).parent
        assert sorted(p.name for p in folder.iterdir()) == [f"v{second}.duckdb", f"v{third}.duckdb"]


# --- formats --------------------------------------------------------------------------------------

ORDERS_RECORDS = [
    {
        "id": int(row[0]),
        "region": row[1],
        "status": row[2],
        "amount": float(row[3]),
        "quantity": int(row[4]),
        "order_date": row[5],
        "customer_id": int(row[6]),
    }
    for row in (line.split(",") for line in f.ORDERS_CSV.splitlines()[1:])
]


def _xlsx() -> bytes:
    import datetime as dt
    import io

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(list(ORDERS_RECORDS[0]))
    for record in ORDERS_RECORDS:
        values = dict(record, order_date=dt.date.fromisoformat(record["order_date"]))
        sheet.append(list(values.values()))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _parquet(tmp_path) -> bytes:
    import duckdb

    source = tmp_path / "orders.csv"
    source.write_text(f.ORDERS_CSV, encoding="utf-8")
    target = tmp_path / "orders.parquet"
    con = duckdb.connect()
    try:
        con.execute(f"COPY (SELECT * FROM read_csv('{source}')) TO '{target}' (FORMAT parquet)")  # noqa: S608
    finally:
        con.close()
    return target.read_bytes()


FORMATS = {
    "orders.csv": lambda _tmp: f.ORDERS_CSV.encode(),
    "orders.tsv": lambda _tmp: f.ORDERS_CSV.replace(",", "\t").encode(),
    "orders.json": lambda _tmp: json.dumps(ORDERS_RECORDS).encode(),
    "orders.ndjson": lambda _tmp: "".join(json.dumps(r) + "\n" for r in ORDERS_RECORDS).encode(),
    "orders.xlsx": lambda _tmp: _xlsx(),
    "orders.parquet": _parquet,
}


@pytest.mark.parametrize("name", list(FORMATS))
def test_each_format_loads_the_same_rows(client, analyst, tmp_path, name):
    # Given the sample orders saved in one of the supported formats
    dataset = Dataset.objects.create(name="orders", title="Orders")
    # When the file is uploaded
    upload(client, dataset, FORMATS[name](tmp_path), name=name)
    # Then the job is done and the orders answer as from the CSV
    job = ImportJob.objects.get()
    assert (job.status, job.error, job.rows) == ("done", "", 6)
    assert [c[0] for c in columns_of(dataset)] == [c[0] for c in ORDERS_COLUMNS]
    assert services.run_query(analyst, REVENUE_BY_REGION)["rows"] == ORDERS_ROWS
    dates = {"dataset": "orders", "measures": [{"agg": "max", "column": "order_date"}]}
    assert services.run_query(analyst, dates)["rows"] == [["2024-03-15"]]


# --- malformed files ------------------------------------------------------------------------------

LATIN1_LINE = "7,Kraków,completed,10.00,1,2024-03-20,1\n".encode("latin-1")

MALFORMED = [
    pytest.param(
        "orders.csv",
        (f.ORDERS_CSV + "7,North,completed,10.00,1\n8,North,completed,1,1,2024-03-21,1\n").encode(),
        {},
        "Line 8: expected 7 columns, found 5.",
        8,
        "",
        id="too-few-fields",
    ),
    pytest.param(
        "orders.csv",
        (f.ORDERS_CSV + "7,North,completed,10.00,1,2024-03-20,1,x,y\n").encode(),
        {},
        "Line 8: expected 7 columns, found 9.",
        8,
        "",
        id="too-many-fields",
    ),
    pytest.param(
        "orders.csv",
        f.ORDERS_CSV.encode(),
        {"region": "int64"},
        'Line 2, column "region": "North" is not a whole number.',
        2,
        "region",
        id="type-clash-with-column-types",
    ),
    pytest.param(
        "orders.csv",
        f.ORDERS_CSV.encode(),
        {"amount": "int64"},
        'Line 2, column "amount": "100.50" is not a whole number.',
        2,
        "amount",
        id="fraction-as-whole-number",
    ),
    pytest.param(
        "orders.csv",
        (f.ORDERS_CSV + "7,North,completed,10.00,1,20 March,1\n").encode(),
        {"order_date": "date"},
        'Line 8, column "order_date": "20 March" is not a date.',
        8,
        "order_date",
        id="bad-date-with-column-types",
    ),
    pytest.param("orders.csv", b"", {}, "The file is empty.", None, "", id="empty-file"),
    pytest.param(
        "orders.json",
        b'{"id": 1, "region": "North"}\n{"id": 2, "region": "South"}\n{"id": 3, region}\n',
        {},
        "Line 3: the JSON is malformed (unexpected character).",
        3,
        "",
        id="malformed-json-lines",
    ),
    pytest.param(
        "orders.xlsx",
        b"PK not a zip",
        {},
        "The file is not a valid XLSX workbook.",
        None,
        "",
        id="not-xlsx",
    ),
    pytest.param(
        "orders.parquet",
        b"PAR1 this is not parquet at all",
        {},
        "The file is not a valid Parquet file.",
        None,
        "",
        id="not-parquet",
    ),
]


@pytest.mark.parametrize(("name", "content", "types", "error", "line", "column"), MALFORMED)
def test_a_malformed_file_fails_its_job_and_leaves_the_dataset_as_it_was(
    client, analyst, tmp_path, name, content, types, error, line, column
):
    # Given the orders loaded, answered once
    dataset = f.orders()
    before = Dataset.objects.get(pk=dataset.pk)
    columns = columns_of(dataset)
    assert services.run_query(analyst, REVENUE_BY_REGION)["rows"] == ORDERS_ROWS
    # When a malformed file is queued to replace them (as the upload page and the API do)
    path = write(tmp_path, name, content)
    job = loading.start_import(analyst, dataset, path, file_name=name, column_types=types)
    # Then its job failed, saying what and where
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED
    assert (job.error, job.error_line, job.error_column) == (error, line, column)
    assert job.rows is None
    assert job.finished is not None
    assert not Path(job.path).exists()
    # And its progress page shows the error
    html = client.get(f"/bi/imports/{job.pk}/progress/").content.decode()
    assert '<strong class="import-status">Failed</strong>' in html
    assert "The dataset keeps its previous data." in html
    # And the dataset's data, version, rows, profile and columns are what they were
    after = Dataset.objects.get(pk=dataset.pk)
    assert (after.data_version, after.row_count, after.loaded_at) == (
        before.data_version,
        before.row_count,
        before.loaded_at,
    )
    assert after.profile == before.profile
    assert columns_of(after) == columns
    assert readable(dataset.key, before.data_version)
    fresh = services.run_query(analyst, REVENUE_BY_REGION, use_cache=False)
    assert fresh["rows"] == ORDERS_ROWS


# A file that is not UTF-8 is no longer refused by the page: it is read as Windows-1250 or
# ISO-8859-2 (test_a_polish_code_page_csv_is_read_with_its_letters).
PREVIEW_REFUSALS = [
    pytest.param(
        "orders.csv",
        (f.ORDERS_CSV + "7,North,completed,10.00,1,2024-03-20,1,x,y\n").encode(),
        "Line 8: expected 7 columns, found 9.",
        id="ragged",
    ),
    pytest.param("orders.csv", b"", "The file is empty.", id="empty-file"),
    pytest.param(
        "orders.parquet",
        b"PAR1 this is not parquet at all",
        "The file is not a valid Parquet file.",
        id="not-parquet",
    ),
    pytest.param(
        "orders.pdf",
        b"%PDF-1.4",
        "Unsupported file type “pdf”: use CSV, XLSX, Parquet or JSON.",
        id="unsupported-suffix",
    ),
]


@pytest.mark.parametrize(("name", "content", "error"), PREVIEW_REFUSALS)
def test_a_file_malformed_in_its_first_rows_is_refused_before_any_job(
    client, analyst, name, content, error
):
    # Given the orders loaded once
    dataset = f.orders()
    before = Dataset.objects.get(pk=dataset.pk)
    uploads = set(loading.upload_dir().iterdir())
    # When a malformed file is uploaded on the dataset page
    response = upload(client, dataset, content, name=name)
    # Then the browser is sent back to the dataset page, which says what is wrong
    assert response.status_code == 302
    assert response["Location"] == f"/bi/datasets/{dataset.pk}/"
    page = client.get(response["Location"])
    assert [str(m) for m in page.context["messages"]] == [error]
    # And no job was queued, the file was not kept, and the data is unchanged
    assert ImportJob.objects.count() == 1
    assert set(loading.upload_dir().iterdir()) == uploads
    after = Dataset.objects.get(pk=dataset.pk)
    assert (after.data_version, after.row_count, after.profile) == (
        before.data_version,
        before.row_count,
        before.profile,
    )
    assert services.run_query(analyst, REVENUE_BY_REGION)["rows"] == ORDERS_ROWS


def test_a_type_clash_from_the_preview_fails_with_its_line_and_column(client, analyst):
    # Given the orders loaded once
    dataset = f.orders()
    version = dataset.data_version
    # When the file is loaded with its region as a whole number
    response = upload(client, dataset, f.ORDERS_CSV, types={"region": "int64"}, confirm=True)
    # Then the job failed at the first region, and the page says where
    job = ImportJob.objects.latest("pk")
    assert response["Location"] == f"/bi/imports/{job.pk}/progress/"
    assert (job.status, job.error_line, job.error_column) == ("failed", 2, "region")
    html = client.get(response["Location"]).content.decode()
    assert (
        '<div class="alert alert-danger" role="alert">Line 2, column &quot;region&quot;: '
        "&quot;North&quot; is not a whole number. (line 2, column region)<br>"
        "The dataset keeps its previous data.</div>"
    ) in html
    dataset.refresh_from_db()
    assert (dataset.data_version, dataset.row_count) == (version, 6)
    assert dataset.columns.get(name="region").type == "string"


def test_a_failed_append_leaves_the_dataset_as_it_was(client, analyst):
    # Given the orders loaded once
    dataset = f.orders()
    version = dataset.data_version
    # When a file of other columns is appended
    upload(client, dataset, "id,colour\n1,red\n", name="other.csv", mode="append")
    # Then the job failed, naming the mismatch, and the orders are unchanged
    job = ImportJob.objects.latest("pk")
    assert job.status == "failed"
    assert job.error == (
        'The file\'s columns do not match the version appended to: missing "region", '
        '"status", "amount", "quantity", "order_date", "customer_id"; unexpected "colour".'
    )
    dataset.refresh_from_db()
    assert (dataset.data_version, dataset.row_count) == (version, 6)
    assert services.run_query(analyst, REVENUE_BY_REGION, use_cache=False)["rows"] == ORDERS_ROWS


# --- profile --------------------------------------------------------------------------------------


def test_the_profile_of_a_loaded_dataset(client):
    # Given the orders loaded
    dataset = f.orders()
    # Then the stored profile counts, per column, nulls, distinct values, min, max and tops
    profile = dataset.profile
    assert profile["row_count"] == 6
    assert sorted(profile["columns"]) == sorted(name for name, _t, _p in ORDERS_COLUMNS)
    assert profile["columns"]["region"] == {
        "nulls": 0,
        "distinct": 3,
        "min": "North",
        "max": "West",
        "top": [["North", 3], ["South", 2], ["West", 1]],
    }
    assert profile["columns"]["amount"] == {
        "nulls": 0,
        "distinct": 6,
        "min": 25.0,
        "max": 300.0,
        "top": [[25.0, 1], [50.25, 1], [75.25, 1], [100.5, 1], [200.0, 1]],
    }
    assert profile["columns"]["order_date"]["min"] == "2024-01-05"
    assert profile["columns"]["order_date"]["max"] == "2024-03-15"
    # And the dataset page shows it
    html = client.get(f"/bi/datasets/{dataset.pk}/").content.decode()
    assert "North (3), South (2), West (1)" in html


def test_a_page_seen_before_the_profile_shows_it_once_computed(client):
    # Given a dataset page seen while its profile was still being computed
    dataset = f.orders()
    Dataset.objects.filter(pk=dataset.pk).update(profile={})
    assert 'id="profile-pending"' in client.get(f"/bi/datasets/{dataset.pk}/").content.decode()
    # When the profile job stores it
    loading.profile_dataset(dataset.pk, dataset.data_version)
    # Then the next view shows the profile, not the kept page
    html = client.get(f"/bi/datasets/{dataset.pk}/").content.decode()
    assert 'id="profile-pending"' not in html
    assert "North (3), South (2), West (1)" in html


def test_the_profile_counts_empty_values(client):
    dataset = Dataset.objects.create(name="scores", title="Scores")
    upload(client, dataset, "id,score,grade\n1,10,A\n2,,B\n3,10,\n4,30,A\n", name="s.csv")
    dataset.refresh_from_db()
    assert dataset.profile == {
        "row_count": 4,
        "columns": {
            "id": {
                "nulls": 0,
                "distinct": 4,
                "min": 1,
                "max": 4,
                "top": [[1, 1], [2, 1], [3, 1], [4, 1]],
            },
            "score": {"nulls": 1, "distinct": 2, "min": 10, "max": 30, "top": [[10, 2], [30, 1]]},
            "grade": {
                "nulls": 1,
                "distinct": 2,
                "min": "A",
                "max": "B",
                "top": [["A", 2], ["B", 1]],
            },
        },
    }


# --- deleting a dataset ---------------------------------------------------------------------------


def test_deleting_a_dataset_removes_its_warehouse_data(
    make_user, django_capture_on_commit_callbacks
):
    # Given the orders loaded twice (two versions kept), and a staff member
    analyst_client = Client()
    analyst_client.force_login(make_user(ANALYST))
    dataset = f.orders()
    first = dataset.data_version
    upload(analyst_client, dataset, f.ORDERS_CSV)
    dataset.refresh_from_db()
    second = dataset.data_version
    assert readable(dataset.key, first) and readable(dataset.key, second)
    client = Client()
    client.force_login(make_user(STAFF))
    # When the dataset is deleted
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(f"/bi/datasets/{dataset.pk}/delete/")
        # (the data stays until the deletion is committed)
        assert readable(dataset.key, second)
    # Then, once committed, the warehouse holds none of its versions
    assert response.status_code == 302
    assert len(callbacks) == 1
    assert not Dataset.objects.filter(pk=dataset.pk).exists()
    assert not readable(dataset.key, first)
    assert not readable(dataset.key, second)


@pytest.mark.skipif(not ON_DUCKDB, reason="the files of the embedded DuckDB warehouse")
def test_deleting_a_dataset_removes_its_folder_under_the_data_dir(
    make_user, django_capture_on_commit_callbacks
):
    # Given the orders, stored in their folder under the data dir's warehouse
    dataset = f.orders()
    folder = get_warehouse().path(dataset.key, dataset.data_version).parent
    assert Path(settings.DATA_DIR) in folder.parents
    assert (folder.name, [p.name for p in folder.iterdir()]) == (
        dataset.key,
        [f"v{dataset.data_version}.duckdb"],
    )
    client = Client()
    client.force_login(make_user(STAFF))
    # When the dataset is deleted
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/bi/datasets/{dataset.pk}/delete/")
        assert folder.is_dir()
    # Then, once committed, its folder is gone
    assert not folder.exists()


def test_a_refused_delete_keeps_the_data(client, django_capture_on_commit_callbacks):
    # Given the orders, and an analyst (who may not delete datasets)
    dataset = f.orders()
    # When the analyst tries to delete it
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(f"/bi/datasets/{dataset.pk}/delete/")
    # Then it is refused and the data stays
    assert response.status_code == 403
    assert callbacks == []
    assert Dataset.objects.filter(pk=dataset.pk).exists()
    assert readable(dataset.key, dataset.data_version)


def test_a_replacement_with_other_columns_warns_and_waits_for_a_confirmation(client):
    # Given the orders loaded once
    dataset = f.orders()
    version = dataset.data_version
    # When a file without some columns, with a new one and a retyped one is previewed
    text = "id,region,amount,note\n1,East,ten,a\n"
    staged = stage(client, dataset, text, name="east.csv")
    preview = client.get(staged["Location"])
    # Then the preview lists the differences and asks for a confirmation
    changes = preview.context["changes"]
    assert changes["added"] == [("note", "string")]
    assert [name for name, _type in changes["removed"]] == [
        "status",
        "quantity",
        "order_date",
        "customer_id",
    ]
    assert changes["changed"] == [("amount", "float64", "string")]
    html = preview.content.decode()
    assert 'id="column-changes"' in html
    assert 'name="confirm_columns"' in html
    # When it is loaded without the confirmation, nothing is queued and the warning stays
    refused = client.post(staged["Location"], {"mode": "replace"})
    assert refused.status_code == 200
    assert 'id="column-changes"' in refused.content.decode()
    assert ImportJob.objects.filter(dataset=dataset).count() == 1
    # When it is confirmed, it replaces the data
    done = client.post(staged["Location"], {"mode": "replace", "confirm_columns": "1"})
    assert done.status_code == 302
    dataset.refresh_from_db()
    assert dataset.data_version != version
    assert [c.name for c in dataset.columns.order_by("position")] == [
        "id",
        "region",
        "amount",
        "note",
    ]


def test_a_replacement_with_the_same_columns_needs_no_confirmation(client):
    dataset = f.orders()
    staged = stage(client, dataset, f.ORDERS_CSV)
    assert client.get(staged["Location"]).context["changes"] is None
    assert client.post(staged["Location"], {"mode": "replace"}).status_code == 302


@pytest.mark.parametrize("encoding", ["cp1250", "iso8859_2"])
def test_a_polish_code_page_csv_is_read_with_its_letters(client, encoding):
    # Given a semicolon-separated file saved by Polish Excel
    dataset = Dataset.objects.create(name="miasta", title="Miasta")
    text = "miasto;województwo;ludność\nŁódź;łódzkie;658444\nŚwiętochłowice;śląskie;49000\n"
    staged = stage(client, dataset, text.encode(encoding), name="miasta.csv")
    # Then the preview reads its letters and its columns, and says in which encoding
    preview = client.get(staged["Location"])
    assert [name for _i, name, _t, _c in preview.context["columns"]] == [
        "miasto",
        "województwo",
        "ludność",
    ]
    assert preview.context["rows"][1][0] == "Świętochłowice"
    label = {"cp1250": "Windows-1250", "iso8859_2": "ISO-8859-2"}[encoding]
    assert f"Read as {label} text." in preview.content.decode()


def test_a_latin_byte_in_a_later_line_is_read_not_refused(client):
    # "Kraków" written by a Windows program: the page reads it as Windows-1250
    dataset = f.orders()
    staged = stage(client, dataset, f.ORDERS_CSV.encode() + LATIN1_LINE)
    preview = client.get(staged["Location"])
    assert preview.status_code == 200
    assert "Read as Windows-1250 text." in preview.content.decode()
