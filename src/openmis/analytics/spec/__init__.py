"""The query spec of ``POST /api/bi/query/``: parsing, validation against a catalog, canonical form.

A spec asks for measures grouped by dimensions (or for raw rows of some fields), filtered and
ordered. :func:`parse_spec` turns the JSON into an immutable :class:`QuerySpec` whose values
are already coerced to the column types; :meth:`QuerySpec.to_dict` gives it back as canonical
JSON, for cache keys and saved questions. Nothing here touches an engine.

Semantics worth knowing:

- A path ``relation.column`` names a column of a related dataset (one level); a column of the
  dataset itself whose name contains a dot wins over a relation of the same spelling.
- Against a timestamp column, a date-only value (``"2024-03-01"``) compares the day of the
  timestamp, so ``between ["2024-03-01", "2024-03-31"]`` covers the whole of 31 March.
- ``!=`` and ``not_in`` follow SQL: rows where the column is null do not match.
- ``contains`` and ``starts_with`` are case-sensitive.

Modules: ``model`` (the operators, limits and immutable parts of a spec), ``values`` (JSON
values coerced to column types) and ``parse`` (:func:`parse_spec`). Import from here.
"""

from openmis.analytics.spec.model import (
    AGGREGATIONS,
    BUCKETS,
    COMPARISON_OPS,
    CONDITION_OPS,
    FILTER_OPS,
    LIST_OPS,
    MAX_LIMIT,
    MAX_RELATIVE,
    NULL_OPS,
    NUMERIC_AGGREGATIONS,
    RELATIVE_OPS,
    TEXT_OPS,
    UNITS,
    ColumnRef,
    Dimension,
    Filter,
    Measure,
    Order,
    QuerySpec,
    resolve_column,
)
from openmis.analytics.spec.parse import parse_spec
from openmis.analytics.spec.values import coerce_value, filter_value

__all__ = [
    "AGGREGATIONS",
    "BUCKETS",
    "COMPARISON_OPS",
    "CONDITION_OPS",
    "FILTER_OPS",
    "LIST_OPS",
    "MAX_LIMIT",
    "MAX_RELATIVE",
    "NULL_OPS",
    "NUMERIC_AGGREGATIONS",
    "RELATIVE_OPS",
    "TEXT_OPS",
    "UNITS",
    "ColumnRef",
    "Dimension",
    "Filter",
    "Measure",
    "Order",
    "QuerySpec",
    "coerce_value",
    "filter_value",
    "parse_spec",
    "resolve_column",
]
