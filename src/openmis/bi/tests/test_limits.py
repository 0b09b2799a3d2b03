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

    from openmis.bi import services
    from openmis.conftest import logged_in

    # Given a question of 6 rows, and exports reading 2 rows at a time
    analyst, question = raw_orders_question
    monkeypatch.setattr(services, "EXPORT_BATCH_ROWS", 2)
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
