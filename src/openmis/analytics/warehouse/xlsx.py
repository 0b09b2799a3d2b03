"""Streaming an XLSX sheet into Parquet batches, a few thousand rows at a time.

DuckDB's own XLSX reader lives in an extension that would be downloaded at run time, which
we do not do. openpyxl in read-only mode streams the first sheet; each batch of rows becomes
a small Parquet file with the types its cells have (or the types asked for), and DuckDB reads
the batches together (``union_by_name`` widens a column whose batches disagree, e.g. whole
numbers in one and decimals in the next).
"""

from __future__ import annotations

import datetime as dt
import zipfile
from collections.abc import Callable, Iterator, Sequence
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from openmis.analytics.errors import ImportFailed
from openmis.analytics.i18n import _, ngettext
from openmis.analytics.warehouse.types import decimal_parts, not_of_type

BATCH_ROWS = 10_000
_TRUE = {"true", "t", "yes", "y", "1"}
_FALSE = {"false", "f", "no", "n", "0"}


def _rows(path: Path) -> Iterator[tuple]:
    import openpyxl  # a third of a second to import: only when a workbook is read
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise ImportFailed(_("The file is not a valid XLSX workbook.")) from None
    try:
        if not workbook.worksheets:
            raise ImportFailed(_("The file is empty."))
        sheet = workbook.worksheets[0]
        yield (sheet.max_row,)
        yield from sheet.iter_rows(values_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, SyntaxError):  # SyntaxError: broken XML
        raise ImportFailed(_("The file is not a valid XLSX workbook.")) from None
    finally:
        workbook.close()


def _names(cells: Sequence[Any]) -> list[str]:
    """Column names from the header row: blanks named ``column<i>``, repeats suffixed
    ``_1``, ``_2`` (case-insensitively, as DuckDB's CSV reader does)."""
    cells = list(cells)
    while cells and cells[-1] is None:
        cells.pop()
    names: list[str] = []
    seen: set[str] = set()
    for i, cell in enumerate(cells):
        base = text(cell).strip() if cell is not None else ""
        base = base or f"column{i}"
        name, n = base, 0
        while name.lower() in seen:
            n += 1
            name = f"{base}_{n}"
        seen.add(name.lower())
        names.append(name)
    return names


def header(path: Path) -> list[str]:
    """The column names of the first sheet."""
    rows = _rows(path)
    try:
        next(rows)
        first = next(rows, None)
    finally:
        rows.close()
    if first is None or all(v is None for v in first):
        raise ImportFailed(_("The file is empty."))
    return _names(first)


def to_parquet(
    path: Path,
    out_dir: Path,
    types: dict[str, str],
    *,
    progress: Callable[[float], None] | None = None,
    max_rows: int | None = None,
    batch_rows: int | None = None,
) -> list[Path]:
    """Write the first sheet of ``path`` as Parquet batches in ``out_dir``.

    Parameters
    ----------
    path
        The workbook.
    out_dir
        An empty scratch directory.
    types
        Columns whose cells must be of a type (canonical type strings); a cell that is not
        raises with its row and column.
    progress
        Called with the fraction of the sheet read, after each batch.
    max_rows
        Stop after this many data rows.
    batch_rows
        Rows per batch (default :data:`BATCH_ROWS`).

    Returns
    -------
    list[Path]
        The batch files, in sheet order (at least one, possibly with no rows).
    """
    batch_rows = batch_rows or BATCH_ROWS
    rows = _rows(path)
    try:
        (total,) = next(rows)
        first = next(rows, None)
        if first is None or all(v is None for v in first):
            raise ImportFailed(_("The file is empty."))
        names = _names(first)
        width = len(names)
        parts: list[Path] = []
        batch: list[tuple[int, Sequence[Any]]] = []
        line, done = 1, 0
        for values in rows:
            line += 1
            if not values or all(v is None for v in values):
                continue
            extra = [i for i in range(width, len(values)) if values[i] is not None]
            if extra:
                message = ngettext(
                    "Row %(line)d: expected %(expected)d column, found %(found)d.",
                    "Row %(line)d: expected %(expected)d columns, found %(found)d.",
                    width,
                )
                params = {"line": line, "expected": width, "found": extra[-1] + 1}
                raise ImportFailed(message % params, line=line)
            batch.append((line, values))
            done += 1
            if len(batch) >= batch_rows:
                parts.append(_write(batch, names, types, out_dir / f"{len(parts):06d}.parquet"))
                batch = []
                if progress is not None:
                    progress(done / total if total else len(parts) / (len(parts) + 1))
            if max_rows is not None and done >= max_rows:
                break
        if batch or not parts:
            parts.append(_write(batch, names, types, out_dir / f"{len(parts):06d}.parquet"))
        if progress is not None:
            progress(1.0)
        return parts
    finally:
        rows.close()


