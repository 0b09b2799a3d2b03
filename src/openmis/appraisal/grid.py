"""The cash-flow grid: enter an alternative's amounts by year and line in one table (htmx).

The grid is another view of the :class:`~openmis.appraisal.models.CashFlowLine` rows: a grid
row is a category and a note, a cell is the line of that row in one year (its amount is the
most likely value, and it may carry its own minimum and maximum for the risk analysis). An
empty cell is no line. Two lines with the same category, note and year go to two grid rows,
so every stored line has exactly one cell and nothing is merged behind the user's back.

Editing happens in the browser; "Save" posts one alternative's whole table, which is checked
cell by cell and written all or nothing through :func:`openmis.core.services.save_object` and
:func:`~openmis.core.services.delete_object` (so every change is audited and a line changed by
someone else meanwhile is a conflict, not an overwrite). "Add row" and the row's delete button
re-render the posted table without writing anything. A successful save answers
``HX-Refresh: true``: the page reloads, and the results, charts and history follow the data.

Posted fields of an alternative's form (few per row: Django accepts 1000 fields a request):
``horizon`` (the horizon the table was drawn for), ``shown`` (``"id:version ..."`` of the
lines the table was drawn from), ``ranges`` (the ranges switch), and per row ``i``:
``r<i>-category``, ``r<i>-note``, ``r<i>-ids`` (``"year:id ..."``), and per year ``t``:
``r<i>-<t>`` (amount), ``r<i>-<t>-min``, ``r<i>-<t>-max``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext as _
from django.views import View

from openmis.appraisal.models import Alternative, CashFlowLine, Evaluation
from openmis.core import permissions, registry
from openmis.core.services import ConflictError, delete_object, save_object

MAX_ROWS = 200
_ROW_FIELD = re.compile(r"^r(\d{1,4})-category$")
_SEPARATORS = re.compile(r"[\s\u00a0\u2009\u202f_']")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
_THOUSANDS = re.compile(r"[+-]?\d{1,3}(,\d{3})+")


class GarbledGrid(Exception):
    """The posted table does not have the shape this view draws (stale page or tampering)."""


# --- the grid in memory -------------------------------------------------------------------


@dataclass
class Cell:
    year: int
    line_id: int | None = None
    amount: str = ""
    minimum: str = ""
    maximum: str = ""
    errors: dict[str, list[str]] = field(default_factory=dict)

    @property
    def has_range(self) -> bool:
        return bool(self.minimum or self.maximum)

    @property
    def is_empty(self) -> bool:
        return not (self.amount or self.minimum or self.maximum)

    @property
    def has_errors(self) -> bool:
        return bool(self.errors)

    @property
    def amount_display(self) -> str:
        return _display(self.amount)

    @property
    def minimum_display(self) -> str:
        return _display(self.minimum)

    @property
    def maximum_display(self) -> str:
        return _display(self.maximum)


@dataclass
class Row:
    index: int
    category: str = ""
    note: str = ""
    cells: list[Cell] = field(default_factory=list)
    errors: dict[str, list[str]] = field(default_factory=dict)
    focus: bool = False  # the row just added: its first field gets the focus

    @property
    def ids(self) -> str:
        return " ".join(f"{c.year}:{c.line_id}" for c in self.cells if c.line_id)

    @property
    def is_blank(self) -> bool:
        return not self.note and all(c.is_empty for c in self.cells)

    @property
    def category_label(self) -> str:
        try:
            return CashFlowLine.Category(self.category).label
        except ValueError:
            return self.category

    @property
    def total(self) -> Decimal | None:
        values = [v for c in self.cells if (v := _quiet_number(c.amount)) is not None]
        return sum(values, Decimal(0)) if values else None


@dataclass
class Grid:
    alternative: Alternative
    horizon: int
    rows: list[Row]
    shown: dict[int, int]  # id -> version of the lines the table was drawn from
    ranges: bool = False
    dirty: bool = False  # holds edits that are not saved
    errors: list[str] = field(default_factory=list)
    beyond_horizon: int = 0
    editable: bool = False  # whether the viewer may change the lines (inputs or plain text)
    notice: str = ""  # information that is not an error

    @property
    def lines_url(self) -> str:
        return f"{registry.get(CashFlowLine).url('list')}?alternative={self.alternative.pk}"

    @property
    def years(self) -> list[int]:
        return list(range(self.horizon + 1))

    @property
    def shown_field(self) -> str:
        return " ".join(f"{pk}:{version}" for pk, version in sorted(self.shown.items()))

    @property
    def next_index(self) -> int:
        return max((r.index for r in self.rows), default=-1) + 1

    @property
    def totals(self) -> list[Decimal | None]:
        totals = []
        for year in self.years:
            values = [
                v for r in self.rows if (v := _quiet_number(r.cells[year].amount)) is not None
            ]
            totals.append(sum(values, Decimal(0)) if values else None)
        return totals

    @property
    def total(self) -> Decimal | None:
        values = [v for v in self.totals if v is not None]
        return sum(values, Decimal(0)) if values else None

    @property
    def has_errors(self) -> bool:
        return bool(
            self.errors or any(r.errors or any(c.errors for c in r.cells) for r in self.rows)
        )

    def blank_row(self) -> Row:
        return Row(self.next_index, cells=[Cell(year) for year in self.years])


def format_amount(value: Decimal | None) -> str:
    """An amount as the grid's inputs show it: ``-1000``, ``1234.50``, ``""`` for none."""
    if value is None:
        return ""
    if value == value.to_integral_value():
        return str(int(value))
    return f"{value:.2f}"


