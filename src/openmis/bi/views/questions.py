"""Question pages: results, exports, drilling, the question builder and the SQL editor."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import tempfile

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from openmis.analytics.errors import AnalyticsError
from openmis.bi import access, charts, results, services
from openmis.bi.models import Question
from openmis.bi.views.shares import share_targets
from openmis.core import registry
from openmis.core.exports import safe_row, safe_rows, xlsx_row
from openmis.org.people import person_of

XLSX_MAX_ROWS = 1_048_575
AGGS = [
    ("sum", gettext_lazy("sum")),
    ("avg", gettext_lazy("average")),
    ("min", gettext_lazy("minimum")),
    ("max", gettext_lazy("maximum")),
    ("count", gettext_lazy("count")),
    ("count_distinct", gettext_lazy("count of distinct values")),
    ("median", gettext_lazy("median")),
]
BUCKETS = [
    ("", "—"),
    ("day", gettext_lazy("day")),
    ("week", gettext_lazy("week")),
    ("month", gettext_lazy("month")),
    ("quarter", gettext_lazy("quarter")),
    ("year", gettext_lazy("year")),
]
OPS = [
    ("=", "="),
    ("!=", "≠"),
    ("in", gettext_lazy("is one of")),
    ("not_in", gettext_lazy("is none of")),
    ("between", gettext_lazy("between")),
    ("<", "<"),
    ("<=", "≤"),
    (">", ">"),
    (">=", "≥"),
    ("contains", gettext_lazy("contains")),
    ("starts_with", gettext_lazy("starts with")),
    ("is_null", gettext_lazy("is empty")),
    ("not_null", gettext_lazy("is not empty")),
    ("last", gettext_lazy("in the last N")),
    ("this", gettext_lazy("in this")),
    ("previous", gettext_lazy("in the previous")),
]


def answer(user, question: Question, extra_filters=None) -> tuple[dict | None, str | None]:
    """A question's result as ``user`` may see it, or the reason it has none (a page shows
    the reason in place of the result)."""
    try:
        return results.run_question(user, question, extra_filters=extra_filters), None
    except AnalyticsError as exc:
        return None, exc.detail


def result_context(question_chart: str, result: dict | None, dimensions: int | None) -> dict:
    if result is None:
        return {}
    return {
        "result": result,
        "chart_options": charts.options(question_chart, result, dimensions=dimensions),
        "number": charts.single_number(result) if question_chart == "number" else None,
        "pivot": results.pivot(result) if question_chart == "pivot" else None,
    }


def _drill_url(question: Question) -> str:
    """Where a click on a bar or slice leads: the rows behind it (one-dimension questions)."""
    if question.sql or len(question.spec.get("dimensions", [])) != 1:
        return ""
    return reverse("bi:question_drill", args=[question.pk]) + "?value="


def question_context(question: Question, request) -> dict:
    result, error = answer(request.user, question)
    dims = len(question.spec.get("dimensions", [])) if question.spec else None
    return {
        "drill_url": _drill_url(question),
        "error": error,
        "chart": question.chart,
        "can_share": access.may_share(request.user, question),
        "shares": list(question.shares.select_related("user", "role", "department")),
        "share_targets": share_targets(),
        **result_context(question.chart, result, dims),
    }


@login_required
def question_export(request, pk, fmt):
    """The question's whole result as CSV or XLSX, with the reader's rights, read from the
    warehouse by batches: CSV streams to the client, XLSX goes through a temporary file."""
    question = get_object_or_404(registry.get(Question).for_user(request.user), pk=pk)
    try:
        columns, batches = results.stream_question(request.user, question)
    except AnalyticsError as exc:
        messages.error(request, exc.detail)
        return redirect(question.get_absolute_url())
    name = f"question-{question.pk}"
    if fmt == "xlsx":
        workbook = _xlsx_file(columns, batches)
        if isinstance(workbook, int):
            messages.error(
                request,
                _(
                    "The result has %(rows)d rows, more than a spreadsheet can hold "
                    "(1,048,575). Download it as CSV instead."
                )
                % {"rows": workbook},
            )
            return redirect(question.get_absolute_url())
        return FileResponse(
            workbook,
            as_attachment=True,
            filename=f"{name}.xlsx",
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )

    def lines():
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(safe_row(columns))
        yield buffer.getvalue()
        for batch in batches:
            buffer.seek(0)
            buffer.truncate()
            writer.writerows(safe_rows(batch))
            yield buffer.getvalue()

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


def _xlsx_file(columns, batches):
    """The rows of ``batches`` as an XLSX workbook in a temporary file (deleted when closed),
    written in openpyxl's write-only mode; or, when they do not fit a sheet, their count."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("result")
    sheet.append(xlsx_row(sheet, columns))
    count = 0
    for batch in batches:
        count += len(batch)
        if count > XLSX_MAX_ROWS:
            continue  # only counted, for the message
        for row in batch:
            sheet.append(xlsx_row(sheet, row))
    if count > XLSX_MAX_ROWS:
        return count
    file = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it
    book.save(file)
    file.seek(0)
    return file


