"""A question's result as a reader sees it: column headings in words ("Sum of amount", not
``sum_amount``), time buckets as periods ("sty 2023", not 2023-01-01), numbers and dates in the
reader's language, through :mod:`openmis.core.formatting` like every other page.

The result itself (what the API, exports and alerts use) is left as it is; this only shapes
what a page, a card or a PDF shows.
"""

from __future__ import annotations

import re
from typing import Any

from django.utils.text import capfirst
from django.utils.translation import gettext as _

from openmis.core import formatting

ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
ISO_INSTANT = re.compile(
    r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:?\d{2}|Z)?$"
)


def _agg_label(agg: str, column: str) -> str:
    if agg == "count" and not column:
        return _("Number of rows")
    patterns = {
        "sum": _("Sum of %(column)s"),
        "avg": _("Average of %(column)s"),
        "min": _("Minimum of %(column)s"),
        "max": _("Maximum of %(column)s"),
        "count": _("Count of %(column)s"),
        "count_distinct": _("Number of distinct %(column)s"),
        "median": _("Median of %(column)s"),
    }
    pattern = patterns.get(agg)
    return pattern % {"column": column} if pattern else column


BUCKETS = ("day", "week", "month", "quarter", "year")


def _bucket_label(bucket: str) -> str:
    return {
        "day": _("day"),
        "week": _("week"),
        "month": _("month"),
        "quarter": _("quarter"),
        "year": _("year"),
    }.get(bucket, bucket)


def _column_words(path: str) -> str:
    """A dataset column as words: ``order_date`` -> "order date", ``region.name`` ->
    "region name"."""
    return path.replace(".", " ").replace("_", " ").strip()


def field_label(path: str, label: str = "") -> str:
    """A dataset field as the builder's pickers and a dashboard's filters name it: its label
    (else its name in words), after its relation's name for a related dataset's field
    ("Customer", an angle quote, "Region" for ``customer.region``)."""
    relation, _dot, name = path.rpartition(".")
    own = label or capfirst(_column_words(name))
    return (
        f"{capfirst(_column_words(relation))} \N{SINGLE RIGHT-POINTING ANGLE QUOTATION MARK} {own}"
        if relation
        else own
    )


def outputs(spec: dict | None) -> dict[str, dict[str, Any]]:
    """What each output column of ``spec`` is: its heading and, for a dimension, its time
    bucket; keyed by the output name the result carries."""
    if not spec:
        return {}
    found: dict[str, dict[str, Any]] = {}
    for raw in spec.get("dimensions", []) or []:
        item = {"column": raw} if isinstance(raw, str) else raw
        if not isinstance(item, dict) or not isinstance(item.get("column"), str):
            continue
        column, bucket = item["column"], item.get("bucket") or ""
        name = item.get("as") or column
        if name in BUCKETS:  # "as": "month" says only which bucket: the word, translated
            label = capfirst(_bucket_label(name))
        elif item.get("as"):
            label = capfirst(name)
        else:
            label = capfirst(_column_words(column))
            if bucket:
                label = f"{label} ({_bucket_label(bucket)})"
        found[name] = {"label": label, "bucket": bucket}
    for raw in spec.get("measures", []) or []:
        if not isinstance(raw, dict):
            continue
        agg, column = raw.get("agg", ""), raw.get("column") or ""
        default = "count" if not column else f"{agg}_{column.replace('.', '_')}"
        name = raw.get("as") or default
        label = capfirst(raw.get("as") or _agg_label(agg, _column_words(column)))
        found[name] = {"label": label, "bucket": ""}
    return found


def cell_text(value: Any, bucket: str = "") -> str:
    """One value of a result as the reader expects it; text that is not a date stays text."""
    if value is None:
        return ""
    if isinstance(value, str):
        if bucket:
            return formatting.bucket_text(value, bucket)
        if ISO_DAY.match(value):
            return formatting.bucket_text(value, "day")
        if ISO_INSTANT.match(value):
            import datetime as dt

            try:
                instant = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
            except ValueError:
                return value
            return formatting.datetime_text(instant)
        return value
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, int):
        return formatting.number_text(value)
    if isinstance(value, float):
        return formatting.number_text(value, 0 if value.is_integer() and abs(value) >= 1 else 2)
    return formatting.value_text(value)


def typed(value: Any) -> Any:
    """A result cell as a spreadsheet should hold it: an ISO date string (how results carry
    dates) as a date, an ISO timestamp as a datetime (aware when it names its offset), any
    other value as it is. The strings :func:`cell_text` shows as dates are those typed here."""
    if not isinstance(value, str):
        return value
    import datetime as dt

    try:
        if ISO_DAY.match(value):
            return dt.date.fromisoformat(value)
        if ISO_INSTANT.match(value):
            return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:  # 2023-02-30: text that only looks like a date
        return value
    return value


def typed_row(row) -> list:
    """:func:`typed` of each cell of ``row``."""
    return [typed(v) for v in row]


def shown(result: dict, spec: dict | None) -> dict:
    """``result`` with headings in words and every cell as text, for a page's table."""
    columns = result["columns"]
    meta = outputs(spec)
    buckets = [meta.get(c, {}).get("bucket", "") for c in columns]
    rows = [[cell_text(v, b) for v, b in zip(row, buckets, strict=False)] for row in result["rows"]]
    return {
        "columns": [meta.get(c, {}).get("label", c) for c in columns],
        "rows": rows,
        # Each row with its first raw value: the link of a drill-down from the table.
        "keyed_rows": [
            (raw[0] if raw else None, row) for raw, row in zip(result["rows"], rows, strict=True)
        ],
        "truncated": result.get("truncated", False),
    }


def labelled(result: dict, spec: dict | None) -> dict:
    """``result`` with headings in words and its dates and time buckets as the reader writes
    them, numbers left as numbers (a chart or a PDF table draws and aligns them, and writes
    them in the reader's language itself)."""
    columns = result["columns"]
    meta = outputs(spec)
    buckets = [meta.get(c, {}).get("bucket", "") for c in columns]
    return {
        "columns": [meta.get(c, {}).get("label", c) for c in columns],
        "rows": [
            [
                cell_text(v, b) if isinstance(v, str) else v
                for v, b in zip(row, buckets, strict=False)
            ]
            for row in result["rows"]
        ],
        "truncated": result.get("truncated", False),
        # A number card's like-for-like comparison (bi.results.like_for_like) goes along.
        **({"comparison": result["comparison"]} if result.get("comparison") else {}),
    }


def for_chart(result: dict, spec: dict | None) -> dict:
    """:func:`labelled` with ``keys``, each row's raw first value (what a click drills into:
    the axis shows "sty 2023", the drill needs 2023-01-01)."""
    return {
        **labelled(result, spec),
        "keys": ["" if row[0] is None else str(row[0]) for row in result["rows"] if row],
    }
