"""The SQL editor: read-only SQL over the datasets the user may see, its result charted,
downloaded, and saved as a question (or back into the SQL question it was opened from).

Every SQL, run, exported or saved, goes through the SQL guard and the reader's row rules
(:func:`openmis.bi.services.run_sql`, :func:`openmis.bi.results.stream_question`,
``Question.clean``)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from openmis.analytics.errors import AnalyticsError
from openmis.bi import results, services
from openmis.bi.models import Question
from openmis.bi.views.questions import export_response, result_context
from openmis.core import registry
from openmis.core.services import ConflictError
from openmis.core.views import access as access_views
from openmis.org.people import person_of


def _require_sql(user):
    if not services.can_use_sql(user):
        raise PermissionDenied(_("Your role does not allow SQL queries."))


def _opened(request, pk: str):
    """The SQL question the editor was opened from (``question=``), if the reader may open it."""
    if not pk.isdigit():
        return None
    return get_object_or_404(registry.get(Question).for_user(request.user), pk=int(pk))


def _save(request, sql: str, chart: str, opened):
    """Save the SQL as a question: into the one opened (``save=update``) or a new one. A
    response, or the error to show beside the result."""
    params = request.POST
    title = params.get("title", "").strip()[:200]
    if opened is not None and params.get("save") == "update":
        access_views.require(request.user, Question, "change", opened)
        question = opened
        question.title = title or question.title
    else:
        question = Question(
            title=title, department=getattr(person_of(request.user), "department", None)
        )
    question.spec, question.sql = {}, sql
    question.chart = chart if chart in Question.Chart.values else Question.Chart.TABLE
    if question.pk is None:
        access_views.require(request.user, Question, "add", question)
    try:
        question.full_clean(exclude=["owner"])
    except Exception as exc:  # a ValidationError: show it beside the result
        return "; ".join(getattr(exc, "messages", [str(exc)]))
    try:
        services.save_question(question, request.user)
    except ConflictError as exc:
        return str(exc)
    messages.success(request, _("Saved the question “%(title)s”.") % {"title": question})
    return redirect(question.get_absolute_url())


@login_required
def sql_editor(request):
    """Read-only SQL over the datasets the user may see, with a schema browser beside it."""
    _require_sql(request.user)
    ctx = services.reader_context(request.user)
    params = request.POST if request.method == "POST" else request.GET
    opened = _opened(request, params.get("question", ""))
    sql = params.get("sql", "")
    chart = params.get("chart", "")
    if opened is not None and not sql:  # a saved SQL question, opened to be changed
        sql, chart = opened.sql, chart or opened.chart
    chart = chart if chart in Question.Chart.values else Question.Chart.TABLE
    result = error = None
    if sql.strip():
        try:
            result = services.run_sql(request.user, sql)
        except AnalyticsError as exc:
            error = exc.detail
    if request.method == "POST" and result is not None and params.get("save"):
        saved = _save(request, sql, chart, opened)
        if not isinstance(saved, str):
            return saved
        error = saved
    schema = [(name, list(ctx.columns[name].items())) for name in sorted(ctx.catalog)]
    return TemplateResponse(
        request,
        "bi/sql.html",
        {
            "sql": sql,
            "schema": schema,
            "error": error,
            "charts": Question.Chart.choices,
            "chart": chart,
            "opened": opened,
            "may_update": opened is not None
            and access_views.can(request.user, Question, "change", opened),
            "may_save": access_views.can(request.user, Question, "add"),
            **result_context(chart, result, None),
        },
        status=400 if error else 200,
    )


@login_required
@require_POST
def sql_export(request, fmt):
    """The SQL's whole result as CSV or XLSX (read by batches, like a question's export)."""
    _require_sql(request.user)
    sql = request.POST.get("sql", "")
    back = reverse("bi:sql") + "?" + urlencode({"sql": sql})
    if fmt not in ("csv", "xlsx"):
        return redirect(back)
    try:
        columns, batches = results.stream_question(request.user, Question(sql=sql))
    except AnalyticsError as exc:
        messages.error(request, exc.detail)
        return redirect(back)
    return export_response(request, columns, batches, fmt, "sql-result", back)
