"""Parsing and validating query specs: the error for each mistake, coercion, canonical form."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from openmis.analytics.catalog import Location, Relation, TableInfo
from openmis.analytics.errors import SpecError
from openmis.analytics.spec import Dimension, Filter, Measure, Order, QuerySpec, parse_spec

# Runs alike on every database engine: the PostgreSQL pass leaves it out.
pytestmark = pytest.mark.engine_neutral

ORDERS = TableInfo(
    "orders",
    {
        "id": "int64",
        "status": "string",
        "amount": "decimal(12, 2)",
        "quantity": "int32",
        "order_date": "date",
        "created_at": "timestamp",
        "paid": "boolean",
        "tags": "array<string>",
        "customer_id": "int64",
        "ship.to": "string",
    },
    Location("ds1_v1", "main", "data"),
    (
        Relation("customer", "customers", "customer_id", "id"),
        Relation("ship", "customers", "id", "id"),
    ),
)
CUSTOMERS = TableInfo(
    "customers",
    {"id": "int64", "region": "string", "age": "int64", "to": "string"},
    Location("ds2_v1", "main", "data"),
)
CATALOG = {"orders": ORDERS, "customers": CUSTOMERS}
COUNT = [{"agg": "count"}]
_NO_VALUE = object()


def spec(**parts) -> dict:
    return {"dataset": "orders", **parts}


def where(column: str, op: str, value=_NO_VALUE, **extra) -> dict:
    """A count of orders with one filter."""
    flt = {"column": column, "op": op, **extra}
    if value is not _NO_VALUE:
        flt["value"] = value
    return spec(measures=COUNT, filters=[flt])


ERRORS = [
    ([], "spec", "The query must be a JSON object."),
    (
        spec(measures=COUNT, group_by=["status"]),
        "group_by",
        'Unknown key "group_by"; a query may have: dataset, measures, dimensions, filters, '
        "order_by, limit, fields.",
    ),
    ({"measures": COUNT}, "dataset", "Name the dataset to query."),
    ({"dataset": "salaries", "measures": COUNT}, "dataset", 'Unknown dataset "salaries".'),
    (spec(measures={"agg": "count"}), "measures", '"measures" must be a list.'),
    (
        spec(measures=["count"]),
        "measures[0]",
        "Each item here must be an object with keys: agg, column, as.",
    ),
    (
        spec(measures=[{"agg": "total", "column": "amount"}]),
        "measures[0].agg",
        "Choose an aggregation among: sum, avg, min, max, count, count_distinct, median.",
    ),
    (
        spec(measures=[{"agg": "sum"}]),
        "measures[0].column",
        'The aggregation "sum" needs a column.',
    ),
    (
        spec(measures=[{"agg": "count"}, {"agg": "max", "column": "price"}]),
        "measures[1].column",
        'Dataset "orders" has no column "price".',
    ),
    (
        spec(measures=[{"agg": "sum", "column": "status"}]),
        "measures[0].column",
        'The aggregation "sum" needs a numeric column; "status" is string.',
    ),
    (
        spec(measures=[{"agg": "median", "column": "order_date"}]),
        "measures[0].column",
        'The aggregation "median" needs a numeric column; "order_date" is date.',
    ),
    (
        spec(measures=[{"agg": "min", "column": "paid"}]),
        "measures[0].column",
        'The aggregation "min" needs a number, text or date column; "paid" is boolean.',
    ),
    (
        spec(measures=[{"agg": "count", "alias": "n"}]),
        "measures[0].alias",
        'Unknown key "alias"; allowed keys are: agg, column, as.',
    ),
    (
        spec(measures=[{"agg": "avg", "column": "customer.country"}]),
        "measures[0].column",
        'Dataset "orders" has no column "customer.country".',
    ),
    (
        spec(measures=[{"agg": "avg", "column": "vendor.age"}]),
        "measures[0].column",
        'Dataset "orders" has no column "vendor.age".',
    ),
    (
        spec(measures=[{"agg": "count", "as": " "}]),
        "measures[0].as",
        'An output name ("as") must be a text of 1 to 128 characters.',
    ),
    (
        spec(dimensions=[{"column": "order_date", "bucket": "hour"}]),
        "dimensions[0].bucket",
        "Choose a time bucket among: day, week, month, quarter, year.",
    ),
    (
        spec(dimensions=["status", {"column": "amount", "bucket": "month"}]),
        "dimensions[1].bucket",
        'A time bucket needs a date or timestamp column; "amount" is decimal(12, 2).',
    ),
    (
        spec(dimensions=["status", "order_date", "colour"]),
        "dimensions[2]",
        'Dataset "orders" has no column "colour".',
    ),
    (spec(dimensions=[{"bucket": "month"}]), "dimensions[0].column", "Name a column here."),
    (
        spec(dimensions=["status"], measures=[{"agg": "count", "as": "status"}]),
        "measures[0].as",
        'The output name "status" is used twice; give each column its own "as".',
    ),
    (
        spec(measures=[{"agg": "count"}, {"agg": "count"}]),
        "measures[1].as",
        'The output name "count" is used twice; give each column its own "as".',
    ),
    (
        spec(dimensions=[{"column": "status", "as": "s"}, {"column": "id", "as": "s"}]),
        "dimensions[1].as",
        'The output name "s" is used twice; give each column its own "as".',
    ),
    (
        where("status", "like", "p%"),
        "filters[0].op",
        "Choose an operator among: =, !=, <, <=, >, >=, in, not_in, between, contains, "
        "starts_with, is_null, not_null, last, this, previous.",
    ),
    (
        where("amount", "between", [1, 2, 3]),
        "filters[0].value",
        '"between" needs a list of two values: [low, high].',
    ),
    (
        spec(
            measures=COUNT,
            filters=[
                {"column": "status", "op": "=", "value": "paid"},
                {"column": "status", "op": "in", "value": []},
            ],
        ),
        "filters[1].value",
        '"in" needs a non-empty list of values.',
    ),
    (
        where("amount", "contains", "9"),
        "filters[0].op",
        '"contains" needs a text column; "amount" is decimal(12, 2).',
    ),
    (where("status", "starts_with", 9), "filters[0].value", '"starts_with" needs a text value.'),
    (where("amount", ">", "ten"), "filters[0].value", '"ten" is not a number.'),
    (where("quantity", "in", [1, True]), "filters[0].value", "The value must be a number."),
    (
        where("order_date", "=", "31/03/2024"),
        "filters[0].value",
        "The value must be a date in ISO format, e.g. 2024-03-31.",
    ),
    (
        where("created_at", "<", "noon"),
        "filters[0].value",
        "The value must be a date or a timestamp in ISO format, e.g. 2024-03-31 or "
        "2024-03-31T14:30:00.",
    ),
    (where("paid", "=", "yes"), "filters[0].value", "The value must be true or false."),
    (
        where("status", "!=", None),
        "filters[0].value",
        "A value is required here (to match empty values, use is_null).",
    ),
    (where("status", "=", ["a", "b"]), "filters[0].value", '"=" needs a single value, not a list.'),
    (
        where("paid", "<", True),
        "filters[0].op",
        '"<" needs a number, text or date column; "paid" is boolean.',
    ),
    (
        where("tags", "=", "x"),
        "filters[0].value",
        "Columns of type array<string> can only be tested with is_null or not_null.",
    ),
    (
        where("amount", "last", 3, unit="day"),
        "filters[0].op",
        '"last" needs a date or timestamp column; "amount" is decimal(12, 2).',
    ),
    (
        spec(
            measures=COUNT,
            filters=[{"column": "order_date", "op": "last", "value": "12", "unit": "month"}],
        ),
        "filters[0].value",
        '"last" needs a whole number of months between 1 and 100000.',
    ),
    (
        where("order_date", "this"),
        "filters[0].unit",
        "Choose a unit among: day, week, month, quarter, year.",
    ),
    (
        spec(
            measures=COUNT,
            filters=[{"column": "order_date", "op": "=", "value": "2024-01-01", "unit": "day"}],
        ),
        "filters[0].unit",
        "Only the relative date operators take a unit.",
    ),
    (
        spec(dimensions=["status"], measures=COUNT, order_by=[{"column": "amount"}]),
        "order_by[0].column",
        "Sort by one of the output columns: status, count.",
    ),
    (
        spec(measures=COUNT, order_by=[{"column": "count", "desc": "yes"}]),
        "order_by[0].desc",
        '"desc" must be true or false.',
    ),
    (
        spec(fields=["id"], order_by=["price"]),
        "order_by[0].column",
        'Dataset "orders" has no column "price".',
    ),
    (
        spec(fields=["id"], order_by=["status", {"column": "status", "desc": True}]),
        "order_by[1].column",
        '"status" is already sorted on.',
    ),
    (spec(fields=["id", "status", "id"]), "fields[2]", 'The field "id" is listed twice.'),
    (
        spec(fields=["id"], measures=COUNT),
        "fields",
        "Ask either for fields (raw rows) or for measures and dimensions, not both.",
    ),
    (spec(filters=[]), "measures", "Ask for at least one measure, dimension or field."),
]


@pytest.mark.parametrize(("data", "field", "message"), ERRORS)
def test_a_mistake_is_reported_at_its_path(data, field, message):
    with pytest.raises(SpecError) as caught:
        parse_spec(data, CATALOG)
    assert (caught.value.field, caught.value.detail) == (field, message)


@pytest.mark.parametrize("limit", [0, -5, 1_000_001, "10", True, 2.5])
def test_the_limit_is_a_positive_whole_number_up_to_a_million(limit):
    with pytest.raises(SpecError) as caught:
        parse_spec(spec(measures=COUNT, limit=limit), CATALOG)
    assert (caught.value.field, caught.value.detail) == (
        "limit",
        "The limit must be a whole number between 1 and 1,000,000.",
    )


def test_a_relation_to_a_dataset_the_user_cannot_see_is_not_followed():
    with pytest.raises(SpecError) as caught:
        parse_spec(spec(dimensions=["customer.region"]), {"orders": ORDERS})
    assert caught.value.field == "dimensions[0]"
    assert caught.value.detail == 'Dataset "orders" has no column "customer.region".'


def test_the_example_of_the_contract_parses_with_default_names():
    data = {
        "dataset": "orders",
        "measures": [
            {"agg": "sum", "column": "amount", "as": "revenue"},
            {"agg": "count"},
            {"agg": "count_distinct", "column": "customer_id"},
            {"agg": "avg", "column": "customer.age"},
        ],
        "dimensions": [
            "status",
            {"column": "order_date", "bucket": "month", "as": "month"},
            "customer.region",
        ],
        "filters": [
            {"column": "order_date", "op": "between", "value": ["2024-01-01", "2024-12-31"]},
            {"column": "order_date", "op": "last", "value": 12, "unit": "month"},
        ],
        "order_by": [{"column": "revenue", "desc": True}],
        "limit": 100,
    }
    parsed = parse_spec(data, CATALOG)
    assert parsed == QuerySpec(
        dataset="orders",
        measures=(
            Measure("sum", "amount", "revenue"),
            Measure("count", None, "count"),
            Measure("count_distinct", "customer_id", "count_distinct_customer_id"),
            Measure("avg", "customer.age", "avg_customer_age"),
        ),
        dimensions=(
            Dimension("status", None, "status"),
            Dimension("order_date", "month", "month"),
            Dimension("customer.region", None, "customer.region"),
        ),
        filters=(
            Filter("order_date", "between", (dt.date(2024, 1, 1), dt.date(2024, 12, 31))),
            Filter("order_date", "last", 12, "month"),
        ),
        order_by=(Order("revenue", True),),
        limit=100,
        fields=(),
    )
    assert parsed.output_names() == [
        "status", "month", "customer.region",
        "revenue", "count", "count_distinct_customer_id", "avg_customer_age",
    ]  # fmt: skip
    assert parsed.to_dict() == {
        "dataset": "orders",
        "measures": [
            {"agg": "sum", "column": "amount", "as": "revenue"},
            {"agg": "count", "as": "count"},
            {"agg": "count_distinct", "column": "customer_id", "as": "count_distinct_customer_id"},
            {"agg": "avg", "column": "customer.age", "as": "avg_customer_age"},
        ],
        "dimensions": [
            {"column": "status", "as": "status"},
            {"column": "order_date", "bucket": "month", "as": "month"},
            {"column": "customer.region", "as": "customer.region"},
        ],
        "filters": [
            {"column": "order_date", "op": "between", "value": ["2024-01-01", "2024-12-31"]},
            {"column": "order_date", "op": "last", "value": 12, "unit": "month"},
        ],
        "order_by": [{"column": "revenue", "desc": True}],
        "limit": 100,
        "fields": [],
    }
    assert parse_spec(json.loads(json.dumps(parsed.to_dict())), CATALOG) == parsed


@pytest.mark.parametrize(
    ("column", "op", "value", "coerced"),
    [
        ("amount", "=", "12.50", 12.5),
        ("amount", "in", [1, "2", 3.25], (1, 2, 3.25)),
        ("quantity", ">", "3", 3),
        ("status", "=", 5, "5"),
        ("paid", "=", "TRUE", True),
        ("paid", "!=", 0, False),
        ("order_date", "<", "2024-02-29", dt.date(2024, 2, 29)),
        ("created_at", "=", "2024-02-29", dt.date(2024, 2, 29)),
        ("created_at", ">=", "2024-02-29T08:15:00", dt.datetime(2024, 2, 29, 8, 15)),
        ("created_at", "<", "2024-02-29T10:00:00+02:00", dt.datetime(2024, 2, 29, 8, 0)),
        (
            "created_at",
            "between",
            ["2024-02-01", "2024-02-29T12:00"],
            (dt.datetime(2024, 2, 1), dt.datetime(2024, 2, 29, 12, 0)),
        ),
        ("status", "is_null", "ignored", None),
    ],
)
def test_values_are_coerced_to_the_column_type(column, op, value, coerced):
    parsed = parse_spec(
        spec(measures=COUNT, filters=[{"column": column, "op": op, "value": value}]), CATALOG
    )
    assert parsed.filters[0].value == coerced
    assert type(parsed.filters[0].value) is type(coerced)


def test_a_column_whose_name_has_a_dot_wins_over_a_relation():
    parsed = parse_spec(spec(fields=["ship.to", "customer.to"]), CATALOG)
    assert parsed.fields == ("ship.to", "customer.to")
    assert parsed.output_names() == ["ship.to", "customer.to"]


def test_raw_fields_may_be_sorted_on_any_column():
    parsed = parse_spec(
        spec(fields=["id"], order_by=["customer.age", {"column": "amount", "desc": True}]), CATALOG
    )
    assert parsed.order_by == (Order("customer.age"), Order("amount", True))
    assert parsed.limit is None


# --- property: the canonical form is a fixed point ----------------------------------------

NUMBERS = ["id", "amount", "quantity", "customer_id", "customer.age"]
TEXTS = ["status", "customer.region", "ship.to"]
DATES = ["order_date", "created_at"]
ALL = [*NUMBERS, *TEXTS, *DATES, "paid", "tags"]
NAMES = st.text(alphabet="abcxyz_", min_size=1, max_size=6)

numbers = st.one_of(
    st.integers(-(10**6), 10**6),
    st.floats(-1e6, 1e6, allow_nan=False),
    st.decimals(-1000, 1000, places=2).map(str),
)
dates = st.dates(dt.date(1990, 1, 1), dt.date(2040, 1, 1))
timestamps = st.datetimes(dt.datetime(1990, 1, 1), dt.datetime(2040, 1, 1))
VALUES = {
    **dict.fromkeys(NUMBERS, numbers),
    **dict.fromkeys(TEXTS, st.text(max_size=8)),
    "order_date": dates.map(dt.date.isoformat),
    "created_at": st.one_of(dates, timestamps).map(lambda v: v.isoformat()),
    "paid": st.booleans(),
}


@st.composite
def measures(draw):
    agg = draw(st.sampled_from(["sum", "avg", "min", "max", "count", "count_distinct", "median"]))
    if agg in ("sum", "avg", "median"):
        column = draw(st.sampled_from(NUMBERS))
    elif agg in ("min", "max"):
        column = draw(st.sampled_from([*NUMBERS, *TEXTS, *DATES]))
    else:
        column = draw(st.sampled_from([None, *ALL]) if agg == "count" else st.sampled_from(ALL))
    item = {"agg": agg} if column is None else {"agg": agg, "column": column}
    if draw(st.booleans()):
        item["as"] = draw(NAMES)
    return item


@st.composite
def dimensions(draw):
    column = draw(st.sampled_from(ALL))
    if draw(st.booleans()):
        return column
    item = {"column": column, "as": draw(NAMES)}
    if column in DATES and draw(st.booleans()):
        item["bucket"] = draw(st.sampled_from(["day", "week", "month", "quarter", "year"]))
    return item


@st.composite
def filters(draw):
    column = draw(st.sampled_from([c for c in ALL if c != "tags"]))
    ops = ["=", "!=", "in", "not_in", "is_null", "not_null"]
    if column != "paid":
        ops += ["<", "<=", ">", ">=", "between"]
    if column in TEXTS:
        ops += ["contains", "starts_with"]
    if column in DATES:
        ops += ["last", "this", "previous"]
    op = draw(st.sampled_from(ops))
    item = {"column": column, "op": op}
    if op in ("last", "this", "previous"):
        item["unit"] = draw(st.sampled_from(["day", "week", "month", "quarter", "year"]))
        if op == "last":
            item["value"] = draw(st.integers(1, 500))
    elif op in ("in", "not_in"):
        item["value"] = draw(st.lists(VALUES[column], min_size=1, max_size=3))
    elif op == "between":
        item["value"] = draw(st.lists(VALUES[column], min_size=2, max_size=2))
    elif op in ("contains", "starts_with"):
        item["value"] = draw(st.text(max_size=5))
    elif op not in ("is_null", "not_null"):
        item["value"] = draw(VALUES[column])
    return item


@st.composite
def specs(draw):
    data = {"dataset": "orders", "filters": draw(st.lists(filters(), max_size=3))}
    if draw(st.booleans()):
        data["fields"] = draw(st.lists(st.sampled_from(ALL), min_size=1, max_size=4, unique=True))
        outputs = [*ALL]
    else:
        data["measures"] = draw(st.lists(measures(), max_size=3))
        data["dimensions"] = draw(
            st.lists(dimensions(), min_size=0 if data["measures"] else 1, max_size=3)
        )
        outputs = parse_spec(data, CATALOG).output_names() if _unique(data) else []
    if outputs and draw(st.booleans()):
        data["order_by"] = [
            {"column": c, "desc": draw(st.booleans())}
            for c in draw(st.lists(st.sampled_from(outputs), max_size=2, unique=True))
        ]
    if draw(st.booleans()):
        data["limit"] = draw(st.integers(1, 1_000_000))
    return data


def _unique(data: dict) -> bool:
    try:
        parse_spec(data, CATALOG)
    except SpecError as exc:
        assert exc.field.endswith(".as") or exc.field.startswith("dimensions[")
        return False
    return True


# The strategy parses what it builds (to order by real output names), so drawing an example is
# real work, and a worker starved of CPU on a shared runner once took 35 s for one draw: the
# "input generation is slow" health check would fail the test for the machine's load alone.
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(specs())
def test_the_canonical_form_is_a_fixed_point(data):
    try:
        parsed = parse_spec(data, CATALOG)
    except SpecError as exc:  # only clashing output names are generated as mistakes
        assert "is used twice" in exc.detail
        return
    canonical = parsed.to_dict()
    again = parse_spec(json.loads(json.dumps(canonical)), CATALOG)
    assert again == parsed
    assert again.to_dict() == canonical
