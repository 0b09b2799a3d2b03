"""Backups of a running installation, and their restore into an empty one.

A backup is one archive (``.tar.gz`` or ``.zip``) holding what an installation consists of:

- ``database/openmis.sqlite3`` (SQLite's online backup API: a consistent copy taken while
  other processes write) or ``database/openmis.pgdump`` (``pg_dump`` in custom format);
- ``warehouse/<key>/v<version>.duckdb``: the dataset versions the database's catalog
  references, as of the database copy. Version files are immutable once renamed into place,
  so a file still being written (a ``.tmp-`` file) is never copied;
- ``media/...`` and ``attachments/...``: uploaded files and the files attached to objects;
- ``secret_key``: the generated key (not when ``SECRET_KEY`` comes from the environment);
- ``manifest.json``: OpenMIS version, engines, date, and each file's size and SHA-256.

Nothing here imports Django: the installation is read from the environment exactly as
``openmis.settings`` reads it, so ``openmis restore`` creates nothing (not even a secret key)
before it has checked that the target is empty.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import openmis
from openmis import conf

FORMAT = 1
MANIFEST = "manifest.json"
SQLITE_MEMBER = "database/openmis.sqlite3"
PGDUMP_MEMBER = "database/openmis.pgdump"
SECRET_MEMBER = "secret_key"  # noqa: S105  (the member's name, not a secret)
# Directories of the data directory copied file by file: uploads, and attached files
# (openmis.core.attachments).
FILE_PREFIXES = ("media", "attachments")
_VERSION_MEMBER = re.compile(
    r"warehouse/(?P<key>[A-Za-z][A-Za-z0-9_]{0,50})/v(?P<v>\d{1,12})\.duckdb"
)
_CHUNK = 1024 * 1024
_SNAPSHOT_ATTEMPTS = 5
# The catalog's live versions: what queries read, so what a restored installation needs.
_VERSIONS_SQL = (
    "SELECT id, data_version FROM bi_dataset WHERE data_version > 0 AND external_table = '' "
    "ORDER BY id"
)


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why and what to do."""


@dataclass(frozen=True)
class Installation:
    """Where one installation keeps its data (see README, "Configuration")."""

    data_dir: Path
    database: dict
    warehouse_url: str | None
    secret_from_environment: bool

    @classmethod
    def from_environment(cls) -> Installation:
        """The installation ``OPENMIS_DATA_DIR``, ``DATABASE_URL`` and ``WAREHOUSE_URL`` name,
        computed as ``openmis.settings`` computes them."""
        import environ

        data_dir = conf.data_dir()
        url = os.environ.get("DATABASE_URL") or f"sqlite:///{data_dir / 'openmis.sqlite3'}"
        return cls(
            data_dir=data_dir,
            database=environ.Env.db_url_config(url),
            warehouse_url=os.environ.get("WAREHOUSE_URL") or None,
            secret_from_environment=os.environ.get("SECRET_KEY") is not None,
        )

    @property
    def engine(self) -> str:
        engine = self.database.get("ENGINE", "")
        if engine.endswith("sqlite3"):
            return "sqlite"
        if "postgresql" in engine:
            return "postgresql"
        raise BackupError(f"Backups support SQLite and PostgreSQL databases, not {engine!r}.")

    @property
    def sqlite_path(self) -> Path:
        return Path(self.database["NAME"])

    @property
    def media_root(self) -> Path:
        return self.data_dir / "media"

    def file_root(self, prefix: str) -> Path:
        """Where the files of a :data:`FILE_PREFIXES` directory are kept."""
        return self.data_dir / prefix

    @property
    def secret_key_file(self) -> Path:
        return self.data_dir / "secret_key"

    def warehouse(self):
        from openmis.analytics import warehouse

        return warehouse.connect(self.warehouse_url, data_dir=self.data_dir)


# --- backup --------------------------------------------------------------------------------


@dataclass
class _Entry:
    """One archive member: its name and an open file to copy it from."""

    name: str
    file: object
    mode: int = 0o644


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


def _archive_kind(archive: Path) -> str:
    name = archive.name.lower()
    if name.endswith(".zip"):
        return "zip"
    if name.endswith((".tar.gz", ".tgz")):
        return "tar"
    raise BackupError(f"Name the backup file .tar.gz or .zip, not {archive.name!r}.")


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


class _Hashing:
    """Reads at most ``size`` bytes of a file, hashing what it reads."""

    def __init__(self, file, size: int):
        self.file, self.left, self.sha = file, size, hashlib.sha256()

    def read(self, n: int = -1) -> bytes:
        n = self.left if n is None or n < 0 else min(n, self.left)
        data = self.file.read(n)
        self.left -= len(data)
        self.sha.update(data)
        return data


