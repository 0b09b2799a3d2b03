"""Query spec + catalog + row policies -> an unbound Ibis expression -> SQL for an engine.

Tables are unbound (``ibis.table`` with the dataset's schema and location), so compiling needs
no connection; the warehouse runs the SQL. Row policies are applied here and only here: to the
queried dataset and to every dataset reached through a relation, and the SQL guard uses
:func:`secured_table` as the relation that replaces a dataset's name in user SQL.

Engine-specific choices:

- ``median`` casts its column to ``float64`` first: DuckDB's ``quantile_cont`` on a
  ``DECIMAL(p, s)`` returns a decimal of the same scale, truncating 89.995 to 89.99, while
  PostgreSQL's ``percentile_cont`` works in double precision. Both then give the continuous
  (interpolated) median.
- Time buckets truncate, then cast to a timestamp and to a date: both engines' ``date_trunc``
  return a timestamp (PostgreSQL's, for a date, a timestamp *with* time zone in the session's
  zone, which the cast to a plain timestamp takes back to local midnight), and Ibis drops a
  cast of a date to a date. Weeks start on Monday in both (ISO weeks).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import ibis
import ibis.backends.sql.dialects  # before any SQL is written: see the package
import ibis.expr.datatypes as dtypes
import ibis.expr.types as ir

from openmis.analytics.catalog import Catalog, Condition, Policies, Relation, TableInfo
from openmis.analytics.errors import AnalyticsError, SpecError
from openmis.analytics.i18n import _
from openmis.analytics.spec import (
    CONDITION_OPS,
    Dimension,
    Filter,
    Measure,
    QuerySpec,
    filter_value,
    resolve_column,
)

_TRUNCATE_UNITS = {"day": "D", "week": "W", "month": "M", "quarter": "Q", "year": "Y"}
_MONTHS = {"month": 1, "quarter": 3, "year": 12}


def to_sql(expr: ir.Expr, dialect: str) -> str:
    """Compile an expression to SQL for one engine.

    Parameters
    ----------
    expr
        An expression built by :func:`compile_query` or :func:`secured_table`.
    dialect
        A sqlglot/Ibis dialect name: ``"duckdb"``, ``"postgres"``...

    Returns
    -------
    str
        One SELECT statement.
    """
    return str(ibis.to_sql(expr, dialect=dialect))


def secured_table(catalog: Catalog, dataset: str, policies: Policies) -> ir.Table:
    """Return a dataset's table restricted to the rows its row policy lets the user see.

    Parameters
    ----------
    catalog
        The datasets the user may read.
    dataset
        The dataset's name.
    policies
        Row policies by dataset name; a missing or ``None`` policy leaves the table whole, a
        policy without alternatives shows no row.

    Returns
    -------
    ibis.expr.types.Table
        An unbound table (possibly filtered), with the dataset's columns.
    """
    info = catalog.get(dataset)
    if info is None:
        raise SpecError("dataset", _('Unknown dataset "%(dataset)s".') % {"dataset": dataset})
    loc = info.location
    table = ibis.table(
        ibis.schema(dict(info.columns)),
        name=loc.table,
        catalog=loc.catalog,
        database=loc.database,
    )
    policy = policies.get(dataset)
    if policy is None:
        return table
    if not policy.alternatives:
        return table.filter(ibis.literal(False))
    alternatives = []
    for conditions in policy.alternatives:
        if not conditions:
            return table  # an alternative with no condition lets every row through
        alternatives.append(ibis.and_(*(_condition(table, info, c) for c in conditions)))
    return table.filter(ibis.or_(*alternatives))


def _condition(table: ir.Table, info: TableInfo, condition: Condition) -> ir.BooleanValue:
    if condition.column not in info.columns or condition.op not in CONDITION_OPS:
        raise AnalyticsError(
            _(
                'The row rule of dataset "%(dataset)s" cannot test "%(column)s" with "%(op)s"; '
                "ask an administrator to fix the rule."
            )
            % {"dataset": info.name, "column": condition.column, "op": condition.op}
        )
    dtype = ibis.dtype(info.columns[condition.column])
    try:
        value = filter_value(dtype, condition.op, condition.value, "policy")
    except SpecError as exc:
        raise AnalyticsError(
            _('The row rule of dataset "%(dataset)s" on "%(column)s" is invalid: %(reason)s')
            % {"dataset": info.name, "column": condition.column, "reason": exc.detail}
        ) from None
    return _predicate(table[condition.column], dtype, condition.op, value)


def compile_query(
    spec: QuerySpec, catalog: Catalog, policies: Policies, *, today: dt.date
) -> ir.Table:
    """Build the Ibis expression that answers a spec, with the row policies applied.

    Parameters
    ----------
    spec
        A spec from :func:`openmis.analytics.spec.parse_spec` with the same catalog.
    catalog
        The datasets the user may read.
    policies
        Row policies by dataset name, applied to the dataset and to every relation joined.
    today
        The date relative filters (``last``, ``this``, ``previous``) count from.

    Returns
    -------
    ibis.expr.types.Table
        An unbound expression whose columns are ``spec.output_names()``. Without ``order_by``,
        aggregated rows are sorted by the dimensions (ascending, nulls last), so charts and
        cache entries are stable; raw rows keep the engine's order.
    """
    info = catalog.get(spec.dataset)
    if info is None:
        raise SpecError("dataset", _('Unknown dataset "%(dataset)s".') % {"dataset": spec.dataset})
    paths = [m.column for m in spec.measures if m.column is not None]
    paths += [d.column for d in spec.dimensions]
    paths += [f.column for f in spec.filters]
    paths += list(spec.fields)
    if spec.fields:
        paths += [o.column for o in spec.order_by]
    work, types = _working_table(catalog, info, policies, list(dict.fromkeys(paths)))
    predicates = [_filter(work[f.column], types[f.column], f, today) for f in spec.filters]
    if predicates:
        work = work.filter(*predicates)
    if spec.fields:
        return _raw_rows(work, spec)
    groups = [_dimension(work[d.column], d) for d in spec.dimensions]
    if spec.measures:
        metrics = [_measure(work, m) for m in spec.measures]
        expr = work.aggregate(metrics, by=groups)
    else:
        expr = work.select(*groups).distinct()
    if spec.order_by:
        keys = [ibis.desc(o.column) if o.desc else ibis.asc(o.column) for o in spec.order_by]
    else:
        keys = [ibis.asc(d.name) for d in spec.dimensions]
    if keys:
        expr = expr.order_by(keys)
    if spec.limit is not None:
        expr = expr.limit(spec.limit)
    return expr


def _raw_rows(work: ir.Table, spec: QuerySpec) -> ir.Table:
    keys = [ibis.desc(o.column) if o.desc else ibis.asc(o.column) for o in spec.order_by]
    if all(o.column in spec.fields for o in spec.order_by):
        expr = work.select(*spec.fields)
        if keys:
            expr = expr.order_by(keys)
        return expr.limit(spec.limit) if spec.limit is not None else expr
    # Sorting on a column that is not shown: sort (and limit) below the final projection;
    # DuckDB and PostgreSQL keep the order of a subquery through a plain projection.
    expr = work.order_by(keys)
    if spec.limit is not None:
        expr = expr.limit(spec.limit)
    return expr.select(*spec.fields)


def _working_table(
    catalog: Catalog, info: TableInfo, policies: Policies, paths: list[str]
) -> tuple[ir.Table, dict[str, dtypes.DataType]]:
    """The secured base table, LEFT JOINed to the secured relations the paths need.

    Without relations this is the base table itself; with relations, it has one column per
    path, named by the path (``customer.region``).
    """
    refs = {}
    for path in paths:
        ref = resolve_column(catalog, info, path)
        if ref is None:
            raise SpecError(
                "dataset",
                _('Dataset "%(dataset)s" has no column "%(column)s".')
                % {"dataset": info.name, "column": path},
            )
        refs[path] = ref
    types = {path: ref.dtype for path, ref in refs.items()}
    base = secured_table(catalog, info.name, policies)
    used = {ref.relation.name for ref in refs.values() if ref.relation is not None}
    if not used:
        return base, types
    joined = base
    targets: dict[str, ir.Table] = {}
    for relation in info.relations:
        if relation.name in used and relation.name not in targets:
            target = secured_table(catalog, relation.target, policies).view()
            joined = joined.left_join(target, _join_key(base, target, relation))
            targets[relation.name] = target
    columns = {
        path: (base[ref.column] if ref.relation is None else targets[ref.relation.name][ref.column])
        for path, ref in refs.items()
    }
    return joined.select(**columns), types


def _join_key(base: ir.Table, target: ir.Table, relation: Relation) -> ir.BooleanValue:
    return base[relation.local_key] == target[relation.remote_key]


def _dimension(column: ir.Value, dimension: Dimension) -> ir.Value:
    if dimension.bucket is None:
        return column.name(dimension.name)
    unit = _TRUNCATE_UNITS[dimension.bucket]
    if column.type().is_date():
        # Truncating the date itself, not a timestamp cast of it, spares a cast of every
        # row (about 10% of a bucketed aggregate on DuckDB); the result is cast back through
        # a timestamp because Ibis drops a cast of a date to a date.
        return column.truncate(unit).cast("timestamp").cast("date").name(dimension.name)
    return column.truncate(unit).cast("date").name(dimension.name)


def _measure(work: ir.Table, measure: Measure) -> ir.Scalar:
    if measure.column is None:
        return work.count().name(measure.name)
    column = work[measure.column]
    agg = measure.agg
    if agg == "sum":
        value = column.sum()
    elif agg == "avg":
        value = column.mean()
    elif agg == "median":
        value = column.cast("float64").median()
    elif agg == "min":
        value = column.min()
    elif agg == "max":
        value = column.max()
    elif agg == "count":
        value = column.count()
    else:
        value = column.nunique()
    return value.name(measure.name)


def _filter(column: ir.Value, dtype: dtypes.DataType, f: Filter, today: dt.date) -> Any:
    if f.op not in ("last", "this", "previous"):
        return _predicate(column, dtype, f.op, f.value)
    start, end = relative_range(f.op, f.value, f.unit, today)
    if dtype.is_timestamp():
        start = dt.datetime.combine(start, dt.time())
        end = dt.datetime.combine(end, dt.time())
    return (column >= start) & (column < end)


def _predicate(column: ir.Value, dtype: dtypes.DataType, op: str, value: Any) -> Any:
    if op == "is_null":
        return column.isnull()
    if op == "not_null":
        return column.notnull()
    if op == "contains":
        return column.contains(value)
    if op == "starts_with":
        return column.startswith(value)
    values = value if isinstance(value, tuple) else (value,)
    if dtype.is_timestamp() and not any(isinstance(v, dt.datetime) for v in values):
        column = column.cast("date")  # a date-only value compares the day of the timestamp
    literals = [filter_literal(dtype, v) for v in values]
    if op == "in":
        return column.isin(literals)
    if op == "not_in":
        return column.notin(literals)
    if op == "between":
        return column.between(literals[0], literals[1])
    lit = literals[0]
    comparisons = {
        "=": column.__eq__,
        "!=": column.__ne__,
        "<": column.__lt__,
        "<=": column.__le__,
        ">": column.__gt__,
        ">=": column.__ge__,
    }
    return comparisons[op](lit)


def filter_literal(dtype: dtypes.DataType, value: Any) -> ir.Scalar:
    """The Ibis literal a filter or row rule compares a column of ``dtype`` with."""
    if dtype.is_decimal() and isinstance(value, float):
        return ibis.literal(Decimal(str(value)))
    return ibis.literal(value)


def relative_range(
    op: str, count: int | None, unit: str, today: dt.date
) -> tuple[dt.date, dt.date]:
    """Return the dates a relative filter covers, as ``[start, end)``.

    Parameters
    ----------
    op
        ``last`` (the last ``count`` units up to and including today), ``this`` (the whole
        current unit) or ``previous`` (the whole unit before the current one).
    count
        How many units, for ``last``.
    unit
        ``day``, ``week`` (from Monday), ``month``, ``quarter`` or ``year``.
    today
        The reference date.

    Examples
    --------
    >>> relative_range("last", 12, "month", dt.date(2024, 11, 20))
    (datetime.date(2023, 12, 1), datetime.date(2024, 11, 21))
    >>> relative_range("previous", None, "week", dt.date(2024, 11, 20))
    (datetime.date(2024, 11, 11), datetime.date(2024, 11, 18))
    """
    current = _unit_start(today, unit)
    if op == "last":
        return _shift(current, unit, 1 - (count or 1)), today + dt.timedelta(days=1)
    if op == "this":
        return current, _shift(current, unit, 1)
    return _shift(current, unit, -1), current


def _unit_start(day: dt.date, unit: str) -> dt.date:
    if unit == "day":
        return day
    if unit == "week":
        return day - dt.timedelta(days=day.weekday())
    if unit == "month":
        return day.replace(day=1)
    if unit == "quarter":
        return day.replace(month=3 * ((day.month - 1) // 3) + 1, day=1)
    return day.replace(month=1, day=1)


def _shift(start: dt.date, unit: str, count: int) -> dt.date:
    """Move a unit start by ``count`` units, clamped to the calendar's ends."""
    try:
        if unit in ("day", "week"):
            return start + dt.timedelta(days=count * (7 if unit == "week" else 1))
        months = start.year * 12 + start.month - 1 + count * _MONTHS[unit]
        return dt.date(months // 12, months % 12 + 1, 1)
    except (OverflowError, ValueError):
        return dt.date.min if count < 0 else dt.date.max
