"""Compiled SQL with the filter values left as slots: one Ibis compile per shape of question.

Compiling a spec through Ibis costs 10 to 30 ms, as much as a small query takes to run, and
a question asked with a new filter value (a dashboard filter, the builder, an alert's
threshold) would pay it every time if compiled SQL were kept only per spec. So a spec is
split into its *shape* (everything but the values its filters compare with) and those
values (:func:`split`); the shape is compiled once, with made-up *sentinel* values in their
place, and its SQL is cut at the sentinels' literals (:func:`build`); a spec of that shape
then gets its SQL by putting its own values' literals into the cuts
(:meth:`SqlTemplate.render`), each rendered by the same Ibis compiler that renders it in a
whole compile. The result is the SQL that compiling the spec would give, but for the line
breaks sqlglot's pretty printer puts into a list of values longer than a line (the sentinels'
length decides them), which change no meaning.

Why this cannot loosen a row rule or let a value escape its place: only the values of the
spec's own filters become slots (a row policy's values stay in the compiled text, as do
relative dates, limits and everything else), a value is always rendered as a literal of its
type by Ibis (quoted and escaped as in any compile), and :func:`build` gives up (``None``:
compile every spec of that shape as a whole) unless every sentinel's literal occurs exactly
once in the compiled SQL. A slot's key holds the value's Python type and its literal's Ibis
type, the only things about a value that Ibis's SQL depends on besides the literal itself.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import ibis.backends.sql.compilers as sql_compilers
import ibis.expr.datatypes as dtypes
import ibis.expr.types as ir

from openmis.analytics.catalog import Catalog
from openmis.analytics.compile import filter_literal
from openmis.analytics.spec import NULL_OPS, RELATIVE_OPS, QuerySpec, resolve_column

_SLOT_TYPES = (str, int, float, dt.date, dt.datetime)  # bool (a subclass of int) is kept as is
_INT_BOUNDS = {"int8": 2**7, "int16": 2**15, "int32": 2**31, "int64": 2**63}


@dataclass(frozen=True)
class Slot:
    """A filter value left out of a shape: its Python type, its column's type and its
    literal's Ibis type."""

    pytype: type
    column: dtypes.DataType
    dtype: dtypes.DataType


@dataclass(frozen=True)
class Fixed:
    """A filter value kept in the shape (a boolean): typed, so ``True`` never equals ``1``."""

    pytype: type
    value: Any


def split(spec: QuerySpec, catalog: Catalog) -> tuple[QuerySpec, tuple[ir.Scalar, ...]]:
    """Split a parsed spec into its shape and the literals of its filter values.

    Parameters
    ----------
    spec
        A spec from :func:`openmis.analytics.spec.parse_spec` with the same catalog.
    catalog
        The datasets the reader may read.

    Returns
    -------
    shape : QuerySpec
        The spec with each filter value replaced by a :class:`Slot` (or :class:`Fixed`); it is
        hashable, and equal for specs that differ only in slotted values of the same types.
    literals : tuple of ibis scalar expressions
        The Ibis literals of the slotted values, in slot order, as the compiler builds them.
    """
    info = catalog[spec.dataset]
    literals: list[ir.Scalar] = []
    filters = []
    for f in spec.filters:
        if f.op in RELATIVE_OPS or f.op in NULL_OPS:
            filters.append(f)
            continue
        column = resolve_column(catalog, info, f.column).dtype
        values = f.value if isinstance(f.value, tuple) else (f.value,)
        marks: list[Slot | Fixed] = []
        for value in values:
            if isinstance(value, bool) or not isinstance(value, _SLOT_TYPES):
                marks.append(Fixed(type(value), value))
                continue
            literal = filter_literal(column, value)
            marks.append(Slot(type(value), column, literal.type()))
            literals.append(literal)
        mark = tuple(marks) if isinstance(f.value, tuple) else marks[0]
        filters.append(dataclasses.replace(f, value=mark))
    return dataclasses.replace(spec, filters=tuple(filters)), tuple(literals)


def literal_sql(literal: ir.Scalar, dialect: str) -> str:
    """A literal as Ibis's compiler for ``dialect`` writes it inside a query."""
    compiler = getattr(sql_compilers, dialect).compiler
    op = literal.op()
    node = compiler.visit_Literal(op, value=op.value, dtype=op.dtype)
    return node.sql(dialect=compiler.dialect, pretty=True)


