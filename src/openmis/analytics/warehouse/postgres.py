"""PostgreSQL as the warehouse: one table ``<key>_v<version>`` per dataset version.

Files are read by DuckDB (the same readers and error messages as the embedded engine) and
streamed as Arrow batches into ``COPY ... FROM STDIN`` inside one transaction, so a failed
import leaves no table behind. Queries run in read-only transactions with a statement
timeout, rows streamed up to the cap.
"""

from __future__ import annotations

import contextlib
import io
import re
import time
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import psycopg
import pyarrow as pa
import pyarrow.csv as pa_csv
from psycopg import sql as pgsql

from openmis.analytics.catalog import Location
from openmis.analytics.errors import ImportFailed, QueryFailed, QueryTimeout
from openmis.analytics.i18n import _
from openmis.analytics.warehouse import reading
from openmis.analytics.warehouse.base import (
    STREAM_BATCH_ROWS,
    FileLoadingWarehouse,
    LoadSession,
    Progress,
    Result,
    json_value,
)
from openmis.analytics.warehouse.connections import timed_out
from openmis.analytics.warehouse.diagnose import arrow_error, first_line
from openmis.analytics.warehouse.embedded import check_key
from openmis.analytics.warehouse.files import quote_ident, scratch_connection
from openmis.analytics.warehouse.types import from_postgres, to_postgres

DEFAULT_SCHEMA = "openmis_warehouse"
_SCHEMA = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,62}")
_TABLE = re.compile(r"(?P<key>[A-Za-z][A-Za-z0-9_]{0,50})_v(?P<version>\d{1,12})")
_BATCH_ROWS = 50_000
_CSV_OPTIONS = pa_csv.WriteOptions(include_header=False)
# Rows fetched per round trip when streaming a result (chunked mode needs libpq 17).
_STREAM_CHUNK = 1000 if psycopg.pq.version() >= 170000 else 1


_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,62}")


