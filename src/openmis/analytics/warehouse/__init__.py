"""Warehouse engines: where dataset versions live and how queries reach them.

``connect(url, data_dir=...)`` picks the engine from ``WAREHOUSE_URL``:

- ``None`` or ``duckdb:///path`` -- the embedded default: each dataset version is an
  immutable DuckDB file (:mod:`.embedded`);
- ``postgresql://user@host:port/db?schema=openmis_warehouse`` -- one table per version
  (:mod:`.postgres`);
- any other scheme Ibis knows (``clickhouse://``, ``trino://``) -- query registered tables only
  (:mod:`.generic`).

Files are read by DuckDB's native readers for every engine (:mod:`.reading`, :mod:`.xlsx`).

The engines (DuckDB, Ibis, sqlglot, PyArrow) are imported on first use, not with the package:
``from openmis.analytics.warehouse import DuckDBWarehouse`` still works (PEP 562).
"""

from __future__ import annotations

import re
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

if TYPE_CHECKING:
    from openmis.analytics.warehouse.base import LoadResult, Result, Warehouse, json_value
    from openmis.analytics.warehouse.embedded import DuckDBWarehouse
    from openmis.analytics.warehouse.generic import IbisWarehouse
    from openmis.analytics.warehouse.postgres import PostgresWarehouse

__all__ = [
    "DuckDBWarehouse",
    "IbisWarehouse",
    "LoadResult",
    "PostgresWarehouse",
    "Result",
    "Warehouse",
    "connect",
    "json_value",
]

#: Where each name of ``__all__`` but :func:`connect` is defined, imported on first use.
_LAZY = {
    "DuckDBWarehouse": "embedded",
    "IbisWarehouse": "generic",
    "LoadResult": "base",
    "PostgresWarehouse": "postgres",
    "Result": "base",
    "Warehouse": "base",
    "json_value": "base",
}


def __getattr__(name: str):
    if name in _LAZY:
        value = getattr(import_module(f"{__name__}.{_LAZY[name]}"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


_MEMORY = re.compile(r"\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)", re.IGNORECASE)


def connect(
    url: str | None,
    *,
    data_dir: Path,
    memory_limit: str = "2GB",
    threads: int = 2,
    external: dict[str, Path] | None = None,
) -> Warehouse:
    """The warehouse engine a URL names.

    Parameters
    ----------
    url
        ``None`` (the default DuckDB files in ``<data_dir>/warehouse``), ``duckdb:///dir``
        (version files in that directory; a file name such as ``warehouse.duckdb`` names the
        directory ``warehouse`` beside it), ``postgresql://...?schema=name``, or another
        Ibis URL.
    data_dir
        The application's data directory (scratch space lives in ``<data_dir>/tmp``).
    memory_limit
        DuckDB's memory limit per query connection and per import, e.g. ``"2GB"``.
    threads
        DuckDB threads per query connection and per import.
    external
        DuckDB only: external database files by source name, whose tables can be registered
        as datasets and are read in place (attached read-only).

    Returns
    -------
    Warehouse
        The engine; keep one per process so its connections stay warm.
    """
    if not _MEMORY.fullmatch(str(memory_limit).strip()):
        raise ValueError(f"Invalid memory limit {memory_limit!r}; use e.g. '2GB'.")
    if isinstance(threads, bool) or not isinstance(threads, int) or threads < 1:
        raise ValueError(f"Invalid thread count {threads!r}.")
    data_dir = Path(data_dir)
    options = {"data_dir": data_dir, "memory_limit": memory_limit, "threads": threads}
    scheme = urlsplit(url).scheme.lower() if url else "duckdb"
    if scheme == "duckdb":
        from openmis.analytics.warehouse.embedded import DuckDBWarehouse

        return DuckDBWarehouse(_duckdb_root(url, data_dir), external=external, **options)
    if scheme.split("+", 1)[0] in {"postgres", "postgresql"}:
        from openmis.analytics.warehouse.postgres import PostgresWarehouse

        return PostgresWarehouse(url, **options)
    from openmis.analytics.warehouse.generic import IbisWarehouse

    return IbisWarehouse(url, **options)


def _duckdb_root(url: str | None, data_dir: Path) -> Path:
    parts = urlsplit(url or "duckdb://")
    raw = unquote(parts.netloc + parts.path)
    if not raw or raw in {"/", ":memory:", "/:memory:"}:
        return data_dir / "warehouse"
    if raw.startswith("//"):  # duckdb:////abs/path, as SQLAlchemy spells absolute paths
        raw = "/" + raw.lstrip("/")
    path = Path(raw)
    return path.with_suffix("") if path.suffix else path
