"""The pages of the cash-flow grid: every alternative's table of an evaluation, saving one
alternative's table (or adding and deleting draft rows), adding an alternative."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext as _
from django.views import View

from openmis.appraisal.grid.save import execute, plan_save
from openmis.appraisal.grid.table import GarbledGrid, Grid, grid_from_lines, grid_from_post
from openmis.appraisal.models import Alternative, CashFlowLine, Evaluation
from openmis.core import permissions, registry
from openmis.core.services import ConflictError, save_object


def _type(model):
    return registry.get(model)


def line_permissions(user, alternative: Alternative) -> dict[str, bool]:
    """What ``user`` may do with the cash-flow lines of ``alternative``."""
    probe = CashFlowLine(alternative=alternative)
    line_type = _type(CashFlowLine)
    return {
        action: permissions.can(user, line_type, action, probe)
        for action in ("change", "add", "delete")
    }


def _new_alternative(name: str = "", is_status_quo: bool = False, errors=None) -> dict:
    return {"name": name, "is_status_quo": is_status_quo, "errors": errors or []}


def _evaluation_context(request, evaluation, new_alternative=None) -> dict:
    """Every alternative's table of ``evaluation`` and the form to add an alternative (on a
    page of its own, without htmx, the ranges are always shown)."""
    alternatives = evaluation.alternatives.prefetch_related("cash_flows")
    grids = []
    for alternative in alternatives:
        alternative.evaluation = evaluation
        grid = grid_from_lines(alternative, evaluation.horizon_years)
        grid.editable = line_permissions(request.user, alternative)["change"]
        grid.ranges = grid.ranges or not request.htmx
        grids.append(grid)
    return {
        "evaluation": evaluation,
        "grids": grids,
        "category_choices": CashFlowLine.Category.choices,
        "can_add_alternative": permissions.can(
            request.user, _type(Alternative), "add", Alternative(evaluation=evaluation)
        ),
        "new_alternative": new_alternative or _new_alternative(),
    }


def _render_grid(request, grid: Grid, status: int = 200):
    """One alternative's table: the fragment for htmx, a page of its own without it."""
    grid.editable = line_permissions(request.user, grid.alternative)["change"]
    if not request.htmx:
        grid.ranges = True  # without JavaScript the ranges switch cannot show them
    context = {
        "grid": grid,
        "grids": [grid],
        "evaluation": grid.alternative.evaluation,
        "category_choices": CashFlowLine.Category.choices,
    }
    template = "appraisal/_grid_alternative.html" if request.htmx else "appraisal/grid.html"
    return TemplateResponse(request, template, context, status=status)


class EvaluationGridView(LoginRequiredMixin, View):
    """Every alternative's table of an evaluation: loaded into the evaluation page by htmx,
    or a page of its own without JavaScript."""

    def get(self, request, pk):
        if not permissions.can(request.user, _type(CashFlowLine), "view"):
            raise PermissionDenied(_("Your role does not allow you to view cash-flow lines."))
        evaluation = get_object_or_404(_type(Evaluation).queryset(), pk=pk)
        context = _evaluation_context(request, evaluation)
        template = "appraisal/_grid_body.html" if request.htmx else "appraisal/grid.html"
        return TemplateResponse(request, template, context)


