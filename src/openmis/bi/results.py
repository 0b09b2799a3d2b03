"""Saved questions answered: with a dashboard's filters, exported whole, drilled into, and
their results shaped as cross tables or workbooks."""

from __future__ import annotations

import datetime as dt
import io

from django.conf import settings
from django.utils.translation import gettext as _

from openmis.analytics.periods import like_for_like as _windows
from openmis.bi import presentation
from openmis.bi.engine import get_warehouse
from openmis.bi.services import _secured_sql, compile_spec, reader_context, run_query, run_sql
from openmis.core.exports import xlsx_row

EXPORT_ROW_CAP = 5_000_000
#: Rows read from the warehouse at a time by exports (what an export holds in memory).
EXPORT_BATCH_ROWS = 10_000


#: Values one dashboard filter takes from a URL (what one request may make a query hold).
MAX_FILTER_VALUES = 100


def read_filters(columns, params) -> dict[str, dict]:
    """The dashboard filter values a URL's query (``params``, a QueryDict) holds for the
    filter ``columns``: per column ``{"values": [...], "from": ..., "to": ...}`` (each part
    only when given; columns without any are left out).

    A value travels as it is, one parameter per value (``v_<column>``, repeated), and a range
    as ``from_<column>``/``to_<column>``, so a value holding a comma or two dots is one value.
    The links of older releases (``f_<column>=a,b`` for a list, ``from..to`` for a range) are
    read as they were meant, when the column has no value of the new kind. The page, its
    cards, the PDF and drilling all read their filters here.
    """
    getlist = getattr(params, "getlist", None) or (
        lambda key: [params[key]] if key in params else []
    )
    found: dict[str, dict] = {}
    for column in columns or []:
        if not isinstance(column, str):
            continue
        values = [v for v in getlist(f"v_{column}") if v.strip()][:MAX_FILTER_VALUES]
        low = (params.get(f"from_{column}") or "").strip()
        high = (params.get(f"to_{column}") or "").strip()
        legacy = (params.get(f"f_{column}") or "").strip()
        if legacy and not (values or low or high):
            if ".." in legacy:
                low, high = (v.strip() for v in legacy.split("..", 1))
            else:
                values = [v.strip() for v in legacy.split(",") if v.strip()][:MAX_FILTER_VALUES]
        condition: dict = {}
        if values:
            condition["values"] = values
        if low:
            condition["from"] = low
        if high:
            condition["to"] = high
        if condition:
            found[column] = condition
    return found


def filter_query(filters: dict[str, dict]) -> list[tuple[str, str]]:
    """The query parameters of ``filters`` (as :func:`read_filters` reads them back), for
    ``urlencode``: one pair per value."""
    pairs = []
    for column, condition in filters.items():
        pairs += [(f"v_{column}", v) for v in condition.get("values", [])]
        if condition.get("from"):
            pairs.append((f"from_{column}", condition["from"]))
        if condition.get("to"):
            pairs.append((f"to_{column}", condition["to"]))
    return pairs


def filter_text(condition: dict) -> str:
    """A filter's values in words, for a PDF's header: ``North, South``, ``1 to 5`` (with a dash),
    ``≥ 1``."""
    parts = []
    if condition.get("values"):
        parts.append(", ".join(condition["values"]))
    low, high = condition.get("from"), condition.get("to")
    if low and high:
        parts.append(f"{low} \N{EN DASH} {high}")
    elif low:
        parts.append(f"≥ {low}")
    elif high:
        parts.append(f"≤ {high}")
    return "; ".join(parts)


def _with_filters(spec: dict, extra_filters: dict | None, columns: dict[str, str]) -> dict:
    """The spec with a dashboard's filter values (as :func:`read_filters` gives them) added
    for the columns its dataset has: one value is ``=``, several ``in``, a range
    ``between`` (or ``>=``/``<=`` when open on one side)."""
    if not extra_filters:
        return spec
    added = []
    for column, condition in extra_filters.items():
        if column not in columns:
            continue
        values = condition.get("values") or []
        if len(values) == 1:
            added.append({"column": column, "op": "=", "value": values[0]})
        elif values:
            added.append({"column": column, "op": "in", "value": list(values)})
        low, high = condition.get("from"), condition.get("to")
        if low and high:
            added.append({"column": column, "op": "between", "value": [low, high]})
        elif low:
            added.append({"column": column, "op": ">=", "value": low})
        elif high:
            added.append({"column": column, "op": "<=", "value": high})
    if not added:
        return spec
    return {**spec, "filters": [*spec.get("filters", []), *added]}


