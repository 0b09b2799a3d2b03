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
"""

from __future__ import annotations

import contextlib
import datetime as dt
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

import ibis
import ibis.expr.datatypes as dtypes

from openmis.analytics.catalog import Catalog, Relation, TableInfo
from openmis.analytics.errors import SpecError
from openmis.analytics.i18n import _, number

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

_TOP_KEYS = ("dataset", "measures", "dimensions", "filters", "order_by", "limit", "fields")
_ORDERED_OPS = frozenset({"<", "<=", ">", ">=", "between"})


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


def coerce_value(dtype: dtypes.DataType, value: Any) -> Any:
    """Coerce one JSON value to the Python value a column of ``dtype`` compares with.

    Raises
    ------
    ValueError
        With a sentence saying what was expected.
    """
    if value is None:
        raise ValueError(_("A value is required here (to match empty values, use is_null)."))
    if dtype.is_boolean():
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in ("true", "false"):
            return value.lower() == "true"
        if isinstance(value, int) and value in (0, 1):
            return bool(value)
        raise ValueError(_("The value must be true or false."))
    if dtype.is_numeric():
        return _coerce_number(value)
    if dtype.is_string():
        if isinstance(value, str):
            return value
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)
        raise ValueError(_("The value must be a text."))
    if dtype.is_date():
        if isinstance(value, str) and len(value) == 10:
            with contextlib.suppress(ValueError):
                value = dt.date.fromisoformat(value)
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return value
        raise ValueError(_("The value must be a date in ISO format, e.g. 2024-03-31."))
    if dtype.is_timestamp():
        return _coerce_timestamp(dtype, value)
    raise ValueError(
        _("Columns of type %(type)s can only be tested with is_null or not_null.") % {"type": dtype}
    )


def _coerce_number(value: Any) -> int | float:
    if isinstance(value, bool):
        raise ValueError(_("The value must be a number."))
    if isinstance(value, int):
        if not -(2**63) <= value < 2**63:
            raise ValueError(_("The number is too large."))
        return value
    if isinstance(value, str):
        try:
            value = Decimal(value.strip())
        except InvalidOperation:
            raise ValueError(_('"%(value)s" is not a number.') % {"value": value.strip()}) from None
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(_("The value must be a finite number."))
        if value == value.to_integral_value() and "." not in str(value):
            return _coerce_number(int(value))
        value = float(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(_("The value must be a finite number."))
        return value
    raise ValueError(_("The value must be a number."))


def _coerce_timestamp(dtype: dtypes.DataType, value: Any) -> dt.date:
    if isinstance(value, str):
        text = value.strip()
        try:
            value = (dt.date if len(text) == 10 else dt.datetime).fromisoformat(text)
        except ValueError:
            raise ValueError(
                _(
                    "The value must be a date or a timestamp in ISO format, "
                    "e.g. 2024-03-31 or 2024-03-31T14:30:00."
                )
            ) from None
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC)
            if dtype.timezone is None:
                value = value.replace(tzinfo=None)
        return value
    if isinstance(value, dt.date):
        return value
    raise ValueError(_("The value must be a date or a timestamp in ISO format."))


def _present(**items: Any) -> dict[str, Any]:
    """The items that are set, ``as_`` spelled ``as``."""
    return {key.rstrip("_"): value for key, value in items.items() if value is not None}


def _json_value(value: Any) -> Any:
    if isinstance(value, tuple):
        return [_json_value(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


_NUMBER = ("number",)
_TEXT = ("text",)
_DATE = ("date",)
_ORDERED = ("number", "text", "date")


def _kind(dtype: dtypes.DataType) -> str:
    if dtype.is_boolean():
        return "boolean"
    if dtype.is_numeric():
        return "number"
    if dtype.is_string():
        return "text"
    if dtype.is_date() or dtype.is_timestamp():
        return "date"
    return "other"


def _needs(ref: ColumnRef, kinds: tuple[str, ...], field: str, message: str, **params) -> None:
    """Refuse a column of the wrong kind; ``message`` (translated) names the column as
    ``%(column)s`` and its type as ``%(type)s``."""
    if _kind(ref.dtype) not in kinds:
        raise SpecError(field, message % {**params, "column": ref.path, "type": ref.dtype})


def _same_kind_timestamps(values: tuple) -> tuple:
    """A date among timestamps means its midnight; a list of dates only compares days."""
    if any(isinstance(v, dt.datetime) for v in values):
        return tuple(
            v if isinstance(v, dt.datetime) else dt.datetime.combine(v, dt.time()) for v in values
        )
    return values


class _Parser:
    def __init__(self, catalog: Catalog, info: TableInfo):
        self.catalog = catalog
        self.info = info

    def column(self, path: Any, field: str) -> ColumnRef:
        if not isinstance(path, str) or not path:
            raise SpecError(field, _("Name a column here."))
        ref = resolve_column(self.catalog, self.info, path)
        if ref is None:
            raise SpecError(
                field,
                _('Dataset "%(dataset)s" has no column "%(column)s".')
                % {"dataset": self.info.name, "column": path},
            )
        return ref

    def measure(self, item: Any, field: str) -> Measure:
        item = _object(item, field, ("agg", "column", "as"))
        agg = item.get("agg")
        if agg not in AGGREGATIONS:
            raise SpecError(
                f"{field}.agg",
                _("Choose an aggregation among: %(choices)s.")
                % {"choices": ", ".join(AGGREGATIONS)},
            )
        column = item.get("column")
        if column is None:
            if agg != "count":
                raise SpecError(
                    f"{field}.column",
                    _('The aggregation "%(agg)s" needs a column.') % {"agg": agg},
                )
        else:
            ref = self.column(column, f"{field}.column")
            if agg in NUMERIC_AGGREGATIONS:
                _needs(
                    ref,
                    _NUMBER,
                    f"{field}.column",
                    _(
                        'The aggregation "%(agg)s" needs a numeric column; '
                        '"%(column)s" is %(type)s.'
                    ),
                    agg=agg,
                )
            elif agg in ("min", "max"):
                _needs(
                    ref,
                    _ORDERED,
                    f"{field}.column",
                    _(
                        'The aggregation "%(agg)s" needs a number, text or date column; '
                        '"%(column)s" is %(type)s.'
                    ),
                    agg=agg,
                )
        default = "count" if column is None else f"{agg}_{column.replace('.', '_')}"
        return Measure(agg, column, _name(item, field, default))

    def dimension(self, item: Any, field: str) -> Dimension:
        if isinstance(item, str):
            self.column(item, field)
            return Dimension(item, None, item)
        item = _object(item, field, ("column", "bucket", "as"))
        ref = self.column(item.get("column"), f"{field}.column")
        bucket = item.get("bucket")
        if bucket is not None:
            if bucket not in BUCKETS:
                raise SpecError(
                    f"{field}.bucket",
                    _("Choose a time bucket among: %(choices)s.") % {"choices": ", ".join(BUCKETS)},
                )
            _needs(
                ref,
                _DATE,
                f"{field}.bucket",
                _('A time bucket needs a date or timestamp column; "%(column)s" is %(type)s.'),
            )
        return Dimension(ref.path, bucket, _name(item, field, ref.path))

    def filter(self, item: Any, field: str) -> Filter:
        item = _object(item, field, ("column", "op", "value", "unit"))
        ref = self.column(item.get("column"), f"{field}.column")
        op = item.get("op")
        if op not in FILTER_OPS:
            raise SpecError(
                f"{field}.op",
                _("Choose an operator among: %(choices)s.") % {"choices": ", ".join(FILTER_OPS)},
            )
        unit = item.get("unit")
        if op in RELATIVE_OPS:
            return self._relative(ref, op, item.get("value"), unit, field)
        if unit is not None:
            raise SpecError(f"{field}.unit", _("Only the relative date operators take a unit."))
        if op in NULL_OPS:
            return Filter(ref.path, op)
        if op in TEXT_OPS:
            _needs(
                ref,
                _TEXT,
                f"{field}.op",
                _('"%(op)s" needs a text column; "%(column)s" is %(type)s.'),
                op=op,
            )
        elif op in _ORDERED_OPS:
            _needs(
                ref,
                _ORDERED,
                f"{field}.op",
                _('"%(op)s" needs a number, text or date column; "%(column)s" is %(type)s.'),
                op=op,
            )
        return Filter(
            ref.path, op, filter_value(ref.dtype, op, item.get("value"), f"{field}.value")
        )

    def _relative(self, ref: ColumnRef, op: str, value: Any, unit: Any, field: str) -> Filter:
        _needs(
            ref,
            _DATE,
            f"{field}.op",
            _('"%(op)s" needs a date or timestamp column; "%(column)s" is %(type)s.'),
            op=op,
        )
        if unit not in UNITS:
            raise SpecError(
                f"{field}.unit",
                _("Choose a unit among: %(choices)s.") % {"choices": ", ".join(UNITS)},
            )
        if op != "last":
            return Filter(ref.path, op, None, unit)
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_RELATIVE:
            raise SpecError(f"{field}.value", _last_needs_a_count(unit) % {"max": MAX_RELATIVE})
        return Filter(ref.path, op, value, unit)


def _last_needs_a_count(unit: str) -> str:
    """The refusal of a bad count for ``last``, one whole sentence per unit."""
    if unit == "day":
        return _('"last" needs a whole number of days between 1 and %(max)d.')
    if unit == "week":
        return _('"last" needs a whole number of weeks between 1 and %(max)d.')
    if unit == "month":
        return _('"last" needs a whole number of months between 1 and %(max)d.')
    if unit == "quarter":
        return _('"last" needs a whole number of quarters between 1 and %(max)d.')
    return _('"last" needs a whole number of years between 1 and %(max)d.')


def filter_value(dtype: dtypes.DataType, op: str, value: Any, field: str) -> Any:
    """Check and coerce the value of a filter or row-rule condition for ``op``.

    Lists come back as tuples. Raises :class:`SpecError` at ``field`` when the value does not
    fit the operator or the column type.
    """
    if op in NULL_OPS:
        return None
    try:
        if op == "between":
            if not isinstance(value, list | tuple) or len(value) != 2:
                raise ValueError(_('"between" needs a list of two values: [low, high].'))
            values = tuple(coerce_value(dtype, v) for v in value)
        elif op in LIST_OPS:
            if not isinstance(value, list | tuple) or not value:
                raise ValueError(_('"%(op)s" needs a non-empty list of values.') % {"op": op})
            values = tuple(coerce_value(dtype, v) for v in value)
        elif op in TEXT_OPS:
            if not isinstance(value, str):
                raise ValueError(_('"%(op)s" needs a text value.') % {"op": op})
            return value
        else:
            if isinstance(value, list | tuple | dict):
                raise ValueError(_('"%(op)s" needs a single value, not a list.') % {"op": op})
            return coerce_value(dtype, value)
    except ValueError as exc:
        raise SpecError(field, str(exc)) from None
    return _same_kind_timestamps(values) if dtype.is_timestamp() else values


def parse_spec(data: Any, catalog: Catalog) -> QuerySpec:
    """Validate a query spec (the JSON of ``POST /api/bi/query/``) against a catalog.

    Parameters
    ----------
    data
        The decoded JSON object.
    catalog
        The datasets the user may read; any other dataset is reported as unknown.

    Returns
    -------
    QuerySpec
        The spec with defaults filled in and values coerced to the column types.

    Raises
    ------
    SpecError
        At the first mistake, with its path (``measures[0].column``, ``filters[1].value``...;
        ``spec`` when the whole document is wrong) and a sentence saying what to fix.
    """
    if not isinstance(data, Mapping):
        raise SpecError("spec", _("The query must be a JSON object."))
    for key in data:
        if key not in _TOP_KEYS:
            raise SpecError(
                str(key),
                _('Unknown key "%(key)s"; a query may have: %(keys)s.')
                % {"key": key, "keys": ", ".join(_TOP_KEYS)},
            )
    dataset = data.get("dataset")
    if not isinstance(dataset, str) or not dataset:
        raise SpecError("dataset", _("Name the dataset to query."))
    info = catalog.get(dataset)
    if info is None:
        raise SpecError("dataset", _('Unknown dataset "%(dataset)s".') % {"dataset": dataset})
    parser = _Parser(catalog, info)
    measures = _items(data, "measures", parser.measure)
    dimensions = _items(data, "dimensions", parser.dimension)
    filters = _items(data, "filters", parser.filter)
    fields = _fields(parser, _list(data, "fields"))
    if fields and (measures or dimensions):
        raise SpecError(
            "fields",
            _("Ask either for fields (raw rows) or for measures and dimensions, not both."),
        )
    if not (fields or measures or dimensions):
        raise SpecError("measures", _("Ask for at least one measure, dimension or field."))
    _check_unique_names(data, dimensions, measures)
    outputs = fields or tuple(d.name for d in dimensions) + tuple(m.name for m in measures)
    order_by = _items(
        data, "order_by", lambda item, field: _order(parser, item, field, outputs, bool(fields))
    )
    for i, order in enumerate(order_by):
        if order.column in (o.column for o in order_by[:i]):
            raise SpecError(
                f"order_by[{i}].column",
                _('"%(column)s" is already sorted on.') % {"column": order.column},
            )
    limit = data.get("limit")
    if limit is not None and (
        isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_LIMIT
    ):
        raise SpecError(
            "limit",
            _("The limit must be a whole number between 1 and %(max)s.")
            % {"max": number(MAX_LIMIT)},
        )
    return QuerySpec(dataset, measures, dimensions, filters, order_by, limit, fields)


def _fields(parser: _Parser, items: list) -> tuple[str, ...]:
    seen: list[str] = []
    for i, path in enumerate(items):
        ref = parser.column(path, f"fields[{i}]")
        if ref.path in seen:
            raise SpecError(
                f"fields[{i}]", _('The field "%(field)s" is listed twice.') % {"field": ref.path}
            )
        seen.append(ref.path)
    return tuple(seen)


def _check_unique_names(
    data: Mapping, dimensions: tuple[Dimension, ...], measures: tuple[Measure, ...]
) -> None:
    seen: set[str] = set()
    items = [
        (f"dimensions[{i}]" + ("" if isinstance(raw, str) else ".as"), d.name)
        for i, (raw, d) in enumerate(zip(data.get("dimensions") or [], dimensions, strict=True))
    ] + [(f"measures[{i}].as", m.name) for i, m in enumerate(measures)]
    for field, name in items:
        if name in seen:
            raise SpecError(
                field,
                _('The output name "%(name)s" is used twice; give each column its own "as".')
                % {"name": name},
            )
        seen.add(name)


def _order(parser: _Parser, item: Any, field: str, outputs: tuple, raw: bool) -> Order:
    if isinstance(item, str):
        item = {"column": item}
    item = _object(item, field, ("column", "desc"))
    column = item.get("column")
    desc = item.get("desc", False)
    if not isinstance(desc, bool):
        raise SpecError(f"{field}.desc", _('"desc" must be true or false.'))
    if raw:
        return Order(parser.column(column, f"{field}.column").path, desc)
    if column not in outputs:
        raise SpecError(
            f"{field}.column",
            _("Sort by one of the output columns: %(columns)s.") % {"columns": ", ".join(outputs)},
        )
    return Order(column, desc)


def _object(item: Any, field: str, keys: tuple[str, ...]) -> Mapping:
    if not isinstance(item, Mapping):
        raise SpecError(
            field,
            _("Each item here must be an object with keys: %(keys)s.") % {"keys": ", ".join(keys)},
        )
    for key in item:
        if key not in keys:
            raise SpecError(
                f"{field}.{key}",
                _('Unknown key "%(key)s"; allowed keys are: %(keys)s.')
                % {"key": key, "keys": ", ".join(keys)},
            )
    return item


def _items(data: Mapping, key: str, parse: Callable[[Any, str], Any]) -> tuple:
    return tuple(parse(item, f"{key}[{i}]") for i, item in enumerate(_list(data, key)))


def _list(data: Mapping, key: str) -> list:
    value = data.get(key)
    if value is None:
        return []
    if not isinstance(value, list | tuple):
        raise SpecError(key, _('"%(key)s" must be a list.') % {"key": key})
    return list(value)


def _name(item: Mapping, field: str, default: str) -> str:
    name = item.get("as")
    if name is None:
        return default
    if not isinstance(name, str) or not name.strip() or len(name) > 128:
        raise SpecError(
            f"{field}.as", _('An output name ("as") must be a text of 1 to 128 characters.')
        )
    return name
