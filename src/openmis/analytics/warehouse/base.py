"""What every warehouse engine offers: results, load results, and the engine interface."""

from __future__ import annotations

import datetime as dt
import math
import uuid
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import ibis.backends.sql.dialects  # noqa: F401  (before any SQL is written: see the package)
import sqlglot.expressions as sge

from openmis.analytics.catalog import Location
from openmis.analytics.errors import QueryFailed
from openmis.analytics.i18n import _

Progress = Callable[[float], None]

#: Rows fetched from the engine at a time while a result is streamed (exports).
STREAM_BATCH_ROWS = 10_000


def json_value(value: Any) -> Any:
    """A value as plain JSON: numbers, strings, booleans, ``None``, lists and objects.

    Decimals become ``int`` when integral and ``float`` otherwise; dates, times and
    timestamps become ISO strings; NaN and infinities become ``None``; bytes become hex;
    UUIDs and anything else unknown become strings.
    """
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, Decimal):
        if not value.is_finite():
            return None
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).hex()
    if isinstance(value, list | tuple):
        return [json_value(v) for v in value]
    if isinstance(value, dict):
        return {str(k): json_value(v) for k, v in value.items()}
    if isinstance(value, uuid.UUID | dt.timedelta):
        return str(value)
    return str(value)


@dataclass(frozen=True)
class Result:
    """The rows a query returned, at most the row cap; ``truncated`` says more were there."""

    columns: list[str]
    rows: list[list]
    truncated: bool
    elapsed_ms: float

    def to_json(self) -> dict:
        """The result as the API returns it: ``{"columns", "rows", "truncated"}``, JSON-safe."""
        return {
            "columns": list(self.columns),
            "rows": [[json_value(v) for v in row] for row in self.rows],
            "truncated": self.truncated,
        }


@dataclass(frozen=True)
class LoadResult:
    """A loaded dataset version: where it lives, its columns (name -> type) and row count."""

    location: Location
    columns: dict[str, str]
    row_count: int


