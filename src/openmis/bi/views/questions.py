"""Question pages: results, exports, drilling, the question builder and the SQL editor."""

from __future__ import annotations

import csv
import io
import tempfile

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from openmis.analytics.errors import AnalyticsError
from openmis.bi import access, charts, presentation, results, services
from openmis.bi.models import Card, Dashboard, Question
from openmis.bi.views.shares import share_targets
from openmis.core import registry
from openmis.core.exports import safe_row, safe_rows, xlsx_row
from openmis.core.services import save_object
from openmis.core.views import access as access_views

XLSX_MAX_ROWS = 1_048_575
#: Dashboards the question page offers to add the question to (the first, by title).
MAX_DASHBOARDS_OFFERED = 200
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


def result_context(
    question_chart: str, result: dict | None, dimensions: int | None, spec: dict | None = None
) -> dict:
    """What a page shows of a result: the table (headings in words, cells in the reader's
    language), the chart option, the single number or the cross table."""
    if result is None:
        return {}
    table = presentation.shown(result, spec)
    chart = None
    if question_chart not in ("table", "pivot", "number"):
        drawn = presentation.for_chart(result, spec)
        chart = charts.options(question_chart, drawn, dimensions=dimensions)
        if chart is not None:
            chart["openmisKeys"] = drawn["keys"]  # the raw values a click drills into
    return {
        "result": result,
        "table": table,
        "chart_options": chart,
        "number": charts.single_number(result) if question_chart == "number" else None,
        "pivot": results.pivot(table) if question_chart == "pivot" else None,
    }


def capped_values_message() -> str:
    """What a value picker's dropdown says when the column has more values than it lists."""
    return ngettext(
        "Showing the first %(count)s value — type to search",
        "Showing the first %(count)s values — type to search",
        services.VALUES_LIMIT,
    ) % {"count": services.VALUES_LIMIT}


def drill_url(question: Question, dashboard=None, filters: dict | None = None) -> str:
    """Where a click on a bar or slice leads: the rows behind it (one-dimension questions),
    on a dashboard's card with the dashboard's filter values."""
    if question.sql or len(question.spec.get("dimensions", [])) != 1:
        return ""
    query = ""
    if dashboard is not None:
        query = urlencode([("dashboard", dashboard.pk), *results.filter_query(filters or {})])
        query += "&"
    return reverse("bi:question_drill", args=[question.pk]) + "?" + query + "value="


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
        "dashboards": list(dashboards_to_add_to(request.user)[:MAX_DASHBOARDS_OFFERED]),
        "drill_url": drill_url(question),
        "error": error,
        "chart": question.chart,
        "can_share": access.may_share(request.user, question),
        "shares": list(question.shares.select_related("user", "role", "department")),
        "share_targets": share_targets(),
        **result_context(question.chart, result, dims, question.spec),
    }


def dashboards_to_add_to(user):
    """The dashboards ``user`` may put a card on: those they may open and change."""
    if not access_views.can(user, Card, "add"):
        return Dashboard.objects.none()
    return access.editable(registry.get(Dashboard).for_user(user), user).order_by("title")


@login_required
@require_POST
def add_to_dashboard(request, pk):
    """Put the question on one of the dashboards the user may change, as a new last card."""
    question = get_object_or_404(registry.get(Question).for_user(request.user), pk=pk)
    dashboard = get_object_or_404(
        dashboards_to_add_to(request.user), pk=request.POST.get("dashboard") or 0
    )
    last = dashboard.cards.order_by("-position").values_list("position", flat=True).first()
    card = Card(dashboard=dashboard, question=question, position=(last or 0) + 1)
    access_views.require(request.user, Card, "add", card)
    save_object(card, request.user)
    messages.success(
        request,
        _("Added “%(question)s” to the dashboard “%(dashboard)s”.")
        % {"question": question, "dashboard": dashboard},
    )
    return redirect(dashboard.get_absolute_url())


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
    return export_response(
        request, columns, batches, fmt, f"question-{question.pk}", question.get_absolute_url()
    )


def export_response(request, columns, batches, fmt: str, name: str, back_url: str):
    """Rows read by batches as a CSV (streamed) or XLSX download named ``name``; back to
    ``back_url`` with a message when they do not fit a spreadsheet."""
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
            return redirect(back_url)
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
    """The rows of ``batches`` as an XLSX workbook in a temporary file (deleted when closed;
    dates as date cells), written in openpyxl's write-only mode; or, when they do not fit a
    sheet, their count."""
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
            sheet.append(xlsx_row(sheet, presentation.typed_row(row)))
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
    dashboard, filters = None, {}
    if request.GET.get("dashboard", "").isdigit():
        dashboard = get_object_or_404(
            registry.get(Dashboard).for_user(request.user), pk=int(request.GET["dashboard"])
        )
        filters = results.read_filters(dashboard.filters, request.GET)
    result = error = total = None
    try:
        spec = results.drill_spec(request.user, question, value, extra_filters=filters)
        result = services.run_query(request.user, spec)
        if len(result["rows"]) >= results.DRILL_ROWS:
            total = results.rows_behind(request.user, spec)
    except AnalyticsError as exc:
        error = exc.detail
    return TemplateResponse(
        request,
        "bi/drill.html",
        {
            "question": question,
            "dashboard": dashboard,
            "value": value,
            "error": error,
            "capped": (
                {
                    "shown": number_format(len(result["rows"]), force_grouping=True),
                    "total": number_format(total, force_grouping=True),
                }
                if total is not None and total > len(result["rows"])
                else None
            ),
            **result_context("table", result, None),
        },
        status=400 if error else 200,
    )