def parse_amount(text: str) -> Decimal:
    """A typed amount: ``-1000``, ``1 000,50`` (also with a minus sign U+2212), ``1,000.50``.

    Raises ValueError with a message for the user otherwise (no exponents, NaN or infinity).
    """
    s = _SEPARATORS.sub("", text).replace("\u2212", "-")
    if "," in s and "." in s:
        s = s.replace(",", "")
    elif _THOUSANDS.fullmatch(s):
        raise ValueError(_("Write the number without thousands separators, e.g. 1000 or 1000.50."))
    else:
        s = s.replace(",", ".")
    if not _NUMBER.fullmatch(s):
        raise ValueError(_("Enter a number."))
    try:
        return Decimal(s)
    except InvalidOperation:  # pragma: no cover - the pattern admits only plain decimals
        raise ValueError(_("Enter a number.")) from None


def _display(text: str) -> str:
    """A stored amount for reading, with thin-space thousands like the results table."""
    value = _quiet_number(text)
    if value is None:
        return text
    shown = f"{value:,.0f}" if value == value.to_integral_value() else f"{value:,.2f}"
    return shown.replace(",", "\u202f")


def _quiet_number(text: str) -> Decimal | None:
    if not text:
        return None
    try:
        return parse_amount(text)
    except ValueError:
        return None


def grid_from_lines(alternative: Alternative, horizon: int) -> Grid:
    """The table of the stored lines of ``alternative`` (rows in the order they were made)."""
    lines = sorted(alternative.cash_flows.all(), key=lambda line: line.pk)
    inside = [line for line in lines if line.year <= horizon]
    subrows: dict[tuple[str, str], list[dict[int, CashFlowLine]]] = {}
    ordered: list[dict[int, CashFlowLine]] = []
    for line in inside:
        group = subrows.setdefault((line.category, line.note), [])
        for sub in group:
            if line.year not in sub:
                sub[line.year] = line
                break
        else:
            group.append({line.year: line})
            ordered.append(group[-1])
    rows = []
    for index, sub in enumerate(ordered):
        first = next(iter(sub.values()))
        cells = []
        for year in range(horizon + 1):
            line = sub.get(year)
            cells.append(
                Cell(year)
                if line is None
                else Cell(
                    year,
                    line.pk,
                    format_amount(line.amount),
                    format_amount(line.minimum),
                    format_amount(line.maximum),
                )
            )
        rows.append(Row(index, first.category, first.note, cells))
    grid = Grid(
        alternative,
        horizon,
        rows,
        shown={line.pk: line.version for line in inside},
        ranges=any(line.minimum is not None or line.maximum is not None for line in inside),
        beyond_horizon=len(lines) - len(inside),
    )
    if not grid.rows:
        grid.rows.append(grid.blank_row())
    return grid


def grid_from_post(alternative: Alternative, horizon: int, data) -> Grid:
    """The table as the browser posted it (raw text, not checked yet)."""
    try:
        posted_horizon = int(data.get("horizon", ""))
        shown = {}
        for pair in data.get("shown", "").split():
            pk, version = pair.split(":")
            shown[int(pk)] = int(version)
    except ValueError:
        raise GarbledGrid(_("The table was not sent whole; reload the page.")) from None
    if posted_horizon != horizon:
        raise GarbledGrid(
            _(
                "The horizon of the evaluation changed since this table was drawn; reload the "
                "page and make your changes again."
            )
        )
    indices = [int(m.group(1)) for key in data if (m := _ROW_FIELD.match(key))]
    if len(indices) > MAX_ROWS:
        raise GarbledGrid(_("A table may have at most %(n)d rows.") % {"n": MAX_ROWS})
    rows = []
    for i in indices:
        try:
            ids = {}
            for pair in data.get(f"r{i}-ids", "").split():
                year, pk = pair.split(":")
                ids[int(year)] = int(pk)
        except ValueError:
            raise GarbledGrid(_("The table was not sent whole; reload the page.")) from None
        cells = [
            Cell(
                year,
                ids.get(year),
                data.get(f"r{i}-{year}", "").strip(),
                data.get(f"r{i}-{year}-min", "").strip(),
                data.get(f"r{i}-{year}-max", "").strip(),
            )
            for year in range(horizon + 1)
        ]
        rows.append(
            Row(i, data.get(f"r{i}-category", ""), data.get(f"r{i}-note", "").strip(), cells)
        )
    grid = Grid(alternative, horizon, rows, shown, ranges=bool(data.get("ranges")), dirty=True)
    if not grid.rows:
        grid.rows.append(grid.blank_row())
    return grid