class Warehouse(ABC):
    """An engine holding dataset versions: load files, run read-only SQL, profile, drop.

    Each engine is safe to use from several threads of one process, and from several
    processes at once (web workers, the task worker and the CLI).
    """

    dialect: str = ""
    profile_timeout: float = 300.0

    def __init__(self, *, data_dir: Path, memory_limit: str = "2GB", threads: int = 2):
        self.data_dir = Path(data_dir)
        self.memory_limit = memory_limit
        self.threads = threads

    @property
    def tmp_dir(self) -> Path:
        """Scratch space of this engine (spilled XLSX batches, DuckDB spill files)."""
        return self.data_dir / "tmp"

    def sniff(
        self, source: Path, *, fmt: str | None = None, sample_rows: int = 20
    ) -> tuple[dict[str, str], list[list]]:
        """Preview a file before loading it: its inferred columns and its first rows.

        Parameters
        ----------
        source
            The file.
        fmt
            ``csv``, ``xlsx``, ``parquet`` or ``json``; ``None`` takes it from the suffix.
        sample_rows
            How many rows to return.

        Returns
        -------
        tuple[dict[str, str], list[list]]
            Column name -> type, and up to ``sample_rows`` rows of JSON-safe values.

        Raises
        ------
        ImportFailed
            The file cannot be read; the message says where and why.
        """
        from openmis.analytics.warehouse import reading

        return reading.sniff(
            source, fmt=fmt, sample_rows=sample_rows, tmp_root=self.tmp_dir, threads=self.threads
        )

    @abstractmethod
    def load(
        self,
        source: Path,
        *,
        key: str,
        version: int,
        fmt: str | None = None,
        column_types: dict[str, str] | None = None,
        append_to: Location | None = None,
        progress: Progress | None = None,
    ) -> LoadResult:
        """Load a file as version ``version`` of dataset ``key``; see the engines."""

    @abstractmethod
    def execute(
        self,
        sql: str,
        *,
        locations: Iterable[Location],
        timeout: float = 30.0,
        row_cap: int = 100_000,
        params: Sequence | None = None,
    ) -> Result:
        """Run one read-only query over the given dataset versions; see the engines."""

    def stream(
        self,
        sql: str,
        *,
        locations: Iterable[Location],
        timeout: float = 30.0,
        row_cap: int = 100_000,
        batch_rows: int = STREAM_BATCH_ROWS,
    ) -> Iterator[list]:
        """Run one read-only query and yield its column names, then its rows in batches.

        For exports: the engines that can read a result bit by bit (DuckDB, PostgreSQL) never
        hold more than ``batch_rows`` rows; at most ``row_cap`` rows are yielded. The query
        runs when the first item (the column names) is asked for, so errors surface there.
        Values are JSON-safe (:func:`json_value`). This fallback reads the whole result.
        """
        result = self.execute(sql, locations=locations, timeout=timeout, row_cap=row_cap)
        yield list(result.columns)
        for start in range(0, len(result.rows), batch_rows):
            yield [[json_value(v) for v in row] for row in result.rows[start : start + batch_rows]]

    def discard_partial(self, key: str, version: int) -> None:
        """Delete what an import of ``version`` that never finished left behind (engines
        writing a new version in a transaction leave nothing)."""
        return None

    @abstractmethod
    def drop(self, location: Location) -> None:
        """Delete one dataset version's data."""

    @abstractmethod
    def location(self, key: str, version: int) -> Location:
        """Where version ``version`` of dataset ``key`` lives in this engine."""

    def external_location(self, reference: str) -> Location:
        """Where an existing table of a configured external database lives, read in place.

        Raises
        ------
        QueryFailed
            The reference names no table this engine can reach.
        """
        raise QueryFailed(
            _("This warehouse (%(engine)s) cannot register external tables.")
            % {"engine": self.dialect}
        )

    def describe(self, location: Location) -> dict[str, str]:
        """The columns (name -> canonical type) of the table at ``location``.

        Raises
        ------
        QueryFailed
            There is no such table, or it has no columns.
        """
        catalog_test = "table_catalog = ? AND " if location.catalog else ""
        params = [location.catalog] if location.catalog else []
        sql = (
            "SELECT column_name, data_type, numeric_precision, numeric_scale "  # noqa: S608
            "FROM information_schema.columns WHERE "  # (fixed text; the names are parameters)
            f"{catalog_test}table_schema = ? AND table_name = ? ORDER BY ordinal_position"
        )
        if self.dialect == "postgres":
            sql = sql.replace("?", "%s")
        result = self.execute(
            sql, locations=[location], params=[*params, location.database, location.table]
        )
        if not result.rows:
            raise QueryFailed(
                _("No table %(table)s was found in the database.")
                % {"table": f"{location.database}.{location.table}"}
            )
        return {
            name: self._canonical(kind, precision, scale)
            for name, kind, precision, scale in result.rows
        }

    def _canonical(self, data_type: str, precision, scale) -> str:
        from openmis.analytics.warehouse.types import from_postgres

        return from_postgres(data_type.lower(), precision, scale)

    def profile(self, location: Location, columns: dict[str, str], *, top: int = 5) -> dict:
        """Summarise a dataset version, computed by the engine.

        Parameters
        ----------
        location
            The dataset version.
        columns
            Its columns (name -> type), as :meth:`load` returned them.
        top
            How many of the most frequent values to list per column.

        Returns
        -------
        dict
            ``{"row_count": n, "columns": {name: {"nulls", "distinct", "min", "max",
            "top": [[value, count], ...]}}}``, JSON-safe; the most frequent values first,
            ties by value.
        """

        def ident(name: str) -> str:
            return sge.to_identifier(name, quoted=True).sql(self.dialect)

        table = sge.table_(
            location.table, db=location.database, catalog=location.catalog, quoted=True
        ).sql(self.dialect)
        parts = ["COUNT(*)"]
        for name, type_name in columns.items():
            col = ident(name)
            low, high = f"MIN({col})", f"MAX({col})"
            if type_name == "boolean":
                flag = f"CASE WHEN {col} THEN 1 WHEN NOT {col} THEN 0 END"
                low, high = f"MIN({flag})", f"MAX({flag})"
            parts += [f"COUNT(*) - COUNT({col})", f"COUNT(DISTINCT {col})", low, high]
        # Here and below, the interpolated parts are our own quoted identifiers.
        summary = f"SELECT {', '.join(parts)} FROM {table}"  # noqa: S608
        totals = self._profile_query(summary, location)
        row = totals.rows[0]
        out: dict[str, Any] = {"row_count": int(row[0]), "columns": {}}
        for i, (name, type_name) in enumerate(columns.items()):
            nulls, distinct, low, high = row[1 + 4 * i : 5 + 4 * i]
            if type_name == "boolean":
                low, high = (None if v is None else bool(v) for v in (low, high))
            col = ident(name)
            frequent = (
                f"SELECT {col}, COUNT(*) AS n FROM {table} WHERE {col} IS NOT NULL "  # noqa: S608
                f"GROUP BY {col} ORDER BY n DESC, {col} ASC LIMIT {int(top)}"
            )
            tops = self._profile_query(frequent, location)
            out["columns"][name] = {
                "nulls": int(nulls),
                "distinct": int(distinct),
                "min": json_value(low),
                "max": json_value(high),
                "top": [[json_value(v), int(n)] for v, n in tops.rows],
            }
        return out

    def _profile_query(self, sql: str, location: Location) -> Result:
        return self.execute(sql, locations=[location], timeout=self.profile_timeout)


