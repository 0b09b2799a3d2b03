"""Limits of the BI app that must hold: the result cache is bounded by bytes, exports stream,
imports point to the line at fault."""

from __future__ import annotations

import pytest

from openmis.bi.tests import factories as f
from openmis.org.roles import ANALYST

pytestmark = pytest.mark.django_db

QUERY = "/api/bi/query/"


@pytest.fixture
def api(make_user, api_client_for):
    """An analyst's API client, with the sample orders loaded."""
    f.orders()
    return api_client_for(make_user(ANALYST))


def test_a_result_over_the_cache_byte_limit_is_not_cached_and_a_small_one_is(api, settings):
    # Given a cache limit of 150 bytes: all six orders (raw rows) are over it, a count is not
    settings.BI_RESULT_CACHE_MAX_BYTES = 150
    rows = {"dataset": "orders", "fields": ["id", "region", "status", "amount"]}
    count = {"dataset": "orders", "measures": [{"agg": "count"}]}
    # When each is asked twice
    big = [api.post(QUERY, rows, format="json").json() for _ in range(2)]
    small = [api.post(QUERY, count, format="json").json() for _ in range(2)]
    # Then the large result is computed again (the same rows), the small one is served cached
    assert len(big[0]["rows"]) == 6
    assert [answer["cached"] for answer in big] == [False, False]
    assert big[1]["rows"] == big[0]["rows"]
    assert [answer["cached"] for answer in small] == [False, True]


@pytest.fixture
def raw_orders_question(make_user):
    """An analyst and their question listing every order (6 rows), by id."""
    analyst = make_user(ANALYST)
    question = f.question(
        owner=analyst,
        measures=[],
        dimensions=[],
        fields=["id", "region", "amount"],
        order_by=[{"column": "id"}],
    )
    return analyst, question


@pytest.fixture
def no_whole_results(monkeypatch):
    """Make reading a whole result at once (``Warehouse.execute``) fail the test."""
    from openmis.analytics.warehouse.base import Warehouse
    from openmis.bi.engine import get_warehouse

    def refuse(*args, **kwargs):
        raise AssertionError("an export read the whole result at once")

    monkeypatch.setattr(type(get_warehouse()), "execute", refuse)
    monkeypatch.setattr(Warehouse, "execute", refuse, raising=False)


def test_the_csv_export_streams_the_rows_from_the_warehouse_in_batches(
    raw_orders_question, no_whole_results, monkeypatch
):
    from django.http import StreamingHttpResponse

    from openmis.bi import results
    from openmis.conftest import logged_in

    # Given a question of 6 rows, and exports reading 2 rows at a time
    analyst, question = raw_orders_question
    monkeypatch.setattr(results, "EXPORT_BATCH_ROWS", 2)
    # When it is exported as CSV (and the whole result is never read at once)
    response = logged_in(analyst).get(f"/bi/questions/{question.pk}/export.csv")
    # Then the file streams: the header, then one piece per batch of rows, with every row
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Disposition"] == f'attachment; filename="question-{question.pk}.csv"'
    pieces = [piece.decode() for piece in response.streaming_content]
    assert pieces == [
        "id,region,amount\r\n",
        "1,North,100.5\r\n2,North,200.0\r\n",
        "3,South,50.25\r\n4,South,300.0\r\n",
        "5,West,25.0\r\n6,North,75.25\r\n",
    ]


def test_the_xlsx_export_is_written_from_batches_of_rows(raw_orders_question, no_whole_results):
    import io

    from openpyxl import load_workbook

    from openmis.conftest import logged_in

    # Given a question of 6 rows
    analyst, question = raw_orders_question
    # When it is exported as XLSX (and the whole result is never read at once)
    response = logged_in(analyst).get(f"/bi/questions/{question.pk}/export.xlsx")
    # Then the workbook holds the header and every row
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        f'attachment; filename="question-{question.pk}.xlsx"'
    )
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert [list(row) for row in sheet.iter_rows(values_only=True)] == [
        ["id", "region", "amount"],
        [1, "North", 100.5],
        [2, "North", 200],
        [3, "South", 50.25],
        [4, "South", 300],
        [5, "West", 25],
        [6, "North", 75.25],
    ]


def test_an_import_killed_while_running_is_failed_when_the_worker_starts(
    monkeypatch, tmp_path, capsys
):
    from openmis import cli
    from openmis.analytics.warehouse.embedded import DuckDBWarehouse
    from openmis.bi import loading
    from openmis.bi.engine import get_warehouse
    from openmis.bi.models import ImportJob

    # Given an import the worker was running when it was killed: its staged upload and its
    # half-written version file are still there
    dataset = f.orders()
    upload = loading.upload_dir() / "0123456789abcdef0123456789abcdef.csv"
    upload.write_text(f.ORDERS_CSV, encoding="utf-8")
    job = ImportJob.objects.create(
        dataset=dataset, file_name="orders.csv", path=str(upload), format="csv"
    )
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.RUNNING, progress=0.4)
    # (only the embedded warehouse writes version files; PostgreSQL writes in a transaction,
    # which a killed process leaves rolled back)
    partial = None
    if isinstance(get_warehouse(), DuckDBWarehouse):
        partial = get_warehouse().path(dataset.key, job.pk)
        partial = partial.with_name(partial.name + ".tmp-0123abcd")
        partial.parent.mkdir(parents=True, exist_ok=True)
        partial.write_bytes(b"half a version")
    # and an import the CLI is running on a file of its own (its process is not the worker's)
    own_file = tmp_path / "mine.csv"
    own_file.write_text(f.ORDERS_CSV, encoding="utf-8")
    cli_job = ImportJob.objects.create(
        dataset=dataset, file_name="mine.csv", path=str(own_file), format="csv"
    )
    ImportJob.objects.filter(pk=cli_job.pk).update(status=ImportJob.Status.RUNNING)
    version_before = dataset.data_version
    # When the worker starts (its job loop itself is not run here)
    started = []
    monkeypatch.setattr(cli, "_manage", lambda *args: started.append(args))
    assert cli.cmd_worker(None) == 0
    # Then the killed import is failed, saying so, and its files are gone
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED
    assert job.error == (
        "The import was interrupted: the background worker stopped before it finished. "
        "The dataset keeps its previous data; load the file again."
    )
    assert job.finished is not None
    assert not upload.exists()
    assert partial is None or not partial.exists()
    assert capsys.readouterr().err == "Marked 1 interrupted import(s) as failed.\n"
    assert started == [("db_worker", "--queue-name", "*", "--interval", "0.5")]
    # And the CLI's import, its file and the dataset's data are untouched
    cli_job.refresh_from_db()
    assert cli_job.status == ImportJob.Status.RUNNING
    assert own_file.exists()
    dataset.refresh_from_db()
    assert dataset.data_version == version_before