@login_required
def question_drill(request, pk):
    """The rows behind one bar or slice of a one-dimension question, with the reader's rights."""
    question = get_object_or_404(registry.get(Question).for_user(request.user), pk=pk)
    value = request.GET.get("value", "")
    result = error = None
    try:
        spec = results.drill_spec(request.user, question, value)
        result = services.run_query(request.user, spec)
    except AnalyticsError as exc:
        error = exc.detail
    return TemplateResponse(
        request,
        "bi/drill.html",
        {
            "question": question,
            "value": value,
            "error": error,
            **result_context("table", result, None),
        },
        status=400 if error else 200,
    )


def _builder_spec(params) -> dict:
    """A query spec from the builder form's fields (``m0_agg``, ``d0_col``, ``f0_op``...)."""
    spec: dict = {"dataset": params.get("dataset", "")}
    measures, dimensions, filters = [], [], []
    for i in range(4):
        agg, col = params.get(f"m{i}_agg", ""), params.get(f"m{i}_col", "")
        if agg:
            measures.append({"agg": agg, **({"column": col} if col else {})})
        col, bucket = params.get(f"d{i}_col", ""), params.get(f"d{i}_bucket", "")
        if col:
            dimensions.append({"column": col, "bucket": bucket} if bucket else col)
        col, op, raw = (
            params.get(f"f{i}_col", ""),
            params.get(f"f{i}_op", ""),
            params.get(f"f{i}_val", ""),
        )
        if col and op:
            filters.append(_builder_filter(col, op, raw, params.get(f"f{i}_unit", "")))
    if measures:
        spec["measures"] = measures
    if dimensions:
        spec["dimensions"] = dimensions
    if not measures and not dimensions and params.get("fields"):
        spec["fields"] = [f.strip() for f in params["fields"].split(",") if f.strip()]
    if filters:
        spec["filters"] = filters
    if params.get("sort"):
        spec["order_by"] = [{"column": params["sort"], "desc": params.get("desc") == "1"}]
    if params.get("limit", "").strip():
        try:
            spec["limit"] = int(params["limit"])
        except ValueError:
            spec["limit"] = params["limit"]
    return spec


def _builder_filter(col, op, raw, unit) -> dict:
    flt: dict = {"column": col, "op": op}
    if op in ("in", "not_in"):
        flt["value"] = [v.strip() for v in raw.split(",") if v.strip()]
    elif op == "between":
        flt["value"] = [v.strip() for v in raw.split("..", 1)] if ".." in raw else [raw, raw]
    elif op in ("last",):
        flt["value"], flt["unit"] = raw, unit or "month"
        with contextlib.suppress(ValueError):
            flt["value"] = int(raw)
    elif op in ("this", "previous"):
        flt["unit"] = unit or "month"
    elif op not in ("is_null", "not_null"):
        flt["value"] = raw
    return flt


