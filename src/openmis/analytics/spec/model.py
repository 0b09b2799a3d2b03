"""The query spec as plain data: the operators and limits, the immutable parts of a
:class:`QuerySpec`, and where a column path of a spec points."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import ibis
import ibis.expr.datatypes as dtypes

from openmis.analytics.catalog import Catalog, Relation, TableInfo

AGGREGATIONS = ("sum", "avg", "min", "max", "count", "count_distinct", "median")
NUMERIC_AGGREGATIONS = frozenset({"sum", "avg", "median"})
BUCKETS = ("day", "week", "month", "quarter", "year")
UNITS = BUCKETS
COMPARISON_OPS = ("=", "!=", "<", "<=", ">", ">=")
LIST_OPS = ("in", "not_in")
TEXT_OPS = ("contains", "starts_with")
NULL_OPS = ("is_null", "not_null")
RELATIVE_OPS = ("last", "this", "previous")
CONDITION_OPS = (*COMPARISON_OPS, *LIST_OPS, "between", *TEXT_OPS, *NULL_OPS)
FILTER_OPS = (*CONDITION_OPS, *RELATIVE_OPS)
MAX_LIMIT = 1_000_000
MAX_RELATIVE = 100_000


@dataclass(frozen=True)
class Measure:
    """An aggregate output column: ``agg`` over ``column`` (``None``: count of rows)."""

    agg: str
    column: str | None
    name: str


@dataclass(frozen=True)
class Dimension:
    """A grouping output column, optionally a date truncated to a time ``bucket``."""

    column: str
    bucket: str | None
    name: str


@dataclass(frozen=True)
class Filter:
    """A row filter applied before aggregation; ``value`` is coerced to the column type."""

    column: str
    op: str
    value: Any = None
    unit: str | None = None


@dataclass(frozen=True)
class Order:
    """A sort key: an output name (or, for raw fields, any column path)."""

    column: str
    desc: bool = False


@dataclass(frozen=True)
class QuerySpec:
    """A validated query: what to compute from which dataset, as immutable plain data."""

    dataset: str
    measures: tuple[Measure, ...]
    dimensions: tuple[Dimension, ...]
    filters: tuple[Filter, ...]
    order_by: tuple[Order, ...]
    limit: int | None
    fields: tuple[str, ...]

    def output_names(self) -> list[str]:
        """Return the result's column names, in order.

        Returns
        -------
        list of str
            The dimension names then the measure names, or the raw fields.
        """
        if self.fields:
            return list(self.fields)
        return [d.name for d in self.dimensions] + [m.name for m in self.measures]

    def to_dict(self) -> dict:
        """Return the canonical JSON form of the spec, for cache keys and saved questions.

        Every default is spelled out (output names included), so two specs that mean the same
        give equal dicts, and ``parse_spec(spec.to_dict(), catalog)`` gives back an equal spec.

        Returns
        -------
        dict
            Plain JSON data: dates and timestamps as ISO strings, numbers as numbers.
        """
        measures = [_present(agg=m.agg, column=m.column, as_=m.name) for m in self.measures]
        dimensions = [
            _present(column=d.column, bucket=d.bucket, as_=d.name) for d in self.dimensions
        ]
        filters = [
            _present(column=f.column, op=f.op, value=_json_value(f.value), unit=f.unit)
            for f in self.filters
        ]
        return {
            "dataset": self.dataset,
            "measures": measures,
            "dimensions": dimensions,
            "filters": filters,
            "order_by": [{"column": o.column, "desc": o.desc} for o in self.order_by],
            "limit": self.limit,
            "fields": list(self.fields),
        }


@dataclass(frozen=True)
class ColumnRef:
    """Where a column path points: a column of the dataset or of one of its relations."""

    path: str
    relation: Relation | None
    column: str
    dtype: dtypes.DataType


def resolve_column(catalog: Catalog, info: TableInfo, path: str) -> ColumnRef | None:
    """Find the column a spec path names, or ``None`` when there is none.

    Parameters
    ----------
    catalog
        The datasets the user may read; a relation whose target is missing is not followed.
    info
        The dataset the path is relative to.
    path
        ``column`` or ``relation.column``.
    """
    if path in info.columns:
        return ColumnRef(path, None, path, ibis.dtype(info.columns[path]))
    name, dot, column = path.partition(".")
    if not dot:
        return None
    for relation in info.relations:
        if relation.name == name:
            target = catalog.get(relation.target)
            if target is None or column not in target.columns:
                return None
            return ColumnRef(path, relation, column, ibis.dtype(target.columns[column]))
    return None


def _present(**items: Any) -> dict[str, Any]:
    """The items that are set, ``as_`` spelled ``as``."""
    return {key.rstrip("_"): value for key, value in items.items() if value is not None}


def _json_value(value: Any) -> Any:
    if isinstance(value, tuple):
        return [_json_value(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value
