"""The small set of column types a dataset may have, and how engines spell them.

A dataset column has one of these Ibis type strings: ``int64``, ``float64``,
``decimal(p,s)``, ``string``, ``date``, ``timestamp``, ``boolean``, ``time``. Whatever a file
holds is normalised into them on load (small integers widen to ``int64``, time-zoned
timestamps become UTC ``timestamp``, nested values become JSON text), so the rest of the
analytics layer deals with a handful of types, the same on every engine.
"""

from __future__ import annotations

import re

from openmis.analytics.errors import ImportFailed
from openmis.analytics.i18n import _

_ALIASES = {
    "int64": "int64",
    "int": "int64",
    "integer": "int64",
    "bigint": "int64",
    "int8": "int64",
    "int16": "int64",
    "int32": "int64",
    "uint8": "int64",
    "uint16": "int64",
    "uint32": "int64",
    "uint64": "decimal(20,0)",
    "float64": "float64",
    "float": "float64",
    "float32": "float64",
    "double": "float64",
    "string": "string",
    "str": "string",
    "text": "string",
    "varchar": "string",
    "date": "date",
    "timestamp": "timestamp",
    "datetime": "timestamp",
    "boolean": "boolean",
    "bool": "boolean",
    "time": "time",
}
_DECIMAL = re.compile(r"decimal\s*(?:\(\s*(\d+)\s*,\s*(\d+)\s*\))?", re.IGNORECASE)

SUPPORTED = "int64, float64, decimal(p,s), string, date, timestamp, boolean, time"

_DUCKDB = {
    "int64": "BIGINT",
    "float64": "DOUBLE",
    "string": "VARCHAR",
    "date": "DATE",
    "timestamp": "TIMESTAMP",
    "boolean": "BOOLEAN",
    "time": "TIME",
}
_POSTGRES = {
    "int64": "bigint",
    "float64": "double precision",
    "string": "text",
    "date": "date",
    "timestamp": "timestamp",
    "boolean": "boolean",
    "time": "time",
}
_FROM_POSTGRES = {
    "bigint": "int64",
    "integer": "int64",
    "smallint": "int64",
    "double precision": "float64",
    "real": "float64",
    "text": "string",
    "character varying": "string",
    "date": "date",
    "timestamp without time zone": "timestamp",
    "boolean": "boolean",
    "time without time zone": "time",
}


def parse_type(text: str, column: str | None = None) -> str:
    """Validate a user's type string and return its canonical form.

    Parameters
    ----------
    text
        An Ibis type string such as ``"int64"``, ``"decimal(18, 2)"`` or an alias
        (``"int"``, ``"text"``, ``"bool"``).
    column
        The column it is meant for, named in the error message.

    Returns
    -------
    str
        The canonical type, e.g. ``"decimal(18,2)"``.

    Raises
    ------
    ImportFailed
        The type is not one a dataset column may have.
    """
    cleaned = str(text).strip().lower()
    if cleaned in _ALIASES:
        return _ALIASES[cleaned]
    match = _DECIMAL.fullmatch(cleaned)
    if match:
        precision, scale = (int(match[1]), int(match[2])) if match[1] else (18, 3)
        if 1 <= precision <= 38 and 0 <= scale <= precision:
            return f"decimal({precision},{scale})"
    if column is not None:
        message = _(
            'Column "%(column)s": "%(type)s" is not a supported type; use one of %(types)s.'
        )
    else:
        message = _('"%(type)s" is not a supported type; use one of %(types)s.')
    raise ImportFailed(
        message % {"column": column, "type": text, "types": SUPPORTED}, column=column
    )


def decimal_parts(canonical: str) -> tuple[int, int] | None:
    """``(precision, scale)`` of a canonical decimal type, ``None`` for other types."""
    match = _DECIMAL.fullmatch(canonical)
    if not match or not match[1]:
        return None
    return int(match[1]), int(match[2])