def _write(
    batch: list[tuple[int, Sequence[Any]]], names: list[str], types: dict[str, str], path: Path
) -> Path:
    arrays = []
    for j, name in enumerate(names):
        cells = [(line, values[j] if j < len(values) else None) for line, values in batch]
        if name in types:
            arrays.append(_typed(cells, name, types[name]))
        else:
            arrays.append(_inferred([v for _, v in cells]))
    pq.write_table(pa.Table.from_arrays(arrays, names=names), path)
    return path


def text(value: Any) -> str:
    """A cell as text: ISO dates, ``true``/``false``, whole floats without ``.0``."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _kind(value: Any) -> str:
    for kind, types in (
        ("bool", bool),
        ("int", int),
        ("float", float),
        ("datetime", dt.datetime),
        ("date", dt.date),
        ("time", dt.time),
        ("str", str),
    ):
        if isinstance(value, types):
            return kind
    return "other"


def _inferred(values: list[Any]) -> pa.Array:
    kinds = {_kind(v) for v in values if v is not None}
    if not kinds:
        return pa.nulls(len(values))
    if kinds == {"bool"}:
        return pa.array(values, pa.bool_())
    if kinds == {"int"} and all(v is None or -(2**63) <= v < 2**63 for v in values):
        return pa.array(values, pa.int64())
    if kinds <= {"int", "float"}:
        return pa.array([None if v is None else float(v) for v in values], pa.float64())
    if kinds <= {"datetime", "date"}:
        stamps = [
            v if isinstance(v, dt.datetime) or v is None else dt.datetime.combine(v, dt.time())
            for v in values
        ]
        if all(v is None or v.time() == dt.time() for v in stamps):
            return pa.array([None if v is None else v.date() for v in stamps], pa.date32())
        return pa.array(stamps, pa.timestamp("us"))
    if kinds == {"time"}:
        return pa.array(values, pa.time64("us"))
    return pa.array([None if v is None else text(v) for v in values], pa.string())


def _typed(cells: list[tuple[int, Any]], name: str, canonical: str) -> pa.Array:
    convert, arrow_type = _converter(canonical)
    out = []
    for line, value in cells:
        if value is None or (isinstance(value, str) and not value.strip()):
            out.append(None)
            continue
        try:
            out.append(convert(value))
        except (ValueError, TypeError, AttributeError, InvalidOperation, OverflowError):
            shown = text(value)
            shown = shown if len(shown) <= 40 else shown[:39] + "…"
            raise ImportFailed(
                not_of_type("row", line, name, shown, canonical), line=line, column=name
            ) from None
    return pa.array(out, arrow_type)


def _converter(canonical: str) -> tuple[Callable[[Any], Any], pa.DataType]:
    parts = decimal_parts(canonical)
    if parts:
        return _decimal(*parts), pa.string()
    return {
        "int64": (_int, pa.int64()),
        "float64": (_float, pa.float64()),
        "string": (text, pa.string()),
        "date": (_date, pa.date32()),
        "timestamp": (_timestamp, pa.timestamp("us")),
        "boolean": (_bool, pa.bool_()),
        "time": (_time, pa.time64("us")),
    }[canonical]


def _int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise TypeError
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError
        value = int(value)
    result = int(value.strip()) if isinstance(value, str) else value
    if not -(2**63) <= result < 2**63:
        raise OverflowError
    return result


def _float(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise TypeError
    return float(value)


def _decimal(precision: int, scale: int) -> Callable[[Any], str]:
    quantum = Decimal(1).scaleb(-scale)

    def convert(value: Any) -> str:
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            raise TypeError
        number = Decimal(text(value).strip()).quantize(quantum)
        if not number.is_finite() or len(number.as_tuple().digits) > precision:
            raise ValueError
        return str(number)

    return convert


def _date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(value.strip())


def _timestamp(value: Any) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time())
    return dt.datetime.fromisoformat(value.strip())


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    lowered = str(value).strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ValueError


def _time(value: Any) -> dt.time:
    if isinstance(value, dt.datetime):
        return value.time()
    if isinstance(value, dt.time):
        return value
    return dt.time.fromisoformat(value.strip())
