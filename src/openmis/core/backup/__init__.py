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

The package is split by subject: :mod:`.installation` (where an installation keeps its data),
:mod:`.archive` (the archive's members, manifest, writing and reading), :mod:`.snapshot`
(taking a backup), :mod:`.restoring` (restoring one) and :mod:`.postgres` (the PostgreSQL
client tools). Callers use the names below.
"""

from openmis.core.backup.archive import (
    FILE_PREFIXES,
    FORMAT,
    MANIFEST,
    PGDUMP_MEMBER,
    SECRET_MEMBER,
    SQLITE_MEMBER,
)
from openmis.core.backup.installation import BackupError, Installation
from openmis.core.backup.postgres import check_pg_dump_version, pg_params
from openmis.core.backup.restoring import restore
from openmis.core.backup.snapshot import create

__all__ = [
    "FILE_PREFIXES",
    "FORMAT",
    "MANIFEST",
    "PGDUMP_MEMBER",
    "SECRET_MEMBER",
    "SQLITE_MEMBER",
    "BackupError",
    "Installation",
    "check_pg_dump_version",
    "create",
    "pg_params",
    "restore",
]
