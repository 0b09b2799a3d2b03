"""Reading uploaded files with DuckDB's native readers, for every engine.

A file is never read into Python memory as a whole: CSV, Parquet and JSON are scanned by
DuckDB (``read_csv``, ``read_parquet``, ``read_json``), and an XLSX sheet is streamed with
openpyxl in batches written as small Parquet files that DuckDB then scans the same way. The
result of reading is a :class:`Plan`: one ``SELECT`` over the reader whose columns already have
the dataset's types, which an engine consumes (``CREATE TABLE AS`` in DuckDB, Arrow batches
copied into PostgreSQL).

Engine errors are turned into sentences a user can act on, with the line and the column when
DuckDB knows them (``Line 4: expected 3 columns, found 5.``): see :mod:`.diagnose`.
"""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TypeVar

import duckdb

from openmis.analytics.errors import ImportFailed
from openmis.analytics.i18n import _
from openmis.analytics.warehouse import localised, xlsx
from openmis.analytics.warehouse.base import Progress, json_value
from openmis.analytics.warehouse.diagnose import translate
from openmis.analytics.warehouse.files import (
    DEFAULT_MAX_LINE_SIZE,
    Source,
    open_source,
    quote_ident,
    reader_sql,
    scratch_connection,
)
from openmis.analytics.warehouse.types import (
    normalise_duckdb,
    not_of_type,
    parse_type,
    to_duckdb,
)

T = TypeVar("T")


@dataclass(frozen=True)
class Plan:
    """A ``SELECT`` over a file whose columns have the dataset's types, and those types."""

    sql: str
    columns: dict[str, str]


def resolve_types(
    column_types: dict[str, str] | None, expect: dict[str, str] | None
) -> dict[str, str]:
    """The user's type overrides, validated; when appending they must agree with ``expect``."""
    overrides = {name: parse_type(t, name) for name, t in (column_types or {}).items()}
    for name, canonical in overrides.items():
        if expect and name in expect and expect[name] != canonical:
            raise ImportFailed(
                _(
                    'Column "%(column)s" is %(type)s in the version appended to; '
                    "it cannot be loaded as %(new_type)s."
                )
                % {"column": name, "type": expect[name], "new_type": canonical},
                column=name,
            )
    return overrides


def plan(
    con: duckdb.DuckDBPyConnection,
    source: Source,
    *,
    overrides: dict[str, str],
    expect: dict[str, str] | None = None,
    full_sample: bool = False,
    validate: bool = True,
) -> Plan:
    """Describe the file with DuckDB and build the typed ``SELECT`` that reads it.

    A CSV file's numbers and dates written the Polish way are converted by DuckDB (see
    :mod:`.localised`); ``validate`` false decides their types from a sample alone (a
    preview)."""
    reader = reader_sql(source, full_sample=full_sample)
    described = con.execute(f"DESCRIBE SELECT * FROM {reader}").fetchall()  # noqa: S608 -- ours
    found = {row[0]: row[1] for row in described}
    if source.fmt == "json" and list(found.items()) == [("json", "JSON")]:
        raise ImportFailed(
            _("The file holds no JSON objects; use an array of objects or one object per line.")
        )
    for name in overrides:
        if name not in found:
            raise ImportFailed(
                _('Column "%(column)s" is not in the file.') % {"column": name}, column=name
            )
    if expect is not None:
        _check_columns(list(found), expect)
    wanted = {**(expect or {}), **overrides}
    converted = (
        localised.detect(con, source, found, wanted, validate=validate)
        if source.fmt == "csv"
        else {}
    )
    # DuckDB's CSV reader rounds "100.50" into a whole-number column; such columns are read as
    # text and checked, so a fraction is an error with its line instead of a silent change.
    whole = (
        [n for n, t in overrides.items() if t == "int64" and n not in converted]
        if source.fmt == "csv"
        else []
    )
    if source.fmt == "csv" and (wanted or converted):
        # Typed by the CSV reader itself, so a value that does not fit is reported by line.
        types = {name: to_duckdb(t) for name, t in wanted.items()}
        types.update(dict.fromkeys([*whole, *converted], "VARCHAR"))
        reader = reader_sql(source, types=types, full_sample=full_sample)
        for name in whole:
            _check_whole_numbers(con, reader, name)
    selects, columns = [], {}
    for name, duck_type in found.items():
        col = quote_ident(name)
        if name in converted:
            columns[name] = converted[name].canonical
            expr = localised.expression(col, converted[name])
        elif name in wanted:
            columns[name] = wanted[name]
            if name in whole:
                expr = f"CAST(trim({col}) AS BIGINT)"
            elif source.fmt == "csv":
                expr = col
            else:
                expr = f"CAST({col} AS {to_duckdb(wanted[name])})"
        else:
            columns[name], expr = normalise_duckdb(duck_type, col)
        selects.append(f"{expr} AS {col}")
    # Our own quoted identifiers and literals only.
    return Plan(f"SELECT {', '.join(selects)} FROM {reader}", columns)  # noqa: S608


def _check_whole_numbers(con: duckdb.DuckDBPyConnection, reader: str, name: str) -> None:
    """Refuse the first value of text column ``name`` that is not a whole number, by line."""
    col = quote_ident(name)
    # Our own quoted identifier and reader; the file is read in order (one line per row).
    bad = con.execute(
        f"SELECT n, v FROM (SELECT row_number() OVER () AS n, {col} AS v FROM {reader}) "  # noqa: S608
        "WHERE v IS NOT NULL AND trim(v) <> '' "
        "AND NOT regexp_full_match(trim(v), '[+-]?[0-9]{1,18}') ORDER BY n LIMIT 1"
    ).fetchone()
    if bad is not None:
        line = int(bad[0]) + 1  # the header is line 1
        raise ImportFailed(not_of_type("line", line, name, bad[1], "int64"), line=line, column=name)


