"""Taking a backup: one consistent snapshot of the database, the warehouse versions its
catalog references and the installation's files, written into one archive."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sqlite3
import tempfile
from collections.abc import Iterator
from pathlib import Path

import openmis
from openmis.core.backup.archive import (
    FILE_PREFIXES,
    FORMAT,
    PGDUMP_MEMBER,
    SECRET_MEMBER,
    SQLITE_MEMBER,
    _archive_kind,
    _Entry,
    _write_archive,
)
from openmis.core.backup.installation import BackupError, Installation
from openmis.core.backup.postgres import (
    _client_tool,
    _first_line,
    _run_tool,
    _tool_major,
    check_pg_dump_version,
    pg_params,
)

_SNAPSHOT_ATTEMPTS = 5
# The catalog's live versions: what queries read, so what a restored installation needs.
_VERSIONS_SQL = (
    "SELECT id, data_version FROM bi_dataset WHERE data_version > 0 AND external_table = '' "
    "ORDER BY id"
)


def create(archive: Path, installation: Installation) -> dict:
    """Write a backup of ``installation`` to ``archive`` (``.tar.gz``/``.tgz`` or ``.zip``).

    The server may keep running: the database is copied by the engine's own online backup
    and only immutable warehouse files are read. The archive appears complete or not at all
    (it is written beside its final name and renamed). Returns the manifest.
    """
    archive = Path(archive).resolve()
    kind = _archive_kind(archive)
    engine = installation.engine
    wh = installation.warehouse()
    from openmis.analytics.warehouse import DuckDBWarehouse

    archive.parent.mkdir(parents=True, exist_ok=True)
    with contextlib.ExitStack() as stack:
        scratch = Path(stack.enter_context(tempfile.TemporaryDirectory(dir=archive.parent)))
        if engine == "sqlite":
            db_info, versions, files = _sqlite_snapshot(installation, wh, scratch, stack)
        else:
            db_info, versions, files = _postgres_snapshot(installation, wh, scratch, stack)
        warehouse_info = {
            "engine": wh.dialect,
            "versions": versions,
            "files": isinstance(wh, DuckDBWarehouse),
            "in_database": _warehouse_in_database(wh, installation),
        }
        entries = [*files]
        key_source = "environment" if installation.secret_from_environment else "none"
        if not installation.secret_from_environment and installation.secret_key_file.is_file():
            key_source = "file"
            key_file = stack.enter_context(installation.secret_key_file.open("rb"))
            entries.append(_Entry(SECRET_MEMBER, key_file, 0o600))
        for prefix in FILE_PREFIXES:
            entries.extend(_file_entries(prefix, installation.file_root(prefix), archive, stack))
        manifest = {
            "format": FORMAT,
            "openmis_version": openmis.__version__,
            "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "database": db_info,
            "warehouse": warehouse_info,
            "secret_key": key_source,
            "files": [],
        }
        partial = archive.with_name(f".{archive.name}.partial")
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            with os.fdopen(fd, "wb") as out:
                _write_archive(kind, out, entries, manifest)
            os.replace(partial, archive)
        finally:
            partial.unlink(missing_ok=True)
    return manifest


def _sqlite_snapshot(installation, wh, scratch: Path, stack):
    source = installation.sqlite_path
    if not source.is_file():
        raise BackupError(f"There is no database at {source}: nothing to back up.")
    missing: list[Path] = []  # a version deleted since the snapshot: take another one
    for _attempt in range(_SNAPSHOT_ATTEMPTS):
        copy = scratch / "openmis.sqlite3"
        copy.unlink(missing_ok=True)
        src = sqlite3.connect(source, timeout=20, isolation_level=None)
        try:
            # One read transaction (WAL mode: writers go on meanwhile) for the catalog and
            # the copy, which the backup API takes within it in one step: the version files
            # opened are exactly those the copied catalog refers to.
            src.execute("BEGIN")
            try:
                rows = src.execute(_VERSIONS_SQL).fetchall()
            except sqlite3.OperationalError:
                raise BackupError(
                    f"{source} is not an OpenMIS database (no dataset catalog)."
                ) from None
            versions, files = _open_versions(wh, rows, stack, missing)
            if files is None:
                continue
            dst = sqlite3.connect(copy)
            try:
                src.backup(dst)
                dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
                same = dst.execute(_VERSIONS_SQL).fetchall() == rows
            finally:
                dst.close()
        finally:
            src.close()
        if not same:  # not one snapshot after all (an SQLite without it): take another
            continue
        database = _Entry(SQLITE_MEMBER, stack.enter_context(copy.open("rb")))
        info = {"engine": "sqlite", "sqlite_version": sqlite3.sqlite_version}
        return info, versions, [database, *files]
    raise BackupError(
        f"The warehouse file {missing[-1]} of the dataset catalog is missing; nothing was "
        "backed up."
    )


def _postgres_snapshot(installation, wh, scratch: Path, stack):
    import psycopg

    pg_dump = _client_tool("pg_dump")
    client_major = _tool_major(pg_dump)
    params = pg_params(installation.database)
    missing: list[Path] = []  # a version deleted since the snapshot: take another one
    for _attempt in range(_SNAPSHOT_ATTEMPTS):
        try:
            con = psycopg.connect(**params)
        except psycopg.Error as exc:
            raise BackupError(f"Could not connect to the database: {_first_line(exc)}") from None
        with con:
            server_version = con.info.server_version
            check_pg_dump_version(client_major, server_version)
            con.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
            con.read_only = True
            # The catalog is read in the very snapshot pg_dump then dumps.
            snapshot = con.execute("SELECT pg_export_snapshot()").fetchone()[0]
            try:
                rows = con.execute(_VERSIONS_SQL).fetchall()
            except psycopg.errors.UndefinedTable:
                raise BackupError(
                    "The database is not an OpenMIS database (no dataset catalog)."
                ) from None
            versions, files = _open_versions(wh, rows, stack, missing)
            if files is None:
                con.rollback()
                continue
            dump = scratch / "openmis.pgdump"
            _run_tool(
                [pg_dump, "--format=custom", f"--snapshot={snapshot}", "--file", str(dump)],
                params,
                "pg_dump",
            )
            con.rollback()
        database = _Entry(PGDUMP_MEMBER, stack.enter_context(dump.open("rb")))
        info = {
            "engine": "postgresql",
            "server_version": server_version,
            "pg_dump_version": client_major,
        }
        return info, versions, [database, *files]
    raise BackupError(
        f"The warehouse file {missing[-1]} of the dataset catalog is missing; nothing was "
        "backed up."
    )


def _warehouse_in_database(wh, installation: Installation) -> bool:
    """Whether a PostgreSQL warehouse is a schema of the main database (so in its dump)."""
    if wh.dialect != "postgres" or installation.engine != "postgresql":
        return False
    from psycopg.conninfo import conninfo_to_dict

    theirs = conninfo_to_dict(wh.conninfo)
    ours = pg_params(installation.database)

    def where(params: dict) -> tuple:
        return (params.get("host") or "", str(params.get("port") or 5432), params.get("dbname"))

    return where(theirs) == where(ours)


def _open_versions(wh, rows, stack, missing: list) -> tuple[dict[str, int], list[_Entry] | None]:
    """Open the version files the catalog references (an open file stays readable even if a
    later import deletes it); ``None`` when one is gone already (take a new snapshot)."""

    from openmis.analytics.warehouse import DuckDBWarehouse

    versions = {f"ds{pk}": int(version) for pk, version in rows}
    if not isinstance(wh, DuckDBWarehouse):
        return versions, []
    files = []
    with contextlib.ExitStack() as attempt:
        for key, version in versions.items():
            try:
                handle = attempt.enter_context(wh.path(key, version).open("rb"))
            except FileNotFoundError:
                missing.append(wh.path(key, version))
                return versions, None
            files.append(_Entry(f"warehouse/{key}/v{version}.duckdb", handle))
        stack.enter_context(attempt.pop_all())
    return versions, files


def _file_entries(prefix: str, root: Path, archive: Path, stack) -> Iterator[_Entry]:
    if not root.is_dir():
        return
    for path in sorted(root.rglob("*")):
        if path.is_symlink() or not path.is_file() or path.name.startswith(f".{archive.name}"):
            continue
        with contextlib.suppress(FileNotFoundError):  # deleted meanwhile: not part of it
            yield _Entry(
                f"{prefix}/" + path.relative_to(root).as_posix(),
                stack.enter_context(path.open("rb")),
            )