@dataclass
class LoadSession:
    """One engine's side of loading a file: what :meth:`FileLoadingWarehouse.load` needs
    between opening the new version and switching it in.

    Attributes
    ----------
    reader
        The DuckDB connection that scans the file.
    expect
        When appending: the columns (name -> type) of the version appended to; else None.
    consume
        ``(plan, progress) -> value``: write the rows of a typed plan into the new version,
        starting from scratch each time (see :func:`~.reading.read`).
    finish
        ``(value) -> (columns, row_count)``: the new version's columns and rows, given what
        the last ``consume`` returned.
    """

    reader: Any
    expect: dict[str, str] | None
    consume: Callable[[Any, Progress | None], Any]
    finish: Callable[[Any], tuple[dict[str, str], int]]


class FileLoadingWarehouse(Warehouse):
    """An engine that loads files into versions of its own (the embedded engine, PostgreSQL).

    Every such engine reads a file the same way (DuckDB's readers, the same type inference and
    error messages, progress from the calling thread); it differs only in where it writes the
    rows and how it switches a new version in, which :meth:`_load_session` supplies.
    """

    def load(
        self,
        source: Path,
        *,
        key: str,
        version: int,
        fmt: str | None = None,
        column_types: dict[str, str] | None = None,
        append_to: Location | None = None,
        progress: Progress | None = None,
        max_line_size: int | None = None,
    ) -> LoadResult:
        """Load a file as a new, immutable version ``version`` of dataset ``key``.

        Parameters
        ----------
        source
            The file: CSV/TSV/TXT, XLSX (first sheet), Parquet, JSON (array or one object
            per line).
        key, version
            The dataset and the new version number.
        fmt
            The format, when the suffix does not say it.
        column_types
            Column -> type overrides (Ibis type strings).
        append_to
            A previous version: the new version holds its rows, then the file's rows. The
            file's columns must match it by name.
        progress
            Called with the fraction done (0 to 1), from the calling thread.
        max_line_size
            The longest CSV line accepted, in bytes (default: ``files.DEFAULT_MAX_LINE_SIZE``).

        Returns
        -------
        LoadResult
            The new version's location, columns and row count.

        Raises
        ------
        ImportFailed
            The file could not be loaded; nothing was written and no version was touched.
        """
        from openmis.analytics.warehouse import reading
        from openmis.analytics.warehouse.files import DEFAULT_MAX_LINE_SIZE

        with self._load_session(key, version, append_to) as session:
            value = reading.read(
                session.reader,
                source,
                session.consume,
                fmt=fmt,
                column_types=column_types,
                expect=session.expect,
                max_line_size=DEFAULT_MAX_LINE_SIZE if max_line_size is None else max_line_size,
                tmp_root=self.tmp_dir,
                progress=progress,
            )
            columns, row_count = session.finish(value)
        if progress is not None:
            progress(1.0)
        return LoadResult(self.location(key, version), columns, int(row_count))

    @abstractmethod
    def _load_session(
        self, key: str, version: int, append_to: Location | None
    ) -> AbstractContextManager[LoadSession]:
        """Open version ``version`` of ``key`` for writing (holding ``append_to``'s rows
        first, when given); on leaving without an error, switch it in; on an error, leave
        nothing behind and raise :class:`~openmis.analytics.errors.ImportFailed`."""