def _write_archive(kind: str, out, entries: list[_Entry], manifest: dict) -> None:
    now = dt.datetime.now()
    if kind == "tar":
        with tarfile.open(fileobj=out, mode="w:gz") as tar:
            for entry in entries:
                size = os.fstat(entry.file.fileno()).st_size
                info = tarfile.TarInfo(entry.name)
                info.size, info.mode, info.mtime = size, entry.mode, int(now.timestamp())
                reader = _Hashing(entry.file, size)
                tar.addfile(info, reader)
                _record(manifest, entry.name, size, reader.sha)
            data = json.dumps(manifest, indent=2).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mode, info.mtime = len(data), 0o644, int(now.timestamp())
            tar.addfile(info, _BytesReader(data))
        return
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for entry in entries:
            size = os.fstat(entry.file.fileno()).st_size
            info = zipfile.ZipInfo(entry.name, date_time=now.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = (0o100000 | entry.mode) << 16
            reader = _Hashing(entry.file, size)
            with zf.open(info, "w", force_zip64=True) as member:
                while chunk := reader.read(_CHUNK):
                    member.write(chunk)
            _record(manifest, entry.name, size - reader.left, reader.sha)
        zf.writestr(MANIFEST, json.dumps(manifest, indent=2))


def _record(manifest: dict, name: str, size: int, sha) -> None:
    manifest["files"].append({"path": name, "size": size, "sha256": sha.hexdigest()})


class _BytesReader:
    def __init__(self, data: bytes):
        self.data, self.pos = data, 0

    def read(self, n: int = -1) -> bytes:
        end = len(self.data) if n is None or n < 0 else self.pos + n
        chunk = self.data[self.pos : end]
        self.pos += len(chunk)
        return chunk


# --- restore -------------------------------------------------------------------------------


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


class _Reader:
    def __init__(self, archive: Path):
        self.archive = archive

    def manifest(self) -> dict:
        try:
            manifest = json.loads(self.open(MANIFEST).read())
        except (KeyError, ValueError):
            raise BackupError(f"{self.archive} is not an OpenMIS backup (no manifest).") from None
        if manifest.get("format") != FORMAT:
            raise BackupError(
                f"{self.archive} is a backup of format {manifest.get('format')!r}; this "
                f"OpenMIS reads format {FORMAT}."
            )
        return manifest


class _TarReader(_Reader):
    def __init__(self, archive: Path):
        super().__init__(archive)
        self.tar = tarfile.open(archive, "r:gz")  # noqa: SIM115  (closed by close())

    def open(self, name: str):
        member = self.tar.getmember(name)
        if not member.isfile():
            raise KeyError(name)
        return self.tar.extractfile(member)

    def close(self):
        self.tar.close()


class _ZipReader(_Reader):
    def __init__(self, archive: Path):
        super().__init__(archive)
        self.zip = zipfile.ZipFile(archive)

    def open(self, name: str):
        return self.zip.open(name)

    def close(self):
        self.zip.close()


@contextlib.contextmanager
def _open_archive(archive: Path):
    try:
        reader = _ZipReader(archive) if zipfile.is_zipfile(archive) else _TarReader(archive)
    except (tarfile.TarError, OSError, zipfile.BadZipFile):
        raise BackupError(f"{archive} is not an OpenMIS backup (not a .tar.gz or .zip).") from None
    try:
        yield reader
    finally:
        reader.close()


# --- PostgreSQL client tools ---------------------------------------------------------------


def pg_params(database: dict) -> dict:
    """libpq connection parameters of a Django database setting."""
    params = {"dbname": database.get("NAME") or "postgres"}
    for key, name in (("USER", "user"), ("PASSWORD", "password"), ("HOST", "host")):
        if database.get(key):
            params[name] = database[key]
    if database.get("PORT"):
        params["port"] = str(database["PORT"])
    for key, value in (database.get("OPTIONS") or {}).items():
        if isinstance(value, str | int) and not isinstance(value, bool):
            params[key] = str(value)
    return params


def check_pg_dump_version(client_major: int, server_version: int) -> None:
    """Refuse a pg_dump older than the server (it cannot dump a newer server)."""
    server_major = server_version // 10000
    if client_major < server_major:
        raise BackupError(
            f"pg_dump {client_major} is older than the PostgreSQL {server_major} server and "
            f"cannot dump it: install the PostgreSQL {server_major} client tools (Debian: apt "
            f"install postgresql-client-{server_major})."
        )


def _client_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            f"{name} was not found on PATH: install the PostgreSQL client tools of the "
            "server's version (Debian: apt install postgresql-client)."
        )
    return path


def _tool_major(path: str) -> int:
    output = subprocess.run(  # noqa: S603  (a PostgreSQL client tool found on PATH)
        [path, "--version"], capture_output=True, text=True, check=False
    ).stdout
    match = re.search(r"\)\s*(\d+)", output) or re.search(r"(\d+)", output)
    if match is None:
        raise BackupError(f"Could not tell the version of {path} from {output!r}.")
    return int(match[1])


def _run_tool(argv: list[str], params: dict, name: str, then: list[str] = ()) -> None:
    """Run a PostgreSQL client tool on the database ``params`` name (the password goes
    through the environment, never the command line)."""
    from psycopg.conninfo import make_conninfo

    env = dict(os.environ)
    params = dict(params)
    if "password" in params:
        env["PGPASSWORD"] = params.pop("password")
    result = subprocess.run(  # noqa: S603  (a PostgreSQL client tool found on PATH)
        [*argv, "--dbname", make_conninfo(**params), *then],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().splitlines()
        raise BackupError(f"{name} failed: {detail[0] if detail else result.returncode}")


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]
