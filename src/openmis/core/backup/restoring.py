"""Restoring a backup into an empty installation, all or nothing."""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from pathlib import Path, PurePosixPath

from openmis.core.backup.archive import (
    _CHUNK,
    _VERSION_MEMBER,
    FILE_PREFIXES,
    PGDUMP_MEMBER,
    SECRET_MEMBER,
    SQLITE_MEMBER,
    _open_archive,
)
from openmis.core.backup.installation import BackupError, Installation
from openmis.core.backup.postgres import _client_tool, _first_line, _run_tool, pg_params


def restore(archive: Path, installation: Installation) -> dict:
    """Fill the empty ``installation`` from a backup; returns the backup's manifest.

    Refuses (and changes nothing) when the data directory, the SQLite file, the warehouse
    directory or the PostgreSQL database holds anything already, when the archive is not an
    OpenMIS backup, or when it was taken on another database engine. Every file is checked
    against its SHA-256 in the manifest; on any failure what was written is removed again.
    """
    archive = Path(archive)
    if not archive.is_file():
        raise BackupError(f"No such file: {archive}")
    with _open_archive(archive) as reader:
        manifest = reader.manifest()
        engine = installation.engine
        if manifest["database"]["engine"] != engine:
            raise BackupError(
                f"This backup holds a {manifest['database']['engine']} database, but "
                f"DATABASE_URL names a {engine} one: restore it into the same engine."
            )
        _check_empty(installation)
        written: list[Path] = []
        try:
            _restore_files(reader, manifest, installation, written)
        except BaseException:
            for path in reversed(written):
                if path.is_dir():
                    shutil.rmtree(path, ignore_errors=True)
                else:
                    path.unlink(missing_ok=True)
            raise
    return manifest


def _check_empty(installation: Installation) -> None:
    data_dir = installation.data_dir
    found = sorted(p.name for p in data_dir.iterdir()) if data_dir.exists() else []
    if found:
        shown = ", ".join(found[:5]) + (", ..." if len(found) > 5 else "")
        raise BackupError(
            f"The data directory {data_dir} is not empty ({shown}). Restore into a new, "
            "empty directory (set OPENMIS_DATA_DIR); nothing was changed."
        )
    if installation.engine == "sqlite":
        target = installation.sqlite_path
        if target.exists():
            raise BackupError(f"The database {target} exists already; nothing was changed.")
    else:
        _check_postgres_empty(installation)
    root = getattr(installation.warehouse(), "root", None)
    if root is not None and root.exists() and any(root.iterdir()):
        raise BackupError(f"The warehouse directory {root} is not empty; nothing was changed.")


def _check_postgres_empty(installation: Installation) -> None:
    import psycopg

    params = pg_params(installation.database)
    try:
        with psycopg.connect(**params) as con:
            tables = con.execute(
                "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') "
                "AND n.nspname NOT IN ('pg_catalog', 'information_schema') "
                "AND n.nspname NOT LIKE 'pg_toast%'"
            ).fetchone()[0]
    except psycopg.Error as exc:
        raise BackupError(
            f"Could not connect to the database {params.get('dbname')!r}: {_first_line(exc)} "
            "Create it first (createdb), empty."
        ) from None
    if tables:
        raise BackupError(
            f"The database {params.get('dbname')!r} is not empty ({tables} tables). Restore "
            "into a new, empty database (createdb); nothing was changed."
        )


def _restore_files(reader, manifest: dict, installation: Installation, written: list) -> None:
    data_dir = installation.data_dir
    wh = installation.warehouse()
    scratch = Path(tempfile.mkdtemp(prefix=".restore-", dir=data_dir))
    written.append(scratch)
    expected = {f["path"]: f for f in manifest.get("files", [])}
    for name, item in expected.items():
        target = _target_of(name, installation, wh, scratch)
        if not target.parent.exists():
            written.append(_outermost_new(target.parent))
            target.parent.mkdir(parents=True)
        partial = target.with_name(f".{target.name}.partial")
        written.append(partial)
        mode = 0o600 if name == SECRET_MEMBER else 0o644
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
        sha, size = hashlib.sha256(), 0
        with os.fdopen(fd, "wb") as out:
            source = reader.open(name)
            while chunk := source.read(_CHUNK):
                sha.update(chunk)
                size += len(chunk)
                out.write(chunk)
        if sha.hexdigest() != item["sha256"] or size != item["size"]:
            raise BackupError(f"The backup is damaged: {name} does not match its checksum.")
        written.append(target)
        os.replace(partial, target)
    if manifest["database"]["engine"] == "postgresql":
        pg_restore = _client_tool("pg_restore")
        _run_tool(
            [
                pg_restore,
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                "--exit-on-error",
            ],
            pg_params(installation.database),
            "pg_restore",
            then=[str(scratch / "openmis.pgdump")],
        )
    shutil.rmtree(scratch)


def _outermost_new(path: Path) -> Path:
    while not path.parent.exists():
        path = path.parent
    return path


def _target_of(name: str, installation: Installation, wh, scratch: Path) -> Path:
    """Where an archive member goes; refuses names that would leave the installation."""
    if name == SQLITE_MEMBER:
        return installation.sqlite_path
    if name == PGDUMP_MEMBER:
        return scratch / "openmis.pgdump"
    if name == SECRET_MEMBER:
        return installation.secret_key_file
    match = _VERSION_MEMBER.fullmatch(name)
    if match and hasattr(wh, "path"):
        return wh.path(match["key"], int(match["v"]))
    pure = PurePosixPath(name)
    if pure.parts[0] in FILE_PREFIXES and len(pure.parts) > 1 and ".." not in pure.parts:
        root = installation.file_root(pure.parts[0])
        target = root.joinpath(*pure.parts[1:])
        if root.resolve() in target.resolve().parents:
            return target
    raise BackupError(f"The backup holds an unexpected file {name!r}; nothing was restored.")