def to_duckdb(canonical: str) -> str:
    """The DuckDB SQL type of a canonical type."""
    parts = decimal_parts(canonical)
    return f"DECIMAL({parts[0]},{parts[1]})" if parts else _DUCKDB[canonical]


def to_postgres(canonical: str) -> str:
    """The PostgreSQL SQL type of a canonical type."""
    parts = decimal_parts(canonical)
    return f"numeric({parts[0]},{parts[1]})" if parts else _POSTGRES[canonical]


def from_postgres(data_type: str, precision: int | None, scale: int | None) -> str:
    """The canonical type of a PostgreSQL column (``information_schema.columns`` spelling)."""
    if data_type == "numeric":
        return f"decimal({precision or 38},{scale or 0})"
    return _FROM_POSTGRES.get(data_type, "string")


def not_of_type(where: str, number: int | None, column: str, value: str, canonical: str) -> str:
    """The message of a value that does not fit its column's type, as a whole sentence.

    Parameters
    ----------
    where
        ``"line"`` (of a CSV or JSON file; ``number`` ``None`` when the engine did not say
        which), ``"row"`` (of a sheet) or ``"record"`` (of a Parquet or JSON file).
    number
        The line, row or record number.
    column, value
        The column and the value, as shown (already shortened).
    canonical
        The type the value should have had.

    Examples
    --------
    >>> not_of_type("line", 3, "a", "abc", "int64")
    'Line 3, column "a": "abc" is not a whole number.'
    """
    kind = "decimal" if decimal_parts(canonical) else canonical
    if where == "row":
        messages = _row_messages()
    elif where == "record":
        messages = _record_messages()
    elif number is None:
        messages = _some_line_messages()
    else:
        messages = _line_messages()
    message = messages.get(kind, messages[None])
    return message % {"line": number, "column": column, "value": value, "type": canonical}


def _line_messages() -> dict[str | None, str]:
    return {
        "int64": _('Line %(line)d, column "%(column)s": "%(value)s" is not a whole number.'),
        "float64": _('Line %(line)d, column "%(column)s": "%(value)s" is not a number.'),
        "decimal": _('Line %(line)d, column "%(column)s": "%(value)s" is not a decimal number.'),
        "string": _('Line %(line)d, column "%(column)s": "%(value)s" is not text.'),
        "date": _('Line %(line)d, column "%(column)s": "%(value)s" is not a date.'),
        "timestamp": _('Line %(line)d, column "%(column)s": "%(value)s" is not a date and time.'),
        "boolean": _('Line %(line)d, column "%(column)s": "%(value)s" is not true or false.'),
        "time": _('Line %(line)d, column "%(column)s": "%(value)s" is not a time of day.'),
        None: _('Line %(line)d, column "%(column)s": "%(value)s" is not %(type)s.'),
    }


def _some_line_messages() -> dict[str | None, str]:
    return {
        "int64": _('A line, column "%(column)s": "%(value)s" is not a whole number.'),
        "float64": _('A line, column "%(column)s": "%(value)s" is not a number.'),
        "decimal": _('A line, column "%(column)s": "%(value)s" is not a decimal number.'),
        "string": _('A line, column "%(column)s": "%(value)s" is not text.'),
        "date": _('A line, column "%(column)s": "%(value)s" is not a date.'),
        "timestamp": _('A line, column "%(column)s": "%(value)s" is not a date and time.'),
        "boolean": _('A line, column "%(column)s": "%(value)s" is not true or false.'),
        "time": _('A line, column "%(column)s": "%(value)s" is not a time of day.'),
        None: _('A line, column "%(column)s": "%(value)s" is not %(type)s.'),
    }