def split_url(url: str) -> tuple[str, str]:
    """A libpq connection URL and the warehouse schema (the ``?schema=`` parameter)."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    schema = next((v for k, v in query if k == "schema"), DEFAULT_SCHEMA)
    if not _SCHEMA.fullmatch(schema):
        raise ValueError(f"Invalid warehouse schema {schema!r}.")
    rest = urlencode([(k, v) for k, v in query if k != "schema"])
    return urlunsplit(("postgresql", parts.netloc, parts.path, rest, parts.fragment)), schema


class PostgresWarehouse(FileLoadingWarehouse):
    """Dataset versions as tables of one PostgreSQL schema.

    Parameters
    ----------
    url
        ``postgresql://user@host:port/db?schema=openmis_warehouse``.
    data_dir
        The data directory (scratch space for XLSX batches).
    memory_limit, threads
        Limits of the DuckDB connection that reads files.
    """

    dialect = "postgres"

    def __init__(self, url: str, *, data_dir: Path, memory_limit: str = "2GB", threads: int = 2):
        super().__init__(data_dir=data_dir, memory_limit=memory_limit, threads=threads)
        self.conninfo, self.schema = split_url(url)

    def location(self, key: str, version: int) -> Location:
        """``Location(catalog=None, database=<schema>, table="<key>_v<version>")``."""
        check_key(key, version)
        return Location(catalog=None, database=self.schema, table=f"{key}_v{version}")

    def _table(self, location: Location) -> pgsql.Identifier:
        if location.database != self.schema or not _TABLE.fullmatch(location.table):
            raise ValueError(f"Not a location of this warehouse: {location!r}")
        return pgsql.Identifier(self.schema, location.table)

    def external_location(self, reference: str) -> Location:
        """``schema.table`` of the warehouse database, read in place (never written)."""
        parts = reference.strip().split(".")
        if len(parts) != 2 or not all(_IDENT.fullmatch(p) for p in parts):
            raise QueryFailed(
                _("Name the external table as schema.table (letters, digits and underscores).")
            )
        if parts[0] == self.schema:
            raise QueryFailed(_("Tables of the warehouse's own schema cannot be registered."))
        if parts[0].lower().startswith("pg_") or parts[0].lower() == "information_schema":
            raise QueryFailed(_("System catalogs cannot be registered as datasets."))
        return Location(catalog=None, database=parts[0], table=parts[1])

    def _connect(self, *, autocommit: bool = True) -> psycopg.Connection:
        return psycopg.connect(self.conninfo, autocommit=autocommit, connect_timeout=10)

    @contextlib.contextmanager
    def _load_session(
        self, key: str, version: int, append_to: Location | None
    ) -> Iterator[LoadSession]:
        """Write the new version's table in one transaction (a failed load leaves none),
        streaming the file's rows as CSV batches into ``COPY``."""
        location = self.location(key, version)
        target = self._table(location)
        previous = self._table(append_to) if append_to is not None else None
        reader = scratch_connection(threads=self.threads, memory_limit=self.memory_limit)
        try:
            with self._connect() as pg:
                pg.execute(
                    pgsql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(
                        pgsql.Identifier(self.schema)
                    )
                )
                expect = None
                if append_to is not None:
                    expect = self._columns(pg, append_to.table)
                    if not expect:
                        raise ImportFailed(_("The version to append to no longer exists."))

                def consume(plan: reading.Plan, step: Progress | None) -> int:
                    names = list(expect or plan.columns)
                    for name in names:
                        if len(name.encode()) > 63:
                            raise ImportFailed(
                                _(
                                    'Column name "%(column)s" is longer than 63 bytes, the '
                                    "limit of PostgreSQL."
                                )
                                % {"column": name},
                                column=name,
                            )
                    cols = pgsql.SQL(", ").join(pgsql.Identifier(n) for n in names)
                    defs = pgsql.SQL(", ").join(
                        pgsql.SQL("{} {}").format(
                            pgsql.Identifier(n), pgsql.SQL(to_postgres(plan.columns[n]))
                        )
                        for n in names
                    )
                    with pg.transaction(), pg.cursor() as cur:
                        cur.execute(pgsql.SQL("DROP TABLE IF EXISTS {}").format(target))
                        cur.execute(pgsql.SQL("CREATE TABLE {} ({})").format(target, defs))
                        if previous is not None:
                            cur.execute(
                                pgsql.SQL("INSERT INTO {} ({}) SELECT {} FROM {}").format(
                                    target, cols, cols, previous
                                )
                            )
                        ordered = ", ".join(quote_ident(n) for n in names)
                        # Our own plan and quoted identifiers.
                        in_order = f"SELECT {ordered} FROM ({plan.sql})"  # noqa: S608
                        batches = reader.sql(in_order).to_arrow_reader(_BATCH_ROWS)
                        copy_sql = pgsql.SQL("COPY {} ({}) FROM STDIN (FORMAT csv)")
                        with cur.copy(copy_sql.format(target, cols)) as copy:
                            while True:
                                try:
                                    batch = batches.read_next_batch()
                                except StopIteration:
                                    break
                                except (pa.ArrowException, OSError) as exc:
                                    raise arrow_error(exc) from None
                                buffer = io.BytesIO()
                                pa_csv.write_csv(batch, buffer, _CSV_OPTIONS)
                                copy.write(buffer.getbuffer())
                                percent = reader.query_progress()
                                if step is not None and percent >= 0:
                                    step(min(percent, 100.0) / 100.0)
                        cur.execute(pgsql.SQL("SELECT count(*) FROM {}").format(target))
                        return int(cur.fetchone()[0])

                def finish(row_count: int) -> tuple[dict[str, str], int]:
                    return self._columns(pg, location.table), row_count

                yield LoadSession(reader, expect, consume, finish)
        except psycopg.Error as exc:
            raise ImportFailed(first_line(exc)) from None
        finally:
            reader.close()

    def _columns(self, pg: psycopg.Connection, table: str) -> dict[str, str]:
        rows = pg.execute(
            "SELECT column_name, data_type, numeric_precision, numeric_scale "
            "FROM information_schema.columns WHERE table_schema = %s AND table_name = %s "
            "ORDER BY ordinal_position",
            [self.schema, table],
        ).fetchall()
        return {
            name: from_postgres(kind, precision, scale) for name, kind, precision, scale in rows
        }

    def execute(
        self,
        sql: str,
        *,
        locations: Iterable[Location] = (),
        timeout: float = 30.0,
        row_cap: int = 100_000,
        params: Sequence | None = None,
    ) -> Result:
        """Run one query in a read-only transaction with a statement timeout.

        Rows are streamed from the server and reading stops after ``row_cap + 1``.

        Raises
        ------
        QueryTimeout
            The statement ran past ``timeout``.
        QueryFailed
            PostgreSQL refused or failed the statement.
        """
        start = time.perf_counter()
        rows: list[list] = []
        try:
            with self._connect(autocommit=False) as pg, pg.cursor() as cur:
                cur.execute("SET TRANSACTION READ ONLY")
                cur.execute(
                    "SELECT set_config('statement_timeout', %s, true)",
                    [str(max(1, int(timeout * 1000)))],
                )
                stream = cur.stream(sql, params, size=_STREAM_CHUNK)
                columns: list[str] = []
                try:
                    for row in stream:
                        if not rows:
                            columns = [d.name for d in cur.description or []]
                        rows.append(list(row))
                        if len(rows) > row_cap:
                            break
                finally:
                    stream.close()
                if not rows:
                    columns = _empty_result_columns(cur, sql, params)
                pg.rollback()
        except psycopg.errors.QueryCanceled:
            raise QueryTimeout(timed_out(timeout)) from None
        except psycopg.Error as exc:
            raise QueryFailed(_clean(exc)) from None
        return Result(
            columns=columns,
            rows=rows[:row_cap],
            truncated=len(rows) > row_cap,
            elapsed_ms=(time.perf_counter() - start) * 1000,
        )

    def stream(
        self,
        sql: str,
        *,
        locations: Iterable[Location] = (),
        timeout: float = 30.0,
        row_cap: int = 100_000,
        batch_rows: int = STREAM_BATCH_ROWS,
    ) -> Iterator[list]:
        """Stream one query's column names and row batches from the server, in a read-only
        transaction whose statement timeout is ``timeout``; see :meth:`Warehouse.stream`."""
        try:
            with self._connect(autocommit=False) as pg:
                with pg.cursor() as setup:
                    setup.execute("SET TRANSACTION READ ONLY")
                    setup.execute(
                        "SELECT set_config('statement_timeout', %s, true)",
                        [str(max(1, int(timeout * 1000)))],
                    )
                # A server-side cursor: the server keeps the result, we fetch it by batches.
                cur = pg.cursor(name="openmis_stream")
                cur.execute(sql)
                yield [d.name for d in cur.description or []]
                left = row_cap
                while left > 0:
                    rows = cur.fetchmany(min(batch_rows, left))
                    if not rows:
                        break
                    left -= len(rows)
                    yield [[json_value(v) for v in row] for row in rows]
                cur.close()
                pg.rollback()
        except psycopg.errors.QueryCanceled:
            raise QueryTimeout(timed_out(timeout)) from None
        except psycopg.Error as exc:
            raise QueryFailed(_clean(exc)) from None

    def drop(self, location: Location) -> None:
        """Drop one version's table."""
        with self._connect() as pg:
            pg.execute(pgsql.SQL("DROP TABLE IF EXISTS {}").format(self._table(location)))

    def cleanup(self, key: str, keep_versions: set[int]) -> list[int]:
        """Drop the tables of dataset ``key`` whose versions are not in ``keep_versions``."""
        check_key(key, 0)
        with self._connect() as pg:
            names = pg.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = %s",
                [self.schema],
            ).fetchall()
            deleted = []
            for (name,) in names:
                match = _TABLE.fullmatch(name)
                if match and match["key"] == key and int(match["version"]) not in keep_versions:
                    pg.execute(
                        pgsql.SQL("DROP TABLE IF EXISTS {}").format(
                            pgsql.Identifier(self.schema, name)
                        )
                    )
                    deleted.append(int(match["version"]))
        return sorted(deleted)


def _empty_result_columns(cur: psycopg.Cursor, sql: str, params: Sequence | None) -> list[str]:
    """The column names of a query that returned no rows (a streamed empty result carries
    no description in psycopg): the query again, wrapped to return nothing."""
    inner = sql.strip().rstrip(";")
    try:
        # The user's statement, already run once in this read-only transaction.
        cur.execute(f"SELECT * FROM ({inner}) AS q LIMIT 0", params)  # noqa: S608
    except psycopg.Error:
        return []
    return [d.name for d in cur.description or []]


def _clean(exc: psycopg.Error) -> str:
    diag = getattr(exc, "diag", None)
    text = (diag.message_primary if diag is not None else None) or str(exc).split("\n", 1)[0]
    text = text.strip()
    if not text:
        return _("The query failed.")
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."
