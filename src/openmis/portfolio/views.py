"""Portfolio pages beyond the generic ones: system and project pages, lifecycle moves,
go-live, the dependency graph, rationalisation, renewals and TCO."""

from __future__ import annotations

import json
from datetime import date

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import get_script_prefix, path
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from openmis.core import caching, permissions, registry
from openmis.core.services import ConflictError
from openmis.core.views.access import require
from openmis.portfolio import services
from openmis.portfolio.models import Contract, Dependency, DeploymentProject, System, SystemCost


class StageForm(forms.Form):
    """Move a system to another lifecycle stage; ``confirm`` is shown with what still relies
    on it when the move retires it (see :func:`openmis.portfolio.services.move_to_stage`)."""

    stage = forms.ChoiceField(label=gettext_lazy("Move to stage"), choices=System.Stage.choices)
    date = forms.DateField(label=gettext_lazy("Date"), initial=date.today)
    note = forms.CharField(label=gettext_lazy("Note"), max_length=200, required=False)
    confirm = forms.BooleanField(
        label=gettext_lazy("I have checked what relies on this system; move it anyway."),
        required=False,
    )


SECTION_TEMPLATES = {
    "warnings": "portfolio/_system_warnings.html",
    "lifecycle": "portfolio/_system_lifecycle.html",
    "stage_fields": "portfolio/_system_stage_fields.html",
    "details": "portfolio/_system_details.html",
    "dependencies": "portfolio/_system_dependencies.html",
}
SECTIONS_CACHE_SECONDS = 600
DEPENDENCIES_SHOWN = 50  # of each direction; the rest are a link to the filtered list away


def system_context(system, request) -> dict:
    """Everything about a system in one place.

    The sections that show the portfolio's data are rendered once and cached (see
    :func:`system_sections`); the form that moves the system to another stage carries the
    request's CSRF token, so only its fields are. Other apps add their sections as panels
    (:func:`openmis.core.extensions.register_panel`), rendered for each user.
    """
    can_move = permissions.can(request.user, registry.get(System), "change", system)
    return {
        "can_move": can_move,
        "graph_url": f"/portfolio/graph/?system={system.pk}",
        "sections": system_sections(system, request, can_move),
    }


def system_page_varies(system, user) -> tuple:
    """What a system's page depends on besides the data and the user's right to change the
    system (which also decides whether they may move its stage): nothing of portfolio's own
    (the registry adds what its panels depend on)."""
    return ()


def system_sections(system, request, can_move: bool) -> dict:
    """The rendered sections of a system's page, from the cache when possible.

    They depend on the data of the portfolio and of the apps whose rows point at a system or
    that a system points to (feedback, departments...: any committed write there makes the
    next view render them anew), the language, today's date (the rating trend, project
    status and review windows move with it) and whether the user may move the system
    (panels other apps add to the page are rendered apart, see core.extensions).
    """

    def render():
        context = _section_context(system, request, can_move)
        return {
            name: render_to_string(template, context, request=None)
            for name, template in SECTION_TEMPLATES.items()
        }

    sections = caching.get_or_set(
        (
            "system-page",
            system.pk,
            get_language(),
            get_script_prefix(),
            timezone.localdate().isoformat(),
            can_move,
            permissions.view_signature(request.user),  # links only to what the reader may open
        ),
        render,
        depends_on=caching.depends_on_model(System),
        timeout=SECTIONS_CACHE_SECONDS,
    )
    return {name: mark_safe(html) for name, html in sections.items()}  # noqa: S308


def _dependency_rows(system, direction: str) -> tuple[list[dict], int]:
    """The first ``DEPENDENCIES_SHOWN`` systems that feed ``system`` (``fed_by``) or that it
    feeds (``feeds``), by name, and how many there are in all."""
    mine, other = ("target", "source") if direction == "fed_by" else ("source", "target")
    dependencies = Dependency.objects.filter(**{f"{mine}_id": system.pk})
    rows = dependencies.order_by(f"{other}__name", f"{other}_id").values_list(
        f"{other}_id", f"{other}__name", "data_exchanged", f"{other}__lifecycle_stage"
    )[:DEPENDENCIES_SHOWN]
    system_type = registry.get(System)
    labels = dict(System.Stage.choices)
    return [
        {
            "name": name,
            "url": system_type.detail_url(pk),
            "data": data,
            # a retiring or retired system is marked where it is listed
            "ending": labels[stage] if stage in services.RETIRING_STAGES else "",
        }
        for pk, name, data, stage in rows
    ], dependencies.count()


