"""Question pages: results, exports, drilling, the question builder and the SQL editor."""

from __future__ import annotations

import csv
import io
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
from openmis.core.exports import safe_row, safe_rows

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


def _edit_url(question: Question, user) -> str:
    """Where the question opens to be changed or asked again: the SQL editor for SQL, the
    builder for a spec; empty when the reader may use neither."""
    if question.sql and not question.spec:
        allowed, name = access.may_use_sql(user), "bi:sql"
    else:
        allowed, name = access.may_query(user), "bi:builder"
    return f"{reverse(name)}?question={question.pk}" if allowed else ""


def question_context(question: Question, request) -> dict:
    result, error = answer(request.user, question)
    dims = len(question.spec.get("dimensions", [])) if question.spec else None
    return {
        "edit_url": _edit_url(question, request.user),
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
    sheet.append(safe_row(columns))
    count = 0
    for batch in batches:
        count += len(batch)
        if count > XLSX_MAX_ROWS:
            continue  # only counted, for the message
        for row in batch:
            sheet.append(safe_row(row))
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


@login_required
def sql_editor(request):
    """Read-only SQL over the datasets the user may see, with a schema browser beside it."""
    if not services.can_use_sql(request.user):
        raise PermissionDenied(_("Your role does not allow SQL queries."))
    ctx = services.reader_context(request.user)
    sql = request.POST.get("sql", "") if request.method == "POST" else request.GET.get("sql", "")
    pk = request.GET.get("question", "")
    if not sql and pk.isdigit():  # a saved SQL question, opened to be changed or asked again
        sql = get_object_or_404(registry.get(Question).for_user(request.user), pk=int(pk)).sql
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
