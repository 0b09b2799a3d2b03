"""Parsing a query spec: the JSON of ``POST /api/bi/query/`` checked against a catalog,
with a sentence saying what to fix at the first mistake."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import ibis.expr.datatypes as dtypes

from openmis.analytics.catalog import Catalog, TableInfo
from openmis.analytics.errors import SpecError
from openmis.analytics.i18n import _, number
from openmis.analytics.spec.model import (
    AGGREGATIONS,
    BUCKETS,
    FILTER_OPS,
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
from openmis.analytics.spec.values import filter_value

_TOP_KEYS = ("dataset", "measures", "dimensions", "filters", "order_by", "limit", "fields")
_ORDERED_OPS = frozenset({"<", "<=", ">", ">=", "between"})

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
