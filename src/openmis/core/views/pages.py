"""Pages that span every object type: the cockpit, global search and the change log."""

from __future__ import annotations

import operator
from functools import reduce

import django_filters
from auditlog.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from openmis.core import extensions, history, permissions, registry
from openmis.core.forms import style_widgets

SEARCH_LIMIT = 10


def health(request):
    """Liveness probe for load balancers: answers without touching the database."""
    return JsonResponse({"status": "ok"})


@login_required
def home(request):
    """The cockpit: the tiles the apps registered (:mod:`openmis.core.extensions`) that the
    user may see, in order."""
    return TemplateResponse(request, "core/home.html", {"tiles": extensions.tiles_for(request)})


@login_required
def search(request):
    """Search every registered type the user may see, by each type's ``search`` fields."""
    query = request.GET.get("q", "").strip()
    groups = []
    if query:
        for ot in registry.all_types():
            if not ot.search or not permissions.can(request.user, ot, "view"):
                continue
            visible = ot.for_user(request.user)
            terms = ot.search_terms(visible, query)
            if not terms:
                continue
            matches = visible.filter(reduce(operator.or_, terms))
            found = list(matches[: SEARCH_LIMIT + 1])
            if found:
                groups.append(
                    {
                        "type": ot,
                        "objects": found[:SEARCH_LIMIT],
                        "more": len(found) > SEARCH_LIMIT,
                        "url": f"{ot.url('list')}?q={query}",
                    }
                )
    # ``search_query`` fills the header's search box: only here, with what was searched for
    # (a list's ``query`` is its query string, which is no search).
    return TemplateResponse(
        request,
        "core/search.html",
        {"query": query, "search_query": query, "groups": groups},
    )


def _audited_content_types(request=None):
    return ContentType.objects.filter(
        pk__in=[ContentType.objects.get_for_model(ot.model).pk for ot in registry.all_types()]
    )


class ChangeLogFilterSet(django_filters.FilterSet):
    """Filters of the global change log: who, which kind of object, when."""

    actor = django_filters.ModelChoiceFilter(
        queryset=get_user_model().objects.order_by("username"), label=gettext_lazy("User")
    )
    content_type = django_filters.ModelChoiceFilter(
        queryset=_audited_content_types, label=gettext_lazy("Object type")
    )
    action = django_filters.ChoiceFilter(
        choices=LogEntry.Action.choices, label=gettext_lazy("Action")
    )
    since = django_filters.DateFilter(
        field_name="timestamp", lookup_expr="date__gte", label=gettext_lazy("From")
    )
    until = django_filters.DateFilter(
        field_name="timestamp", lookup_expr="date__lte", label=gettext_lazy("To")
    )

    class Meta:
        model = LogEntry
        fields = ["actor", "content_type", "action", "since", "until"]

    @property
    def form(self):
        if not hasattr(self, "_form"):
            style_widgets(super().form)
        return self._form


def changelog(request):
    """Every audited create, update and delete, filterable by user, object type and date."""
    if not request.user.is_authenticated:
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(request.get_full_path())
    if not permissions.has_perm(request.user, "auditlog.view_logentry"):
        raise PermissionDenied(_("Your role does not allow you to read the change log."))
    queryset = LogEntry.objects.select_related("actor", "content_type").order_by("-timestamp")
    filterset = ChangeLogFilterSet(request.GET or None, queryset=queryset)
    rows = filterset.qs if (not filterset.is_bound or filterset.is_valid()) else queryset.none()
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    # In words, related objects named with one query per model of the page.
    page.object_list = history.present(list(page.object_list), request.user)
    params = request.GET.copy()
    params.pop("page", None)
    return TemplateResponse(
        request,
        "core/changelog.html",
        {"page": page, "filterset": filterset, "query": params.urlencode()},
    )
