"""Benchmark of the BI warehouse (issue #3) on TPC-H data, each figure against a baseline
measured in the same run.

Run: ``.venv/bin/python bench/bi_tpch.py [--scale 1] [--runs 7]`` (see bench/README.md).

It builds a throw-away installation (fresh OPENMIS_DATA_DIR, SQLite), loads TPC-H ``lineitem``
and ``orders`` (CSV written by ``tpchgen-cli``, not timed) through ``import_now``,
relates them, saves six questions on a six-card dashboard, and measures:

1. a question answered uncached, in-process (``services.run_query(..., use_cache=False)``) and
   through ``POST /api/bi/query/`` on a gunicorn whose result cache is off, against the same
   query hand-written in SQL on a warm DuckDB connection attaching the same version files
   (issue: ratio <= 1.15, or within 10 ms for queries under 50 ms); and the Q1 shape with a
   new ship date in its filter on every run, so no compiled SQL can be reused (issue #12:
   within 5 ms or 1.10x of the same SQL on the stored version file, whichever is larger);
2. the cached re-run through the API, on a gunicorn with the result cache on, against
   ``GET /health/`` on the same server (issue: <= 20 ms);
3. importing ``lineitem`` through ``import_now`` against DuckDB's own
   ``CREATE TABLE AS SELECT * FROM read_csv(...)`` into a fresh database file (issue: <= 1.3x);
4. the six cards of the dashboard, each its own ``GET /bi/cards/<pk>/render/``, fired at once
   as the browser does, uncached, against the slowest card alone (issue: <= 1.5x).

It prints the figures and the issue's targets as PASS/MISS. It is a benchmark, not a test: it
never fails on a target, only on a broken setup.
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import secrets
import shutil
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from people_list import (
    ROOT,
    BenchError,
    free_port,
    log,
    percentile,
    run_openmis,
    start_server,
    stop_server,
    throwaway_installation,
    wait_until_up,
)

TABLES = ("lineitem", "orders")
QUERY_RATIO = 1.15  # issue #3: a question costs at most 15% over the raw SQL ...
QUERY_SLACK_MS = 10.0  # ... or at most 10 ms more when the raw SQL takes under 50 ms
QUERY_SMALL_MS = 50.0
CACHED_MS = 20.0  # a cached re-run through the API
IMPORT_RATIO = 1.3  # import_now against DuckDB's own CSV load
DASHBOARD_RATIO = 1.5  # all cards at once against the slowest card alone
NEW_VALUE_RATIO = 1.10  # issue #12: Q1 with a new filter value, at most 10% over the raw SQL ...
NEW_VALUE_SLACK_MS = 5.0  # ... or at most 5 ms more, whichever is larger
NEW_VALUE_FIRST_DAY = "1998-09-02"  # the filter's value of the first run; each run a day earlier


@dataclass
class Question:
    """A question of the benchmark: its spec, its chart, and the same query in plain SQL.

    ``sql`` names the tables ``{lineitem}`` and ``{orders}``; they are replaced by the
    version files' qualified names.
    """

    key: str
    title: str
    chart: str
    spec: dict
    sql: str
    times: dict[str, list[float]] = field(default_factory=dict)  # what -> seconds
    pk: int = 0
    card: int = 0


QUESTIONS = [
    Question(
        "q1",
        "Pricing summary (TPC-H Q1-like)",
        "table",
        {
            "dataset": "lineitem",
            "measures": [
                {"agg": "sum", "column": "l_quantity", "as": "sum_qty"},
                {"agg": "sum", "column": "l_extendedprice", "as": "sum_base_price"},
                {"agg": "avg", "column": "l_quantity", "as": "avg_qty"},
                {"agg": "avg", "column": "l_extendedprice", "as": "avg_price"},
                {"agg": "avg", "column": "l_discount", "as": "avg_disc"},
                {"agg": "count", "as": "count_order"},
            ],
            "dimensions": ["l_returnflag", "l_linestatus"],
            "filters": [{"column": "l_shipdate", "op": "<=", "value": "1998-09-02"}],
        },
        "SELECT l_returnflag, l_linestatus, sum(l_quantity) AS sum_qty, "
        "sum(l_extendedprice) AS sum_base_price, avg(l_quantity) AS avg_qty, "
        "avg(l_extendedprice) AS avg_price, avg(l_discount) AS avg_disc, count(*) AS count_order "
        "FROM {lineitem} WHERE l_shipdate <= DATE '1998-09-02' "
        "GROUP BY l_returnflag, l_linestatus ORDER BY l_returnflag, l_linestatus",
    ),
    Question(
        "q2",
        "Revenue by month",
        "line",
        {
            "dataset": "lineitem",
            "measures": [{"agg": "sum", "column": "l_extendedprice", "as": "revenue"}],
            "dimensions": [{"column": "l_shipdate", "bucket": "month", "as": "month"}],
        },
        "SELECT CAST(date_trunc('month', l_shipdate) AS DATE) AS month, "
        "sum(l_extendedprice) AS revenue FROM {lineitem} GROUP BY 1 ORDER BY 1",
    ),
    Question(
        "q3",
        "Orders by ship mode (count distinct)",
        "bar",
        {
            "dataset": "lineitem",
            "measures": [{"agg": "count_distinct", "column": "l_orderkey", "as": "orders"}],
            "dimensions": ["l_shipmode"],
        },
        "SELECT l_shipmode, count(DISTINCT l_orderkey) AS orders FROM {lineitem} "
        "GROUP BY 1 ORDER BY 1",
    ),
    Question(
        "q4",
        "1995 revenue by order priority (join)",
        "bar",
        {
            "dataset": "lineitem",
            "measures": [
                {"agg": "sum", "column": "l_extendedprice", "as": "revenue"},
                {"agg": "count", "as": "lines"},
            ],
            "dimensions": [{"column": "orders.o_orderpriority", "as": "priority"}],
            "filters": [
                {"column": "l_shipdate", "op": "between", "value": ["1995-01-01", "1995-12-31"]}
            ],
        },
        "SELECT o.o_orderpriority AS priority, sum(l.l_extendedprice) AS revenue, "
        "count(*) AS lines FROM {lineitem} AS l LEFT JOIN {orders} AS o "
        "ON l.l_orderkey = o.o_orderkey "
        "WHERE l.l_shipdate BETWEEN DATE '1995-01-01' AND DATE '1995-12-31' "
        "GROUP BY 1 ORDER BY 1",
    ),
    Question(
        "q5",
        "Total revenue",
        "number",
        {
            "dataset": "lineitem",
            "measures": [{"agg": "sum", "column": "l_extendedprice", "as": "revenue"}],
        },
        "SELECT sum(l_extendedprice) AS revenue FROM {lineitem}",
    ),
    Question(
        "q6",
        "Revenue by year and return flag (pivot)",
        "pivot",
        {
            "dataset": "lineitem",
            "measures": [{"agg": "sum", "column": "l_extendedprice", "as": "revenue"}],
            "dimensions": [
                {"column": "l_shipdate", "bucket": "year", "as": "year"},
                "l_returnflag",
            ],
        },
        "SELECT CAST(date_trunc('year', l_shipdate) AS DATE) AS year, l_returnflag, "
        "sum(l_extendedprice) AS revenue FROM {lineitem} GROUP BY 1, 2 ORDER BY 1, 2",
    ),
]


# --- small helpers -----------------------------------------------------------------------------


def median_ms(values: list[float]) -> float:
    return statistics.median(values) * 1000


def p95_ms(values: list[float]) -> float:
    return percentile(values, 95) * 1000


def uptime() -> str:
    """``uptime`` without its clock (Django sets TZ in this process's environment)."""
    try:
        out = subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout
    except OSError:
        out = ""
    if " up " not in out:
        return "load average: " + ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return "up " + " ".join(out.split(" up ", 1)[1].split())


def same_rows(app: list[list], raw: list[tuple]) -> bool:
    """The app's JSON rows equal DuckDB's rows (floats to 1e-9, dates as ISO strings)."""
    from openmis.analytics.warehouse import json_value

    if len(app) != len(raw):
        return False
    for a_row, r_row in zip(app, raw, strict=True):
        if len(a_row) != len(r_row):
            return False
        for a, r in zip(a_row, (json_value(v) for v in r_row), strict=True):
            if isinstance(a, float) or isinstance(r, float):
                if a is None or r is None or not math.isclose(a, r, rel_tol=1e-9):
                    return False
            elif a != r:
                return False
    return True


# --- data --------------------------------------------------------------------------------------


def import_now(dataset, path):
    """``import_now``: what ``openmis warehouse import`` runs."""
    from openmis.bi.loading import import_now as load

    return load(dataset, path)


def tpch_csv(scale: float, cache: Path | None, tmp: Path) -> Path:
    """The TPC-H CSV files at ``scale``: from the cache directory, or written by tpchgen-cli."""
    name = f"sf{scale:g}"
    folder = (cache / name) if cache is not None else (tmp / "tpch" / name)
    if all((folder / f"{t}.csv").is_file() for t in TABLES):
        log(f"TPC-H SF{scale:g} CSV: reusing {folder}")
        return folder
    tool = Path(sys.executable).with_name("tpchgen-cli")
    if not tool.exists():
        tool = Path(shutil.which("tpchgen-cli") or "tpchgen-cli")
    partial = folder.with_name(f"{name}.partial-{secrets.token_hex(4)}")
    partial.mkdir(parents=True)
    log(f"TPC-H SF{scale:g} CSV: generating {', '.join(TABLES)} into {folder} (not timed)")
    started = time.monotonic()
    try:
        done = subprocess.run(
            [
                str(tool),
                "csv",
                "-s",
                f"{scale:g}",
                "--output-dir",
                str(partial),
                "--tables",
                ",".join(TABLES),
                "--no-progress",
                "--quiet",
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            raise BenchError(f"tpchgen-cli failed ({done.returncode}): {done.stderr[-2000:]}")
        shutil.rmtree(folder, ignore_errors=True)
        partial.rename(folder)  # only a complete set of files is ever reused
    finally:
        shutil.rmtree(partial, ignore_errors=True)
    size = sum((folder / f"{t}.csv").stat().st_size for t in TABLES) / 1e6
    log(f"generated {size:.0f} MB in {time.monotonic() - started:.1f} s")
    return folder


def setup_django() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openmis.settings")
    django.setup()


def create_analyst() -> dict:
    """An analyst (production mode: no demo), their API token and a database session."""
    from django.conf import settings
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        get_user_model,
    )
    from django.contrib.sessions.backends.db import SessionStore

    from openmis.core.models import Installation
    from openmis.core.tokens import issue
    from openmis.org.models import Role
    from openmis.org.roles import ANALYST

    installation = Installation.current()
    installation.demo_mode = False
    installation.save()
    user = get_user_model().objects.create_user(
        username="bench-analyst",
        email="bench-analyst@example.com",
        password=secrets.token_urlsafe(16),
    )
    user.groups.add(Role.objects.get(slug=ANALYST).group)
    _instance, token = issue(user, "bench")
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return {
        "user": user,
        "token": token,
        "session_cookie": settings.SESSION_COOKIE_NAME,
        "session_key": session.session_key,
    }


def load_datasets(csv_dir: Path, user) -> dict:
    """Create and load the datasets through ``import_now``; relate lineitem to orders."""
    from openmis.bi.models import Dataset, ImportJob, Relationship

    datasets = {}
    for table in TABLES:
        dataset = Dataset.objects.create(name=table, title=f"TPC-H {table}", owner=user)
        started = time.perf_counter()
        job = import_now(dataset, csv_dir / f"{table}.csv")
        if job.status != ImportJob.Status.DONE:
            raise BenchError(f"loading {table} failed: {job.error}")
        dataset.refresh_from_db()
        log(f"loaded {table}: {dataset.row_count:,} rows in {time.perf_counter() - started:.1f} s")
        datasets[table] = dataset
    Relationship.objects.create(
        dataset=datasets["lineitem"],
        name="orders",
        column="l_orderkey",
        target=datasets["orders"],
        target_column="o_orderkey",
    )
    return datasets


def create_dashboard(user) -> int:
    """The questions, saved, on one dashboard of six cards owned by the analyst."""
    from django.urls import reverse

    from openmis.bi.models import Card, Dashboard, Dataset
    from openmis.bi.models import Question as SavedQuestion

    lineitem = Dataset.objects.get(name="lineitem")
    board = Dashboard.objects.create(title="TPC-H", owner=user)
    for position, q in enumerate(QUESTIONS):
        saved = SavedQuestion(title=q.title, spec=q.spec, chart=q.chart, owner=user)
        saved.full_clean(exclude=["owner"])
        saved.dataset = lineitem
        saved.save()
        q.pk = saved.pk
        q.card = Card.objects.create(dashboard=board, question=saved, position=position, width=6).pk
        if reverse("bi:card_render", args=[q.card]) != card_path(q):
            raise BenchError("the card render view is not where this benchmark looks for it")
    return board.pk


def card_path(q: Question) -> str:
    return f"/bi/cards/{q.card}/render/"


def baseline_connection(datasets: dict):
    """A warm in-memory DuckDB connection attaching the same version files (read-only),
    with the warehouse's thread and memory settings; and the tables' qualified names."""
    import duckdb
    from django.conf import settings

    from openmis.analytics.warehouse.files import quote_literal
    from openmis.bi.services import get_warehouse

    wh = get_warehouse()
    con = duckdb.connect(
        ":memory:",
        config={"threads": settings.BI_THREADS, "memory_limit": settings.BI_MEMORY_LIMIT},
    )
    names = {}
    for table, dataset in datasets.items():
        path = wh.path(dataset.key, dataset.data_version)
        con.execute(f"ATTACH {quote_literal(str(path))} AS raw_{table} (READ_ONLY)")
        names[table] = f"raw_{table}.main.data"
    return con, names


# --- measurements ------------------------------------------------------------------------------


class Http:
    """httpx clients of the analyst: token for the API, session cookie for pages."""

    def __init__(self, base_url: str, creds: dict, clients: int = 1):
        self.base_url = base_url
        options = {"base_url": base_url, "timeout": 300.0, "trust_env": False}
        self.api = [
            httpx.Client(headers={"Authorization": f"Token {creds['token']}"}, **options)
            for _ in range(clients)
        ]
        self.pages = [
            httpx.Client(cookies={creds["session_cookie"]: creds["session_key"]}, **options)
            for _ in range(clients)
        ]
        self.plain = httpx.Client(**options)

    def close(self) -> None:
        for client in [*self.api, *self.pages, self.plain]:
            client.close()

    resent: list[str] = []  # what was sent again, and why (one list for the run)

    @classmethod
    def send(cls, client: httpx.Client, method: str, path: str, **kwargs) -> httpx.Response:
        """One request; sent again once if the kept-alive connection it went out on was
        closed by the server meanwhile (gthread workers close idle ones after 2 s), as browsers
        do. The report counts these."""
        try:
            return client.request(method, path, **kwargs)
        except (httpx.RemoteProtocolError, httpx.ReadError) as exc:
            cls.resent.append(f"{method} {path}: {exc!r}")
            return client.request(method, path, **kwargs)

    def query(self, spec: dict, i: int = 0, server: list[float] | None = None) -> dict:
        """POST the spec; append the server's own time (its Server-Timing header, in seconds)
        to ``server`` when given."""
        response = self.send(self.api[i], "POST", "/api/bi/query/", json=spec)
        if response.status_code != 200:
            raise BenchError(
                f"POST /api/bi/query/ answered {response.status_code}: {response.text[:300]!r}"
            )
        if server is not None:
            timing = response.headers.get("server-timing", "")
            if not timing.startswith("query;dur="):
                raise BenchError(f"POST /api/bi/query/ sent no Server-Timing: {timing!r}")
            server.append(float(timing.removeprefix("query;dur=")) / 1000)
        return response.json()

    def card(self, q: Question, i: int = 0) -> str:
        response = self.send(self.pages[i], "GET", card_path(q))
        if response.status_code != 200 or "alert-warning" in response.text:
            raise BenchError(
                f"GET {card_path(q)} answered {response.status_code}: {response.text[:300]!r}"
            )
        return response.text

    def health(self) -> None:
        response = self.send(self.plain, "GET", "/health/")
        if response.status_code != 200:
            raise BenchError(f"GET /health/ answered {response.status_code}")


def timed(fn) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def concurrently(calls: list) -> tuple[float, list[float]]:
    """Run the callables at once, each in its own thread: the wall time from the start to the
    last answer, and each call's own time."""
    go = threading.Event()
    ends: list[float] = [0.0] * len(calls)
    errors: list[BaseException] = []

    def work(i: int) -> None:
        go.wait()
        try:
            calls[i]()
        except BaseException as exc:
            errors.append(exc)
        ends[i] = time.perf_counter()

    threads = [threading.Thread(target=work, args=(i,), daemon=True) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    time.sleep(0.01)  # let every thread reach the wait
    started = time.perf_counter()
    go.set()
    for thread in threads:
        thread.join()
    if errors:
        raise BenchError(f"a concurrent request failed: {errors[0]}") from errors[0]
    return max(ends) - started, [end - started for end in ends]


def check_answers(user, con, names: dict) -> None:
    """The app answers each question as the hand-written SQL does."""
    from openmis.bi import services

    for q in QUESTIONS:
        app = services.run_query(user, q.spec, use_cache=False)
        raw = con.execute(q.sql.format(**names)).fetchall()
        if not same_rows(app["rows"], raw):
            raise BenchError(
                f"{q.key}: the app and the hand-written SQL disagree:\n{app['rows'][:5]}\n{raw[:5]}"
            )


def measure_queries(user, con, names: dict, http: Http, runs: int, slots: int) -> None:
    """Target 1: uncached question in-process and over HTTP, against the raw SQL; and the
    in-process parts of the question (compiling the spec, running the compiled SQL).
    ``slots``: requests the server takes at once (the warm-up fills them all)."""
    from openmis.bi import services

    wh = services.get_warehouse()
    compiled = {}
    for q in QUESTIONS:
        _spec, sql, locations = services.compile_spec(user, q.spec)
        compiled[q.key] = (sql, locations)
    variants = {
        "raw": lambda q: con.execute(q.sql.format(**names)).fetchall(),
        "inproc": lambda q: services.run_query(user, q.spec, use_cache=False),
        "http": lambda q: http.query(q.spec, server=q.times.setdefault("server", [])),
        "compile": lambda q: services.compile_spec(user, q.spec),
        "execute": lambda q: wh.execute(
            compiled[q.key][0], locations=compiled[q.key][1], timeout=300
        ),
    }
    log("target 1 warm-up: 2 runs of each variant, and every gunicorn worker at once")
    for q in QUESTIONS:
        for _ in range(2):
            for fn in variants.values():
                fn(q)
        for _ in range(2):
            concurrently([lambda q=q, i=i: http.query(q.spec, i) for i in range(slots)])
        if http.query(q.spec).get("cached"):
            raise BenchError("the server with the result cache off answered from its cache")
        q.times.pop("server", None)  # the warm-up's
    log(f"target 1: {runs} runs x {len(QUESTIONS)} questions x {', '.join(variants)}")
    for r in range(runs):
        for q in QUESTIONS:
            order = list(variants)
            order = order[r % len(order) :] + order[: r % len(order)]
            for what in order:
                q.times.setdefault(what, []).append(timed(lambda f=variants[what], q=q: f(q)))


def q1_with_day(n: int) -> tuple[dict, str]:
    """The Q1 question (spec and hand-written SQL) with the ship date ``n`` days before
    ``NEW_VALUE_FIRST_DAY`` in its filter."""
    import copy
    import datetime as dt

    q1 = QUESTIONS[0]
    day = (dt.date.fromisoformat(NEW_VALUE_FIRST_DAY) - dt.timedelta(days=n)).isoformat()
    spec = copy.deepcopy(q1.spec)
    (ship_filter,) = spec["filters"]
    if ship_filter["value"] != NEW_VALUE_FIRST_DAY or NEW_VALUE_FIRST_DAY not in q1.sql:
        raise BenchError("Q1 no longer filters on the ship date this benchmark varies")
    ship_filter["value"] = day
    return spec, q1.sql.replace(NEW_VALUE_FIRST_DAY, day)


def measure_new_values(user, con, names: dict, http: Http, runs: int, slots: int) -> dict:
    """Target 1, issue #12: the Q1 shape with a filter value never asked before on every run
    (in-process with ``use_cache=False``, and through the API with the result cache off)
    against the same SQL on the baseline connection, which attaches the server's stored
    version files. A run's three variants share its value; no run repeats one."""
    from openmis.bi import services

    days = iter(range(1, 10_000))
    times: dict[str, list[float]] = {
        "raw": [],
        "inproc": [],
        "http": [],
        "server": [],
        "health": [],
    }

    def variants(spec: dict, sql: str) -> dict:
        return {
            "raw": lambda: con.execute(sql.format(**names)).fetchall(),
            "inproc": lambda: services.run_query(user, spec, use_cache=False),
            "http": lambda: http.query(spec, server=times["server"]),
            # the floor of any answer through HTTP: GET /health/ on the same server and
            # kept-alive client kind (no database, no query), in the same runs
            "health": http.health,
        }

    log("target 1, new filter values: warm-up (2 runs, and every gunicorn worker at once)")
    for _ in range(2):
        spec, sql = q1_with_day(next(days))
        for fn in variants(spec, sql).values():
            fn()
        for _ in range(2):
            batch = [q1_with_day(next(days))[0] for _ in range(slots)]
            concurrently([lambda s=s, i=i: http.query(s, i) for i, s in enumerate(batch)])
    spec, sql = q1_with_day(next(days))
    answer = http.query(spec)
    if answer.get("cached"):
        raise BenchError("the server with the result cache off answered from its cache")
    if not same_rows(answer["rows"], con.execute(sql.format(**names)).fetchall()):
        raise BenchError("Q1 with a new ship date: the API and the hand-written SQL disagree")
    times["server"].clear()
    log(f"target 1, new filter values: {runs} runs x raw, inproc, http, health")
    for r in range(runs):
        spec, sql = q1_with_day(next(days))
        calls = variants(spec, sql)
        order = list(calls)
        order = order[r % len(order) :] + order[: r % len(order)]
        for what in order:
            times[what].append(timed(calls[what]))
    return times


def measure_dashboard(http: Http, runs: int) -> dict:
    """Target 4: six cards at once against each card alone, uncached (the server's result
    cache is off)."""
    log("target 4 warm-up: 3 dashboard loads")
    for _ in range(3):
        concurrently([lambda q=q, i=i: http.card(q, i) for i, q in enumerate(QUESTIONS)])
    log(f"target 4: {runs} runs of each card alone and of the six at once")
    alone: dict[str, list[float]] = {q.key: [] for q in QUESTIONS}
    walls: list[float] = []
    each: list[list[float]] = []
    for r in range(runs):
        phases = ["alone", "together"] if r % 2 == 0 else ["together", "alone"]
        for phase in phases:
            if phase == "alone":
                for q in QUESTIONS:
                    alone[q.key].append(timed(lambda q=q: http.card(q)))
            else:
                wall, times = concurrently(
                    [lambda q=q, i=i: http.card(q, i) for i, q in enumerate(QUESTIONS)]
                )
                walls.append(wall)
                each.append(times)
    return {"alone": alone, "walls": walls, "each": each}


def measure_cached(user, http: Http, requests: int, workers: int) -> dict:
    """Target 2: cached re-runs through the API against /health/, one request at a time."""
    from openmis.bi import services

    log("target 2 warm-up: until every worker answers each question from its cache")
    for q in QUESTIONS:
        for _ in range(3):  # all workers busy at once: each one gets a request
            concurrently([lambda q=q, i=i: http.query(q.spec, i) for i in range(workers)])
        streak, sent = 0, 0
        while streak < 3 * workers and sent < 40 * workers:
            streak = streak + 1 if http.query(q.spec).get("cached") else 0
            sent += 1
    for _ in range(10):
        http.health()
    log(f"target 2: {requests} rounds of /health/ and each question's cached query")
    health: list[float] = []
    cached: dict[str, list[float]] = {q.key: [] for q in QUESTIONS}
    misses = 0
    for r in range(requests):
        order = [None, *QUESTIONS]
        order = order[r % len(order) :] + order[: r % len(order)]
        for q in order:
            if q is None:
                health.append(timed(http.health))
                continue
            started = time.perf_counter()
            answer = http.query(q.spec)
            elapsed = time.perf_counter() - started
            if answer.get("cached"):
                cached[q.key].append(elapsed)
            else:
                misses += 1  # a worker that had not cached it yet: not a cached re-run

    # Where the time of a cached answer goes, in this process (no HTTP).
    from openmis.bi.services import ReaderContext, compile_spec

    for q in QUESTIONS:
        services.run_query(user, q.spec)
    parts: dict[str, list[float]] = {"context": [], "compile": [], "cached": []}
    for _ in range(max(requests // 2, 7)):
        for q in QUESTIONS:
            parts["context"].append(timed(lambda: ReaderContext(user)))
            parts["compile"].append(timed(lambda q=q: compile_spec(user, q.spec)))
            parts["cached"].append(timed(lambda q=q: services.run_query(user, q.spec)))
    return {"health": health, "cached": cached, "misses": misses, "parts": parts}


def measure_import(csv: Path, user, tmp: Path, runs: int) -> dict:
    """Target 3: ``import_now`` of lineitem against DuckDB's own CSV load."""
    import duckdb
    from django.conf import settings

    from openmis.analytics.warehouse.files import quote_literal
    from openmis.bi import services
    from openmis.bi.models import Dataset, ImportJob

    wh = services.get_warehouse()
    # Time the engine's two steps of each import (instance attributes of this process's
    # engine only; the app's code runs unchanged).
    steps: dict[str, list[float]] = {"load": [], "profile": []}
    for name in ("load",):
        method = getattr(wh, name)

        def wrapper(*args, _method=method, _name=name, **kwargs):
            started = time.perf_counter()
            try:
                return _method(*args, **kwargs)
            finally:
                steps[_name].append(time.perf_counter() - started)

        setattr(wh, name, wrapper)
    dataset = Dataset.objects.create(name="lineitem_import", title="Import target", owner=user)
    source = csv / "lineitem.csv"
    expected = Dataset.objects.get(name="lineitem").row_count

    last_job: list = []

    def app() -> None:
        job = import_now(dataset, source)
        if job.status != ImportJob.Status.DONE or job.rows != expected:
            raise BenchError(f"import_now failed: {job.status} {job.rows} {job.error}")
        last_job[:] = [job]

    def profile() -> None:
        # The profile is a background job that follows the import (the data is queryable
        # before it): timed on its own, outside the import's figure.
        from openmis.bi.loading import profile_dataset

        profile_dataset(dataset.pk, last_job[0].pk)

    def raw() -> None:
        target = tmp / f"raw-{secrets.token_hex(4)}.duckdb"
        con = duckdb.connect(
            str(target),
            config={"threads": settings.BI_THREADS, "memory_limit": settings.BI_MEMORY_LIMIT},
        )
        try:
            reader = f"read_csv({quote_literal(str(source))})"
            con.execute(f"CREATE TABLE data AS SELECT * FROM {reader}")  # noqa: S608 -- ours
            rows = con.execute("SELECT count(*) FROM data").fetchone()[0]
        finally:
            con.close()
        target.unlink()
        target.with_name(target.name + ".wal").unlink(missing_ok=True)
        if rows != expected:
            raise BenchError(f"DuckDB loaded {rows} rows instead of {expected}")

    log(f"target 3: {runs} runs of import_now and of DuckDB's CTAS, alternating")
    times: dict[str, list[float]] = {"app": [], "raw": []}
    for r in range(runs):
        order = [("app", app), ("raw", raw)] if r % 2 == 0 else [("raw", raw), ("app", app)]
        for what, fn in order:
            times[what].append(timed(fn))
        steps["profile"].append(timed(profile))
        log(
            f"  run {r + 1}: import_now {times['app'][-1]:.2f} s "
            f"(load {steps['load'][-1]:.2f}, profile {steps['profile'][-1]:.2f}), "
            f"DuckDB {times['raw'][-1]:.2f} s"
        )
    return {**times, **steps}


# --- report ------------------------------------------------------------------------------------


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def query_ok(ratio: float, plus_ms: float, raw_ms: float) -> bool:
    """The issue's rule: at most 15% slower, or at most 10 ms slower under 50 ms."""
    return ratio <= QUERY_RATIO or (raw_ms < QUERY_SMALL_MS and plus_ms <= QUERY_SLACK_MS)


def report(args, info: dict, results: dict) -> None:
    summary: list[tuple[str, str, str, str]] = []
    print()
    print(
        f"OpenMIS BI benchmark on TPC-H SF{args.scale:g}: lineitem {info['rows']:,} rows, "
        f"orders {info['orders']:,} rows; DuckDB {info['duckdb']}, "
        f"BI_THREADS={info['threads']}, BI_MEMORY_LIMIT={info['memory']}"
    )
    print(
        f"Python {platform.python_version()}, {os.cpu_count()} CPUs, gunicorn {args.workers} "
        + (f"workers x {args.threads} threads" if args.threads else "sync workers")
        + "; load generator, server and baselines share the machine."
    )
    print(f"uptime at start: {info['uptime_start']}")
    print(f"uptime at end:   {uptime()}")
    if Http.resent:
        print(f"sent again on a fresh connection: {len(Http.resent)}, e.g. {Http.resent[0]}")

    if "queries" in results:
        print()
        print(
            f"1. Uncached question vs the same query hand-written in SQL on a warm DuckDB "
            f"connection; medians of {args.runs} interleaved runs; x raw and +ms are the medians "
            f"of the per-run ratios and differences"
        )
        header = (
            f"{'question':<40}{'raw':>7}{'compile':>9}{'execute':>9}{'run_query':>11}{'x raw':>7}"
            f"{'server':>8}{'HTTP':>8}{'x raw':>7}{'+ms':>7}  verdict (HTTP)"
        )
        print(header)
        print("-" * len(header))
        ratios: list[float] = []  # HTTP / raw of every run of the questions of 50 ms or more
        for q in QUESTIONS:
            raw, compile_, execute, inproc, server, http = (
                median_ms(q.times[k])
                for k in ("raw", "compile", "execute", "inproc", "server", "http")
            )
            pairs = list(zip(q.times["raw"], q.times["inproc"], q.times["http"], strict=True))
            inproc_x = statistics.median(i / r for r, i, _h in pairs)
            http_x = statistics.median(h / r for r, _i, h in pairs)
            http_plus = statistics.median(h - r for r, _i, h in pairs) * 1000
            ok = query_ok(http_x, http_plus, raw)
            print(
                f"{q.title:<40}{raw:>7.1f}{compile_:>9.1f}{execute:>9.1f}{inproc:>11.1f}"
                f"{inproc_x:>6.2f}x{server:>8.1f}{http:>8.1f}{http_x:>6.2f}x{http_plus:>7.1f}"
                f"  {verdict(ok)}"
            )
            if raw < QUERY_SMALL_MS:
                summary.append(
                    (
                        f"1 {q.key} API query vs raw SQL (under {QUERY_SMALL_MS:g} ms)",
                        f"{http:.1f} vs {raw:.1f} ms (+{http_plus:.1f} ms, {http_x:.2f}x)",
                        f"<= +{QUERY_SLACK_MS:g} ms or {QUERY_RATIO}x",
                        verdict(ok),
                    )
                )
            else:
                ratios += [h / r for r, _i, h in pairs]
        if ratios:
            median_x = statistics.median(ratios)
            summary.insert(
                0,
                (
                    "1 API query vs raw SQL",
                    f"median ratio {median_x:.2f}x over {len(ratios)} runs of the "
                    f"{len(ratios) // args.runs} questions of {QUERY_SMALL_MS:g} ms or more",
                    f"<= {QUERY_RATIO}x",
                    verdict(median_x <= QUERY_RATIO),
                ),
            )
        print(
            "   ms; raw: the hand-written SQL; compile: services.compile_spec (reader context, "
            "spec, Ibis -> SQL);\n   execute: the compiled SQL through the engine's "
            "execute; run_query: the whole in-process call, use_cache=False;\n   server: "
            "the API view's own time (its Server-Timing header); HTTP: POST "
            "/api/bi/query/ (token) to gunicorn\n   with the result cache off, as the client "
            "sees it."
        )

    if "new_values" in results:
        t = results["new_values"]
        raw, inproc, server, http, health = (
            median_ms(t[k]) for k in ("raw", "inproc", "server", "http", "health")
        )
        pairs = list(zip(t["raw"], t["inproc"], t["http"], strict=True))
        inproc_x = statistics.median(i / r for r, i, _h in pairs)
        inproc_plus = statistics.median(i - r for r, i, _h in pairs) * 1000
        http_x = statistics.median(h / r for r, _i, h in pairs)
        http_plus = statistics.median(h - r for r, _i, h in pairs) * 1000
        allowed = max(NEW_VALUE_SLACK_MS, (NEW_VALUE_RATIO - 1) * raw)
        print()
        print(
            f"1b. {QUESTIONS[0].title} with a new ship date on every run (no compiled SQL "
            f"to reuse), vs the same SQL on the stored version files; medians of {len(pairs)} "
            f"interleaved runs"
        )
        header = (
            f"{'question':<40}{'raw':>7}{'run_query':>11}{'x raw':>7}{'+ms':>7}"
            f"{'server':>8}{'HTTP':>8}{'x raw':>7}{'+ms':>7}  verdict (HTTP)"
        )
        print(header)
        print("-" * len(header))
        ok = http_plus <= allowed
        print(
            f"{'Q1 shape, new filter value':<40}{raw:>7.1f}{inproc:>11.1f}{inproc_x:>6.2f}x"
            f"{inproc_plus:>7.1f}{server:>8.1f}{http:>8.1f}{http_x:>6.2f}x{http_plus:>7.1f}"
            f"  {verdict(ok)}"
        )
        print(
            f"   HTTP floor, same runs: GET /health/ {health:.1f} ms (median; no database, no "
            f"query), so HTTP minus server minus floor is {http - server - health:.1f} ms"
        )
        summary.append(
            (
                "1b Q1, new filter value (#12)",
                f"{http:.1f} vs {raw:.1f} ms (+{http_plus:.1f} ms, {http_x:.2f}x)",
                f"<= +{allowed:.1f} ms (5 ms or 10%)",
                verdict(ok),
            )
        )

    if "cached" in results:
        c = results["cached"]
        every = [t for times in c["cached"].values() for t in times]
        base50, base95 = median_ms(c["health"]), p95_ms(c["health"])
        p50, p95 = median_ms(every), p95_ms(every)
        print()
        print(
            f"2. Cached re-run through POST /api/bi/query/ (gunicorn, result cache on), one "
            f"request at a time; {len(c['health'])} rounds; {c['misses']} answers not from the "
            f"cache (a worker that had not cached the result yet) are left out"
        )
        header = f"{'request':<40}{'p50 ms':>9}{'p95 ms':>9}{'p50/base':>10}{'p95/base':>10}"
        print(header)
        print("-" * len(header))
        print(f"{'baseline: GET /health/':<40}{base50:>9.1f}{base95:>9.1f}{1:>9.1f}x{1:>9.1f}x")
        for q in QUESTIONS:
            t = c["cached"][q.key]
            print(
                f"{q.title:<40}{median_ms(t):>9.1f}{p95_ms(t):>9.1f}"
                f"{median_ms(t) / base50:>9.1f}x{p95_ms(t) / base95:>9.1f}x"
            )
        print(
            f"{'all cached questions':<40}{p50:>9.1f}{p95:>9.1f}"
            f"{p50 / base50:>9.1f}x{p95 / base95:>9.1f}x"
        )
        parts = c["parts"]
        print(
            "   in-process, without HTTP (median): ReaderContext "
            f"{median_ms(parts['context']):.1f} ms, compile_spec (context + parse + Ibis "
            f"-> SQL) {median_ms(parts['compile']):.1f} ms, whole cached run_query "
            f"{median_ms(parts['cached']):.1f} ms"
        )
        summary.append(
            (
                "2 cached API re-run",
                f"p50 {p50:.1f} ms, p95 {p95:.1f} ms (health p50 {base50:.1f} ms)",
                f"<= {CACHED_MS:g} ms (p95)",
                verdict(p95 <= CACHED_MS) + ("" if p50 <= CACHED_MS else " (p50 too)"),
            )
        )

    if "import" in results:
        i = results["import"]
        app, raw = statistics.median(i["app"]), statistics.median(i["raw"])
        print()
        print(
            f"3. Importing lineitem ({info['rows']:,} rows, {info['csv_mb']:.0f} MB CSV), "
            f"median of {len(i['app'])} runs, alternating"
        )
        header = f"{'what':<52}{'median s':>10}{'best s':>9}{'x DuckDB':>10}"
        print(header)
        print("-" * len(header))
        rows = [
            ("baseline: DuckDB CREATE TABLE AS read_csv (file)", i["raw"]),
            ("import_now (openmis warehouse import)", i["app"]),
            ("  of which the engine's load", i["load"]),
            ("then, as a background job: the profile", i["profile"]),
        ]
        for label, times in rows:
            median = statistics.median(times)
            print(f"{label:<52}{median:>10.2f}{min(times):>9.2f}{median / raw:>9.2f}x")
        summary.append(
            (
                "3 import lineitem",
                f"{app:.2f} vs {raw:.2f} s ({app / raw:.2f}x)",
                f"<= {IMPORT_RATIO}x",
                verdict(app / raw <= IMPORT_RATIO),
            )
        )

    if "dashboard" in results:
        d = results["dashboard"]
        alone = {k: median_ms(v) for k, v in d["alone"].items()}
        slowest_key = max(alone, key=alone.get)
        slowest = alone[slowest_key]
        wall, wall95 = median_ms(d["walls"]), p95_ms(d["walls"])
        print()
        print(
            f"4. Dashboard of {len(QUESTIONS)} cards, uncached (result cache off), "
            f"median of {len(d['walls'])} runs"
        )
        header = f"{'card':<40}{'alone ms':>10}{'in the dashboard ms':>21}"
        print(header)
        print("-" * len(header))
        for n, q in enumerate(QUESTIONS):
            together = statistics.median(times[n] for times in d["each"]) * 1000
            print(f"{q.title:<40}{alone[q.key]:>10.1f}{together:>21.1f}")
        print(
            f"{'all six at once (last answer)':<40}{'':>10}{wall:>21.1f}   "
            f"(p95 {wall95:.1f}; the six one after another: {sum(alone.values()):.1f})"
        )
        summary.append(
            (
                "4 dashboard, 6 cards at once",
                f"{wall:.1f} vs slowest card {slowest:.1f} ms ({wall / slowest:.2f}x)",
                f"<= {DASHBOARD_RATIO}x",
                verdict(wall / slowest <= DASHBOARD_RATIO),
            )
        )

    print()
    print("Targets (issue #3), printed, never asserted:")
    width = max(len(s[1]) for s in summary) if summary else 10
    for name, measured, limit, result in summary:
        print(f"  {name:<34}{measured:<{width + 2}}{limit:<24}{result}")


# --- main --------------------------------------------------------------------------------------


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--scale", type=float, default=1.0, help="TPC-H scale factor (default 1; 0.1 is quick)"
    )
    parser.add_argument(
        "--runs", type=int, default=7, help="measured runs per figure (default %(default)s)"
    )
    parser.add_argument(
        "--import-runs",
        type=int,
        default=None,
        help="runs of the import target (default: --runs; each takes seconds at SF1)",
    )
    parser.add_argument(
        "--requests",
        type=int,
        default=40,
        help="cached API requests per question for p50/p95 (default %(default)s)",
    )
    from openmis.cli import web_concurrency

    default_workers, default_threads = web_concurrency()
    parser.add_argument(
        "--workers",
        type=int,
        default=default_workers,
        help="gunicorn worker processes (default: as `openmis run`, one per core, at least 2)",
    )
    parser.add_argument(
        "--threads",
        type=int,
        default=default_threads,
        help="threads per worker process, gthread (default: as `openmis run`, %(default)s); "
        "0 runs sync workers",
    )
    parser.add_argument(
        "--only",
        default="1,2,3,4",
        help="which targets to measure, e.g. 1,4 (default all)",
    )
    parser.add_argument(
        "--csv-cache",
        type=Path,
        default=ROOT / "var" / "bench" / "tpch",
        help="where the generated CSV files are kept for the next run (default %(default)s)",
    )
    parser.add_argument(
        "--no-csv-cache",
        action="store_true",
        help="generate the CSV files in the throw-away directory and delete them",
    )
    args = parser.parse_args(argv)
    args.import_runs = args.import_runs or args.runs
    args.only = {int(x) for x in args.only.split(",") if x.strip()}
    if args.scale <= 0 or min(args.runs, args.import_runs, args.requests, args.workers) < 1:
        parser.error("--scale, --runs, --import-runs, --requests and --workers must be positive")
    if not args.only <= {1, 2, 3, 4}:
        parser.error("--only takes target numbers 1 to 4")
    return args


def serve(env: dict, tmp: Path, args, name: str, **settings: str):
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    logfile = tmp / f"gunicorn-{name}.log"
    log(f"start gunicorn ({name}) on {base_url}")
    server = start_server({**env, **settings}, tmp, port, args.workers, logfile, args.threads)
    try:
        wait_until_up(base_url, server)
    except BaseException:
        stop_server(server)
        raise
    return server, base_url, logfile


def main(argv=None) -> int:
    args = parse_args(argv)
    info = {"uptime_start": uptime()}
    log(f"start: {info['uptime_start']}")
    tmp, env = throwaway_installation()
    server = None
    logfile = None
    results: dict = {}
    try:
        csv = tpch_csv(args.scale, None if args.no_csv_cache else args.csv_cache, tmp)
        info["csv_mb"] = (csv / "lineitem.csv").stat().st_size / 1e6
        t0 = time.monotonic()
        log(f"data dir {tmp / 'data'}: migrate, collectstatic")
        run_openmis("manage", "migrate", "--no-input", "-v", "0", env=env, cwd=tmp)
        run_openmis("manage", "collectstatic", "--no-input", "-v", "0", env=env, cwd=tmp)
        setup_django()
        import duckdb
        from django.conf import settings
        from django.db import connections

        creds = create_analyst()
        user = creds["user"]
        datasets = load_datasets(csv, user)
        info.update(
            rows=datasets["lineitem"].row_count,
            orders=datasets["orders"].row_count,
            duckdb=duckdb.__version__,
            threads=settings.BI_THREADS,
            memory=settings.BI_MEMORY_LIMIT,
        )
        create_dashboard(user)
        con, names = baseline_connection(datasets)
        check_answers(user, con, names)
        connections.close_all()
        log(f"setup took {time.monotonic() - t0:.1f} s")

        if args.only & {1, 4}:
            # Result cache off (entries expire at once): every request runs its query.
            server, base_url, logfile = serve(
                env, tmp, args, "result cache off", OPENMIS_BI_RESULT_CACHE_SECONDS="0"
            )
            slots = args.workers * max(args.threads, 1)  # requests the server takes at once
            http = Http(base_url, creds, clients=max(slots, len(QUESTIONS)))
            try:
                if 1 in args.only:
                    measure_queries(user, con, names, http, args.runs, slots)
                    results["queries"] = True
                    results["new_values"] = measure_new_values(
                        user, con, names, http, args.runs, slots
                    )
                if 4 in args.only:
                    results["dashboard"] = measure_dashboard(http, args.runs)
            finally:
                http.close()
                stop_server(server)
                server = None
        if 2 in args.only:
            server, base_url, logfile = serve(env, tmp, args, "result cache on")
            http = Http(base_url, creds, clients=args.workers)
            try:
                results["cached"] = measure_cached(user, http, args.requests, args.workers)
            finally:
                http.close()
                stop_server(server)
                server = None
        con.close()
        if 3 in args.only:
            results["import"] = measure_import(csv, user, tmp, args.import_runs)
        connections.close_all()
        log(f"whole run took {time.monotonic() - t0:.0f} s")
        report(args, info, results)
        return 0
    except BenchError as exc:
        print(f"\nbench/bi_tpch.py: {exc}", file=sys.stderr)
        if logfile is not None and logfile.exists() and logfile.stat().st_size:
            tail = logfile.read_text(errors="replace").splitlines()[-30:]
            print("--- gunicorn log (tail) ---", *tail, sep="\n", file=sys.stderr)
        return 1
    finally:
        if server is not None:
            stop_server(server)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
