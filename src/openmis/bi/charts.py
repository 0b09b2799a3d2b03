"""ECharts options for a question's result: plain data in, plain JSON-able dict out."""

from __future__ import annotations

import datetime as dt
from typing import Any

CHARTS_WITH_AXES = {"bar", "line", "area", "scatter"}


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