def _row_messages() -> dict[str | None, str]:
    return {
        "int64": _('Row %(line)d, column "%(column)s": "%(value)s" is not a whole number.'),
        "float64": _('Row %(line)d, column "%(column)s": "%(value)s" is not a number.'),
        "decimal": _('Row %(line)d, column "%(column)s": "%(value)s" is not a decimal number.'),
        "string": _('Row %(line)d, column "%(column)s": "%(value)s" is not text.'),
        "date": _('Row %(line)d, column "%(column)s": "%(value)s" is not a date.'),
        "timestamp": _('Row %(line)d, column "%(column)s": "%(value)s" is not a date and time.'),
        "boolean": _('Row %(line)d, column "%(column)s": "%(value)s" is not true or false.'),
        "time": _('Row %(line)d, column "%(column)s": "%(value)s" is not a time of day.'),
        None: _('Row %(line)d, column "%(column)s": "%(value)s" is not %(type)s.'),
    }


def _record_messages() -> dict[str | None, str]:
    return {
        "int64": _('Record %(line)d, column "%(column)s": "%(value)s" is not a whole number.'),
        "float64": _('Record %(line)d, column "%(column)s": "%(value)s" is not a number.'),
        "decimal": _('Record %(line)d, column "%(column)s": "%(value)s" is not a decimal number.'),
        "string": _('Record %(line)d, column "%(column)s": "%(value)s" is not text.'),
        "date": _('Record %(line)d, column "%(column)s": "%(value)s" is not a date.'),
        "timestamp": _('Record %(line)d, column "%(column)s": "%(value)s" is not a date and time.'),
        "boolean": _('Record %(line)d, column "%(column)s": "%(value)s" is not true or false.'),
        "time": _('Record %(line)d, column "%(column)s": "%(value)s" is not a time of day.'),
        None: _('Record %(line)d, column "%(column)s": "%(value)s" is not %(type)s.'),
    }


def normalise_duckdb(duck_type: str, column_sql: str) -> tuple[str, str]:
    """Map a column as DuckDB read it to a canonical type and the expression producing it.

    Parameters
    ----------
    duck_type
        The type DuckDB reports (``DESCRIBE``), e.g. ``"INTEGER"`` or ``"STRUCT(k BIGINT)"``.
    column_sql
        The quoted column identifier.

    Returns
    -------
    tuple[str, str]
        The canonical type and a SQL expression over ``column_sql`` that yields it.
    """
    upper = duck_type.strip().upper()
    if upper in {"BIGINT"}:
        return "int64", column_sql
    if upper in {"TINYINT", "SMALLINT", "INTEGER", "UTINYINT", "USMALLINT", "UINTEGER"}:
        return "int64", f"CAST({column_sql} AS BIGINT)"
    if upper in {"UBIGINT", "HUGEINT", "UHUGEINT"}:
        return "decimal(38,0)", f"CAST({column_sql} AS DECIMAL(38,0))"
    if upper == "DOUBLE":
        return "float64", column_sql
    if upper == "FLOAT":
        return "float64", f"CAST({column_sql} AS DOUBLE)"
    decimal = re.fullmatch(r"DECIMAL\((\d+),\s*(\d+)\)", upper)
    if decimal:
        return f"decimal({decimal[1]},{decimal[2]})", column_sql
    if upper == "DECIMAL":
        return "decimal(18,3)", f"CAST({column_sql} AS DECIMAL(18,3))"
    simple = {"VARCHAR": "string", "DATE": "date", "BOOLEAN": "boolean", "TIME": "time"}
    if upper in simple:
        return simple[upper], column_sql
    if upper == "TIMESTAMP":
        return "timestamp", column_sql
    if upper in {"TIMESTAMP_S", "TIMESTAMP_MS", "TIMESTAMP_NS"}:
        return "timestamp", f"CAST({column_sql} AS TIMESTAMP)"
    if upper in {"TIMESTAMP WITH TIME ZONE", "TIMESTAMPTZ"}:
        return "timestamp", f"timezone('UTC', {column_sql})"
    if upper == "BLOB":
        return "string", f"hex({column_sql})"
    if upper == "JSON" or upper.endswith("]") or upper.startswith(("STRUCT", "MAP", "UNION")):
        return "string", f"CAST(to_json({column_sql}) AS VARCHAR)"
    return "string", f"CAST({column_sql} AS VARCHAR)"