def _check_columns(found: list[str], expect: dict[str, str]) -> None:
    missing = [c for c in expect if c not in found]
    unexpected = [c for c in found if c not in expect]
    params = {
        "missing": ", ".join(f'"{c}"' for c in missing),
        "unexpected": ", ".join(f'"{c}"' for c in unexpected),
    }
    if missing and unexpected:
        message = _(
            "The file's columns do not match the version appended to: missing %(missing)s; "
            "unexpected %(unexpected)s."
        )
    elif missing:
        message = _("The file's columns do not match the version appended to: missing %(missing)s.")
    elif unexpected:
        message = _(
            "The file's columns do not match the version appended to: unexpected %(unexpected)s."
        )
    else:
        return
    raise ImportFailed(message % params)


def read(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    consume: Callable[[Plan, Progress | None], T],
    *,
    fmt: str | None = None,
    column_types: dict[str, str] | None = None,
    expect: dict[str, str] | None = None,
    max_line_size: int = DEFAULT_MAX_LINE_SIZE,
    tmp_root: Path,
    progress: Progress | None = None,
    xlsx_max_rows: int | None = None,
    validate: bool = True,
) -> T:
    """Read a file in ``con`` and hand the typed plan to ``consume``.

    Parameters
    ----------
    con
        The DuckDB connection that scans the file.
    path
        The file.
    consume
        Called with the plan and a progress callback; its result is returned. It may be
        called again when the first attempt met a value that the sampled types did not fit
        (the file is then typed from all its rows), so it must start from scratch each time.
    fmt
        ``csv``, ``tsv``, ``txt``, ``xlsx``, ``parquet``, ``json``, ``jsonl`` or ``ndjson``;
        ``None`` takes it from the suffix.
    column_types
        Type overrides (column -> Ibis type string).
    expect
        When appending: the columns (and types) of the version appended to.
    max_line_size
        The longest CSV line (or JSON object) accepted, in bytes.
    tmp_root
        Where XLSX batches are spilled.
    progress
        Called with the fraction done, from the calling thread.
    xlsx_max_rows
        Read at most this many rows of an XLSX sheet (previews).
    validate
        Check every value of a CSV column converted from Polish numbers or dates; ``False``
        decides from a sample (previews).

    Raises
    ------
    ImportFailed
        The file cannot be read as asked; the message says where and why.
    """
    source = open_source(path, fmt, max_line_size)
    overrides = resolve_types(column_types, expect)
    if progress is not None:
        progress(0.0)
    with contextlib.ExitStack() as stack:
        consume_progress = progress
        if source.fmt == "xlsx":
            tmp_root.mkdir(parents=True, exist_ok=True)
            spill = Path(stack.enter_context(tempfile.TemporaryDirectory(dir=tmp_root)))
            names = xlsx.header(source.path)
            for name in overrides:
                if name not in names:
                    raise ImportFailed(
                        _('Column "%(column)s" is not in the file.') % {"column": name},
                        column=name,
                    )
            parts = xlsx.to_parquet(
                source.path,
                spill,
                {**(expect or {}), **overrides},
                progress=_scaled(progress, 0.0, 0.5),
                max_rows=xlsx_max_rows,
            )
            source = replace(source, parts=tuple(parts))
            consume_progress = _scaled(progress, 0.5, 1.0)
        full_sample = False
        while True:
            try:
                typed = plan(
                    con,
                    source,
                    overrides=overrides,
                    expect=expect,
                    full_sample=full_sample,
                    validate=validate,
                )
                return consume(typed, consume_progress)
            except duckdb.Error as exc:
                if not full_sample and _sample_was_wrong(source, exc):
                    full_sample = True
                    continue
                raise translate(con, source, exc, {**(expect or {}), **overrides}) from None


def _scaled(progress: Progress | None, low: float, high: float) -> Progress | None:
    if progress is None:
        return None
    return lambda fraction: progress(low + (high - low) * max(0.0, min(1.0, fraction)))


def _sample_was_wrong(source: Source, exc: duckdb.Error) -> bool:
    text = str(exc)
    if source.fmt == "csv":
        return "auto-detected from the CSV file" in text
    return source.fmt == "json" and "JSON transform error" in text


def sniff(
    path: Path,
    *,
    fmt: str | None = None,
    sample_rows: int = 20,
    tmp_root: Path,
    threads: int = 2,
) -> tuple[dict[str, str], list[list]]:
    """The inferred columns of a file and its first rows (JSON-safe), without loading it."""
    con = scratch_connection(threads=threads)
    try:

        def preview(typed: Plan, _progress: Progress | None) -> tuple[dict[str, str], list[list]]:
            first = f"SELECT * FROM ({typed.sql}) LIMIT {int(sample_rows)}"  # noqa: S608 -- ours
            rows = con.execute(first).fetchall()
            return typed.columns, [[json_value(v) for v in row] for row in rows]

        return read(
            con,
            path,
            preview,
            fmt=fmt,
            tmp_root=tmp_root,
            xlsx_max_rows=max(int(sample_rows), xlsx.BATCH_ROWS),
            validate=False,
        )
    finally:
        con.close()
