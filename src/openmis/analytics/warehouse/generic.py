"""Any other engine Ibis can reach by URL (ClickHouse, Trino, ...): query existing tables only."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from urllib.parse import urlsplit

from openmis.analytics.catalog import Location
from openmis.analytics.errors import ImportFailed, QueryFailed
from openmis.analytics.i18n import _
from openmis.analytics.warehouse.base import LoadResult, Progress, Result, Warehouse
from openmis.analytics.warehouse.embedded import check_key

_DIALECTS = {"postgresql": "postgres", "mssql": "tsql", "pyspark": "spark"}


class IbisWarehouse(Warehouse):
    """A warehouse whose tables are registered, not loaded; queries go through Ibis.

    The statement timeout is the engine's own (set it in the URL where the engine allows).
    """

    def __init__(self, url: str, *, data_dir: Path, memory_limit: str = "2GB", threads: int = 2):
        super().__init__(data_dir=data_dir, memory_limit=memory_limit, threads=threads)
        self.url = url
        scheme = urlsplit(url).scheme.split("+", 1)[0].lower()
        self.engine = scheme
        self.dialect = _DIALECTS.get(scheme, scheme)
        self._backend = None
        self._lock = threading.Lock()

    def _connection(self):
        import ibis

        with self._lock:
            if self._backend is None:
                self._backend = ibis.connect(self.url)
            return self._backend

    def location(self, key: str, version: int) -> Location:
        """``Location(None, None, "<key>_v<version>")``: tables are registered by name."""
        check_key(key, version)
        return Location(catalog=None, database=None, table=f"{key}_v{version}")

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
        """Not offered: files are loaded into the embedded engine or PostgreSQL only."""
        raise ImportFailed(
            _("Loading files into %(engine)s is not supported; register an existing table instead.")
            % {"engine": self.engine}
        )

    def execute(
        self,
        sql: str,
        *,
        locations: Iterable[Location] = (),
        timeout: float = 30.0,
        row_cap: int = 100_000,
        params: Sequence | None = None,
    ) -> Result:
        """Run one query through the Ibis backend's ``raw_sql``, keeping ``row_cap`` rows."""
        start = time.perf_counter()
        try:
            result = self._connection().raw_sql(sql)
            if hasattr(result, "result_rows"):  # clickhouse-connect
                columns, rows = list(result.column_names), result.result_rows[: row_cap + 1]
            else:
                columns = [d[0] for d in result.description or []]
                rows = result.fetchmany(row_cap + 1)
                if hasattr(result, "close"):
                    result.close()
        except Exception as exc:  # each backend raises its own driver's errors
            raise QueryFailed(
                str(exc).strip().split("\n", 1)[0] or _("The query failed.")
            ) from None
        return Result(
            columns=columns,
            rows=[list(r) for r in rows[:row_cap]],
            truncated=len(rows) > row_cap,
            elapsed_ms=(time.perf_counter() - start) * 1000,
        )

    def drop(self, location: Location) -> None:
        """Not offered: registered tables belong to their engine."""
        raise QueryFailed(
            _("Dropping tables in %(engine)s is not supported.") % {"engine": self.engine}
        )
