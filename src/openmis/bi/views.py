"""Pages of the BI app: dataset upload and profile, the question builder, the SQL editor,
question results and exports, dashboards whose cards load on their own, sharing."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import tempfile

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from openmis.analytics.errors import AnalyticsError, ImportFailed
from openmis.bi import access, charts, loading, services
from openmis.bi.models import Card, Dashboard, Dataset, ImportJob, Question, Share
from openmis.core import permissions, registry
from openmis.core.exports import safe_row, safe_rows
from openmis.core.markdown import render_markdown

XLSX_MAX_ROWS = 1_048_575
MAX_CARDS = 25
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


def _type(model):
    return registry.get(model)


def _require(user, model, action, obj=None):
    if not permissions.can(user, _type(model), action, obj):
        raise PermissionDenied(_("Your role does not allow this."))


# --- datasets and imports ----------------------------------------------------------------------


def dataset_context(dataset: Dataset, request) -> dict:
    """The columns with the profile the reader may see (through their row rules), imports,
    relationships and rules of a dataset's page."""
    columns = list(dataset.columns.all())
    profile = services.dataset_profile(request.user, dataset)
    stats = profile.get("columns", {}) if profile else {}
    return {
        "columns": [(c, stats.get(c.name, {})) for c in columns],
        "profile": profile,
        "profile_pending": bool(dataset.data_version) and not dataset.profile,
        # An import's row count counts every row of its file.
        "import_rows_visible": access.reads_every_row(request.user, dataset),
        "imports": list(dataset.imports.all()[:10]),
        "relationships": list(dataset.relationships.select_related("target")),
        "rules": list(dataset.rules.select_related("role", "department")),
        "can_upload": not dataset.external_table and _may_load(request.user, dataset),
        "can_refresh": bool(dataset.external_table)
        and permissions.can(request.user, _type(Dataset), "change", dataset),
        "formats": ".csv,.tsv,.txt,.xlsx,.parquet,.json,.jsonl,.ndjson",
    }


def dataset_delete_warnings(dataset: Dataset) -> list[str]:
    count = dataset.questions.count()
    if not count:
        return []
    return [
        ngettext(
            "%(count)d saved question asks this dataset; it will be deleted too.",
            "%(count)d saved questions ask this dataset; they will be deleted too.",
            count,
        )
        % {"count": count}
    ]


TYPE_CHOICES = ["string", "int64", "float64", "decimal(18,2)", "date", "timestamp", "boolean"]
SESSION_UPLOADS = "bi_uploads"


def _may_load(user, dataset) -> bool:
    return permissions.can(user, _type(Dataset), "change", dataset) and permissions.has_perm(
        user, "bi.add_importjob"
    )


@login_required
@require_POST
def upload(request, pk):
    """Store the file, then show what the warehouse infers from it before anything loads."""
    dataset = get_object_or_404(Dataset, pk=pk)
    if dataset.external_table or not _may_load(request.user, dataset):
        raise PermissionDenied(_("Files cannot be loaded into this dataset."))
    source = request.FILES.get("file")
    try:
        if source is None:
            raise ImportFailed(_("Choose a file to upload."))
        if source.size > settings.BI_UPLOAD_MAX_BYTES:
            raise ImportFailed(_("The file is larger than this installation accepts."))
        staged = loading.stage_upload(source, source.name)
    except ImportFailed as exc:
        messages.error(request, exc.detail)
        return redirect(dataset.get_absolute_url())
    uploads = request.session.get(SESSION_UPLOADS, {})
    uploads[staged.name] = {"dataset": dataset.pk, "name": source.name}
    request.session[SESSION_UPLOADS] = uploads
    mode = request.POST.get("mode", ImportJob.Mode.REPLACE)
    return redirect(reverse("bi:upload_preview", args=[dataset.pk, staged.name]) + f"?mode={mode}")


@login_required
@require_POST
def refresh_external(request, pk):
    """Read an external table's columns and profile again; cached results are dropped."""
    dataset = get_object_or_404(Dataset, pk=pk)
    _require(request.user, Dataset, "change", dataset)
    if not dataset.external_table:
        raise Http404
    try:
        dataset = loading.refresh_external(dataset)
    except AnalyticsError as exc:
        messages.error(request, exc.detail)
    else:
        if access.reads_every_row(request.user, dataset):
            message = _("Read %(table)s: %(rows)s rows.") % {
                "table": dataset.external_table,
                "rows": number_format(dataset.row_count, force_grouping=True),
            }
        else:
            # The count is of every row; the page gives this reader the rows they may read.
            message = _("Read %(table)s.") % {"table": dataset.external_table}
        messages.success(request, message)
    return redirect(dataset.get_absolute_url())


