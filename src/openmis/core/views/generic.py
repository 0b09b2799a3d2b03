"""Generic views of registered objects: list, detail, create/edit, delete, import, export.

Each view receives its :class:`~openmis.core.registry.ObjectType` from the URL configuration,
so a model gets all of them from its registry declaration alone.
"""

from __future__ import annotations

import inspect
import re
import secrets
from datetime import date
from pathlib import Path

from auditlog.models import LogEntry
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db.models import ForeignKey
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string, select_template
from django.template.response import TemplateResponse
from django.urls import get_script_prefix
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views import View

from openmis.core import caching, imports, permissions, registry
from openmis.core.forms import ImportForm, limit_references
from openmis.core.services import ConflictError, delete_object, deletion_conflict, save_object
from openmis.core.tables import ObjectTable

PER_PAGE = 50
LIST_CACHE_SECONDS = 600
DETAIL_CACHE_SECONDS = 600
DETAIL_FRAGMENTS = {
    "fields": "core/_object_fields.html",
    "related": "core/_object_related.html",
    "history": "core/_history.html",
}
MAX_PER_PAGE = 500


class ObjectView(LoginRequiredMixin, View):
    """Base of the generic views: knows its object type and checks permissions."""

    object_type: registry.ObjectType = None
    action = "view"

    def require(self, action: str, obj=None) -> None:
        if not permissions.can(self.request.user, self.object_type, action, obj):
            raise PermissionDenied(
                _("Your role does not allow you to %(action)s %(objects)s.")
                % {"action": _(action), "objects": self.object_type.opts.verbose_name_plural}
            )

    def get_object(self, pk):
        ot = self.object_type
        obj = get_object_or_404(ot.queryset(), pk=pk)
        if ot.visible_to is not None and not ot.for_user(self.request.user).filter(pk=pk).exists():
            raise PermissionDenied(
                ot.hidden_reason
                or _("This %(object)s has not been shared with you. Ask its owner to share it.")
                % {"object": ot.opts.verbose_name}
            )
        return obj

    def context(self, **extra) -> dict:
        ot = self.object_type
        user = self.request.user
        return {
            "object_type": ot,
            "can_add": permissions.can(user, ot, "add"),
            "can_import": permissions.can_import(user, ot),
            **extra,
        }


def filtered_queryset(object_type, request):
    """The type's rows filtered by the request's query string, and the bound FilterSet."""
    queryset = object_type.for_user(request.user)
    ordering = object_type.ordering or list(object_type.opts.ordering) or ["pk"]
    queryset = queryset.order_by(*ordering, "pk")
    filterset = object_type.filterset(request.GET or None, queryset=queryset, request=request)
    if filterset.is_bound and not filterset.is_valid():
        return queryset.none(), filterset
    return filterset.qs, filterset


class ObjectListView(ObjectView):
    """Sortable, filterable, paginated table with quick search; htmx gets the results only."""

    def get(self, request):
        self.require("view")
        ot = self.object_type
        context = self.context(query=request.GET.urlencode())
        fragments = caching.get_or_set(
            # The filters and the results depend on the data and the query string only, not
            # on the user (reading is never scoped), so they are cached for everyone; types
            # with per-user visibility keep them per user.
            (
                "list",
                ot.label,
                request.user.pk if ot.visible_to is not None else "all",
                get_language(),
                get_script_prefix(),
                request.GET.urlencode(),
            ),
            lambda: self.render_fragments(request),
            depends_on=ot.cache_depends_on,
            timeout=LIST_CACHE_SECONDS,
        )
        context["filters_html"], context["results_html"] = map(mark_safe, fragments)
        if request.htmx and request.htmx.target == "object-results":
            return HttpResponse(context["results_html"])
        return TemplateResponse(request, "core/object_list.html", context)

    def render_fragments(self, request) -> tuple[str, str]:
        """The rendered filters and results (a page of the table) of this request's query."""
        ot = self.object_type
        queryset, filterset = filtered_queryset(ot, request)
        try:
            per_page = min(int(request.GET.get("per_page", PER_PAGE)), MAX_PER_PAGE)
        except ValueError:
            per_page = PER_PAGE
        table = ObjectTable(ot, queryset, request, max(per_page, 1))
        inner = {"object_type": ot, "table": table, "filterset": filterset}
        return (
            render_to_string("core/_object_filters.html", inner),
            render_to_string("core/_object_results.html", inner),
        )