# --- checking and saving ------------------------------------------------------------------


@dataclass
class Plan:
    """What a save will do: lines to create, to update (with the version they were read at)
    and to delete."""

    create: list[CashFlowLine] = field(default_factory=list)
    update: list[tuple[CashFlowLine, int]] = field(default_factory=list)
    delete: list[tuple[CashFlowLine, int]] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.create or self.update or self.delete)


_FIELDS = ("year", "category", "note", "amount", "minimum", "maximum")


def _add(errors: dict[str, list[str]], key: str, messages_: list[str]) -> None:
    bucket = errors.setdefault(key, [])
    bucket.extend(m for m in messages_ if m not in bucket)


def plan_save(grid: Grid) -> Plan:
    """Check every cell (errors go into the grid) and work out the writes."""
    alternative = grid.alternative
    current = {line.pk: line for line in alternative.cash_flows.all()}
    plan = Plan()
    seen: set[int] = set()  # ids posted in a cell
    kept: set[int] = set()  # ids whose cell still holds an amount
    for row in grid.rows:
        row_has_amount = any(cell.amount for cell in row.cells)
        if row_has_amount and not row.category:
            _add(row.errors, "category", [_("Choose a category.")])
        for cell in row.cells:
            if cell.line_id is not None:
                if cell.line_id in seen or cell.line_id not in grid.shown:
                    raise GarbledGrid(_("The table was not sent whole; reload the page."))
                seen.add(cell.line_id)
            values: dict[str, Decimal | None] = {}
            for name in ("amount", "minimum", "maximum"):
                text = getattr(cell, name)
                try:
                    values[name] = parse_amount(text) if text else None
                except ValueError as error:
                    _add(cell.errors, name, [str(error)])
            if cell.errors:
                continue
            if values["amount"] is None:
                if values["minimum"] is not None or values["maximum"] is not None:
                    _add(cell.errors, "amount", [_("Give the most likely amount as well.")])
                continue  # an empty cell: no line (the line it showed, if any, goes)
            line = current.get(cell.line_id) if cell.line_id else None
            if line is not None:
                kept.add(line.pk)
            if cell.line_id and line is None:
                raise ConflictError(
                    _(
                        "Someone else deleted a cash-flow line of this table meanwhile; reload "
                        "the page and make your changes again."
                    )
                )
            before = {f: getattr(line, f) for f in _FIELDS} if line else None
            instance = line or CashFlowLine(alternative=alternative)
            instance.year = cell.year
            instance.category = row.category
            instance.note = row.note
            instance.amount = values["amount"]
            instance.minimum = values["minimum"]
            instance.maximum = values["maximum"]
            if not row.category:
                continue  # reported on the row once
            try:
                instance.full_clean(exclude=["alternative"])
            except ValidationError as error:
                for name, msgs in error.message_dict.items():
                    if name in ("category", "note"):
                        _add(row.errors, name, msgs)
                    elif name in ("amount", "minimum", "maximum"):
                        _add(cell.errors, name, msgs)
                    else:  # year or the whole line
                        _add(cell.errors, "cell", msgs)
                continue
            if line is None:
                plan.create.append(instance)
            elif before != {f: getattr(instance, f) for f in _FIELDS}:
                plan.update.append((instance, grid.shown[line.pk]))
    for pk, version in grid.shown.items():
        if pk not in kept and pk in current:
            plan.delete.append((current[pk], version))
    return plan


def execute(plan: Plan, user) -> None:
    """Make the planned writes, all or none; raises ConflictError if a line changed meanwhile."""
    with transaction.atomic():
        for line, version in plan.delete:
            now = (
                CashFlowLine.objects.select_for_update()
                .filter(pk=line.pk)
                .values_list("version", flat=True)
                .first()
            )
            if now is None:
                continue  # already gone: what we wanted
            if now != version:
                raise ConflictError(
                    _(
                        "Someone else changed a line you removed (%(line)s) while you were "
                        "editing; reload the page and make your changes again."
                    )
                    % {"line": line}
                )
            delete_object(line, user)
        for line, version in plan.update:
            save_object(line, user, version)
        for line in plan.create:
            save_object(line, user)


# --- views --------------------------------------------------------------------------------


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
