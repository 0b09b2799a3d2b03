"""The pairwise comparison grid: a stakeholder's judgements of the criteria on Saaty's scale."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views import View

from openmis.appraisal import calc
from openmis.appraisal.calc import saaty
from openmis.appraisal.entry.common import stakeholders, visible_evaluation
from openmis.appraisal.entry.save import save_judgement
from openmis.appraisal.formatting import number_text, percent_text
from openmis.appraisal.models import Evaluation, Judgement
from openmis.core import permissions, registry
from openmis.core.services import ConflictError


def _more_important(name: str, k: int) -> str:
    """How an option of the scale reads: ``name`` is ``k`` times as important (k = 2..9).

    The name and the number come first: a select too narrow for the words still shows
    which criterion wins, and by how much."""
    labels = {
        9: _("%(name)s · 9 · extremely more important"),
        8: _("%(name)s · 8 · very strongly to extremely more important"),
        7: _("%(name)s · 7 · very strongly more important"),
        6: _("%(name)s · 6 · strongly to very strongly more important"),
        5: _("%(name)s · 5 · strongly more important"),
        4: _("%(name)s · 4 · moderately to strongly more important"),
        3: _("%(name)s · 3 · moderately more important"),
        2: _("%(name)s · 2 · equally to moderately more important"),
    }
    return labels[k] % {"name": name}


def scale_options(first: str, second: str) -> list[tuple[str, str]]:
    """The 17 choices of a pair, from ``first`` extremely more important (9) through equal
    (1) to ``second`` extremely more important (1/9), as (value, label)."""
    options = [(str(k), _more_important(first, k)) for k in range(9, 1, -1)]
    options.append(("1", _("1 · equally important")))
    options += [(f"1/{k}", _more_important(second, k)) for k in range(2, 10)]
    return options


def warning_template() -> str:
    """The warning above the consistency threshold, with ``{cr}``, ``{a}`` and ``{b}`` for the
    ratio and the least consistent pair (filled in here and, live, by ahp.js)."""
    return _(
        "The consistency ratio is {cr}, above 0.10: Saaty recommends revising the "
        "judgements. The least consistent is {a} against {b}."
    )


def ratio_text(value: float) -> str:
    """A judgement as the grid writes it: "3", "1/3", or the number for one off the scale."""
    token = saaty.scale_token(value)
    return token if token is not None else number_text(value, 3)


class Grid:
    """The grid of one stakeholder: the criteria, a value (as posted or stored) per pair,
    the errors of the pairs, and the weights and consistency the server computes from it."""

    def __init__(self, criteria, values: dict[tuple[int, int], str]):
        self.criteria = criteria
        self.n = len(criteria)
        self.values = values
        self.errors: dict[tuple[int, int], str] = {}
        self.result = None

    @staticmethod
    def field(a, b) -> str:
        return f"pair-{a.pk}-{b.pk}"

    def parse(self) -> list[list[float]] | None:
        """The full reciprocal matrix, or None with ``errors`` set."""
        upper = {}
        for (i, j), text in self.values.items():
            try:
                upper[(i, j)] = saaty.parse_ratio(text)
            except calc.CalcError:
                self.errors[(i, j)] = _("Choose a judgement from the list.")
        if self.errors:
            return None
        return saaty.reciprocal_matrix(self.n, upper)

    def compute(self) -> None:
        matrix = self.parse()
        if matrix is not None and self.n >= 2:
            self.result = calc.ahp(matrix)

    def rows(self) -> list[dict]:
        """What the template draws: per criterion its cells (a select above the diagonal,
        1 on it, the reciprocal below it) and its weight."""
        rows = []
        for i, a in enumerate(self.criteria):
            cells = []
            for j, b in enumerate(self.criteria):
                if i == j:
                    cells.append({"kind": "diagonal"})
                elif i < j:
                    value = self.values[(i, j)]
                    options = scale_options(a.name, b.name)
                    if value not in {v for v, _label in options}:
                        try:  # a judgement off the scale (sent by the API): kept as it is
                            number = saaty.parse_ratio(value)
                            label = _("As stored: %(value)s") % {"value": number_text(number, 3)}
                        except calc.CalcError:
                            label = value
                        options.append((value, label))
                    cells.append(
                        {
                            "kind": "select",
                            "i": i,
                            "j": j,
                            "name": self.field(a, b),
                            "value": value,
                            "options": options,
                            "other": b,
                            "error": self.errors.get((i, j)),
                        }
                    )
                else:
                    try:
                        text = ratio_text(1 / saaty.parse_ratio(self.values[(j, i)]))
                    except calc.CalcError:
                        text = "?"
                    cells.append({"kind": "reciprocal", "i": j, "j": i, "text": text})
            weight = self.result.weights[i] if self.result else None
            rows.append({"criterion": a, "cells": cells, "weight": percent_text(weight)})
        return rows

    @property
    def consistency(self) -> dict | None:
        if self.result is None:
            return None
        cr = self.result.consistency_ratio
        pair = self.result.most_inconsistent
        too_high = cr > calc.CONSISTENCY_THRESHOLD and pair is not None
        return {
            "ratio": number_text(cr, 3),
            "too_high": too_high,
            "warning": warning_template().format(
                cr=number_text(cr, 3),
                a=self.criteria[pair[0]].name,
                b=self.criteria[pair[1]].name,
            )
            if too_high
            else "",
        }


def _values_from_matrix(criteria, matrix) -> dict[tuple[int, int], str]:
    n = len(criteria)
    return {
        (i, j): ratio_text(float(matrix[i][j])) if matrix else "1"
        for i in range(n)
        for j in range(i + 1, n)
    }


class JudgementView(LoginRequiredMixin, View):
    """A stakeholder's pairwise comparison of an evaluation's criteria: shown (GET), checked
    and shown again ("Calculate", without JavaScript) or saved (POST)."""

    template = "appraisal/judgement_grid.html"  # judgement.html is the detail page

    def setup_for(self, request, pk, requested):
        self.evaluation = visible_evaluation(request.user, pk)
        self.people = stakeholders(request.user, Judgement, requested)
        self.criteria = list(self.evaluation.criteria.order_by("pk"))
        self.judgement = Judgement.objects.filter(
            evaluation=self.evaluation, person=self.people.person
        ).first()
        probe = self.judgement or Judgement(evaluation=self.evaluation, person=self.people.person)
        action = "change" if self.judgement else "add"
        self.editable = permissions.can(request.user, registry.get(Judgement), action, probe)

    def render(self, request, grid, status=200, notice=None, conflict=None):
        context = {
            "evaluation": self.evaluation,
            "object_type": registry.get(Evaluation),
            "people": self.people,
            "judgement": self.judgement,
            "grid": grid,
            "rows": grid.rows() if grid.n >= 2 else [],
            "consistency": grid.consistency,
            "editable": self.editable,
            "notice": notice,
            "conflict": conflict,
            "random_index": list(calc.SAATY_RANDOM_INDEX),
            "threshold": str(calc.CONSISTENCY_THRESHOLD),  # read by ahp.js: not localised
            "warning_template": warning_template(),
            "criteria_ids": " ".join(str(c.pk) for c in self.criteria),
        }
        return TemplateResponse(request, self.template, context, status=status)

    def get(self, request, pk):
        self.setup_for(request, pk, request.GET.get("person"))
        matrix = None
        notice = None
        if self.judgement is not None:
            problem = self.judgement.problem(len(self.criteria))
            if problem is None:
                matrix = self.judgement.matrix
            elif len(self.criteria) >= 2:
                notice = _(
                    "The stored judgement no longer fits the criteria (%(problem)s); the grid "
                    "starts again from equal importance."
                ) % {"problem": problem}
        grid = Grid(self.criteria, _values_from_matrix(self.criteria, matrix))
        grid.compute()
        return self.render(request, grid, notice=notice)

    def post(self, request, pk):
        self.setup_for(request, pk, request.POST.get("person"))
        if not self.editable:
            raise PermissionDenied(
                _("Your role does not allow you to enter the judgements of this stakeholder.")
            )
        grid = Grid(self.criteria, {})
        if request.POST.get("criteria", "") != " ".join(str(c.pk) for c in self.criteria):
            grid.values = _values_from_matrix(self.criteria, None)
            message = _(
                "The criteria of this evaluation changed since the page was loaded; nothing "
                "was saved. Make your judgements again."
            )
            return self.render(request, grid, status=409, conflict=message)
        for i, a in enumerate(self.criteria):
            for j in range(i + 1, len(self.criteria)):
                grid.values[(i, j)] = request.POST.get(Grid.field(a, self.criteria[j]), "")
        grid.compute()
        if grid.errors or request.POST.get("action") == "calculate":
            return self.render(request, grid, status=400 if grid.errors else 200)
        matrix = saaty.reciprocal_matrix(len(self.criteria), grid.values)
        try:
            version = int(request.POST.get("version") or 0) or None
        except ValueError:
            version = None
        try:
            save_judgement(self.evaluation, self.people.person, matrix, request.user, version)
        except ValidationError as error:
            messages_ = [m for msgs in error.message_dict.values() for m in msgs]
            return self.render(request, grid, status=400, conflict=" ".join(messages_))
        except ConflictError as error:
            return self.render(request, grid, status=409, conflict=error.message)
        messages.success(
            request,
            _("Saved the pairwise judgements of %(person)s (consistency ratio %(cr)s).")
            % {"person": self.people.person, "cr": grid.consistency["ratio"]},
        )
        url = reverse("appraisal:judgement-grid", args=[self.evaluation.pk])
        return redirect(f"{url}?{urlencode({'person': self.people.person.pk})}")


class JudgementRedirectView(LoginRequiredMixin, View):
    """``judgements/add/?evaluation=`` and ``judgements/<pk>/edit/`` open the grid."""

    def get(self, request, pk=None):
        if pk is not None:
            judgement = get_object_or_404(registry.get(Judgement).for_user(request.user), pk=pk)
            evaluation, person = judgement.evaluation_id, judgement.person_id
        else:
            evaluation, person = request.GET.get("evaluation"), request.GET.get("person")
        if not str(evaluation or "").isdigit() or not str(person or "0").isdigit():
            messages.info(request, _("Open an evaluation and compare its criteria from there."))
            return redirect(registry.get(Evaluation).url("list"))
        url = reverse("appraisal:judgement-grid", args=[evaluation])
        return redirect(f"{url}?{urlencode({'person': person})}" if person else url)

    def post(self, request, pk=None):
        """A form post that is not the grid's (a script's, with the matrix as JSON text) is
        handled by the generic page, with its permission checks: no page offers that form."""
        from openmis.core.views.generic import ObjectEditView

        view = ObjectEditView.as_view(object_type=registry.get(Judgement))
        return view(request, pk=pk) if pk is not None else view(request)