def _section_context(system, request, can_move: bool) -> dict:
    # Costs and contracts are rows of their own types: a reader who may not list them does
    # not see them through the system's page either (the page's cache key holds
    # ``permissions.view_signature``, so each set of readable types has its own rendering).
    see_costs = permissions.can(request.user, registry.get(SystemCost), "view")
    see_contracts = permissions.can(request.user, registry.get(Contract), "view")
    see_projects = permissions.can(request.user, registry.get(DeploymentProject), "view")
    costs = services.tco_by_year(system) if see_costs else []
    impact, impact_total = services.impact(system, limit=services.IMPACT_SHOWN)
    system_type = registry.get(System)
    dependency_type = registry.get(Dependency)
    fed_by, fed_by_total = _dependency_rows(system, "fed_by")
    feeds, feeds_total = _dependency_rows(system, "feeds")
    stage_labels = dict(System.Stage.choices)
    return {
        "object": system,
        "retiring_suppliers": [
            {**row, "url": system_type.detail_url(row["pk"]), "label": stage_labels[row["stage"]]}
            for row in services.retiring_suppliers(system)
        ],
        "timeline": services.timeline(system),
        "tco": costs,
        "tco_totals": services.totals_by_currency(costs),
        "tco_chart": _tco_chart(system, costs),
        "see_costs": see_costs,
        "see_contracts": see_contracts,
        "see_projects": see_projects,
        "contracts": system.contracts.select_related("vendor", "owner") if see_contracts else [],
        "fed_by": fed_by,
        "fed_by_total": fed_by_total,
        "fed_by_url": f"{dependency_type.url('list')}?target={system.pk}",
        "feeds": feeds,
        "feeds_total": feeds_total,
        "feeds_url": f"{dependency_type.url('list')}?source={system.pk}",
        "impact": impact,
        "impact_urls": {s.pk: system_type.detail_url(s.pk) for s, _distance in impact},
        "impact_total": impact_total,
        "graph_url": f"/portfolio/graph/?system={system.pk}",
        "projects": [
            (p, status, DeploymentProject.Status(status).label, reason)
            for p in (system.projects.prefetch_related("milestones") if see_projects else [])
            for status, reason in [services.project_status(p)]
        ],
        "can_move": can_move,
        "stage_form": StageForm(initial={"stage": _next_stage(system.lifecycle_stage)})
        if can_move
        else None,
    }


def _tco_chart(system, costs: list[dict]) -> dict:
    """Yearly costs stacked by category; one stack per currency, side by side, when the
    system is paid in several (amounts of different currencies are never stacked)."""
    years = sorted({row["year"] for row in costs})
    currencies = sorted({row["currency"] for row in costs})
    by_key = {(row["year"], row["currency"]): row for row in costs}
    series = []
    for currency in currencies:
        for category, label in system.costs.model.Category.choices:
            data = [float(by_key.get((y, currency), {}).get(category, 0)) for y in years]
            if any(data):
                name = str(label) if len(currencies) == 1 else f"{label} ({currency})"
                series.append({"name": name, "stack": currency, "data": data})
    return {"years": years, "series": series}


def _next_stage(stage: str) -> str:
    order = System.Stage.values
    return order[min(order.index(stage) + 1, len(order) - 1)]


def project_context(project, request) -> dict:
    status, reason = services.project_status(project)
    return {
        "status": status,
        "status_label": DeploymentProject.Status(status).label,
        "status_reason": reason,
        "milestones": project.milestones.all(),
        "can_go_live": project.go_live is None
        and permissions.can(request.user, registry.get(DeploymentProject), "change", project),
    }


@login_required
def move_stage(request, pk):
    """Move a system to another stage; a move that retires a system something still relies
    on shows what does, with a box to tick to confirm it."""
    system = get_object_or_404(System, pk=pk)
    require(request.user, System, "change", system)
    form = StageForm(request.POST)
    if form.is_valid():
        try:
            services.move_to_stage(
                system,
                form.cleaned_data["stage"],
                form.cleaned_data["date"],
                request.user,
                form.cleaned_data["note"],
                confirm=form.cleaned_data["confirm"],
            )
            messages.success(
                request,
                _("%(system)s moved to %(stage)s.")
                % {
                    "system": system,
                    "stage": system.get_lifecycle_stage_display(),
                },
            )
        except services.ConfirmationNeeded as needed:
            return _confirm_retirement(request, system, form, needed.concerns)
        except (ValidationError, ConflictError) as error:
            text = "; ".join(getattr(error, "messages", [str(error)]))
            messages.error(request, text)
    else:
        messages.error(request, "; ".join(e for errs in form.errors.values() for e in errs))
    return redirect(system.get_absolute_url())


