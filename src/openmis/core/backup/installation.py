"""What a backup is taken of and restored into: an installation's data directory, database
and warehouse, read from the environment as ``openmis.settings`` reads it."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from openmis import conf


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
