"""This process's warehouse engine, shared by queries and imports."""

from __future__ import annotations

import threading
from pathlib import Path

from django.conf import settings

from openmis.analytics import warehouse

_warehouse = None
_warehouse_lock = threading.Lock()


def get_warehouse() -> warehouse.Warehouse:
    """This process's warehouse engine (connections inside it are kept warm)."""
    global _warehouse
    if _warehouse is None:
        with _warehouse_lock:
            if _warehouse is None:
                _warehouse = warehouse.connect(
                    settings.WAREHOUSE_URL,
                    data_dir=Path(settings.DATA_DIR),
                    memory_limit=settings.BI_MEMORY_LIMIT,
                    threads=settings.BI_THREADS,
                    external={k: Path(v) for k, v in settings.BI_EXTERNAL_DUCKDB.items()},
                )
    return _warehouse
