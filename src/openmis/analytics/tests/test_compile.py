"""Compiled query specs run on real engines against hand-computed results, plus SQL snapshots.

DuckDB always; PostgreSQL too when ``OPENMIS_TEST_POSTGRES`` and ``OPENMIS_TEST_DATABASE_URL``
are set. Every expected row below was worked out by hand from ``ORDERS`` and ``CUSTOMERS``.
Snapshots: ``OPENMIS_UPDATE_SNAPSHOTS=1`` rewrites ``snapshots/<case>/<dialect>.sql``.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from openmis.analytics.catalog import Condition, Location, Relation, RowPolicy, TableInfo
from openmis.analytics.compile import compile_query, relative_range, secured_table, to_sql
from openmis.analytics.errors import AnalyticsError
from openmis.analytics.spec import parse_spec

D = dt.date
TODAY = D(2024, 11, 20)  # a Wednesday
SNAPSHOTS = Path(__file__).parent / "snapshots"

ORDER_COLUMNS = {
    "id": "int64",
    "status": "string",
    "region": "string",
    "amount": "decimal(12, 2)",
    "quantity": "int64",
    "order_date": "date",
    "created_at": "timestamp",
    "customer_id": "int64",
    "referrer_id": "int64",
}
CUSTOMER_COLUMNS = {"id": "int64", "name": "string", "region": "string", "segment": "string"}
# id, status, region, amount, quantity, order_date, created_at, customer_id, referrer_id
ORDERS = [
    (1, "paid", "North", "100.00", 1, "2023-12-15", "2023-12-15 10:00", 1, None),
    (2, "paid", "South", "250.50", 3, "2024-01-10", "2024-01-10 10:00", 2, 1),
    (3, "shipped", "North", "75.25", 2, "2024-02-29", "2024-02-29 10:00", 1, None),
    (4, "cancelled", "East", "20.00", 1, "2024-03-31", "2024-03-31 10:00", 4, None),
    (5, "paid", "North", "310.00", 5, "2024-04-01", "2024-04-01 10:00", 3, 4),
    (6, "shipped", "South", "99.99", 1, "2024-10-31", "2024-10-31 10:00", 2, None),
    (7, "paid", "East", "150.00", 2, "2024-09-30", "2024-09-30 10:00", 4, None),
    (8, "pending", "North", "45.50", 1, "2024-11-27", "2024-11-27 10:00", 1, None),
    (9, "paid", "South", "500.00", 4, "2024-11-10", "2024-11-10 10:00", 2, 3),
    (10, "shipped", "North", "60.00", 2, "2024-11-11", "2024-11-11 10:00", 3, None),
    (11, "pending", "East", "80.00", 1, "2024-11-18", "2024-11-18 00:00", 5, None),
    (12, "paid", None, "12.75", 1, "2024-11-20", "2024-11-20 23:30", None, None),
]
CUSTOMERS = [
    (1, "Acme", "North", "Enterprise"),
    (2, "Bolt", "South", "SMB"),
    (3, "Cora", "North", "SMB"),
    (4, "Dyne", "East", "Enterprise"),
]
SQL_TYPES = {"int64": "BIGINT", "string": "TEXT", "decimal(12, 2)": "DECIMAL(12, 2)"}
RELATIONS = (
    Relation("customer", "customers", "customer_id", "id"),
    Relation("referrer", "customers", "referrer_id", "id"),
)


def make_catalog(orders: Location, customers: Location) -> dict[str, TableInfo]:
    return {
        "orders": TableInfo("orders", ORDER_COLUMNS, orders, RELATIONS),
        "customers": TableInfo("customers", CUSTOMER_COLUMNS, customers),
    }


DUCKDB_CATALOG = make_catalog(
    Location("ds1_v1", "main", "data"), Location("ds2_v1", "main", "data")
)


def _typed_orders() -> list[tuple]:
    return [
        (
            *r[:3],
            Decimal(r[3]),
            r[4],
            D.fromisoformat(r[5]),
            dt.datetime.fromisoformat(r[6]),
            *r[7:],
        )
        for r in ORDERS
    ]


def _ddl(table: str, columns: dict[str, str]) -> str:
    body = ", ".join(f"{name} {SQL_TYPES.get(t, t.upper())}" for name, t in columns.items())
    return f"CREATE TABLE {table} ({body})"


@dataclass
class Engine:
    dialect: str
    catalog: dict[str, TableInfo]
    execute: Callable[[str], tuple[list[str], list[tuple]]]

    def run(self, spec: dict, policies: dict | None = None, today: dt.date = TODAY):
        parsed = parse_spec(spec, self.catalog)
        expr = compile_query(parsed, self.catalog, policies or {}, today=today)
        names, rows = self.execute(to_sql(expr, self.dialect))
        assert names == parsed.output_names()
        return rows


def _duckdb_engine(tmp_path_factory):
    folder = tmp_path_factory.mktemp("warehouse")
    for file, columns, rows in (
        ("orders.duckdb", ORDER_COLUMNS, _typed_orders()),
        ("customers.duckdb", CUSTOMER_COLUMNS, CUSTOMERS),
    ):
        with duckdb.connect(str(folder / file)) as con:
            con.execute(_ddl("data", columns))
            marks = ", ".join("?" * len(columns))
            con.executemany(f"INSERT INTO data VALUES ({marks})", rows)  # noqa: S608
    con = duckdb.connect()
    con.execute(f"ATTACH '{folder / 'orders.duckdb'}' AS ds1_v1 (READ_ONLY)")
    con.execute(f"ATTACH '{folder / 'customers.duckdb'}' AS ds2_v1 (READ_ONLY)")

    def execute(sql: str):
        cursor = con.execute(sql)
        return [d[0] for d in cursor.description], cursor.fetchall()

    yield Engine("duckdb", DUCKDB_CATALOG, execute)
    con.close()


def _postgres_engine():
    import psycopg
    from psycopg.conninfo import make_conninfo

    url = os.environ["OPENMIS_TEST_DATABASE_URL"]
    try:
        con = psycopg.connect(url, autocommit=True)
    except psycopg.OperationalError:
        con = psycopg.connect(make_conninfo(url, dbname="postgres"), autocommit=True)
    schema = f"openmis_ct_{uuid.uuid4().hex}"
    con.execute(f"CREATE SCHEMA {schema}")
    try:
        for table, columns, rows in (
            ("ds1_v1", ORDER_COLUMNS, _typed_orders()),
            ("ds2_v1", CUSTOMER_COLUMNS, CUSTOMERS),
        ):
            con.execute(_ddl(f"{schema}.{table}", columns))
            marks = ", ".join(["%s"] * len(columns))
            with con.cursor() as cur:
                cur.executemany(f"INSERT INTO {schema}.{table} VALUES ({marks})", rows)  # noqa: S608

        def execute(sql: str):
            with con.cursor() as cur:
                cur.execute(sql)
                return [d.name for d in cur.description], cur.fetchall()

        catalog = make_catalog(Location(None, schema, "ds1_v1"), Location(None, schema, "ds2_v1"))
        yield Engine("postgres", catalog, execute)
    finally:
        con.execute(f"DROP SCHEMA {schema} CASCADE")
        con.close()


ENGINES = ["duckdb"]
if os.environ.get("OPENMIS_TEST_POSTGRES") and os.environ.get("OPENMIS_TEST_DATABASE_URL"):
    ENGINES.append("postgres")


@pytest.fixture(scope="module", params=ENGINES)
def engine(request, tmp_path_factory):
    if request.param == "duckdb":
        yield from _duckdb_engine(tmp_path_factory)
    else:
        yield from _postgres_engine()


def q(**parts) -> dict:
    """A spec over the orders."""
    return {"dataset": "orders", **parts}


def rule(*alternatives: list[tuple]) -> RowPolicy:
    """A row policy from lists of ``(column, op, value)`` conditions."""
    return RowPolicy(tuple(tuple(Condition(*c) for c in alt) for alt in alternatives))


COUNT = {"agg": "count"}
SUM = {"agg": "sum", "column": "amount"}


def norm(rows: list[tuple]) -> list[tuple]:
    """Engines differ in numeric types (Decimal, float): compare numbers rounded to 6 places."""
    return [
        tuple(round(float(v), 6) if isinstance(v, Decimal | float) else v for v in row)
        for row in rows
    ]


def ids(engine: Engine, filters: list[dict], policies: dict | None = None) -> list[int]:
    spec = {"dataset": "orders", "fields": ["id"], "filters": filters, "order_by": ["id"]}
    return [row[0] for row in engine.run(spec, policies)]


def by_status(engine: Engine, measure: dict) -> list[tuple]:
    return norm(engine.run({"dataset": "orders", "dimensions": ["status"], "measures": [measure]}))


# --- aggregations -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("measure", "total", "per_status"),
    [
        ({"agg": "count"}, 12, [1, 6, 2, 3]),
        ({"agg": "sum", "column": "amount"}, 1703.99, [20.0, 1323.25, 125.5, 235.24]),
        ({"agg": "avg", "column": "amount"}, 141.999167, [20.0, 220.541667, 62.75, 78.413333]),
        ({"agg": "min", "column": "amount"}, 12.75, [20.0, 12.75, 45.5, 60.0]),
        ({"agg": "max", "column": "amount"}, 500.0, [20.0, 500.0, 80.0, 99.99]),
        ({"agg": "median", "column": "amount"}, 89.995, [20.0, 200.25, 62.75, 75.25]),
        ({"agg": "median", "column": "quantity"}, 1.5, [1.0, 2.5, 1.0, 2.0]),
        ({"agg": "sum", "column": "quantity"}, 24, [1, 16, 2, 5]),
        ({"agg": "count", "column": "customer_id"}, 11, [1, 5, 2, 3]),
        ({"agg": "count_distinct", "column": "customer_id"}, 5, [1, 4, 2, 3]),
        (
            {"agg": "min", "column": "status"},
            "cancelled",
            ["cancelled", "paid", "pending", "shipped"],
        ),
        (
            {"agg": "max", "column": "order_date"},
            D(2024, 11, 27),
            [D(2024, 3, 31), D(2024, 11, 20), D(2024, 11, 27), D(2024, 11, 11)],
        ),
    ],
)
def test_aggregation_over_all_rows_and_per_status(engine, measure, total, per_status):
    # Given the twelve orders; when one measure is asked alone and then per status
    alone = norm(engine.run({"dataset": "orders", "measures": [measure]}))
    grouped = by_status(engine, measure)
    # Then both match the hand-computed values, statuses in ascending order
    assert alone == [(total,)]
    assert grouped == list(
        zip(["cancelled", "paid", "pending", "shipped"], per_status, strict=True)
    )


def test_median_is_the_continuous_median(engine):
    # 12 amounts: the 6th and 7th are 80.00 and 99.99; a discrete median would give 80.00
    rows = engine.run({"dataset": "orders", "measures": [{"agg": "median", "column": "amount"}]})
    assert rows[0][0] == pytest.approx(89.995, abs=1e-9)


def test_dimensions_then_measures_with_default_and_given_names(engine):
    spec = q(
        measures=[{"agg": "sum", "column": "amount", "as": "revenue"}, {"agg": "count"}],
        dimensions=[{"column": "order_date", "bucket": "year", "as": "year"}, "status"],
        filters=[{"column": "status", "op": "in", "value": ["paid", "cancelled"]}],
    )
    assert norm(engine.run(spec)) == [
        (D(2023, 1, 1), "paid", 100.0, 1),
        (D(2024, 1, 1), "cancelled", 20.0, 1),
        (D(2024, 1, 1), "paid", 1223.25, 5),
    ]


def test_dimensions_without_measures_give_distinct_values(engine):
    rows = engine.run({"dataset": "orders", "dimensions": ["status"]})
    assert rows == [("cancelled",), ("paid",), ("pending",), ("shipped",)]


def test_empty_selection_counts_zero(engine):
    spec = {"dataset": "orders", "measures": [COUNT, SUM]}
    spec["filters"] = [{"column": "status", "op": "=", "value": "refunded"}]
    assert engine.run(spec) == [(0, None)]


# --- time buckets -------------------------------------------------------------------------

BUCKET_CASES = {
    "week": [  # Mondays; 2024-03-31 and 2024-11-10 are Sundays
        (D(2023, 12, 11), 100.0, 1), (D(2024, 1, 8), 250.5, 1), (D(2024, 2, 26), 75.25, 1),
        (D(2024, 3, 25), 20.0, 1), (D(2024, 4, 1), 310.0, 1), (D(2024, 9, 30), 150.0, 1),
        (D(2024, 10, 28), 99.99, 1), (D(2024, 11, 4), 500.0, 1), (D(2024, 11, 11), 60.0, 1),
        (D(2024, 11, 18), 92.75, 2), (D(2024, 11, 25), 45.5, 1),
    ],
    "month": [
        (D(2023, 12, 1), 100.0, 1), (D(2024, 1, 1), 250.5, 1), (D(2024, 2, 1), 75.25, 1),
        (D(2024, 3, 1), 20.0, 1), (D(2024, 4, 1), 310.0, 1), (D(2024, 9, 1), 150.0, 1),
        (D(2024, 10, 1), 99.99, 1), (D(2024, 11, 1), 698.25, 5),
    ],
    "quarter": [
        (D(2023, 10, 1), 100.0, 1), (D(2024, 1, 1), 345.75, 3), (D(2024, 4, 1), 310.0, 1),
        (D(2024, 7, 1), 150.0, 1), (D(2024, 10, 1), 798.24, 6),
    ],
    "year": [(D(2023, 1, 1), 100.0, 1), (D(2024, 1, 1), 1603.99, 11)],
}  # fmt: skip


@pytest.mark.parametrize("column", ["order_date", "created_at"])
@pytest.mark.parametrize("bucket", list(BUCKET_CASES))
def test_time_buckets_are_dates(engine, bucket, column):
    spec = q(
        dimensions=[{"column": column, "bucket": bucket, "as": "period"}], measures=[SUM, COUNT]
    )
    rows = engine.run(spec)
    assert norm(rows) == BUCKET_CASES[bucket]
    assert {type(row[0]) for row in rows} == {dt.date}


def test_day_bucket_of_a_timestamp(engine):
    spec = q(
        dimensions=[{"column": "created_at", "bucket": "day"}],
        measures=[COUNT],
        filters=[{"column": "created_at", "op": "this", "unit": "week"}],
    )
    assert engine.run(spec) == [(D(2024, 11, 18), 1), (D(2024, 11, 20), 1)]


# --- filters ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("column", "op", "value", "expected"),
    [
        ("status", "=", "paid", [1, 2, 5, 7, 9, 12]),
        ("status", "!=", "paid", [3, 4, 6, 8, 10, 11]),
        ("region", "!=", "North", [2, 4, 6, 7, 9, 11]),
        ("status", "in", ["shipped", "cancelled"], [3, 4, 6, 10]),
        ("status", "not_in", ["paid", "pending"], [3, 4, 6, 10]),
        ("amount", "between", [60, 100], [1, 3, 6, 10, 11]),
        ("amount", "<", 60, [4, 8, 12]),
        ("amount", "<=", "60", [4, 8, 10, 12]),
        ("amount", ">", 150, [2, 5, 9]),
        ("amount", ">=", 150.0, [2, 5, 7, 9]),
        ("amount", "=", 99.99, [6]),
        ("amount", "in", [20, 12.75], [4, 12]),
        ("quantity", "=", 2, [3, 7, 10]),
        ("status", "contains", "ipp", [3, 6, 10]),
        ("status", "starts_with", "p", [1, 2, 5, 7, 8, 9, 11, 12]),
        ("status", "contains", "PAID", []),
        ("region", "is_null", None, [12]),
        ("region", "not_null", None, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]),
        ("order_date", "=", "2024-02-29", [3]),
        ("order_date", ">", "2024-11-11", [8, 11, 12]),
        ("created_at", "=", "2024-11-20", [12]),
        ("created_at", "between", ["2024-11-11", "2024-11-20"], [10, 11, 12]),
        ("created_at", "between", ["2024-11-18", "2024-11-20T12:00"], [11]),
        ("created_at", "<", "2024-11-18T00:00:01", [1, 2, 3, 4, 5, 6, 7, 9, 10, 11]),
        ("customer.segment", "=", "Enterprise", [1, 3, 4, 7, 8]),
        ("customer.region", "is_null", None, [11, 12]),
    ],
)
def test_filter_operator(engine, column, op, value, expected):
    flt = {"column": column, "op": op, "value": value}
    assert ids(engine, [flt]) == expected


@pytest.mark.parametrize(
    ("op", "value", "unit", "count", "total"),
    [
        ("last", 12, "month", 11, 1658.49),
        ("last", 3, "month", 6, 902.74),
        ("last", 7, "day", 2, 92.75),
        ("last", 2, "week", 3, 152.75),
        ("last", 1, "quarter", 5, 752.74),
        ("last", 1, "year", 10, 1558.49),
        ("this", None, "day", 1, 12.75),
        ("this", None, "week", 2, 92.75),
        ("this", None, "month", 5, 698.25),
        ("this", None, "quarter", 6, 798.24),
        ("this", None, "year", 11, 1603.99),
        ("previous", None, "day", 0, None),
        ("previous", None, "week", 1, 60.0),
        ("previous", None, "month", 1, 99.99),
        ("previous", None, "quarter", 1, 150.0),
        ("previous", None, "year", 1, 100.0),
    ],
)
def test_relative_date_filter(engine, op, value, unit, count, total):
    flt = {"column": "order_date", "op": op, "unit": unit}
    if value is not None:
        flt["value"] = value
    spec = q(measures=[COUNT, SUM], filters=[flt])
    assert norm(engine.run(spec)) == [(count, total)]


@pytest.mark.parametrize(
    ("op", "value", "unit", "expected"),
    [
        ("last", 1, "day", [12]),  # 2024-11-20 23:30 is still today
        ("this", None, "week", [11, 12]),  # 2024-11-18 00:00 opens the week
        ("previous", None, "week", [10]),  # 2024-11-10 (a Sunday) belongs to the week before
    ],
)
def test_relative_date_filter_on_a_timestamp(engine, op, value, unit, expected):
    flt = {"column": "created_at", "op": op, "unit": unit}
    if value is not None:
        flt["value"] = value
    assert ids(engine, [flt]) == expected


def test_relative_range_counts_from_the_given_today():
    assert relative_range("last", 12, "month", TODAY) == (D(2023, 12, 1), D(2024, 11, 21))
    assert relative_range("last", 2, "week", TODAY) == (D(2024, 11, 11), D(2024, 11, 21))
    assert relative_range("this", None, "quarter", TODAY) == (D(2024, 10, 1), D(2025, 1, 1))
    assert relative_range("previous", None, "month", D(2024, 1, 15)) == (
        D(2023, 12, 1),
        D(2024, 1, 1),
    )
    assert relative_range("last", 100_000, "year", TODAY) == (dt.date.min, D(2024, 11, 21))


# --- relations ----------------------------------------------------------------------------


def test_dimension_through_a_relation(engine):
    spec = q(dimensions=["customer.region"], measures=[SUM])
    # order 11's customer 5 does not exist and order 12 has none: both land in the null group
    assert norm(engine.run(spec)) == [
        ("East", 170.0),
        ("North", 590.75),
        ("South", 850.49),
        (None, 92.75),
    ]


def test_two_relations_to_the_same_dataset(engine):
    spec = q(
        dimensions=["referrer.name", "customer.segment"],
        measures=[COUNT],
        filters=[{"column": "customer.segment", "op": "=", "value": "SMB"}],
    )
    assert engine.run(spec) == [
        ("Acme", "SMB", 1),
        ("Cora", "SMB", 1),
        ("Dyne", "SMB", 1),
        (None, "SMB", 2),
    ]


# --- raw rows, order, limit ---------------------------------------------------------------


def test_raw_fields_are_the_rows_behind_a_bar(engine):
    spec = q(
        fields=["id", "amount", "customer.region", "created_at"],
        filters=[{"column": "status", "op": "=", "value": "pending"}],
        order_by=[{"column": "id"}],
    )
    assert norm(engine.run(spec)) == [
        (8, 45.5, "North", dt.datetime(2024, 11, 27, 10, 0)),
        (11, 80.0, None, dt.datetime(2024, 11, 18, 0, 0)),
    ]


def test_raw_fields_sorted_on_a_column_not_shown(engine):
    spec = {"dataset": "orders", "fields": ["id"], "order_by": [{"column": "amount", "desc": True}]}
    spec["limit"] = 3
    assert engine.run(spec) == [(9,), (5,), (2,)]


def test_order_by_a_measure_alias_with_limit(engine):
    spec = q(
        dimensions=["status"],
        measures=[{"agg": "sum", "column": "amount", "as": "revenue"}],
        order_by=[{"column": "revenue", "desc": True}],
        limit=2,
    )
    assert norm(engine.run(spec)) == [("paid", 1323.25), ("shipped", 235.24)]


# --- row policies -------------------------------------------------------------------------

NORTH = [("region", "=", "North")]


@pytest.mark.parametrize(
    ("policy", "count", "total"),
    [
        (None, 12, 1703.99),
        (rule(NORTH), 5, 590.75),
        (rule(NORTH, [("status", "=", "cancelled"), ("amount", ">", "10")]), 6, 610.75),
        (rule([("region", "=", "North"), ("amount", ">=", 100)]), 2, 410.0),
        (rule([("created_at", "<", "2024-01-01")]), 1, 100.0),
        (rule([]), 12, 1703.99),
        (rule(), 0, None),
    ],
    ids=["none", "north", "north-or-cancelled", "and", "coerced-date", "empty-alternative", "deny"],
)
def test_row_policy_on_the_dataset(engine, policy, count, total):
    assert norm(engine.run(q(measures=[COUNT, SUM]), {"orders": policy})) == [(count, total)]


def test_default_deny_returns_no_raw_row(engine):
    assert ids(engine, [], {"orders": rule()}) == []


def test_row_policy_holds_through_a_relation(engine):
    spec = q(dimensions=["customer.region"], measures=[SUM])
    policies = {"customers": rule([("segment", "=", "Enterprise")])}
    assert norm(engine.run(spec, policies)) == [("East", 170.0), ("North", 220.75), (None, 1313.24)]


def test_secured_table_is_the_relation_the_sql_guard_uses(engine):
    policy = rule([("status", "in", ["cancelled", "pending"])])
    sql = to_sql(secured_table(engine.catalog, "orders", {"orders": policy}), engine.dialect)
    _, rows = engine.execute(f"SELECT id FROM ({sql}) AS secured ORDER BY id")  # noqa: S608
    assert rows == [(4,), (8,), (11,)]


def test_an_invalid_row_rule_is_refused():
    policies = {"orders": rule([("salary", "=", 1)])}
    with pytest.raises(AnalyticsError, match='cannot test "salary"'):
        secured_table(DUCKDB_CATALOG, "orders", policies)
    policies = {"orders": rule([("amount", ">", "a lot")])}
    with pytest.raises(AnalyticsError, match='"a lot" is not a number'):
        secured_table(DUCKDB_CATALOG, "orders", policies)


# --- SQL snapshots ------------------------------------------------------------------------

POSTGRES_CATALOG = make_catalog(
    Location(None, "warehouse", "ds1_v1"), Location(None, "warehouse", "ds2_v1")
)
SNAPSHOT_POLICIES = {
    "orders": rule(NORTH, [("status", "=", "cancelled"), ("amount", ">", 10)]),
    "customers": rule([("segment", "in", ["SMB", "Enterprise"])]),
}
SNAPSHOT_POLICIES_DENY = {"customers": rule()}


@pytest.mark.parametrize("dialect", ["duckdb", "postgres"])
@pytest.mark.parametrize("case", sorted(p.name for p in SNAPSHOTS.iterdir() if p.is_dir()))
def test_sql_snapshot(case, dialect):
    catalog = DUCKDB_CATALOG if dialect == "duckdb" else POSTGRES_CATALOG
    policies = SNAPSHOT_POLICIES_DENY if case == "denied" else SNAPSHOT_POLICIES
    spec = parse_spec(json.loads((SNAPSHOTS / case / "spec.json").read_text()), catalog)
    sql = to_sql(compile_query(spec, catalog, policies, today=TODAY), dialect).strip() + "\n"
    path = SNAPSHOTS / case / f"{dialect}.sql"
    if os.environ.get("OPENMIS_UPDATE_SNAPSHOTS"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(sql)
    assert sql == path.read_text()
