"""Where an API request spends its time outside the view: the whole Django stack (every
middleware, DRF's authentication, permissions, parsing and rendering) driven in-process
through the WSGI handler, as gunicorn calls it, with no network and no server.

Run: ``.venv/bin/python bench/api_overhead.py [--requests 300] [--profile api]``
(see bench/README.md).

It builds a throw-away installation (fresh OPENMIS_DATA_DIR, SQLite, the result cache off, as
target 1 of ``bi_tpch.py``), an analyst with an API token, and a small dataset (1,000 rows).
Then it calls ``openmis.wsgi.application`` with the environ gunicorn builds for
``GET /health/`` and for ``POST /api/bi/query/`` (token; a one-number question), and prints
per request: the SQL queries of the Django database, the CPU time of this process (steadier
than wall time on a busy machine), the wall time, and for the query the view's own
``Server-Timing``. ``--profile health|api`` prints cProfile's top functions of that request.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import shutil
import statistics
import sys
import time
from pathlib import Path

from bi_tpch import create_analyst, setup_django, uptime
from people_list import (
    BenchError,
    free_port,
    log,
    run_openmis,
    start_server,
    stop_server,
    throwaway_installation,
    wait_until_up,
)

SPEC = {"dataset": "numbers", "measures": [{"agg": "sum", "column": "amount", "as": "total"}]}


def write_csv(path: Path, rows: int) -> None:
    lines = ["id,kind,amount"] + [f"{i},{'abcde'[i % 5]},{i * 1.5}" for i in range(rows)]
    path.write_text("\n".join(lines) + "\n")


def environ_for(method: str, path: str, headers: dict[str, str], body: bytes = b"") -> dict:
    """What gunicorn hands the WSGI application for this request (the parts Django reads)."""
    environ = {
        "REQUEST_METHOD": method,
        "SCRIPT_NAME": "",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "REMOTE_PORT": "50000",
        "RAW_URI": path,
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        "HTTP_HOST": "127.0.0.1:8000",
        "HTTP_USER_AGENT": "python-httpx/0.28.1",
        "HTTP_ACCEPT": "*/*",
        "HTTP_ACCEPT_ENCODING": "gzip, deflate",
        "HTTP_CONNECTION": "keep-alive",
    }
    for name, value in headers.items():
        environ["HTTP_" + name.upper().replace("-", "_")] = value
    if body:
        environ["CONTENT_TYPE"] = "application/json"
        environ["CONTENT_LENGTH"] = str(len(body))
    environ["wsgi.input"] = io.BytesIO(body)
    return environ


def call(app, method: str, path: str, headers: dict, body: bytes = b"") -> tuple[str, dict, bytes]:
    status_headers: list = []

    def start_response(status, response_headers, exc_info=None):
        status_headers[:] = [status, dict(response_headers)]

    result = app(environ_for(method, path, headers, body), start_response)
    try:
        content = b"".join(result)
    finally:
        close = getattr(result, "close", None)
        if close is not None:
            close()
    return status_headers[0], status_headers[1], content


def callgrind(once, name: str, n: int) -> float:
    """Instructions per request of ``name``, counted by callgrind around ``n`` requests (the
    process runs under ``valgrind --tool=callgrind --instr-atstart=no``)."""
    import glob
    import subprocess

    pid = str(os.getpid())

    def control(*options: str) -> None:
        subprocess.run(["callgrind_control", *options, pid], check=True, capture_output=True)

    control("--instr=on")
    control("--zero")
    for _ in range(n):
        once(name)
    before = set(glob.glob(f"callgrind.out.{pid}*"))
    control(f"--dump={name}")
    control("--instr=off")
    (dump,) = set(glob.glob(f"callgrind.out.{pid}*")) - before
    for line in Path(dump).read_text().splitlines():
        if line.startswith(("summary:", "totals:")):
            return int(line.split()[1]) / n
    raise BenchError(f"no totals in {dump}")


def http_times(env: dict, tmp: Path, targets: dict, requests: int) -> None:
    """Both targets through gunicorn with one kept-alive httpx client, as bi_tpch.py sends
    them: the client's time, and for the query the view's ``Server-Timing``."""
    import httpx

    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    server = start_server(env, tmp, port, 2, tmp / "gunicorn.log", 4)
    try:
        wait_until_up(base_url, server)
        client = httpx.Client(base_url=base_url, timeout=60.0, trust_env=False)
        wall: dict[str, list[float]] = {name: [] for name in targets}
        server_ms: list[float] = []

        def send(name: str) -> float:
            method, path, headers, body = targets[name]
            started = time.perf_counter()
            if body:
                headers = {**headers, "Content-Type": "application/json"}
            response = client.request(method, path, headers=headers, content=body or None)
            elapsed = time.perf_counter() - started
            if response.status_code != 200:
                raise BenchError(f"{name} over HTTP: {response.status_code} {response.text[:300]}")
            if name == "api":
                server_ms.append(float(response.headers["server-timing"].split("=")[1]))
            return elapsed

        for _ in range(30):
            for name in targets:
                send(name)
        server_ms.clear()
        for _ in range(requests):
            for name in targets:
                wall[name].append(send(name))
        client.close()
        print()
        print(f"through gunicorn (2 x 4 threads), httpx kept alive; uptime: {uptime()}")
        print(f"{'target':<10}{'HTTP ms':>9}{'min ms':>8}{'server ms':>11}{'min':>7}")
        for name in targets:
            srv = f"{statistics.median(server_ms):>11.2f}{min(server_ms):>7.2f}"
            print(
                f"{name:<10}{statistics.median(wall[name]) * 1000:>9.2f}"
                f"{min(wall[name]) * 1000:>8.2f}{srv if name == 'api' else ''}"
            )
    finally:
        stop_server(server)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=300, help="requests per target")
    parser.add_argument("--profile", choices=["health", "api"], help="cProfile this target")
    parser.add_argument("--top", type=int, default=40, help="functions shown by --profile")
    parser.add_argument(
        "--callgrind",
        type=int,
        default=0,
        metavar="N",
        help="run under valgrind --tool=callgrind --instr-atstart=no: instructions of N "
        "requests of each target (repeatable on a busy machine)",
    )
    parser.add_argument(
        "--http",
        action="store_true",
        help="also time both targets through gunicorn (2 processes x 4 threads, as openmis run)",
    )
    args = parser.parse_args(argv)

    tmp, env = throwaway_installation(OPENMIS_BI_RESULT_CACHE_SECONDS="0")
    try:
        log(f"start: {uptime()}")
        run_openmis("manage", "migrate", "--no-input", "-v", "0", env=env, cwd=tmp)
        setup_django()
        from django.db import connection, connections
        from django.test.utils import CaptureQueriesContext

        from openmis.bi.loading import import_now
        from openmis.bi.models import Dataset, ImportJob

        creds = create_analyst()
        csv = tmp / "numbers.csv"
        write_csv(csv, 1000)
        dataset = Dataset.objects.create(name="numbers", title="Numbers", owner=creds["user"])
        job = import_now(dataset, csv)
        if job.status != ImportJob.Status.DONE:
            raise BenchError(f"loading the dataset failed: {job.error}")
        connections.close_all()

        from openmis.wsgi import application

        body = json.dumps(SPEC).encode()
        targets = {
            "health": ("GET", "/health/", {}, b""),
            "api": ("POST", "/api/bi/query/", {"Authorization": f"Token {creds['token']}"}, body),
        }
        server: list[float] = []

        def once(name: str) -> None:
            status, headers, content = call(application, *targets[name])
            if not status.startswith("200"):
                raise BenchError(f"{name}: {status} {content[:300]!r}")
            if name == "api":
                if json.loads(content).get("cached"):
                    raise BenchError("the answer came from the result cache")
                server.append(float(headers["Server-Timing"].removeprefix("query;dur=")))

        for name in targets:  # warm-up
            for _ in range(20):
                once(name)
        server.clear()
        counts = {}
        for name in targets:
            with CaptureQueriesContext(connection) as queries:
                once(name)
            counts[name] = [q["sql"] for q in queries.captured_queries]
        server.clear()
        cpu: dict[str, list[float]] = {name: [] for name in targets}
        wall: dict[str, list[float]] = {name: [] for name in targets}
        for _ in range(args.requests):
            for name in targets:
                c0, w0 = time.process_time(), time.perf_counter()
                once(name)
                cpu[name].append(time.process_time() - c0)
                wall[name].append(time.perf_counter() - w0)
        print()
        print(f"uptime: {uptime()}")
        calls = {}
        for name in targets:  # Python function calls per request: the same on a busy machine
            profiler = cProfile.Profile()
            profiler.runcall(once, name)
            calls[name] = pstats.Stats(profiler).total_calls
        print(
            f"{'target':<10}{'queries':>8}{'calls':>8}{'cpu ms':>9}{'wall ms':>9}{'min ms':>8}"
            f"{'server ms':>11}{'min':>7}"
        )
        for name in targets:
            srv = f"{statistics.median(server):>11.2f}{min(server):>7.2f}" if name == "api" else ""
            print(
                f"{name:<10}{len(counts[name]):>8}{calls[name]:>8}"
                f"{statistics.mean(cpu[name]) * 1000:>9.2f}"
                f"{statistics.median(wall[name]) * 1000:>9.2f}{min(wall[name]) * 1000:>8.2f}{srv}"
            )
        for name in targets:
            for sql in counts[name]:
                print(f"  {name}: {sql[:150]}")
        if args.callgrind:
            instructions = {name: callgrind(once, name, args.callgrind) for name in targets}
            print(f"{'target':<10}{'instructions per request':>26}  (callgrind, all threads)")
            for name, count in instructions.items():
                print(f"{name:<10}{count:>26,.0f}")
        if args.profile:
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(args.requests):
                once(args.profile)
            profiler.disable()
            out = io.StringIO()
            stats = pstats.Stats(profiler, stream=out)
            stats.sort_stats("cumulative").print_stats(args.top)
            stats.sort_stats("tottime").print_stats(args.top)
            print(out.getvalue())
        connections.close_all()
        if args.http:
            http_times(env, tmp, targets, args.requests)
        return 0
    except BenchError as exc:
        print(f"\nbench/api_overhead.py: {exc}", file=sys.stderr)
        return 1
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