def _confirm_retirement(request, system, form, concerns):
    """The page that lists what relies on ``system`` and asks to confirm the move."""
    status = 200
    if request.POST.get("confirming"):  # sent from this page without the box ticked
        form.add_error("confirm", _("Tick the box to confirm the move."))
        status = 400
    stage = System.Stage(form.cleaned_data["stage"]).label
    return TemplateResponse(
        request,
        "portfolio/system_stage_confirm.html",
        {"object": system, "form": form, "stage_label": stage, "concerns": concerns},
        status=status,
    )


@login_required
def project_go_live(request, pk):
    project = get_object_or_404(DeploymentProject, pk=pk)
    require(request.user, DeploymentProject, "change", project)
    if request.method != "POST":
        return redirect(project.get_absolute_url())
    try:
        services.go_live(project, None, request.user)
        messages.success(
            request,
            _("%(project)s is live; %(system)s is now deployed.")
            % {
                "project": project,
                "system": project.system,
            },
        )
    except ValidationError as error:
        messages.error(request, "; ".join(error.messages))
    return redirect(project.get_absolute_url())


@login_required
def graph(request):
    require(request.user, System, "view")
    system = None
    if request.GET.get("system", "").isdigit():
        system = get_object_or_404(System, pk=request.GET["system"])
    return TemplateResponse(request, "portfolio/graph.html", {"focus": system})


GRAPH_CACHE_SECONDS = 600


@login_required
def graph_data(request):
    """Nodes and links of the dependency graph (whole, or around ``?system=``) as JSON.

    The JSON is cached until the portfolio changes: any committed write there rebuilds it.
    """
    require(request.user, System, "view")
    system = None
    raw = request.GET.get("system", "")
    if raw:
        if not raw.isdigit():
            return JsonResponse({"system": [_("Enter a whole number.")]}, status=400)
        system = get_object_or_404(System.objects.only("pk"), pk=raw)
    body = caching.get_or_set(
        (
            "graph",
            system.pk if system else "all",
            services.GRAPH_MAX_NODES,
            get_language(),  # the stage labels
        ),
        lambda: json.dumps(services.dependency_graph(system), cls=DjangoJSONEncoder),
        depends_on=("portfolio",),
        timeout=GRAPH_CACHE_SECONDS,
    )
    return HttpResponse(body, content_type="application/json")


@login_required
def rationalisation(request):
    require(request.user, System, "view")
    systems = services.rationalisation()
    quadrants = {"invest": [], "migrate": [], "tolerate": [], "eliminate": []}
    for system in systems:
        quadrants[system.quadrant].append(system)
    labels = {
        "invest": _("Invest"),
        "migrate": _("Migrate"),
        "tolerate": _("Tolerate"),
        "eliminate": _("Eliminate"),
    }
    chart = [
        {
            "name": s.name,
            "value": [s.technical_health, s.business_value],
            "quadrant": s.quadrant,
            "quadrant_label": labels[s.quadrant],
        }
        for s in systems
    ]
    return TemplateResponse(
        request, "portfolio/rationalisation.html", {"quadrants": quadrants, "chart": chart}
    )


@login_required
def renewals(request):
    from openmis.portfolio.models import Contract

    require(request.user, Contract, "view")
    today = timezone.localdate()
    contracts = services.missed_notices(today) + services.upcoming_renewals(today)
    rows = [(c, (c.notice_deadline - today).days) for c in contracts]
    return TemplateResponse(
        request,
        "portfolio/renewals.html",
        {"rows": rows, "today": today, "within_days": services.UPCOMING_WITHIN_DAYS},
    )


@login_required
def tco(request):
    from openmis.portfolio.models import SystemCost

    require(request.user, SystemCost, "view")
    year = request.GET.get("year")
    year = int(year) if year and year.isdigit() else None
    years = sorted(set(SystemCost.objects.values_list("year", flat=True)))
    return TemplateResponse(
        request,
        "portfolio/tco.html",
        {
            "year": year,
            "years": years,
            "by_department": services.tco_rollup("department", year),
            "by_system": services.tco_rollup("system", year)[:25],
            "by_year": sorted(services.tco_rollup("year"), key=lambda r: (r["key"], r["currency"])),
        },
    )


urlpatterns = [
    path("systems/<int:pk>/stage/", move_stage, name="system_stage"),
    path("projects/<int:pk>/go-live/", project_go_live, name="project_go_live"),
    path("graph/", graph, name="graph"),
    path("graph/data/", graph_data, name="graph_data"),
    path("rationalisation/", rationalisation, name="rationalisation"),
    path("renewals/", renewals, name="renewals"),
    path("tco/", tco, name="tco"),
]