def run_question(user, question, *, extra_filters=None, export: bool = False) -> dict:
    """A saved question's result as ``user`` may see it (dashboard filters optional)."""
    if question.sql and not question.spec:
        return run_sql(user, question.sql)
    ctx = reader_context(user)
    dataset = question.spec.get("dataset", "")
    fields = dict(ctx.field_choices(dataset)) if dataset in ctx.catalog else {}
    spec = _with_filters(question.spec, extra_filters, fields)
    if not export:
        result = run_query(user, spec)
        if question.chart == "number":
            comparison = like_for_like(user, spec, result)
            if comparison is not None:
                result = {**result, "comparison": comparison}
        return result
    _parsed, sql, locations = compile_spec(user, spec, context=ctx)
    return (
        get_warehouse()
        .execute(
            sql,
            locations=locations,
            timeout=settings.BI_QUERY_TIMEOUT * 4,
            row_cap=EXPORT_ROW_CAP,
        )
        .to_json()
    )


def like_for_like(user, spec: dict, result: dict) -> dict | None:
    """For a single-number question grouped by one time bucket whose last period is not over
    (its data runs to a day before the period's end): the same measure over the same part of
    the previous period, so the card compares like with like (month to date against the same
    days of last month). None when the last period is complete or the question is not so
    shaped; the card then compares its last two rows.

    "To date" is the last day the data holds (under the question's filters and the reader's
    rows): a warehouse loaded nightly compares up to yesterday, and the demo's, which ends
    on a fixed day, stays stable whatever the day it is opened.
    """
    dimensions, measures = spec.get("dimensions") or [], spec.get("measures") or []
    rows = result.get("rows") or []
    if len(dimensions) != 1 or not isinstance(dimensions[0], dict) or not measures or not rows:
        return None
    column, bucket = dimensions[0].get("column"), dimensions[0].get("bucket")
    if not column or not bucket:
        return None
    base = {"dataset": spec["dataset"], "filters": list(spec.get("filters") or [])}
    latest = run_query(user, {**base, "measures": [{"agg": "max", "column": column}]})
    as_of = _date((latest["rows"] or [[None]])[0][-1])
    last_bucket = _date(rows[-1][0])
    if as_of is None or last_bucket is None:
        return None
    windows = _windows(bucket, as_of)
    if windows.complete or windows.current_start != last_bucket:
        return None
    before = {"column": column, "op": "<", "value": str(windows.previous_end + dt.timedelta(1))}
    previous = run_query(
        user,
        {
            **base,
            "measures": measures,
            "filters": [
                *base["filters"],
                {"column": column, "op": ">=", "value": windows.previous_start.isoformat()},
                before,
            ],
        },
    )
    return {
        "previous": (previous["rows"] or [[None]])[0][-1],
        "current_start": windows.current_start.isoformat(),
        "current_end": windows.current_end.isoformat(),
        "previous_start": windows.previous_start.isoformat(),
        "previous_end": windows.previous_end.isoformat(),
    }


