"""Querying the warehouse: results, limits, the sandbox, warm connections, concurrency with
imports (threads and processes), profiles, and the JSON form of results.

Engine-neutral tests run on the embedded DuckDB engine, and on PostgreSQL too when
``OPENMIS_TEST_POSTGRES`` and ``OPENMIS_TEST_DATABASE_URL`` are set.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import threading
import time
import uuid
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import duckdb
import psycopg
import pytest
import sqlglot.expressions as sge

from openmis.analytics.catalog import Location
from openmis.analytics.errors import ImportFailed, QueryFailed, QueryTimeout
from openmis.analytics.warehouse import (
    DuckDBWarehouse,
    IbisWarehouse,
    LoadResult,
    PostgresWarehouse,
    Result,
    Warehouse,
    connect,
)

POSTGRES = bool(
    os.environ.get("OPENMIS_TEST_POSTGRES") and os.environ.get("OPENMIS_TEST_DATABASE_URL")
)
ENGINES = ["duckdb", "postgres"] if POSTGRES else ["duckdb"]


def _postgres_base_url() -> str:
    url = os.environ["OPENMIS_TEST_DATABASE_URL"]
    try:
        psycopg.connect(url, connect_timeout=5).close()
    except psycopg.OperationalError as exc:
        if "does not exist" not in str(exc):
            raise
        parts = urlsplit(url)  # the test database is created later by Django: use postgres
        url = urlunsplit((parts.scheme, parts.netloc, "/postgres", parts.query, ""))
    return url


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
def duck(tmp_path) -> DuckDBWarehouse:
    return connect(None, data_dir=tmp_path / "data", memory_limit="512MB", threads=2)


@pytest.fixture
def key() -> str:
    return f"ds{uuid.uuid4().hex[:10]}"


def table(wh: Warehouse, location: Location) -> str:
    return sge.table_(
        location.table, db=location.database, catalog=location.catalog, quoted=True
    ).sql(wh.dialect)


def load_csv(wh: Warehouse, tmp_path: Path, key: str, version: int, text: str, **kw) -> LoadResult:
    path = tmp_path / f"{key}_{version}.csv"
    path.write_text(text, encoding="utf-8")
    return wh.load(path, key=key, version=version, **kw)


ORDERS = "id,region,amount\n1,North,10.5\n2,South,20\n3,North,\n4,West,7.25\n5,North,10.5\n"


# --- results -----------------------------------------------------------------------------------


def test_execute_returns_columns_and_rows(wh, key, tmp_path):
    # Given the orders dataset
    orders = load_csv(wh, tmp_path, key, 1, ORDERS)

    # When revenue per region is asked
    result = wh.execute(
        f"SELECT region, SUM(amount) AS revenue FROM {table(wh, orders.location)} "  # noqa: S608
        "GROUP BY region ORDER BY region",
        locations=[orders.location],
    )

    # Then the rows come back in order, not truncated
    assert result.columns == ["region", "revenue"]
    assert result.rows == [["North", 21.0], ["South", 20.0], ["West", 7.25]]
    assert result.truncated is False
    assert result.elapsed_ms >= 0


def test_execute_binds_parameters(wh, key, tmp_path):
    orders = load_csv(wh, tmp_path, key, 1, ORDERS)
    mark = "?" if wh.dialect == "duckdb" else "%s"

    result = wh.execute(
        f"SELECT id FROM {table(wh, orders.location)} WHERE region = {mark} ORDER BY id",  # noqa: S608
        locations=[orders.location],
        params=["North"],
    )

    assert result.rows == [[1], [3], [5]]


def test_execute_of_no_rows_keeps_the_columns(wh, key, tmp_path):
    orders = load_csv(wh, tmp_path, key, 1, ORDERS)

    result = wh.execute(
        f"SELECT id, region FROM {table(wh, orders.location)} WHERE id < 0",  # noqa: S608
        locations=[orders.location],
    )

    assert (result.columns, result.rows, result.truncated) == (["id", "region"], [], False)


def test_rows_beyond_the_cap_are_cut_and_flagged(wh, key, tmp_path):
    orders = load_csv(wh, tmp_path, key, 1, ORDERS)

    result = wh.execute(
        f"SELECT id FROM {table(wh, orders.location)} ORDER BY id",  # noqa: S608
        locations=[orders.location],
        row_cap=3,
    )

    assert result.rows == [[1], [2], [3]]
    assert result.truncated is True


def test_exactly_the_cap_is_not_truncated(wh, key, tmp_path):
    orders = load_csv(wh, tmp_path, key, 1, ORDERS)

    result = wh.execute(
        f"SELECT id FROM {table(wh, orders.location)}",  # noqa: S608
        locations=[orders.location],
        row_cap=5,
    )

    assert (len(result.rows), result.truncated) == (5, False)


def test_stream_yields_the_columns_then_batches_of_rows_up_to_the_cap(wh, key, tmp_path):
    # Given the orders dataset (5 rows)
    orders = load_csv(wh, tmp_path, key, 1, ORDERS)
    sql = f"SELECT id, region FROM {table(wh, orders.location)} ORDER BY id"  # noqa: S608

    # When it is streamed 2 rows at a time, all of it and at most 3 rows
    whole = list(wh.stream(sql, locations=[orders.location], batch_rows=2))
    capped = list(wh.stream(sql, locations=[orders.location], batch_rows=2, row_cap=3))

    # Then the column names come first, then the rows in batches
    assert whole == [
        ["id", "region"],
        [[1, "North"], [2, "South"]],
        [[3, "North"], [4, "West"]],
        [[5, "North"]],
    ]
    assert capped == [["id", "region"], [[1, "North"], [2, "South"]], [[3, "North"]]]


def test_stream_of_no_rows_keeps_the_columns_and_errors_come_first(wh, key, tmp_path):
    orders = load_csv(wh, tmp_path, key, 1, ORDERS)
    empty = f"SELECT id FROM {table(wh, orders.location)} WHERE id < 0"  # noqa: S608

    assert list(wh.stream(empty, locations=[orders.location])) == [["id"]]
    with pytest.raises(QueryFailed):
        next(
            wh.stream(
                "SELECT no_such_column FROM " + table(wh, orders.location),  # noqa: S608
                locations=[orders.location],
            )
        )


def test_a_stream_closed_early_gives_its_connection_back(duck, tmp_path):
    from openmis.analytics.warehouse import connections

    orders = load_csv(duck, tmp_path, "orders", 1, ORDERS)
    stream = duck.stream(
        f"SELECT id FROM {table(duck, orders.location)}",  # noqa: S608
        locations=[orders.location],
        batch_rows=1,
    )
    next(stream), next(stream)
    entry = connections.POOL.acquire(*_pool_key(duck, orders.location))
    connections.POOL.release(entry)
    assert entry.users == 1  # the open stream

    stream.close()

    assert entry.users == 0


def _pool_key(duck, location):
    """The pool key and builder of the connection over ``location`` (as ``_acquire`` has it)."""
    path = duck.file_of(location)
    stat = path.stat()
    stamps = [(location.catalog, str(path), stat.st_ino, stat.st_mtime_ns)]
    key = (str(duck.root), duck.memory_limit, duck.threads, frozenset(stamps))
    return key, lambda: duck._build(stamps)


def test_a_long_query_is_interrupted_at_its_timeout(wh):
    # Given a query that would run for minutes
    sql = {
        "duckdb": "SELECT count(*) FROM range(10000000000)",
        "postgres": "SELECT count(*) FROM generate_series(1, 10000000000)",
    }[wh.dialect]
    timeout = 0.2 if wh.dialect == "duckdb" else 0.3
    started = time.monotonic()

    # When it runs with a short timeout
    with pytest.raises(QueryTimeout) as failure:
        wh.execute(sql, locations=[], timeout=timeout)

    # Then it is stopped (the bound only detects a hang; it is not a performance test)
    assert failure.value.detail == f"The query ran longer than {timeout} s and was stopped."
    assert time.monotonic() - started < 5


def test_engine_errors_are_short_sentences(wh, key, tmp_path):
    orders = load_csv(wh, tmp_path, key, 1, ORDERS)

    with pytest.raises(QueryFailed) as failure:
        wh.execute(
            f"SELECT nope FROM {table(wh, orders.location)}",  # noqa: S608
            locations=[orders.location],
        )

    assert (
        failure.value.detail
        == {
            "duckdb": 'Referenced column "nope" not found in FROM clause! Candidate bindings: '
            '"amount".',
            "postgres": 'Column "nope" does not exist.',
        }[wh.dialect]
    )


def test_writes_are_refused(wh, key, tmp_path):
    # Given a dataset version
    orders = load_csv(wh, tmp_path, key, 1, ORDERS)
    target = table(wh, Location(orders.location.catalog, orders.location.database, "t2"))

    # When a query tries to create a table
    with pytest.raises(QueryFailed) as failure:
        wh.execute(f"CREATE TABLE {target} (a int)", locations=[orders.location])

    # Then the engine refuses it
    assert (
        failure.value.detail
        == {
            "duckdb": "Only one SELECT statement can be run.",
            "postgres": "Cannot execute CREATE TABLE in a read-only transaction.",
        }[wh.dialect]
    )


# --- the DuckDB sandbox ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sql", "message"),
    [
        (
            "SELECT * FROM read_csv('/etc/passwd')",
            "Queries may not read files, change settings or load extensions.",
        ),
        ("ATTACH '{tmp}/other.duckdb' AS other", "Only one SELECT statement can be run."),
        ("COPY (SELECT 1) TO '{tmp}/out.csv'", "Only one SELECT statement can be run."),
        ("SET lock_configuration = false", "Only one SELECT statement can be run."),
        ("INSTALL httpfs", "Only one SELECT statement can be run."),
        ("DETACH ds1_v1", "Only one SELECT statement can be run."),
        ("SELECT 1; DETACH ds1_v1", "Only one SELECT statement can be run."),
    ],
)
def test_duckdb_queries_cannot_leave_their_sandbox(duck, tmp_path, sql, message):
    orders = load_csv(duck, tmp_path, "ds1", 1, ORDERS)

    with pytest.raises(QueryFailed) as failure:
        duck.execute(sql.format(tmp=tmp_path), locations=[orders.location])

    assert failure.value.detail == message
    assert duck.execute(
        "SELECT count(*) FROM ds1_v1.main.data", locations=[orders.location]
    ).rows == [[5]]


@pytest.mark.parametrize(
    ("sql", "error"),
    [
        ("SELECT * FROM read_csv('/etc/passwd')", duckdb.PermissionException),
        ("ATTACH '{tmp}/other.duckdb' AS other", duckdb.PermissionException),
        ("COPY (SELECT 1) TO '{tmp}/out.csv'", duckdb.PermissionException),
        ("SET lock_configuration = false", duckdb.InvalidInputException),
        ("SET enable_external_access = true", duckdb.InvalidInputException),
        ("INSTALL httpfs", duckdb.PermissionException),
        ("LOAD httpfs", duckdb.PermissionException),
    ],
)
def test_the_query_connection_itself_refuses_files_extensions_and_settings(
    duck, tmp_path, sql, error
):
    # Given the warm connection (the engine's own lock-down, below our statement check)
    orders = load_csv(duck, tmp_path, "ds1", 1, ORDERS)
    cursor = duck.connection([orders.location]).cursor()

    # Then DuckDB itself refuses
    with pytest.raises(error):
        cursor.execute(sql.format(tmp=tmp_path))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "ds1_1.csv"]


# --- warm connections --------------------------------------------------------------------------


def test_the_connection_is_reused_until_the_set_of_versions_changes(duck, tmp_path):
    # Given two datasets
    a = load_csv(duck, tmp_path, "dsa", 1, ORDERS)
    b = load_csv(duck, tmp_path, "dsb", 1, ORDERS)

    # When queries name the same versions twice, then another set
    first = duck.connection([a.location])
    again = duck.connection([a.location])
    both = duck.connection([a.location, b.location])
    both_again = duck.connection([b.location, a.location])

    # Then the same connection serves the same set, and a new one the new set
    assert first is again
    assert both is both_again
    assert both is not first


def test_a_new_version_gets_a_new_connection_and_the_old_keeps_working(duck, tmp_path):
    v1 = load_csv(duck, tmp_path, "ds1", 1, ORDERS)
    old = duck.connection([v1.location])

    v2 = load_csv(duck, tmp_path, "ds1", 2, "id\n9\n")

    assert duck.connection([v2.location]) is not old
    assert duck.connection([v1.location]) is old
    assert duck.execute("SELECT id FROM ds1_v2.main.data", locations=[v2.location]).rows == [[9]]


def test_least_recently_used_connections_are_closed(duck, tmp_path):
    locations = [load_csv(duck, tmp_path, f"ds{i}", 1, ORDERS).location for i in range(6)]
    first = duck.connection([locations[0]])

    for location in locations[1:]:
        duck.execute("SELECT 1", locations=[location])

    assert duck.connection([locations[0]]) is not first
    with pytest.raises(duckdb.ConnectionException):
        first.execute("SELECT 1")


def test_concurrent_queries_from_four_threads_are_all_correct(wh, key, tmp_path):
    # Given the orders dataset
    orders = load_csv(wh, tmp_path, key, 1, ORDERS)
    results: dict[int, list] = {}
    errors: list[BaseException] = []

    def ask(n: int) -> None:
        try:
            for _ in range(5):
                rows = wh.execute(
                    f"SELECT id FROM {table(wh, orders.location)} WHERE id <= {n} ORDER BY id",  # noqa: S608
                    locations=[orders.location],
                ).rows
                results[n] = rows
        except BaseException as exc:
            errors.append(exc)

    # When four threads query at once
    threads = [threading.Thread(target=ask, args=(n,)) for n in range(1, 5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # Then each got its own answer
    assert errors == []
    assert results == {n: [[i] for i in range(1, n + 1)] for n in range(1, 5)}


def test_a_deleted_version_is_reported_clearly(duck, tmp_path):
    v1 = load_csv(duck, tmp_path, "ds1", 1, ORDERS)
    duck.execute("SELECT 1", locations=[v1.location])

    duck.drop(v1.location)

    with pytest.raises(QueryFailed) as failure:
        duck.execute("SELECT count(*) FROM ds1_v1.main.data", locations=[v1.location])
    assert failure.value.detail == (
        "Dataset version ds1_v1 is no longer available (a newer import replaced it); "
        "run the query again."
    )
    assert not duck.path("ds1", 1).exists()


# --- imports next to queries -------------------------------------------------------------------


def test_a_query_holding_the_old_version_does_not_block_an_import(duck, tmp_path):
    # Given a query connection with version 1 attached, in the middle of a long query
    v1 = load_csv(duck, tmp_path, "ds1", 1, ORDERS)
    outcome: list[BaseException] = []

    def long_query() -> None:
        try:
            duck.execute(
                "SELECT count(*) FROM ds1_v1.main.data, range(10000000000)",
                locations=[v1.location],
                timeout=1.0,
            )
        except QueryFailed as exc:
            outcome.append(exc)

    running = threading.Thread(target=long_query)
    running.start()

    # When version 2 is loaded from version 1 plus a file
    v2 = load_csv(duck, tmp_path, "ds1", 2, "id,region,amount\n6,East,1\n", append_to=v1.location)
    running.join()

    # Then the import did not wait for the query, and both versions answer
    assert [type(e) for e in outcome] == [QueryTimeout]
    assert v2.row_count == 6
    assert duck.execute("SELECT count(*) FROM ds1_v1.main.data", locations=[v1.location]).rows == [
        [5]
    ]
    assert duck.execute("SELECT count(*) FROM ds1_v2.main.data", locations=[v2.location]).rows == [
        [6]
    ]


def test_another_process_can_import_while_this_one_reads(duck, tmp_path):
    # Given this process (the "server") holding version 1 attached
    v1 = load_csv(duck, tmp_path, "ds1", 1, ORDERS)
    assert duck.execute("SELECT count(*) FROM ds1_v1.main.data", locations=[v1.location]).rows == [
        [5]
    ]
    more = tmp_path / "more.csv"
    more.write_text("id,region,amount\n6,East,1\n7,East,2\n", encoding="utf-8")

    # When another process (the CLI) appends to version 1 as version 2
    script = (
        "import sys; from pathlib import Path; "
        "from openmis.analytics.warehouse import connect; "
        "wh = connect(None, data_dir=Path(sys.argv[1])); "
        "r = wh.load(Path(sys.argv[2]), key='ds1', version=2, append_to=wh.location('ds1', 1)); "
        "print(r.row_count)"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(duck.data_dir), str(more)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    # Then it succeeded, and this process reads both versions
    assert (done.returncode, done.stdout.strip()) == (0, "7"), done.stderr
    v2 = duck.location("ds1", 2)
    assert duck.execute("SELECT max(id) FROM ds1_v2.main.data", locations=[v2]).rows == [[7]]
    assert duck.execute("SELECT max(id) FROM ds1_v1.main.data", locations=[v1.location]).rows == [
        [5]
    ]


# --- profiles ----------------------------------------------------------------------------------


def test_profile_is_computed_by_the_engine(wh, key, tmp_path):
    # Given a small table with nulls, repeats, a date and a boolean
    text = (
        "id,region,amount,day,ok\n"
        "1,North,10.50,2024-01-02,true\n"
        "2,South,20.00,2024-03-04,false\n"
        "3,North,,2024-01-02,true\n"
        "4,,7.25,,\n"
    )
    loaded = load_csv(wh, tmp_path, key, 1, text, column_types={"amount": "decimal(10,2)"})

    # When it is profiled
    profile = wh.profile(loaded.location, loaded.columns, top=2)

    # Then every figure is exact and JSON-safe
    assert profile == {
        "row_count": 4,
        "columns": {
            "id": {"nulls": 0, "distinct": 4, "min": 1, "max": 4, "top": [[1, 1], [2, 1]]},
            "region": {
                "nulls": 1,
                "distinct": 2,
                "min": "North",
                "max": "South",
                "top": [["North", 2], ["South", 1]],
            },
            "amount": {
                "nulls": 1,
                "distinct": 3,
                "min": 7.25,
                "max": 20,
                "top": [[7.25, 1], [10.5, 1]],
            },
            "day": {
                "nulls": 1,
                "distinct": 2,
                "min": "2024-01-02",
                "max": "2024-03-04",
                "top": [["2024-01-02", 2], ["2024-03-04", 1]],
            },
            "ok": {
                "nulls": 1,
                "distinct": 2,
                "min": False,
                "max": True,
                "top": [[True, 2], [False, 1]],
            },
        },
    }


# --- housekeeping ------------------------------------------------------------------------------


def test_cleanup_keeps_only_the_asked_versions(wh, key, tmp_path):
    for version in (1, 2, 3):
        load_csv(wh, tmp_path, key, version, ORDERS)

    deleted = wh.cleanup(key, {3})

    assert deleted == [1, 2]
    assert wh.execute(
        f"SELECT count(*) FROM {table(wh, wh.location(key, 3))}",  # noqa: S608
        locations=[wh.location(key, 3)],
    ).rows == [[5]]


def test_drop_removes_a_version(wh, key, tmp_path):
    loaded = load_csv(wh, tmp_path, key, 1, ORDERS)

    wh.drop(loaded.location)

    assert wh.cleanup(key, set()) == []


def test_duckdb_files_are_laid_out_by_key_and_version(duck, tmp_path):
    load_csv(duck, tmp_path, "ds12", 3, ORDERS)

    assert duck.location("ds12", 3) == Location(catalog="ds12_v3", database="main", table="data")
    assert sorted(p.name for p in (tmp_path / "data" / "warehouse" / "ds12").iterdir()) == [
        "v3.duckdb"
    ]


# --- connect -----------------------------------------------------------------------------------


def test_connect_picks_the_engine_from_the_url(tmp_path):
    default = connect(None, data_dir=tmp_path)
    from_file = connect(f"duckdb:///{tmp_path}/wh.duckdb", data_dir=tmp_path)
    postgres = connect("postgresql://u@db:5432/mis?schema=bi", data_dir=tmp_path)
    other = connect("clickhouse://u@ch:9000/mis", data_dir=tmp_path)

    assert (type(default), default.dialect, default.root) == (
        DuckDBWarehouse,
        "duckdb",
        tmp_path / "warehouse",
    )
    assert from_file.root == tmp_path / "wh"
    assert (type(postgres), postgres.dialect, postgres.schema) == (
        PostgresWarehouse,
        "postgres",
        "bi",
    )
    assert postgres.location("ds1", 2) == Location(catalog=None, database="bi", table="ds1_v2")
    assert (type(other), other.dialect) == (IbisWarehouse, "clickhouse")


def test_other_engines_do_not_load_files(tmp_path):
    other = connect("trino://u@trino:8080/hive", data_dir=tmp_path)
    source = tmp_path / "a.csv"
    source.write_text(ORDERS, encoding="utf-8")

    with pytest.raises(ImportFailed) as failure:
        other.load(source, key="ds1", version=1)

    assert failure.value.detail == (
        "Loading files into trino is not supported; register an existing table instead."
    )


@pytest.mark.parametrize("bad", ["ds-1", "1ds", "", "ds1; DROP"])
def test_unsafe_keys_are_refused(duck, bad):
    with pytest.raises(ValueError, match="Invalid dataset key"):
        duck.location(bad, 1)


# --- JSON form ---------------------------------------------------------------------------------


def test_result_to_json_makes_every_value_json_safe():
    result = Result(
        columns=["v"],
        rows=[
            [Decimal("12.00")],
            [Decimal("1.25")],
            [dt.date(2024, 1, 2)],
            [dt.datetime(2024, 1, 2, 3, 4, 5)],
            [dt.time(6, 7, 8)],
            [float("nan")],
            [float("inf")],
            [b"\x00\xff"],
            [uuid.UUID("12345678-1234-5678-1234-567812345678")],
            [[Decimal("1"), None]],
            [True],
            [None],
        ],
        truncated=True,
        elapsed_ms=1.0,
    )

    assert result.to_json() == {
        "columns": ["v"],
        "rows": [
            [12],
            [1.25],
            ["2024-01-02"],
            ["2024-01-02T03:04:05"],
            ["06:07:08"],
            [None],
            [None],
            ["00ff"],
            ["12345678-1234-5678-1234-567812345678"],
            [[1, None]],
            [True],
            [None],
        ],
        "truncated": True,
    }
