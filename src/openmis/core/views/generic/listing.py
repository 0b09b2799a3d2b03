"""The list of a type's rows: as a page (filters, sortable paginated table) and as a file."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import get_script_prefix
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from openmis.core import caching, imports, permissions
from openmis.core.tables import ObjectTable
from openmis.core.views.generic.base import ObjectView, filtered_queryset

PER_PAGE = 50
LIST_CACHE_SECONDS = 600


MAX_PER_PAGE = 500


class ObjectListView(ObjectView):
    """Sortable, filterable, paginated table with quick search; htmx gets the results only."""

    def get(self, request):
        self.require("view")
        ot = self.object_type
        context = self.context(query=request.GET.urlencode())
        fragments = caching.get_or_set(
            # The filters and the results depend on the data and the query string only, not
            # on the user (reading is never scoped), so they are cached for everyone; types
            # with per-user visibility keep them per user. Filters that read the calendar
            # (overdue, notice missed: what the cockpit's tiles link to) move with the day.
            (
                "list",
                ot.label,
                request.user.pk if ot.visible_to is not None or ot.redacted else "all",
                # the links to related objects: only to the types the reader may view
                permissions.view_signature(request.user),
                get_language(),
                get_script_prefix(),
                timezone.localdate().isoformat(),
                request.GET.urlencode(),
            ),
            lambda: self.render_fragments(request),
            depends_on=ot.cache_depends_on,
            timeout=LIST_CACHE_SECONDS,
        )
        context["filters_html"], context["results_html"] = map(mark_safe, fragments)
        if request.htmx and request.htmx.target == "object-results":
            # The export links follow the filters, out of band (outside the target).
            links = render_to_string(
                "core/_export_links.html",
                {"object_type": ot, "query": request.GET.urlencode(), "oob": True},
            )
            return HttpResponse(context["results_html"] + links)
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


class ObjectExportView(ObjectView):
    """The filtered list as CSV (streamed) or XLSX."""

    def get(self, request):
        self.require("view")
        queryset, _filterset = filtered_queryset(self.object_type, request)
        fmt = request.GET.get("format", "csv")
        name = self.object_type.slug
        if fmt == "xlsx":
            try:
                content = imports.export_xlsx(self.object_type, queryset, request.user)
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
            imports.export_csv(self.object_type, queryset, request.user),
            content_type="text/csv; charset=utf-8",
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return response
