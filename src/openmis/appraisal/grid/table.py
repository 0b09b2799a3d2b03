"""The cash-flow grid in memory: cells, rows and tables, built from the stored lines or from
the posted form, and the amounts as typed and shown."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from openmis.appraisal.models import Alternative, CashFlowLine
from openmis.core import registry

MAX_ROWS = 200
_ROW_FIELD = re.compile(r"^r(\d{1,4})-category$")
_SEPARATORS = re.compile(r"[\s\u00a0\u2009\u202f_']")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
_THOUSANDS = re.compile(r"[+-]?\d{1,3}(,\d{3})+")


class GarbledGrid(Exception):
    """The posted table does not have the shape this view draws (stale page or tampering)."""


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
