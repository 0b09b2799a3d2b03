"""Checking a posted cash-flow table cell by cell and writing it all or nothing."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from openmis.appraisal.grid.table import GarbledGrid, Grid, parse_amount
from openmis.appraisal.models import CashFlowLine
from openmis.core.services import ConflictError, delete_object, save_object


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