@login_required
def upload_preview(request, pk, token):
    """The inferred columns and first rows of a staged file; types can be changed, then the
    file is queued for loading."""
    dataset = get_object_or_404(Dataset, pk=pk)
    if not _may_load(request.user, dataset):
        raise PermissionDenied(_("Your role does not allow loading data."))
    staged = request.session.get(SESSION_UPLOADS, {}).get(token)
    path = loading.staged_path(token)
    if staged is None or staged["dataset"] != dataset.pk or path is None:
        messages.error(request, _("That upload has expired; upload the file again."))
        return redirect(dataset.get_absolute_url())
    mode = request.POST.get("mode") or request.GET.get("mode") or ImportJob.Mode.REPLACE
    try:
        columns, rows = loading.preview(path, staged["name"])
    except ImportFailed as exc:
        path.unlink(missing_ok=True)
        messages.error(request, exc.detail)
        return redirect(dataset.get_absolute_url())
    if request.method == "POST":
        chosen = {
            name: request.POST.get(f"type-{i}", inferred)
            for i, (name, inferred) in enumerate(columns.items())
        }
        overrides = {n: t for n, t in chosen.items() if t != columns[n]}
        bad = [t for t in overrides.values() if not loading.COLUMN_TYPE.match(t)]
        if not bad:
            job = loading.start_import(
                request.user,
                dataset,
                path,
                file_name=staged["name"],
                mode=mode,
                column_types=overrides,
            )
            uploads = request.session.get(SESSION_UPLOADS, {})
            uploads.pop(token, None)
            request.session[SESSION_UPLOADS] = uploads
            return redirect(reverse("bi:import_progress", args=[job.pk]))
        messages.error(request, _("Unknown column type: %(type)s") % {"type": bad[0]})
    return TemplateResponse(
        request,
        "bi/upload_preview.html",
        {
            "dataset": dataset,
            "file_name": staged["name"],
            "mode": mode,
            "columns": [
                (i, name, inferred, sorted({*TYPE_CHOICES, inferred}))
                for i, (name, inferred) in enumerate(columns.items())
            ],
            "names": list(columns),
            "rows": rows,
        },
    )


@login_required
def import_progress(request, pk):
    """The state of an import job; htmx polls the fragment until the job ends."""
    job = get_object_or_404(ImportJob.objects.select_related("dataset"), pk=pk)
    _require(request.user, ImportJob, "view")
    context = {"job": job, "running": job.status in ("queued", "running")}
    if request.htmx:
        return TemplateResponse(request, "bi/_import_progress.html", context)
    return TemplateResponse(request, "bi/import_progress.html", context)


# --- questions ----------------------------------------------------------------------------------


def _run(user, question: Question, extra_filters=None) -> tuple[dict | None, str | None]:
    try:
        return services.run_question(user, question, extra_filters=extra_filters), None
    except AnalyticsError as exc:
        return None, exc.detail


def result_context(question_chart: str, result: dict | None, dimensions: int | None) -> dict:
    if result is None:
        return {}
    return {
        "result": result,
        "chart_options": charts.options(question_chart, result, dimensions=dimensions),
        "number": charts.single_number(result) if question_chart == "number" else None,
        "pivot": services.pivot(result) if question_chart == "pivot" else None,
    }


def _drill_url(question: Question) -> str:
    """Where a click on a bar or slice leads: the rows behind it (one-dimension questions)."""
    if question.sql or len(question.spec.get("dimensions", [])) != 1:
        return ""
    return reverse("bi:question_drill", args=[question.pk]) + "?value="


def question_context(question: Question, request) -> dict:
    result, error = _run(request.user, question)
    dims = len(question.spec.get("dimensions", [])) if question.spec else None
    return {
        "drill_url": _drill_url(question),
        "error": error,
        "chart": question.chart,
        "can_share": access.may_share(request.user, question),
        "shares": list(question.shares.select_related("user", "role", "department")),
        "share_targets": _share_targets(),
        **result_context(question.chart, result, dims),
    }


@login_required
def question_export(request, pk, fmt):
    """The question's whole result as CSV or XLSX, with the reader's rights, read from the
    warehouse by batches: CSV streams to the client, XLSX goes through a temporary file."""
    question = get_object_or_404(_type(Question).for_user(request.user), pk=pk)
    try:
        columns, batches = services.stream_question(request.user, question)
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
    question = get_object_or_404(_type(Question).for_user(request.user), pk=pk)
    value = request.GET.get("value", "")
    result = error = None
    try:
        spec = services.drill_spec(request.user, question, value)
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
            department=getattr(access.person_of(request.user), "department", None),
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


# --- dashboards ---------------------------------------------------------------------------------


def _dashboard_filters(dashboard: Dashboard, params) -> dict:
    return {
        col: params[f"f_{col}"]
        for col in (dashboard.filters or [])
        if isinstance(col, str) and params.get(f"f_{col}", "").strip()
    }


def dashboard_context(dashboard: Dashboard, request) -> dict:
    cards = list(dashboard.cards.select_related("question"))
    values = _dashboard_filters(dashboard, request.GET)
    return {
        "cards": cards,
        "too_many_cards": len(cards) > MAX_CARDS,
        "max_cards": MAX_CARDS,
        "filter_values": [(c, values.get(c, "")) for c in dashboard.filters or []],
        "filter_query": request.GET.urlencode(),
        "can_share": access.may_share(request.user, dashboard),
        "shares": list(dashboard.shares.select_related("user", "role", "department")),
        "share_targets": _share_targets(),
    }