def _field_rows(object_type, obj):
    rows = []
    for name in object_type.form_fields:
        field = object_type.opts.get_field(name)
        if getattr(field, "many_to_many", False):
            value = ", ".join(str(v) for v in getattr(obj, name).all())
            rows.append((field.verbose_name, value, None))
            continue
        value = getattr(obj, name)
        link = None
        if value is not None and isinstance(field, ForeignKey):
            if registry.is_registered(field.related_model):
                link = registry.get(field.related_model).url("detail", value)
        elif field.choices:
            value = getattr(obj, f"get_{name}_display")()
        rows.append((field.verbose_name, value, link))
    return rows


def _related(object_type, obj):
    """Registered objects that point at ``obj``: a count and a link to their filtered list."""
    related = []
    for rel in object_type.opts.related_objects:
        if not registry.is_registered(rel.related_model) or rel.many_to_many:
            continue
        other = registry.get(rel.related_model)
        name = rel.field.name
        if name not in other.filters:
            continue
        # Kept for everyone who may view ``obj``: rows only some viewers may see (see
        # ``visible_to``) are linked without a count, which would tell others how many.
        count = (
            None
            if other.visible_to is not None
            else other.model._default_manager.filter(**{name: obj}).count()
        )
        related.append(
            {
                "label": other.verbose_name_plural,
                "field": rel.field.verbose_name,
                "count": count,
                "url": f"{other.url('list')}?{name}={obj.pk}",
            }
        )
    return related


def history(obj, limit: int = 50) -> list:
    """Audit log entries of ``obj``, newest first, without the fields its type keeps out of
    the history (entries recorded before a field was excluded included)."""
    entries = list(LogEntry.objects.get_for_object(obj).select_related("actor")[:limit])
    excluded = registry.get(obj).history_exclude if registry.is_registered(obj) else ()
    for entry in entries:
        if excluded and isinstance(entry.changes, dict):
            entry.changes = {k: v for k, v in entry.changes.items() if k not in excluded}
    return entries


def detail_fragments(object_type, obj) -> dict[str, str]:
    """The rendered fields table, related-object counts and change history of ``obj``.

    They show the data only, the same to everyone who may view the object, so they are
    cached until the apps the type depends on change (``ObjectType.cache_depends_on``: any
    committed write there renders them anew), under the language, the time zone (the
    timestamps) and the script prefix (the links). A warm detail page then makes no query
    for them: the counts alone are one query per related type.
    """

    def render() -> dict[str, str]:
        inner = {
            "object": obj,
            "object_type": object_type,
            "fields": _field_rows(object_type, obj),
            "related": _related(object_type, obj),
            "history": history(obj),
        }
        return {
            name: render_to_string(template, inner) for name, template in DETAIL_FRAGMENTS.items()
        }

    fragments = caching.get_or_set(
        (
            "detail",
            object_type.label,
            obj.pk,
            get_language(),
            timezone.get_current_timezone_name(),
            get_script_prefix(),
        ),
        render,
        depends_on=object_type.cache_depends_on,
        timeout=DETAIL_CACHE_SECONDS,
    )
    return {name: mark_safe(html) for name, html in fragments.items()}  # noqa: S308


