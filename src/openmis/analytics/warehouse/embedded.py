"""The default engine: DuckDB, one immutable file per dataset version.

DuckDB lets one process at a time open a database file for writing, while web workers, the
task worker and the CLI are separate processes. So nothing is ever written to a file a query
may read: an import writes ``<root>/<key>/v<version>.duckdb.tmp-<random>`` with its own
connection and renames it into place when complete; queries run on warm in-memory
connections that ATTACH the version files ``READ_ONLY`` and are then locked down (no file
access, no extensions, no settings) before any user SQL runs.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

import duckdb

from openmis.analytics.catalog import Location
from openmis.analytics.errors import ImportFailed, QueryFailed
from openmis.analytics.i18n import _
from openmis.analytics.warehouse import connections, reading
from openmis.analytics.warehouse.base import (
    STREAM_BATCH_ROWS,
    FileLoadingWarehouse,
    LoadSession,
    Progress,
    Result,
)
from openmis.analytics.warehouse.diagnose import first_line
from openmis.analytics.warehouse.files import quote_ident, quote_literal
from openmis.analytics.warehouse.types import normalise_duckdb

_KEY = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,50}")
_ALIAS = re.compile(r"(?P<key>[A-Za-z][A-Za-z0-9_]{0,50})_v(?P<version>\d{1,12})")
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,62}")
_FILE = re.compile(r"v(\d{1,12})\.duckdb")
_STALE_TMP_SECONDS = 24 * 3600


def check_key(key: str, version: int) -> None:
    """Refuse a dataset key or version that cannot name a file and a table safely."""
    if not isinstance(key, str) or not _KEY.fullmatch(key):
        raise ValueError(f"Invalid dataset key {key!r}: use letters, digits and underscores.")
    if isinstance(version, bool) or not isinstance(version, int) or version < 0:
        raise ValueError(f"Invalid dataset version {version!r}.")


class DuckDBWarehouse(FileLoadingWarehouse):
    """Dataset versions as DuckDB files under ``root``; queries on warm read-only connections.

    Parameters
    ----------
    root
        The directory holding ``<key>/v<version>.duckdb``.
    data_dir
        The data directory (scratch space lives in ``data_dir/tmp``).
    memory_limit, threads
        DuckDB's limits for each query connection and each import.
    """

    dialect = "duckdb"

    def __init__(
        self,
        root: Path,
        *,
        data_dir: Path,
        memory_limit: str = "2GB",
        threads: int = 2,
        external: dict[str, Path] | None = None,
    ):
        super().__init__(data_dir=data_dir, memory_limit=memory_limit, threads=threads)
        self.root = Path(root)
        self.external = {name: Path(path) for name, path in (external or {}).items()}

    def external_location(self, reference: str) -> Location:
        """``source.table`` or ``source.schema.table`` of a configured external DuckDB file,
        attached read-only under the alias ``x_<source>``."""
        parts = reference.strip().split(".")
        if len(parts) == 2:
            parts.insert(1, "main")
        if len(parts) != 3 or not all(_IDENT.fullmatch(p) for p in parts):
            raise QueryFailed(
                _(
                    "Name the external table as source.table or source.schema.table "
                    "(letters, digits and underscores)."
                )
            )
        source, schema, table = parts
        if source not in self.external:
            if self.external:
                message = _("Unknown external database %(name)s (configured: %(known)s).")
            else:
                message = _("Unknown external database %(name)s (configured: none).")
            raise QueryFailed(
                message % {"name": repr(source), "known": ", ".join(sorted(self.external))}
            )
        return Location(catalog=f"x_{source}", database=schema, table=table)

    def _canonical(self, data_type: str, precision, scale) -> str:
        return normalise_duckdb(data_type, '"c"')[0]

    # --- naming ------------------------------------------------------------------------------

    def location(self, key: str, version: int) -> Location:
        """``Location(catalog="<key>_v<version>", database="main", table="data")``."""
        check_key(key, version)
        return Location(catalog=f"{key}_v{version}", database="main", table="data")

    def path(self, key: str, version: int) -> Path:
        """The file of one dataset version."""
        check_key(key, version)
        return self.root / key / f"v{version}.duckdb"

    def file_of(self, location: Location) -> Path:
        """The file a location names (the catalog alias is derived from the file name)."""
        catalog = location.catalog or ""
        if catalog.startswith("x_") and catalog[2:] in self.external:
            return self.external[catalog[2:]]
        match = _ALIAS.fullmatch(catalog)
        if not match or location.database != "main" or location.table != "data":
            raise ValueError(f"Not a location of this warehouse: {location!r}")
        return self.path(match["key"], int(match["version"]))

    # --- loading -----------------------------------------------------------------------------

    @contextlib.contextmanager
    def _load_session(
        self, key: str, version: int, append_to: Location | None
    ) -> Iterator[LoadSession]:
        """Write the new version to a temporary file with its own connection; rename it into
        place when complete (a query never sees a file being written)."""
        target = self.path(key, version)
        previous = self.file_of(append_to) if append_to is not None else None
        if previous is not None and not previous.exists():
            raise ImportFailed(_("The version to append to no longer exists."))
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f"{target.name}.tmp-{secrets.token_hex(8)}")
        try:
            con = duckdb.connect(str(tmp), config=self._config())
            try:
                con.execute("SET enable_progress_bar = true")
                con.execute("SET enable_progress_bar_print = false")
                expect = None
                if previous is not None:
                    con.execute(f"ATTACH {quote_literal(str(previous))} AS previous (READ_ONLY)")
                    expect = _columns(con, "previous.main.data")

                def consume(plan: reading.Plan, step: Progress | None) -> None:
                    con.execute("DROP TABLE IF EXISTS data")
                    if previous is not None:
                        con.execute("CREATE TABLE data AS SELECT * FROM previous.main.data")
                        _run_with_progress(con, f"INSERT INTO data BY NAME {plan.sql}", step)
                    else:
                        _run_with_progress(con, f"CREATE TABLE data AS {plan.sql}", step)

                def finish(_value) -> tuple[dict[str, str], int]:
                    columns = _columns(con, "data")
                    row_count = con.execute("SELECT count(*) FROM data").fetchone()[0]
                    if previous is not None:
                        con.execute("DETACH previous")
                    con.execute("CHECKPOINT")
                    return columns, int(row_count)

                yield LoadSession(con, expect, consume, finish)
            finally:
                con.close()
            os.replace(tmp, target)
        except duckdb.Error as exc:
            raise ImportFailed(first_line(exc)) from None
        finally:
            for leftover in (tmp, tmp.with_name(tmp.name + ".wal")):
                leftover.unlink(missing_ok=True)

    def _config(self, **extra) -> dict:
        return {
            "threads": self.threads,
            "memory_limit": self.memory_limit,
            "autoinstall_known_extensions": False,
            "autoload_known_extensions": False,
            **extra,
        }

    # --- querying ----------------------------------------------------------------------------

    def execute(
        self,
        sql: str,
        *,
        locations: Iterable[Location],
        timeout: float = 30.0,
        row_cap: int = 100_000,
        params: Sequence | None = None,
    ) -> Result:
        """Run one SELECT over the given dataset versions on this process's warm connection.

        Parameters
        ----------
        sql
            One SELECT statement (already checked by the SQL guard) naming the versions by
            their locations.
        locations
            The dataset versions the statement reads.
        timeout
            Seconds before the statement is interrupted.
        row_cap
            At most this many rows are returned; ``truncated`` says there were more.
        params
            Values of ``?`` / ``$n`` placeholders.

        Raises
        ------
        QueryTimeout
            The statement ran past ``timeout``.
        QueryFailed
            The engine refused or failed the statement, or a version is gone.
        """
        entry = self._acquire(locations)
        try:
            return connections.run(entry.con, sql, timeout, row_cap, params, self.memory_limit)
        finally:
            connections.POOL.release(entry)

    def stream(
        self,
        sql: str,
        *,
        locations: Iterable[Location],
        timeout: float = 30.0,
        row_cap: int = 100_000,
        batch_rows: int = STREAM_BATCH_ROWS,
    ) -> Iterator[list]:
        """Stream one SELECT's column names and row batches; see :meth:`Warehouse.stream`.

        The warm connection stays taken until the stream ends or is closed.
        """
        entry = self._acquire(locations)
        try:
            yield from connections.stream(
                entry.con, sql, timeout, row_cap, batch_rows, self.memory_limit
            )
        finally:
            connections.POOL.release(entry)

    def connection(self, locations: Iterable[Location]) -> duckdb.DuckDBPyConnection:
        """The warm connection that queries over ``locations`` run on (tests, diagnostics)."""
        entry = self._acquire(locations)
        connections.POOL.release(entry)
        return entry.con

    def _acquire(self, locations: Iterable[Location]) -> connections.Entry:
        stamps = []
        for location in set(locations):
            path = self.file_of(location)
            try:
                stat = path.stat()
            except FileNotFoundError:
                raise QueryFailed(_gone(location.catalog)) from None
            stamps.append((location.catalog, str(path), stat.st_ino, stat.st_mtime_ns))
        key = (str(self.root), self.memory_limit, self.threads, frozenset(stamps))
        return connections.POOL.acquire(key, lambda: self._build(sorted(stamps)))

    def _build(self, stamps: list[tuple[str, str, int, int]]) -> connections.Entry:
        spill = self.tmp_dir / f"duckdb-{os.getpid()}-{secrets.token_hex(4)}"
        con = duckdb.connect(":memory:", config=self._config(temp_directory=str(spill)))
        try:
            for alias, path, _inode, _mtime in stamps:
                try:
                    con.execute(f"ATTACH {quote_literal(path)} AS {quote_ident(alias)} (READ_ONLY)")
                except duckdb.IOException:
                    raise QueryFailed(_gone(alias)) from None
                except duckdb.Error as exc:
                    detail = connections.clean_error(exc)
                    raise QueryFailed(
                        _("Dataset version %(version)s could not be opened: %(error)s")
                        % {"version": alias, "error": detail}
                    ) from None
            # From here on the engine itself refuses file access, ATTACH, COPY, INSTALL/LOAD
            # and any change of these settings.
            con.execute("SET enable_external_access = false")
            con.execute("SET lock_configuration = true")
        except BaseException:
            con.close()
            raise
        return connections.Entry(con=con, spill=spill, paths=frozenset(s[1] for s in stamps))

    # --- housekeeping ------------------------------------------------------------------------

    def drop(self, location: Location) -> None:
        """Delete one version file (queries already running on it finish)."""
        path = self.file_of(location)
        if self.root.resolve() not in path.resolve().parents:
            raise ValueError(f"{path} is not inside the warehouse directory.")
        self._delete(path)

    def cleanup(self, key: str, keep_versions: set[int]) -> list[int]:
        """Delete the version files of dataset ``key`` not in ``keep_versions``.

        Abandoned temporary files of crashed imports older than a day go as well. Returns the
        versions deleted.
        """
        check_key(key, 0)
        folder = self.root / key
        if not folder.is_dir():
            return []
        deleted = []
        for path in folder.iterdir():
            match = _FILE.fullmatch(path.name)
            if match and int(match[1]) not in keep_versions:
                self._delete(path)
                deleted.append(int(match[1]))
            elif ".tmp-" in path.name and time.time() - path.stat().st_mtime > _STALE_TMP_SECONDS:
                path.unlink(missing_ok=True)
        with contextlib.suppress(OSError):
            folder.rmdir()  # only when empty
        return sorted(deleted)

    def discard_partial(self, key: str, version: int) -> None:
        """Delete what an import of ``version`` that never finished (a killed process) left:
        its temporary version file."""
        target = self.path(key, version)
        if target.parent.is_dir():
            for path in target.parent.glob(f"{target.name}.tmp-*"):
                path.unlink(missing_ok=True)

    def _delete(self, path: Path) -> None:
        path.unlink(missing_ok=True)
        path.with_name(path.name + ".wal").unlink(missing_ok=True)
        connections.POOL.retire({str(path)})


def _columns(con: duckdb.DuckDBPyConnection, table: str) -> dict[str, str]:
    rows = con.execute(f"DESCRIBE {table}").fetchall()
    return {name: normalise_duckdb(duck_type, quote_ident(name))[0] for name, duck_type, *_ in rows}


def _gone(alias: str | None) -> str:
    return _(
        "Dataset version %(version)s is no longer available (a newer import replaced it); "
        "run the query again."
    ) % {"version": alias}


def _run_with_progress(con: duckdb.DuckDBPyConnection, sql: str, progress: Progress | None) -> None:
    """Run ``sql``, reporting DuckDB's progress from the calling thread (the callback may
    touch thread-bound resources such as a Django database connection)."""
    if progress is None:
        con.execute(sql)
        return
    failure: list[BaseException] = []

    def work() -> None:
        try:
            con.execute(sql)
        except BaseException as exc:
            failure.append(exc)

    worker = threading.Thread(target=work, name="openmis-load", daemon=True)
    worker.start()
    try:
        while worker.is_alive():
            worker.join(0.25)
            percent = con.query_progress()
            if worker.is_alive() and percent >= 0:
                progress(min(percent, 100.0) / 100.0)
    except BaseException:
        con.interrupt()
        worker.join()
        raise
    if failure:
        raise failure[0]
