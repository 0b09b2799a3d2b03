"""SQL templates (one compile per shape of spec) give the SQL of a whole compile (long lists of
values may break their lines elsewhere)."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest

from openmis.analytics import template
from openmis.analytics.catalog import Location, TableInfo
from openmis.analytics.compile import compile_query, to_sql
from openmis.analytics.spec import parse_spec
from openmis.analytics.tests.test_compile import (
    DUCKDB_CATALOG,
    POSTGRES_CATALOG,
    SNAPSHOT_POLICIES,
    SNAPSHOTS,
    TODAY,
    rule,
)

DIALECTS = {"duckdb": DUCKDB_CATALOG, "postgres": POSTGRES_CATALOG}


def whole(spec, catalog, dialect, policies=SNAPSHOT_POLICIES, today=TODAY) -> str:
    return to_sql(compile_query(spec, catalog, policies, today=today), dialect)


def templated(spec, catalog, dialect, policies=SNAPSHOT_POLICIES, today=TODAY):
    """The SQL of ``spec`` through a template of its shape, and the template."""
    shape, literals = template.split(spec, catalog)
    built = template.build(shape, lambda s: whole(s, catalog, dialect, policies, today), dialect)
    assert built is not None
    return built.render(literals), built


@pytest.mark.parametrize("dialect", list(DIALECTS))
@pytest.mark.parametrize("case", sorted(p.name for p in SNAPSHOTS.iterdir() if p.is_dir()))
def test_the_snapshot_specs_render_as_they_compile(case, dialect):
    catalog = DIALECTS[dialect]
    spec = parse_spec(json.loads((SNAPSHOTS / case / "spec.json").read_text()), catalog)
    sql, _built = templated(spec, catalog, dialect)
    assert sql == whole(spec, catalog, dialect)


# (column, op, the value the template is built from, other values of the same types)
VALUES = [
    ("status", "=", "paid", ["North", "", "O'Brien", "50% off", "a\\b", "line\nbreak", "ü €"]),
    ("status", "!=", "paid", ["shipped"]),
    ("status", "in", ["shipped", "cancelled"], [["a", "b"], ["North", "paid"]]),
    ("status", "not_in", ["paid", "pending"], [["x'y", "z"]]),
    ("status", "contains", "ipp", ["%", "_", "'; DROP TABLE data; --"]),
    ("status", "starts_with", "p", ["North", "it's"]),
    ("amount", "between", [60, 100], [[-5, 7], [0, 2**40]]),
    ("amount", "between", [60.5, 99.99], [[0.01, 1e6], [-3.25, 12.75]]),
    ("amount", "<", 60, [1, 0, -1, 127, 100]),
    ("amount", ">=", 150.0, [150.5, 0.001]),
    ("amount", "<=", "60.25", ["1.5", "-0.75"]),
    ("amount", "in", [20, 12.75], [[10, 10.5], [1, 2.25]]),
    ("quantity", "=", 2, [3, 120, -7, 0, 10]),
    ("quantity", "=", 1000, [30000, 4096]),
    ("quantity", ">", 2**40, [2**62, -(2**50)]),
    ("order_date", "=", "2024-02-29", ["1999-12-31", "0001-01-01", "9999-12-31"]),
    ("order_date", "between", ["2024-01-01", "2024-12-31"], [["2020-02-02", "2020-03-03"]]),
    ("created_at", "=", "2024-11-20", ["2023-01-01"]),
    (
        "created_at",
        "between",
        ["2024-11-18", "2024-11-20T12:00"],
        [["2020-01-01", "2021-06-30T23:59:59.5"]],
    ),
    (
        "created_at",
        "<",
        "2024-11-18T00:00:01",
        ["2000-01-01T00:00:00", "2024-11-18T13:45:10.123456"],
    ),
    ("customer.segment", "=", "Enterprise", ["SMB", "North"]),
    ("customer.id", "in", [1, 2], [[3, 4]]),
]


def spec_with(catalog, column, op, value, **extra):
    data = {
        "dataset": "orders",
        "measures": [{"agg": "sum", "column": "amount"}, {"agg": "count"}],
        "dimensions": ["region", "customer.segment"],
        "filters": [
            {"column": column, "op": op, "value": value},
            {"column": "order_date", "op": "last", "value": 12, "unit": "month"},
            {"column": "region", "op": "not_null"},
        ],
        **extra,
    }
    return parse_spec(data, catalog)


@pytest.mark.parametrize("dialect", list(DIALECTS))
@pytest.mark.parametrize(("column", "op", "first", "others"), VALUES)
def test_other_values_of_a_shape_render_as_they_compile(dialect, column, op, first, others):
    # Given the template of a shape, built when the first value was asked
    catalog = DIALECTS[dialect]
    spec = spec_with(catalog, column, op, first, limit=100)
    sql, built = templated(spec, catalog, dialect)
    assert sql == whole(spec, catalog, dialect)
    # When specs of the same shape ask other values
    compared = 0
    for value in others:
        other = spec_with(catalog, column, op, value, limit=100)
        shape, literals = template.split(other, catalog)
        if shape != template.split(spec, catalog)[0]:
            continue  # other types (an int against a float): another shape, another template
        # Then their SQL is the one compiling them gives
        assert built.render(literals) == whole(other, catalog, dialect)
        compared += 1
    assert compared >= 1


def test_long_lists_differ_only_in_line_breaks():
    # Given a template built from sentinels longer than the values later asked
    catalog = DUCKDB_CATALOG
    spec = spec_with(catalog, "status", "in", ["a", "b", "c", "d", "e"])
    sql, _built = templated(spec, catalog, "duckdb")
    # Then its SQL is the whole compile's, but for where sqlglot breaks the list's lines
    assert re.sub(r"\s+", "", sql) == re.sub(r"\s+", "", whole(spec, catalog, "duckdb"))


def test_a_value_equal_to_a_row_rule_value_leaves_the_rule_alone():
    # Given a reader restricted to North, whose question filters on North too
    policies = {"orders": rule([("region", "=", "North")])}
    catalog = DUCKDB_CATALOG
    north = spec_with(catalog, "region", "=", "North")
    _sql, built = templated(north, catalog, "duckdb", policies)
    # When they ask for South instead
    south = spec_with(catalog, "region", "=", "South")
    sql = built.render(template.split(south, catalog)[1])
    # Then the rule still says North, and only the filter changed
    assert sql == whole(south, catalog, "duckdb", policies)
    assert sql.count("'North'") == 1 and sql.count("'South'") == 1


def test_shapes_differ_by_value_types_and_by_anything_but_values():
    catalog = DUCKDB_CATALOG

    def shape(column, op, value, **extra):
        return template.split(spec_with(catalog, column, op, value, **extra), catalog)[0]

    assert shape("amount", "<", 60) == shape("amount", "<", 70)
    assert shape("amount", "<", 60) != shape("amount", "<", 60.5)  # int, float
    assert shape("quantity", "=", 5) != shape("quantity", "=", 500)  # int8, int16 literals
    assert shape("created_at", "=", "2024-11-20") != shape("created_at", "=", "2024-11-20T10:00")
    assert shape("status", "in", ["a"]) != shape("status", "in", ["a", "b"])
    assert shape("status", "=", "a") != shape("status", "!=", "a")
    assert shape("status", "=", "a") != shape("region", "=", "a")
    assert shape("status", "=", "a", limit=10) != shape("status", "=", "a", limit=20)


def test_booleans_stay_in_the_shape():
    catalog = {
        "flags": TableInfo(
            "flags", {"on": "boolean", "n": "int64"}, Location("ds9_v1", "main", "data")
        )
    }

    def split(value):
        data = {"dataset": "flags", "measures": [{"agg": "count"}]}
        data["filters"] = [{"column": "on", "op": "=", "value": value}]
        return template.split(parse_spec(data, catalog), catalog)

    (true_shape, true_literals), (false_shape, _) = split(True), split(False)
    assert true_shape != false_shape and true_literals == ()
    spec = parse_spec(
        {
            "dataset": "flags",
            "measures": [{"agg": "count"}],
            "filters": [
                {"column": "on", "op": "=", "value": True},
                {"column": "n", "op": "<", "value": 1},
            ],
        },
        catalog,
    )
    sql, _built = templated(spec, catalog, "duckdb", {})
    assert sql == whole(spec, catalog, "duckdb", {})


def test_no_template_when_a_sentinel_is_not_alone_in_the_sql(monkeypatch):
    # Given a row rule whose value happens to be the sentinel a template would use
    catalog = DUCKDB_CATALOG
    policies = {"orders": rule([("status", "=", "openmis-slot-fixed")])}
    monkeypatch.setattr(template.secrets, "token_hex", lambda n: "fixed")
    monkeypatch.setattr(template, "_candidate", lambda slot, rng: "openmis-slot-fixed")
    spec = spec_with(catalog, "status", "=", "paid")
    shape, _literals = template.split(spec, catalog)
    # Then no template is made (each such question is compiled whole)
    built = template.build(shape, lambda s: whole(s, catalog, "duckdb", policies), "duckdb")
    assert built is None


def test_today_is_part_of_what_compiles():
    catalog = DUCKDB_CATALOG
    spec = spec_with(catalog, "status", "=", "paid")
    sql, _built = templated(spec, catalog, "duckdb", today=dt.date(2030, 1, 1))
    assert sql == whole(spec, catalog, "duckdb", today=dt.date(2030, 1, 1))
    assert sql != whole(spec, catalog, "duckdb")