@login_required
def builder(request):
    """The no-code question builder: pick a dataset, measures, groups, filters, a chart."""
    if not access.may_query(request.user):
        raise PermissionDenied(_("Your role does not allow asking questions of the data."))
    ctx = services.reader_context(request.user)
    params = request.POST if request.method == "POST" else request.GET
    dataset_name = params.get("dataset") or next(iter(sorted(ctx.catalog)), "")
    spec = _builder_spec({**params.dict(), "dataset": dataset_name}) if dataset_name else {}
    chart = params.get("chart", "bar")
    result = error = None
    wants_result = any(k.startswith(("m0_", "d0_")) or k == "fields" for k in params)
    if spec and wants_result:
        try:
            result = services.run_query(request.user, spec)
        except AnalyticsError as exc:
            error = (f"{exc.field}: " if getattr(exc, "field", "") else "") + exc.detail
    if request.method == "POST" and result is not None and params.get("title", "").strip():
        question = Question(
            title=params["title"].strip()[:200],
            chart=chart if chart in Question.Chart.values else Question.Chart.TABLE,
            spec=spec,
            department=getattr(person_of(request.user), "department", None),
        )
        try:
            question.full_clean(exclude=["owner"])
        except Exception as exc:  # a ValidationError: show it beside the result
            error = "; ".join(getattr(exc, "messages", [str(exc)]))
        else:
            services.save_question(question, request.user)
            messages.success(request, _("Saved the question “%(title)s”.") % {"title": question})
            return redirect(question.get_absolute_url())
    columns = ctx.field_choices(dataset_name) if dataset_name in ctx.catalog else []
    suggestions = (
        services.value_suggestions(request.user, ctx.datasets[dataset_name])
        if dataset_name in ctx.datasets
        else {}
    )
    return TemplateResponse(
        request,
        "bi/builder.html",
        {
            "datasets": sorted(ctx.catalog),
            "dataset": dataset_name,
            "columns": columns,
            "params": params,
            "measure_rows": [
                (i, params.get(f"m{i}_agg", ""), params.get(f"m{i}_col", "")) for i in range(4)
            ],
            "dimension_rows": [
                (i, params.get(f"d{i}_col", ""), params.get(f"d{i}_bucket", "")) for i in range(2)
            ],
            "filter_rows": [
                (i, *(params.get(f"f{i}_{k}", "") for k in ("col", "op", "val", "unit")))
                for i in range(3)
            ],
            "suggestions": sorted(suggestions.items()),
            "aggs": AGGS,
            "buckets": BUCKETS,
            "ops": OPS,
            "charts": Question.Chart.choices,
            "chart": chart,
            "spec_json": json.dumps(spec, indent=2) if spec else "",
            "error": error,
            "dimensions": len(spec.get("dimensions", [])),
            **result_context(chart, result, len(spec.get("dimensions", [])) or None),
        },
    )


@login_required
def sql_editor(request):
    """Read-only SQL over the datasets the user may see, with a schema browser beside it."""
    if not services.can_use_sql(request.user):
        raise PermissionDenied(_("Your role does not allow SQL queries."))
    ctx = services.reader_context(request.user)
    sql = request.POST.get("sql", "") if request.method == "POST" else request.GET.get("sql", "")
    result = error = None
    if sql.strip():
        try:
            result = services.run_sql(request.user, sql)
        except AnalyticsError as exc:
            error = exc.detail
    schema = [(name, list(ctx.columns[name].items())) for name in sorted(ctx.catalog)]
    return TemplateResponse(
        request,
        "bi/sql.html",
        {"sql": sql, "schema": schema, "error": error, **result_context("table", result, None)},
        status=400 if error else 200,
    )