class AlternativeGridView(LoginRequiredMixin, View):
    """Post one alternative's table: save it, or add or delete a row of the draft."""

    def post(self, request, pk):
        alternative = get_object_or_404(Alternative.objects.select_related("evaluation"), pk=pk)
        perms = line_permissions(request.user, alternative)
        if not perms["change"]:
            raise PermissionDenied(_("Your role does not allow you to change cash-flow lines."))
        horizon = alternative.evaluation.horizon_years
        try:
            grid = grid_from_post(alternative, horizon, request.POST)
        except GarbledGrid as error:
            grid = grid_from_lines(alternative, horizon)
            grid.errors.append(str(error))
            return _render_grid(request, grid, status=409)

        action = request.POST.get("action", "save")
        if action == "add_row":
            grid.rows.append(grid.blank_row())
            grid.rows[-1].focus = True
            return _render_grid(request, grid)
        if action.startswith("delete:"):
            grid.rows = [r for r in grid.rows if f"delete:{r.index}" != action]
            if not grid.rows:
                grid.rows.append(grid.blank_row())
            return _render_grid(request, grid)
        if action != "save":
            grid.errors.append(_("Unknown action."))
            return _render_grid(request, grid, status=400)

        try:
            plan = plan_save(grid)
        except (GarbledGrid, ConflictError) as error:
            grid = grid_from_post(alternative, horizon, request.POST)  # without half the errors
            grid.errors.append(str(error))
            return _render_grid(request, grid, status=409)
        if grid.has_errors:
            if any(
                {"minimum", "maximum", "cell"} & set(c.errors) for r in grid.rows for c in r.cells
            ):
                grid.ranges = True  # show the inputs the errors are about
            if not grid.errors:
                grid.errors.append(_("Nothing was saved: correct the marked cells."))
            return _render_grid(request, grid, status=400)
        if not plan:
            fresh = grid_from_lines(alternative, horizon)
            fresh.ranges = fresh.ranges or grid.ranges
            fresh.notice = _("Nothing to save: the table is unchanged.")
            return _render_grid(request, fresh)
        missing = [
            action
            for action, needed in (
                ("add", plan.create),
                ("change", plan.update),
                ("delete", plan.delete),
            )
            if needed and not perms[action]
        ]
        if missing:
            raise PermissionDenied(
                _("Your role does not allow you to %(action)s cash-flow lines.")
                % {"action": _(missing[0])}
            )
        try:
            execute(plan, request.user)
        except ConflictError as error:
            grid.errors.append(error.message)
            return _render_grid(request, grid, status=409)
        messages.success(
            request,
            _(
                "Saved the cash flows of %(name)s: %(created)d added, %(changed)d changed, "
                "%(deleted)d removed."
            )
            % {
                "name": alternative.name,
                "created": len(plan.create),
                "changed": len(plan.update),
                "deleted": len(plan.delete),
            },
        )
        if not request.htmx:
            return redirect(_type(Evaluation).url("detail", alternative.evaluation))
        response = _render_grid(request, grid_from_lines(alternative, horizon))
        response["HX-Refresh"] = "true"  # the results, charts and history follow the data
        return response


class AddAlternativeView(LoginRequiredMixin, View):
    """Add an alternative to an evaluation: a name, and whether it keeps the current system."""

    def post(self, request, pk):
        evaluation = get_object_or_404(_type(Evaluation).queryset(), pk=pk)
        alternative = Alternative(
            evaluation=evaluation,
            name=request.POST.get("name", "").strip(),
            is_status_quo=bool(request.POST.get("is_status_quo")),
        )
        if not permissions.can(request.user, _type(Alternative), "add", alternative):
            raise PermissionDenied(_("Your role does not allow you to add alternatives."))
        errors: list[str] = []
        if not alternative.name:
            errors.append(_("Give the alternative a name."))
        elif evaluation.alternatives.filter(name=alternative.name).exists():
            errors.append(_("This evaluation already has an alternative of that name."))
        else:
            try:
                alternative.full_clean()
            except ValidationError as error:
                errors.extend(m for msgs in error.message_dict.values() for m in msgs)
        if errors:
            form = _new_alternative(alternative.name, alternative.is_status_quo, errors)
            if request.htmx:
                context = {"evaluation": evaluation, "new_alternative": form}
                template = "appraisal/_grid_add_alternative.html"
            else:
                context = _evaluation_context(request, evaluation, form)
                template = "appraisal/grid.html"
            return TemplateResponse(request, template, context, status=400)
        save_object(alternative, request.user)
        messages.success(request, _("Added the alternative %(name)s.") % {"name": alternative.name})
        if not request.htmx:
            return redirect(_type(Evaluation).url("detail", evaluation))
        response = TemplateResponse(
            request,
            "appraisal/_grid_add_alternative.html",
            {"evaluation": evaluation, "new_alternative": _new_alternative()},
        )
        response["HX-Refresh"] = "true"  # the new alternative gets its table and results
        return response


urlpatterns: list = [
    path("evaluations/<int:pk>/grid/", EvaluationGridView.as_view(), name="grid"),
    path(
        "evaluations/<int:pk>/grid/alternatives/",
        AddAlternativeView.as_view(),
        name="grid-add-alternative",
    ),
    path("alternatives/<int:pk>/grid/", AlternativeGridView.as_view(), name="grid-save"),
]
