"""Dataset pages: the profile, uploads with their preview, import progress, external tables."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from openmis.analytics.errors import AnalyticsError, ImportFailed
from openmis.bi import access, loading, presentation, services
from openmis.bi.models import Dataset, ImportJob
from openmis.bi.models.base import COLUMN_TYPE
from openmis.core import formatting, permissions, registry
from openmis.core.imports.reading import ENCODINGS
from openmis.core.views.access import require


def _shown_stats(stats: dict) -> dict:
    """A column's profile with its values and counts written as the reader writes them."""
    if not stats:
        return stats
    shown = dict(stats)
    for key in ("nulls", "distinct"):
        if isinstance(stats.get(key), int):
            shown[key] = formatting.number_text(stats[key])
    for key in ("min", "max"):
        if stats.get(key) is not None:
            shown[key] = presentation.cell_text(stats[key])
    shown["top"] = [
        (None if v is None else presentation.cell_text(v), formatting.number_text(n))
        for v, n in stats.get("top") or []
    ]
    return shown


def dataset_context(dataset: Dataset, request) -> dict:
    """The columns with the profile the reader may see (through their row rules), imports,
    relationships and rules of a dataset's page."""
    columns = list(dataset.columns.all())
    profile = services.dataset_profile(request.user, dataset)
    stats = profile.get("columns", {}) if profile else {}
    return {
        "columns": [(c, _shown_stats(stats.get(c.name, {}))) for c in columns],
        "profile": profile,
        "profile_pending": bool(dataset.data_version) and not dataset.profile,
        # An import's row count counts every row of its file.
        "import_rows_visible": access.reads_every_row(request.user, dataset),
        "imports": list(dataset.imports.all()[:10]),
        "relationships": list(dataset.relationships.select_related("target")),
        "rules": list(dataset.rules.select_related("role", "department")),
        "can_upload": not dataset.external_table and _may_load(request.user, dataset),
        "can_refresh": bool(dataset.external_table)
        and permissions.can(request.user, registry.get(Dataset), "change", dataset),
        "formats": ".csv,.tsv,.txt,.xlsx,.parquet,.json,.jsonl,.ndjson",
        "encodings": list(ENCODINGS.items()),
        # Linked only for those who may open them: no link leads to a refusal.
        "can_view_imports": permissions.can(request.user, registry.get(ImportJob), "view"),
        "can_view_relationships": permissions.can(
            request.user, registry.get("bi.relationship"), "view"
        ),
        "can_view_rules": permissions.can(request.user, registry.get("bi.rowrule"), "view"),
    }


def dataset_delete_warnings(dataset: Dataset) -> list[str]:
    count = dataset.questions.count()
    if not count:
        return []
    return [
        ngettext(
            "%(count)s saved question asks this dataset; it will be deleted too.",
            "%(count)s saved questions ask this dataset; they will be deleted too.",
            count,
        )
        % {"count": formatting.number_text(count)}
    ]


TYPE_CHOICES = ["string", "int64", "float64", "decimal(18,2)", "date", "timestamp", "boolean"]
SESSION_UPLOADS = "bi_uploads"


def _may_load(user, dataset) -> bool:
    return permissions.can(user, registry.get(Dataset), "change", dataset) and permissions.has_perm(
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
        encoding = request.POST.get("encoding", "")
        if encoding and encoding not in ENCODINGS:
            raise ImportFailed(_("Choose one of the encodings offered."))
        staged = loading.stage_upload(source, source.name)
        try:
            encoding = loading.to_utf8(staged, source.name, encoding)
        except ImportFailed:
            staged.unlink(missing_ok=True)
            raise
    except ImportFailed as exc:
        messages.error(request, exc.detail)
        return redirect(dataset.get_absolute_url())
    uploads = request.session.get(SESSION_UPLOADS, {})
    uploads[staged.name] = {"dataset": dataset.pk, "name": source.name, "encoding": encoding}
    request.session[SESSION_UPLOADS] = uploads
    mode = request.POST.get("mode", ImportJob.Mode.REPLACE)
    return redirect(reverse("bi:upload_preview", args=[dataset.pk, staged.name]) + f"?mode={mode}")


@login_required
@require_POST
def refresh_external(request, pk):
    """Read an external table's columns and profile again; cached results are dropped."""
    dataset = get_object_or_404(Dataset, pk=pk)
    require(request.user, Dataset, "change", dataset)
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
                "rows": formatting.number_text(dataset.row_count),
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
        bad = [t for t in overrides.values() if not COLUMN_TYPE.match(t)]
        changes = None if bad else loading.column_changes(dataset, chosen, mode)
        unconfirmed = changes is not None and request.POST.get("confirm_columns") != "1"
        if not bad and not unconfirmed:
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
        if bad:
            messages.error(request, _("Unknown column type: %(type)s") % {"type": bad[0]})
        else:
            messages.error(
                request,
                _("The file's columns differ from the dataset's: confirm the change to load it."),
            )
        types = chosen
    else:
        types = columns
    return TemplateResponse(
        request,
        "bi/upload_preview.html",
        {
            "dataset": dataset,
            "file_name": staged["name"],
            "mode": mode,
            "columns": [
                (i, name, types[name], sorted({*TYPE_CHOICES, inferred, types[name]}))
                for i, (name, inferred) in enumerate(columns.items())
            ],
            "names": list(columns),
            "rows": rows,
            "changes": loading.column_changes(dataset, types, mode),
            "encoding": ENCODINGS.get(staged.get("encoding", ""), ""),
        },
    )


@login_required
def import_progress(request, pk):
    """The state of an import job; htmx polls the fragment until the job ends."""
    job = get_object_or_404(ImportJob.objects.select_related("dataset"), pk=pk)
    require(request.user, ImportJob, "view")
    context = {"job": job, "running": job.status in ("queued", "running")}
    if request.htmx:
        return TemplateResponse(request, "bi/_import_progress.html", context)
    return TemplateResponse(request, "bi/import_progress.html", context)
