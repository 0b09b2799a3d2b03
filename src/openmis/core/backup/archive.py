"""The archive a backup is: its members' names, its manifest, and writing and reading the
``.tar.gz`` and ``.zip`` forms (each member hashed as it is copied)."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import re
import tarfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from openmis.core.backup.installation import BackupError

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


@dataclass
class _Entry:
    """One archive member: its name and an open file to copy it from."""

    name: str
    file: object
    mode: int = 0o644


def _archive_kind(archive: Path) -> str:
    name = archive.name.lower()
    if name.endswith(".zip"):
        return "zip"
    if name.endswith((".tar.gz", ".tgz")):
        return "tar"
    raise BackupError(f"Name the backup file .tar.gz or .zip, not {archive.name!r}.")


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