# The regions of a rendered page (marked in base.html) that a cached detail page keeps; the
# rest (menu, user, messages, CSRF tokens of the header) is rendered for every request.
PAGE_REGIONS = {
    "title": re.compile(r"<title>(.*?) · OpenMIS</title>", re.S),
    "head": re.compile(r"<!--om:head-->(.*?)<!--/om:head-->", re.S),
    "content": re.compile(r"<!--om:content-->(.*?)<!--/om:content-->", re.S),
    "body": re.compile(r"<!--om:body-->(.*?)<!--/om:body-->", re.S),
}
CSRF_INPUT = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]*(")')
CSRF_MARK = "\x00csrf\x00"


def page_regions(html: str) -> dict[str, str] | None:
    """The cacheable regions of a rendered page, its forms' CSRF tokens replaced by a mark
    (each session has its own); None when a region is missing."""
    regions = {}
    for name, pattern in PAGE_REGIONS.items():
        found = pattern.search(html)
        if found is None:
            return None
        regions[name] = CSRF_INPUT.sub(rf"\g<1>{CSRF_MARK}\g<2>", found.group(1))
    return regions


class ObjectDetailView(ObjectView):
    """Fields, related objects and change history; template ``<app>/<model>.html`` if present.

    ``detail`` holds them rendered (:func:`detail_fragments`): ``detail.fields``,
    ``detail.related`` and ``detail.history``.
    """

    def get_object(self, pk):
        """The object, from the cache until its type's apps change when the type has no
        per-user visibility (one query and its compiling saved on every warm view)."""
        ot = self.object_type
        if ot.visible_to is not None:
            return super().get_object(pk)
        # Through the type's queryset: the related rows its name needs come along. A missing
        # row is not kept (the 404 is raised before anything is stored).
        return caching.get_or_set(
            ("object", ot.label, str(pk)),
            lambda: get_object_or_404(ot.queryset(), pk=pk),
            depends_on=ot.cache_depends_on,
            timeout=DETAIL_CACHE_SECONDS,
        )

    def get(self, request, pk):
        self.require("view")
        obj = self.get_object(pk)
        ot = self.object_type
        user = request.user
        can_change = permissions.can(user, ot, "change", obj)
        can_delete = permissions.can(user, ot, "delete", obj)
        page_key = None
        if ot.page_cache is not None:
            # The page of a type that says what it depends on is rendered once per generation
            # of the apps it shows and per what the user may see or do (their permission
            # context: nothing of one user's page shows on another's); the header, menu and
            # messages around it are rendered as for any page, and its forms get this
            # session's token. Measured: a warm system page costs a third less this way than
            # rendering its template around its cached sections.
            page_key = caching.versioned_key(
                (
                    "page",
                    ot.label,
                    obj.pk,
                    get_language(),
                    timezone.get_current_timezone_name(),
                    get_script_prefix(),
                    date.today().isoformat(),
                    can_change,
                    can_delete,
                    *ot.page_cache(obj, user),
                ),
                depends_on=ot.cache_depends_on,
            )
            regions = cache.get(page_key)
            if regions is not None:
                token = get_token(request)
                page = {k: mark_safe(v.replace(CSRF_MARK, token)) for k, v in regions.items()}  # noqa: S308
                context = {"object": obj, "object_type": ot, "page": page}
                return TemplateResponse(request, "core/cached_page.html", context)
        template = select_template(
            [f"{ot.app_label}/{ot.model_name}.html", "core/object_detail.html"]
        )
        context = self.context(object=obj, can_change=can_change, can_delete=can_delete)
        if ot.detail_context is not None:
            context.update(ot.detail_context(obj, request))
        context["detail"] = detail_fragments(ot, obj)
        response = TemplateResponse(request, template.template.name, context)
        if page_key is not None:

            def keep(rendered):
                regions = page_regions(rendered.content.decode())
                if regions is not None:
                    cache.set(page_key, regions, DETAIL_CACHE_SECONDS)

            response.add_post_render_callback(keep)
        return response


class ObjectEditView(ObjectView):
    """Create (no ``pk``) or edit an object; a save from a stale copy is refused (409)."""

    def limit_choices(self, form):
        ot = self.object_type
        limit_references(form, self.request.user)
        field_name = ot.department_field
        if (
            field_name in form.fields
            and permissions.write_scope(
                self.request.user, ot, "change" if form.instance.pk else "add"
            )
            == permissions.DEPARTMENT
        ):
            form.fields[field_name].queryset = form.fields[field_name].queryset.filter(
                pk__in=permissions.user_department_ids(self.request.user)
            )

    def make_form(self, *args, **kwargs):
        form_class = self.object_type.form
        if "user" in inspect.signature(form_class.__init__).parameters:
            kwargs["user"] = self.request.user
        return form_class(*args, **kwargs)

    def render(self, form, obj, status=200, conflict=None):
        context = self.context(form=form, object=obj, conflict=conflict)
        return TemplateResponse(self.request, "core/object_edit.html", context, status=status)

    def get(self, request, pk=None):
        obj = self.get_object(pk) if pk else None
        self.require("change" if obj else "add", obj)
        initial = {k: v for k, v in request.GET.items() if k in self.object_type.form_fields}
        form = self.make_form(instance=obj, initial=initial)
        self.limit_choices(form)
        return self.render(form, obj)

    def post(self, request, pk=None):
        obj = self.get_object(pk) if pk else None
        action = "change" if obj else "add"
        self.require(action, obj)
        form = self.make_form(request.POST, request.FILES, instance=obj)
        self.limit_choices(form)
        if not form.is_valid():
            return self.render(form, obj, status=400)
        instance = form.save(commit=False)
        if not permissions.can(request.user, self.object_type, action, instance):
            form.add_error(None, _("You may only save records of your own department."))
            return self.render(form, obj, status=403)
        try:
            expected = int(request.POST["version"]) if obj else None
        except (KeyError, ValueError):
            expected = None
            if obj:
                form.add_error(None, _("The form is missing its version; reload the page."))
                return self.render(form, obj, status=400)
        try:
            save_object(instance, request.user, expected)
        except ConflictError as exc:
            return self.render(form, obj, status=409, conflict=exc.message)
        form.save_m2m()
        if self.object_type.after_save is not None:
            self.object_type.after_save(instance)
        messages.success(
            request,
            (_("Created %(object)s.") if action == "add" else _("Saved %(object)s."))
            % {"object": instance},
        )
        return redirect(self.object_type.url("detail", instance))


class ObjectDeleteView(ObjectView):
    """Ask for confirmation, then delete; refuse (409) while other objects need it."""

    def get(self, request, pk):
        obj = self.get_object(pk)
        self.require("delete", obj)
        warnings = self.object_type.delete_warnings(obj) if self.object_type.delete_warnings else []
        # what would refuse the deletion (a built-in role, records that still need the object)
        # is said before any button is offered
        conflict = deletion_conflict(obj)
        context = self.context(
            object=obj,
            warnings=warnings,
            conflict=conflict and conflict.message,
            blocking=conflict.blocking[:50] if conflict else [],
        )
        return TemplateResponse(request, "core/object_delete.html", context)

    def post(self, request, pk):
        obj = self.get_object(pk)
        self.require("delete", obj)
        try:
            delete_object(obj, request.user)
        except ConflictError as exc:
            context = self.context(object=obj, conflict=exc.message, blocking=exc.blocking[:50])
            return TemplateResponse(request, "core/object_delete.html", context, status=409)
        messages.success(request, _("Deleted %(object)s.") % {"object": obj})
        return redirect(self.object_type.url("list"))


def _stash_dir() -> Path:
    path = Path(settings.DATA_DIR) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


class ObjectImportView(ObjectView):
    """Upload, preview (dry run with every error by row and column), then import all or none."""

    def render(self, form, report=None, token=None, status=200):
        context = self.context(
            form=form,
            report=report,
            token=token,
            columns=self.object_type.columns_for_import,
            natural_key=self.object_type.natural_key,
        )
        return TemplateResponse(self.request, "core/object_import.html", context, status=status)

    def check(self):
        if not permissions.can_import(self.request.user, self.object_type):
            raise PermissionDenied(_("Your role does not allow you to import these objects."))

    def get(self, request):
        self.check()
        return self.render(ImportForm())

    def post(self, request):
        self.check()
        token = request.POST.get("token")
        stash = request.session.get("openmis_imports", {})
        if token:
            entry = stash.pop(token, None)
            request.session["openmis_imports"] = stash
            path = _stash_dir() / token
            if entry is None or entry["type"] != self.object_type.label or not path.exists():
                messages.error(request, _("That import has expired; upload the file again."))
                return redirect(self.object_type.url("import"))
            content = path.read_bytes()
            path.unlink(missing_ok=True)
            report = imports.run_import(
                self.object_type, entry["name"], content, request.user, dry_run=False
            )
            if report.ok:
                messages.success(
                    request,
                    _("Import done: %(created)d created, %(updated)d updated.")
                    % {"created": report.created, "updated": report.updated},
                )
                return redirect(self.object_type.url("list"))
            return self.render(ImportForm(), report, status=400)
        form = ImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render(form, status=400)
        upload = form.cleaned_data["file"]
        content = upload.read()
        report = imports.run_import(self.object_type, upload.name, content, request.user, True)
        if not report.ok:
            return self.render(ImportForm(), report, status=400)
        token = secrets.token_urlsafe(16)
        (_stash_dir() / token).write_bytes(content)
        stash[token] = {"type": self.object_type.label, "name": upload.name}
        request.session["openmis_imports"] = stash
        return self.render(ImportForm(), report, token=token)


class ObjectExportView(ObjectView):
    """The filtered list as CSV (streamed) or XLSX."""

    def get(self, request):
        self.require("view")
        queryset, _filterset = filtered_queryset(self.object_type, request)
        fmt = request.GET.get("format", "csv")
        name = self.object_type.slug
        if fmt == "xlsx":
            try:
                content = imports.export_xlsx(self.object_type, queryset)
            except ValueError as exc:
                messages.error(request, str(exc))
                return redirect(self.object_type.url("list"))
            return FileResponse(
                content,
                as_attachment=True,
                filename=f"{name}.xlsx",
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
        if fmt != "csv":
            raise Http404(_("Unknown export format."))
        response = StreamingHttpResponse(
            imports.export_csv(self.object_type, queryset), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return response