@login_required
def card_render(request, pk):
    """One card's content, loaded by the dashboard page on its own (htmx)."""
    card = get_object_or_404(Card.objects.select_related("dashboard", "question"), pk=pk)
    if not _type(Dashboard).for_user(request.user).filter(pk=card.dashboard_id).exists():
        raise PermissionDenied(_("This dashboard has not been shared with you."))
    context = {"card": card}
    if card.question_id:
        question = card.question
        values = _dashboard_filters(card.dashboard, request.GET)
        result, error = _run(request.user, question, extra_filters=values)
        dims = len(question.spec.get("dimensions", [])) if question.spec else None
        context.update(
            error=error, chart=question.chart, **result_context(question.chart, result, dims)
        )
    else:
        context["text_html"] = render_markdown(card.text)
    return TemplateResponse(request, "bi/_card.html", context)


@login_required
def dashboard_pdf(request, pk):
    """The dashboard as a PDF, with the reader's rows and the filters of the query string."""
    from openmis.bi import pdf

    dashboard = _type(Dashboard).for_user(request.user).filter(pk=pk).first()
    if dashboard is None:
        raise PermissionDenied(_("This dashboard has not been shared with you."))
    values = _dashboard_filters(dashboard, request.GET)
    response = HttpResponse(
        pdf.dashboard_pdf(dashboard, request.user, values), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'attachment; filename="dashboard-{dashboard.pk}.pdf"'
    return response


# --- sharing -------------------------------------------------------------------------------------


def _share_targets() -> dict:
    from django.contrib.auth import get_user_model

    from openmis.org.models import Department, Role

    return {
        "users": get_user_model()
        .objects.filter(is_active=True)
        .order_by("username")
        .only("username"),
        "roles": Role.objects.select_related("group").order_by("slug"),
        "departments": Department.objects.order_by("name").only("name"),
    }


@login_required
@require_POST
def share(request, kind, pk):
    """Share a question or dashboard the user may edit with a user, role or department."""
    model = {"question": Question, "dashboard": Dashboard}.get(kind)
    if model is None:
        raise Http404
    obj = get_object_or_404(_type(model).for_user(request.user), pk=pk)
    if not access.may_share(request.user, obj):
        raise PermissionDenied(
            _("Only its owner and those who may edit it can share it, if their role allows it.")
        )
    target = request.POST.get("target", "")
    level = request.POST.get("level", Share.Level.VIEW)
    try:
        services.share(obj, target, level, request.user)
    except ValueError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Shared."))
    return redirect(obj.get_absolute_url())


@login_required
def shared_with_me(request):
    """Questions and dashboards others shared with the user or published to everyone."""
    user = request.user
    questions = (
        _type(Question).for_user(user).exclude(owner=user).select_related("owner", "dataset")
        if permissions.has_perm(user, "bi.view_question")
        else Question.objects.none()
    )
    dashboards = (
        _type(Dashboard).for_user(user).exclude(owner=user).select_related("owner")
        if permissions.has_perm(user, "bi.view_dashboard")
        else Dashboard.objects.none()
    )
    return TemplateResponse(
        request, "bi/shared.html", {"questions": questions, "dashboards": dashboards}
    )


@login_required
def subscriptions_overview(request):
    """Every subscription with its recipients: all of them for the MIS office, the ones
    they own or receive for others."""
    from openmis.bi.deliveries import overview_rows
    from openmis.bi.models import Subscription

    _require(request.user, Subscription, "view")
    object_type = _type(Subscription)
    return TemplateResponse(
        request,
        "bi/subscriptions_overview.html",
        {
            "rows": overview_rows(object_type.for_user(request.user)),
            "everything": access.administers_content(request.user),
            "object_type": object_type,
            "can_add": permissions.can(request.user, object_type, "add"),
        },
    )


urlpatterns = [
    path("ask/", builder, name="builder"),
    path("sql/", sql_editor, name="sql"),
    path("shared/", shared_with_me, name="shared"),
    path("datasets/<int:pk>/upload/", upload, name="upload"),
    path("datasets/<int:pk>/refresh/", refresh_external, name="refresh_external"),
    path("datasets/<int:pk>/upload/<str:token>/", upload_preview, name="upload_preview"),
    path("imports/<int:pk>/progress/", import_progress, name="import_progress"),
    path("questions/<int:pk>/export.<str:fmt>", question_export, name="question_export"),
    path("questions/<int:pk>/drill/", question_drill, name="question_drill"),
    path("cards/<int:pk>/render/", card_render, name="card_render"),
    path("dashboards/<int:pk>/pdf/", dashboard_pdf, name="dashboard_pdf"),
    path("share/<str:kind>/<int:pk>/", share, name="share"),
    path("subscriptions/overview/", subscriptions_overview, name="subscriptions_overview"),
]