@dataclass(frozen=True)
class SqlTemplate:
    """The SQL of one shape, cut where its slotted values' literals go.

    ``chunks`` are the SQL around the literals, in the order of the text; ``order`` gives, for
    each gap between two chunks, the slot whose literal goes there.
    """

    chunks: tuple[str, ...]
    order: tuple[int, ...]
    dialect: str

    def render(self, literals: Sequence[ir.Scalar]) -> str:
        """The SQL of the spec whose literals (from :func:`split`) are ``literals``."""
        if len(literals) != len(self.order):
            raise ValueError("The literals do not fit this template.")
        parts = [self.chunks[0]]
        for slot, chunk in zip(self.order, self.chunks[1:], strict=True):
            parts += [literal_sql(literals[slot], self.dialect), chunk]
        return "".join(parts)


def build(
    shape: QuerySpec, compile_sql: Callable[[QuerySpec], str], dialect: str, attempts: int = 3
):
    """Compile ``shape`` once with sentinel values and cut its SQL at their literals.

    Parameters
    ----------
    shape
        A shape from :func:`split`.
    compile_sql
        Compiles a spec to SQL in ``dialect`` (the whole compile, row policies included).
    dialect
        The engine's dialect.
    attempts
        Compiles with other sentinels when one's literal occurs elsewhere in the SQL too.

    Returns
    -------
    SqlTemplate or None
        None when the shape cannot be templated safely: no sentinel of a slot's types could
        be made, or a sentinel's literal did not occur exactly once in the SQL.
    """
    for _attempt in range(attempts):
        built = _build_once(shape, compile_sql, dialect)
        if built is not _COLLISION:
            return built
    return None


_COLLISION = object()


def _build_once(shape: QuerySpec, compile_sql: Callable[[QuerySpec], str], dialect: str):
    rng = random.SystemRandom()
    texts: list[str] = []
    filters = []
    for f in shape.filters:
        marks = f.value if isinstance(f.value, tuple) else (f.value,)
        values = []
        for mark in marks:
            if isinstance(mark, Fixed):
                values.append(mark.value)
            elif isinstance(mark, Slot):
                value = _sentinel(mark, rng)
                if value is None:
                    return None
                texts.append(literal_sql(filter_literal(mark.column, value), dialect))
                values.append(value)
            else:  # a relative or null filter's own value
                values.append(mark)
        value = tuple(values) if isinstance(f.value, tuple) else values[0]
        filters.append(dataclasses.replace(f, value=value))
    sql = compile_sql(dataclasses.replace(shape, filters=tuple(filters)))
    if any(sql.count(text) != 1 for text in texts):
        return _COLLISION
    found = sorted((sql.index(text), slot) for slot, text in enumerate(texts))
    chunks, start = [], 0
    for at, slot in found:
        if at < start:  # two literals overlap
            return _COLLISION
        chunks.append(sql[start:at])
        start = at + len(texts[slot])
    chunks.append(sql[start:])
    return SqlTemplate(tuple(chunks), tuple(slot for _at, slot in found), dialect)


def _sentinel(slot: Slot, rng: random.Random) -> Any:
    """A made-up value of the slot's types whose literal is most unlikely to occur in SQL
    otherwise; None when none could be made."""
    for _attempt in range(20):
        value = _candidate(slot, rng)
        if (
            value is not None
            and type(value) is slot.pytype
            and filter_literal(slot.column, value).type() == slot.dtype
        ):
            return value
    return None


def _candidate(slot: Slot, rng: random.Random) -> Any:
    if slot.pytype is str:
        return f"openmis-slot-{secrets.token_hex(12)}"
    if slot.pytype is dt.datetime:
        tz = dt.UTC if slot.dtype.is_timestamp() and slot.dtype.timezone is not None else None
        return dt.datetime(
            rng.randint(1100, 1899),
            rng.randint(1, 12),
            rng.randint(1, 28),
            rng.randint(0, 23),
            rng.randint(0, 59),
            rng.randint(0, 59),
            rng.randint(1, 999_999),
            tzinfo=tz,
        )
    if slot.pytype is dt.date:
        return dt.date(rng.randint(1100, 1899), rng.randint(1, 12), rng.randint(1, 28))
    if slot.pytype is float:
        return rng.uniform(1000, 9999)
    if slot.pytype is int:
        bound = _INT_BOUNDS.get(str(slot.dtype))
        if bound is None:
            return None
        # Negative, with as many digits as the type allows: numbers in SQL text (limits,
        # GROUP BY positions, a rule's values) are mostly small and positive.
        return -rng.randint(max(bound * 3 // 4, 100), bound)
    return None