def _date(value) -> dt.date | None:
    """A date of a result cell (an ISO date or timestamp string), or None."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def stream_question(user, question):
    """A saved question's whole result as ``user`` may see it, for exports: its column names
    and an iterator of row batches, read from the warehouse as they are consumed (at most
    ``EXPORT_ROW_CAP`` rows; nothing is cached). The query has run when this returns, so its
    errors (:class:`~openmis.analytics.errors.AnalyticsError`) are raised here."""
    ctx = reader_context(user)
    if question.sql and not question.spec:
        sql, locations = _secured_sql(ctx, question.sql)
    else:
        _parsed, sql, locations = compile_spec(user, question.spec, context=ctx)
    batches = get_warehouse().stream(
        sql,
        locations=locations,
        timeout=settings.BI_QUERY_TIMEOUT * 4,
        row_cap=EXPORT_ROW_CAP,
        batch_rows=EXPORT_BATCH_ROWS,
    )
    columns = next(batches)
    return columns, batches


DRILL_ROWS = 500
_BUCKET_STEP = {
    "day": {"days": 1},
    "week": {"weeks": 1},
    "month": {"months": 1},
    "quarter": {"months": 3},
    "year": {"years": 1},
}


_NAME_COLUMNS = ("name", "title", "label", "full_name", "display_name")


def _name_column(ctx, target: str, key: str) -> str | None:
    """The column naming a row of dataset ``target`` (its key being ``key``): one called like
    a name; None when it has none (its key is shown then: another text column, such as an
    order's channel, would lose which row it is)."""
    columns = ctx.columns[target]
    for name in _NAME_COLUMNS:
        if name in columns and name != key:
            return name
    return None


def drill_fields(ctx, dataset: str) -> list[str]:
    """The fields a drill shows of ``dataset``'s rows: its columns, each key to a related
    dataset replaced by that dataset's name column (``customer.name`` for ``customer_id``)."""
    named = {}
    for relation in ctx.catalog[dataset].relations:
        name = _name_column(ctx, relation.target, relation.remote_key)
        if name is not None and relation.local_key not in named:
            named[relation.local_key] = f"{relation.name}.{name}"
    return [named.get(column, column) for column in ctx.columns[dataset]]


def drill_spec(user, question, value: str, extra_filters: dict | None = None) -> dict:
    """The spec of the rows behind ``value`` of a one-dimension question's only dimension
    (with a dashboard's filter values, when drilled from one of its cards)."""
    from dateutil.relativedelta import relativedelta

    from openmis.analytics.errors import SpecError

    spec = question.spec
    dimensions = spec.get("dimensions", [])
    if question.sql or len(dimensions) != 1:
        raise SpecError("dimensions", _("Only a question grouped by one field can be drilled."))
    dim = dimensions[0]
    column, bucket = (dim, None) if isinstance(dim, str) else (dim.get("column"), dim.get("bucket"))
    ctx = reader_context(user)
    dataset = spec.get("dataset", "")
    if dataset not in ctx.catalog:
        raise SpecError("dataset", _("Unknown dataset."))
    if value in ("", "None"):
        condition = {"column": column, "op": "is_null"}
    elif bucket:
        try:
            start = dt.date.fromisoformat(value[:10])
        except ValueError:
            raise SpecError("value", _("Not a date: %(value)s") % {"value": value}) from None
        end = start + relativedelta(**_BUCKET_STEP[bucket]) - dt.timedelta(days=1)
        condition = {"column": column, "op": "between", "value": [str(start), str(end)]}
    else:
        condition = {"column": column, "op": "=", "value": value}
    filters = _with_filters(
        {"filters": spec.get("filters", [])}, extra_filters, dict(ctx.field_choices(dataset))
    ).get("filters", [])
    return {
        "dataset": dataset,
        "fields": drill_fields(ctx, dataset),
        "filters": [*filters, condition],
        "limit": DRILL_ROWS,
    }


def rows_behind(user, spec: dict) -> int:
    """How many rows a drill's spec matches in all (it shows :data:`DRILL_ROWS` at most)."""
    counted = run_query(
        user,
        {"dataset": spec["dataset"], "measures": [{"agg": "count"}], "filters": spec["filters"]},
    )
    return int(counted["rows"][0][0] or 0) if counted["rows"] else 0


def pivot(result: dict) -> dict | None:
    """A two-dimension result turned into a cross table: rows by the first column, columns
    by the second, values from the third."""
    columns, rows = result["columns"], result["rows"]
    if len(columns) < 3:
        return None
    across = list(dict.fromkeys(row[1] for row in rows))
    table: dict = {}
    for row in rows:
        table.setdefault(row[0], {})[row[1]] = row[2]
    return {
        "corner": f"{columns[0]} / {columns[1]}",
        "across": across,
        "rows": [(key, [values.get(a) for a in across]) for key, values in table.items()],
    }


def result_xlsx(result: dict) -> bytes:
    """A result as an XLSX workbook, written in openpyxl's streaming mode (dates as date
    cells, numbers as numbers)."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("result")
    sheet.append(xlsx_row(sheet, result["columns"]))
    for row in result["rows"]:
        sheet.append(xlsx_row(sheet, presentation.typed_row(row)))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
