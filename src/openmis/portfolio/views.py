"""Portfolio pages beyond the generic ones: system and project pages, lifecycle moves,
go-live, the dependency graph, rationalisation, renewals and TCO."""

from __future__ import annotations

from datetime import date

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from openmis.core import permissions, registry
from openmis.core.services import ConflictError
from openmis.portfolio import services
from openmis.portfolio.models import DeploymentProject, System


def _require(user, model, action, obj=None):
    if not permissions.can(user, registry.get(model), action, obj):
        raise PermissionDenied(_("Your role does not allow this."))


class StageForm(forms.Form):
    stage = forms.ChoiceField(label=gettext_lazy("Move to stage"), choices=System.Stage.choices)
    date = forms.DateField(label=gettext_lazy("Date"), initial=date.today)
    note = forms.CharField(label=gettext_lazy("Note"), max_length=200, required=False)


def system_context(system, request) -> dict:
    """Everything about a system in one place."""
    from openmis.feedback import services as feedback_services

    costs = services.tco_by_year(system)
    categories = [c for c, _label in system.costs.model.Category.choices]
    return {
        "timeline": services.timeline(system),
        "tco": costs,
        "tco_total": sum(row["total"] for row in costs),
        "tco_chart": {
            "years": [row["year"] for row in costs],
            "series": [
                {
                    "name": str(label),
                    "data": [float(row.get(category, 0)) for row in costs],
                }
                for category, label in system.costs.model.Category.choices
                if any(row.get(category) for row in costs)
            ],
        },
        "categories": categories,
        "contracts": system.contracts.select_related("vendor", "owner"),
        "feeds": system.feeds.select_related("target"),
        "fed_by": system.fed_by.select_related("source"),
        "impact": services.dependents(system, limit=services.IMPACT_SHOWN),
        "impact_total": len(services.dependent_ids(system)),
        "projects": [
            (p, *services.project_status(p)) for p in system.projects.prefetch_related("milestones")
        ],
        "stage_form": StageForm(initial={"stage": _next_stage(system.lifecycle_stage)}),
        "can_move": permissions.can(request.user, registry.get(System), "change", system),
        "graph_url": f"/portfolio/graph/?system={system.pk}",
        **feedback_services.system_feedback(system, request),
    }


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
    system = get_object_or_404(System, pk=pk)
    _require(request.user, System, "change", system)
    form = StageForm(request.POST)
    if form.is_valid():
        try:
            services.move_to_stage(
                system,
                form.cleaned_data["stage"],
                form.cleaned_data["date"],
                request.user,
                form.cleaned_data["note"],
            )
            messages.success(
                request,
                _("%(system)s moved to %(stage)s.")
                % {
                    "system": system,
                    "stage": system.get_lifecycle_stage_display(),
                },
            )
        except (ValidationError, ConflictError) as error:
            text = "; ".join(getattr(error, "messages", [str(error)]))
            messages.error(request, text)
    else:
        messages.error(request, "; ".join(e for errs in form.errors.values() for e in errs))
    return redirect(system.get_absolute_url())


@login_required
def project_go_live(request, pk):
    project = get_object_or_404(DeploymentProject, pk=pk)
    _require(request.user, DeploymentProject, "change", project)
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
    _require(request.user, System, "view")
    system = None
    if request.GET.get("system", "").isdigit():
        system = get_object_or_404(System, pk=request.GET["system"])
    return TemplateResponse(request, "portfolio/graph.html", {"focus": system})


@login_required
def graph_data(request):
    """Nodes and links of the dependency graph (whole, or around ``?system=``) as JSON."""
    _require(request.user, System, "view")
    system = None
    raw = request.GET.get("system", "")
    if raw:
        if not raw.isdigit():
            return JsonResponse({"system": [_("Enter a whole number.")]}, status=400)
        system = get_object_or_404(System, pk=raw)
    return JsonResponse(services.dependency_graph(system))


@login_required
def rationalisation(request):
    _require(request.user, System, "view")
    systems = services.rationalisation()
    quadrants = {"invest": [], "migrate": [], "tolerate": [], "eliminate": []}
    for system in systems:
        quadrants[system.quadrant].append(system)
    chart = [
        {"name": s.name, "value": [s.technical_health, s.business_value], "quadrant": s.quadrant}
        for s in systems
    ]
    return TemplateResponse(
        request, "portfolio/rationalisation.html", {"quadrants": quadrants, "chart": chart}
    )


@login_required
def renewals(request):
    from openmis.portfolio.models import Contract

    _require(request.user, Contract, "view")
    today = date.today()
    rows = [(c, (c.notice_deadline - today).days) for c in services.upcoming_renewals(today)]
    return TemplateResponse(request, "portfolio/renewals.html", {"rows": rows, "today": today})


@login_required
def tco(request):
    from openmis.portfolio.models import SystemCost

    _require(request.user, SystemCost, "view")
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
            "by_year": sorted(services.tco_rollup("year"), key=lambda r: r["key"]),
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
