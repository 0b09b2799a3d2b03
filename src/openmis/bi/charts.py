"""ECharts options for a question's result: plain data in, plain JSON-able dict out."""

from __future__ import annotations

import datetime as dt
from typing import Any

CHARTS_WITH_AXES = {"bar", "line", "area", "scatter"}
#: Series one chart draws for the values of a second grouping (a legend of more is unreadable).
MAX_SERIES = 50


def options(chart: str, result: dict, *, dimensions: int | None = None) -> dict[str, Any] | None:
    """The ECharts option that draws ``result`` as ``chart``; None for table-like charts.

    ``dimensions`` is how many leading columns are categories (the rest are series); by
    default the first column is the category and every other column a series.
    """
    columns, rows = result["columns"], result["rows"]
    if chart in ("table", "pivot", "number") or not columns or not rows:
        return None
    dims = 1 if dimensions is None else max(dimensions, 1)
    categories = [" · ".join("" if v is None else str(v) for v in row[:dims]) for row in rows]
    series_columns = list(range(dims, len(columns))) or [0]
    if chart == "pie":
        index = series_columns[0]
        return {
            "tooltip": {"trigger": "item"},
            "legend": {"type": "scroll", "bottom": 0},
            "series": [
                {
                    "type": "pie",
                    "radius": ["35%", "70%"],
                    "name": columns[index],
                    "data": [
                        {"name": c, "value": row[index]}
                        for c, row in zip(categories, rows, strict=True)
                    ],
                }
            ],
        }
    if chart == "scatter" and len(columns) >= 2:
        x, y = (
            (0, 1)
            if dims == 0 or len(columns) == 2
            else (dims, dims + 1 if dims + 1 < len(columns) else dims)
        )
        return {
            "tooltip": {"trigger": "item"},
            "xAxis": {"type": "value", "name": columns[x]},
            "yAxis": {"type": "value", "name": columns[y]},
            "series": [{"type": "scatter", "data": [[row[x], row[y]] for row in rows]}],
        }
    kind = "line" if chart in ("line", "area") else "bar"
    if dims == 2 and len(columns) > 2:
        return _split_by_second(chart, kind, columns, rows)
    return {
        "tooltip": {"trigger": "axis"},
        "legend": {"type": "scroll", "bottom": 0},
        "grid": {"left": 8, "right": 8, "top": 24, "bottom": 40, "containLabel": True},
        "xAxis": {"type": "category", "data": categories},
        "yAxis": {"type": "value"},
        "series": [
            {
                "type": kind,
                "name": columns[i],
                "data": [row[i] for row in rows],
                **({"areaStyle": {}} if chart == "area" else {}),
            }
            for i in series_columns
        ],
    }


def _label(value) -> str:
    return "—" if value is None else str(value)


def _split_by_second(chart: str, kind: str, columns: list, rows: list) -> dict[str, Any]:
    """Two groupings on an axis chart: the first along the axis, one series per value of the
    second (one line per region), each measure its own series when there are several.

    Categories and series keep the order of the rows (the query sorts by the groupings
    unless told otherwise); a series has no point (null) where its group has no row, and a
    line is drawn across it. At most
    :data:`MAX_SERIES` values of the second grouping get a series, the first ones met.
    """
    categories: dict[Any, int] = {}
    keys: dict[Any, int] = {}
    for row in rows:
        categories.setdefault(row[0], len(categories))
        if row[1] not in keys and len(keys) < MAX_SERIES:
            keys[row[1]] = len(keys)
    measures = list(range(2, len(columns)))
    data = {(key, m): [None] * len(categories) for key in keys for m in measures}
    for row in rows:
        if row[1] in keys:
            for m in measures:
                data[(row[1], m)][categories[row[0]]] = row[m]
    series = []
    for key in keys:
        for m in measures:
            name = _label(key) if len(measures) == 1 else f"{_label(key)} · {columns[m]}"
            series.append(
                {
                    "type": kind,
                    "name": name,
                    "data": data[(key, m)],
                    # a line crosses a period where its group has no row (rather than break)
                    **({"connectNulls": True} if kind == "line" else {}),
                    **({"areaStyle": {}, "stack": columns[m]} if chart == "area" else {}),
                }
            )
    return {
        "tooltip": {"trigger": "axis"},
        "legend": {"type": "scroll", "bottom": 0},
        "grid": {"left": 8, "right": 8, "top": 24, "bottom": 40, "containLabel": True},
        "xAxis": {"type": "category", "data": [_label(c) for c in categories]},
        "yAxis": {"type": "value", "name": columns[2] if len(measures) == 1 else ""},
        "series": series,
    }


def single_number(result: dict) -> dict[str, Any] | None:
    """The value of a single-number card and its change against the previous row, if any.

    A question meant as a single number returns its value in the last column; when it is
    grouped by a time bucket, the last row is the current period and the one before it the
    previous period; a period to date is compared with the same part of the previous period
    when the result carries that ``comparison`` (see :func:`openmis.bi.results.like_for_like`).
    """
    rows = result["rows"]
    if not rows:
        return None
    value = rows[-1][-1]
    comparison = result.get("comparison")
    previous = rows[-2][-1] if len(rows) > 1 else None
    if comparison:
        previous = comparison["previous"]
    change = None
    if isinstance(value, int | float) and isinstance(previous, int | float) and previous:
        change = (value - previous) / abs(previous)
    number = {"value": value, "previous": previous, "change": change, "window": comparison}
    if comparison:
        number["previous_start"] = dt.date.fromisoformat(comparison["previous_start"])
        number["previous_end"] = dt.date.fromisoformat(comparison["previous_end"])
    return number
