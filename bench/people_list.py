"""Benchmark of the people list: HTML page and API, against a trivial view, on a real server.

Run: ``.venv/bin/python bench/people_list.py [--requests N] [--clients 8]`` (see bench/README.md).

It builds a throw-away installation (fresh OPENMIS_DATA_DIR, SQLite), loads 10,000 people in
200 departments, starts gunicorn on a free loopback port and measures, with concurrent clients
and in interleaved rounds, the latency and throughput of:

* ``GET /health/``        the baseline (no database, no template),
* ``GET /org/people/``    the people list page (session login, MIS director),
* ``GET /api/org/people/`` the people API list (token login, MIS director).

It prints the figures and the issue's target (list page p95 <= 3x baseline p95) as PASS/FAIL.
It is a benchmark, not a test: it never fails on the target, only on a broken setup.
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import random
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
PEOPLE = 10_000
DEPARTMENTS = 200
TOP_LEVEL = 20  # 20 divisions with 9 teams each: 200 departments
PAGE_COUNT = re.compile(r"10[,.\s\u00a0\u202f]?000 results")  # what the page says above the table
TARGET_RATIO = 3.0  # the issue: list page p95 <= 3x baseline p95

# Environment variables that would make the run use something other than a fresh SQLite
# installation served over plain HTTP (a real database, a shared cache, HTTPS redirects...).
SCRUBBED_ENV = (
    "DEBUG",
    "DATABASE_URL",
    "CACHE_URL",
    "SECRET_KEY",
    "OPENMIS_HTTPS",
    "OPENMIS_TESTING",
    "OPENMIS_DATA_DIR",
    "DJANGO_SETTINGS_MODULE",
    "WEB_CONCURRENCY",
)


class BenchError(Exception):
    """The benchmark cannot go on (setup failed, a response was not 200...)."""


@dataclass
class Target:
    key: str
    label: str
    path: str
    auth: str  # "none", "session" or "token"
    latencies: list[float] = field(default_factory=list)  # seconds
    wall: float = 0.0  # seconds spent in this target's phases
    size: int = 0  # bytes of the last body


# --- setup -------------------------------------------------------------------------------------


def log(message: str) -> None:
    print(f"[bench] {message}", flush=True)


def run_openmis(*args: str, env: dict[str, str], cwd: Path) -> None:
    """``openmis <args>`` in a subprocess; raise with its output if it fails."""
    cmd = [sys.executable, "-m", "openmis.cli", *args]
    done = subprocess.run(cmd, env=env, cwd=cwd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BenchError(
            f"`openmis {' '.join(args)}` failed ({done.returncode}):\n{done.stdout}{done.stderr}"
        )


def throwaway_installation(**settings: str) -> tuple[Path, dict[str, str]]:
    """A fresh installation for one bench run: a temporary directory (its ``data`` the
    OPENMIS_DATA_DIR), and the environment of its ``openmis`` commands — this process's, less
    what would point it elsewhere (:data:`SCRUBBED_ENV`), plus ``settings`` — made this
    process's too, so that ``django.setup()`` here reads the same installation."""
    tmp = Path(tempfile.mkdtemp(prefix="openmis-bench-"))
    env = {k: v for k, v in os.environ.items() if k not in SCRUBBED_ENV}
    env.update(
        OPENMIS_DATA_DIR=str(tmp / "data"),
        ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SETTINGS_MODULE="openmis.settings",
        PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT / "src"), env.get("PYTHONPATH")])),
        **settings,
    )
    for name in SCRUBBED_ENV:
        os.environ.pop(name, None)
    os.environ.update(env)
    sys.path.insert(0, str(ROOT / "src"))
    return tmp, env


def load_data(seed: int) -> dict[str, str]:
    """Load the organization and the benchmark user; return the credentials to use.

    Runs in this process: Django is set up here (after the environment is prepared) and its
    connections are closed again before the load starts.
    """
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openmis.settings")
    django.setup()

    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from auditlog.context import disable_auditlog
    from django.conf import settings
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        get_user_model,
    )
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import connections, transaction

    from openmis.core.models import Installation
    from openmis.core.tokens import issue
    from openmis.org import demo
    from openmis.org.models import Department, Person, Role
    from openmis.org.roles import DIRECTOR

    rng = random.Random(seed)
    titles = sorted({t for ts in demo.TITLES.values() for t in ts})
    regions = ["", "", "North", "South", "West", "East"]
    per_department = PEOPLE // DEPARTMENTS
    password = secrets.token_urlsafe(16)

    with disable_auditlog(), transaction.atomic():
        divisions = Department.objects.bulk_create(
            Department(name=f"Division {d:02d}", code=f"D{d:02d}", region=rng.choice(regions))
            for d in range(1, TOP_LEVEL + 1)
        )
        teams_per_division = DEPARTMENTS // TOP_LEVEL - 1
        teams = Department.objects.bulk_create(
            Department(
                name=f"{division.name} / Team {t}",
                code=f"{division.code}-{t}",
                parent=division,
                region=division.region,
            )
            for division in divisions
            for t in range(1, teams_per_division + 1)
        )
        departments = [*divisions, *teams]
        assert len(departments) == DEPARTMENTS

        def person(n: int, department: Department, title: str, manager=None) -> Person:
            sex = rng.choice("fm")
            first = rng.choice(demo.FIRST_NAMES[sex])
            last = rng.choice(demo.LAST_NAMES)[0 if sex == "m" else 1]
            email = f"{first}.{last}.{n}".lower().translate(demo.ASCII) + "@example.com"
            return Person(
                first_name=first,
                last_name=last,
                email=email,
                job_title=title,
                department=department,
                manager=manager,
                phone=f"+48 22 {rng.randint(100, 999)} {rng.randint(10, 99)} {rng.randint(10, 99)}",
                active=rng.random() > 0.03,
            )

        heads = Person.objects.bulk_create(
            (person(i, d, f"Head of {d.name}") for i, d in enumerate(departments)),
            batch_size=500,
        )
        n = len(heads)
        others = []
        for head in heads:
            for _ in range(per_department - 1):
                others.append(person(n, head.department, rng.choice(titles), head))
                n += 1
        Person.objects.bulk_create(others, batch_size=1000)

        # Production mode: the MIS director must use two-factor, so they get a TOTP device.
        installation = Installation.current()
        installation.demo_mode = False
        installation.save()
        User = get_user_model()
        user = User.objects.create_user(
            username="bench-director", email="bench-director@example.com", password=password
        )
        user.groups.add(Role.objects.get(slug=DIRECTOR).group)
        TOTP.activate(user, generate_totp_secret())
        Person.objects.filter(pk=heads[0].pk).update(user=user)
        _instance, token = issue(user, "bench")

        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()

    people = Person.objects.count()
    if people != PEOPLE or Department.objects.count() != DEPARTMENTS:
        raise BenchError(f"loaded {people} people instead of {PEOPLE}")
    credentials = {
        "username": user.username,
        "password": password,
        "token": token,
        "session_cookie": settings.SESSION_COOKIE_NAME,
        "session_key": session.session_key,
    }
    connections.close_all()
    return credentials


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(
    env: dict[str, str], cwd: Path, port: int, workers: int, logfile: Path, threads: int = 0
):
    """gunicorn with ``workers`` sync workers, or with ``threads`` threads each (gthread)."""
    cmd = [
        sys.executable,
        "-m",
        "gunicorn",
        "openmis.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        *(["--worker-class", "gthread", "--threads", str(threads)] if threads else []),
        "--timeout",
        "60",
        "--graceful-timeout",
        "10",
        "--log-level",
        "warning",
    ]
    out = logfile.open("wb")
    try:
        return subprocess.Popen(
            cmd, env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    finally:
        out.close()


def wait_until_up(base_url: str, server: subprocess.Popen, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    with httpx.Client(base_url=base_url, timeout=2.0, trust_env=False) as client:
        while time.monotonic() < deadline:
            if server.poll() is not None:
                raise BenchError(f"gunicorn exited with code {server.returncode} while starting")
            try:
                if client.get("/health/").status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.2)
    raise BenchError(f"the server did not answer /health/ within {timeout:.0f} s")


def stop_server(server: subprocess.Popen) -> None:
    """Stop gunicorn: SIGTERM to the master (it stops its workers), SIGKILL if it hangs."""
    if server.poll() is None:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            # The master and its workers are alone in the session started for them.
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=5)


# --- load --------------------------------------------------------------------------------------


def make_client(base_url: str, target_auth: dict[str, dict]) -> dict[str, httpx.Client]:
    """One httpx.Client per kind of login for one simulated client."""
    return {
        kind: httpx.Client(base_url=base_url, timeout=30.0, trust_env=False, **options)
        for kind, options in target_auth.items()
    }


def check(response: httpx.Response, path: str) -> None:
    if response.status_code != 200:
        location = response.headers.get("location")
        where = f" -> {location}" if location else ""
        raise BenchError(
            f"GET {path} answered {response.status_code}{where}: {response.text[:300]!r}"
        )


def sanity_check(base_url: str, targets: list[Target], auth: dict[str, dict]) -> None:
    """The pages show what we think they show (logged in, all 10,000 people)."""
    clients = make_client(base_url, auth)
    try:
        for target in targets:
            response = clients[target.auth].get(target.path)
            check(response, target.path)
            target.size = len(response.content)
            if target.key == "page" and not PAGE_COUNT.search(response.text):
                raise BenchError(f"{target.path} does not show '{PEOPLE} results'")
            if target.key == "api" and response.json().get("count") != PEOPLE:
                raise BenchError(f"{target.path} does not count {PEOPLE} people")
    finally:
        for client in clients.values():
            client.close()


def run_load(
    base_url: str,
    targets: list[Target],
    auth: dict[str, dict],
    clients: int,
    schedule: list[tuple[int, int, bool]],
    round_starts: set[int],
    max_seconds: float,
) -> tuple[int, bool]:
    """Run ``schedule`` = [(target index, requests per client, record?)] with ``clients``
    threads; every phase starts and ends on a barrier, so one target runs at a time.

    Once ``max_seconds`` have passed, the run stops before the next phase in ``round_starts``,
    so every target keeps the same number of rounds. Returns the number of phases run and
    whether the time budget cut the run short.
    """
    barrier = threading.Barrier(clients + 1)
    lock = threading.Lock()
    errors: list[BaseException] = []
    go: list[bool] = []  # per phase, set before its first barrier: False = stop now

    def worker() -> None:
        sessions = make_client(base_url, auth)
        try:
            for phase, (index, count, record) in enumerate(schedule):
                barrier.wait()
                if not go[phase]:
                    break
                target = targets[index]
                client = sessions[target.auth]
                mine = []
                for _ in range(count):
                    path = target.path  # once: a rotating target moves on at each read
                    started = time.perf_counter()
                    response = client.get(path)
                    elapsed = time.perf_counter() - started
                    check(response, path)
                    mine.append(elapsed)
                if record:
                    with lock:
                        target.latencies.extend(mine)
                barrier.wait()
        except threading.BrokenBarrierError:
            pass
        except BaseException as exc:
            errors.append(exc)
            barrier.abort()
        finally:
            for client in sessions.values():
                client.close()

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(clients)]
    for thread in threads:
        thread.start()
    began = time.monotonic()
    phases, cut = 0, False
    try:
        for phase, (index, _count, record) in enumerate(schedule):
            if phase in round_starts and time.monotonic() - began > max_seconds:
                cut = True
                go.append(False)
                barrier.wait()
                break
            go.append(True)
            barrier.wait()
            started = time.perf_counter()
            barrier.wait()
            if record:
                targets[index].wall += time.perf_counter() - started
            phases += 1
    except threading.BrokenBarrierError:
        pass
    except BaseException:
        barrier.abort()
        raise
    finally:
        for thread in threads:
            thread.join(timeout=60)
    if errors:
        raise BenchError(f"aborted: {errors[0]}") from errors[0]
    return phases, cut


# --- report ------------------------------------------------------------------------------------


def percentile(values: list[float], q: int) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def report(targets: list[Target], args, rounds_done: int, cut: bool, loads: list[float]) -> None:
    base = targets[0]
    base_p50 = percentile(base.latencies, 50)
    base_p95 = percentile(base.latencies, 95)
    print()
    print(
        f"OpenMIS people list benchmark: {PEOPLE} people in {DEPARTMENTS} departments, SQLite, "
        f"gunicorn {args.workers} sync workers, {args.clients} concurrent clients, "
        f"{rounds_done} interleaved rounds" + (" (cut short by --max-seconds)" if cut else "")
    )
    print(
        f"Python {platform.python_version()}, {os.cpu_count()} CPUs, load average "
        f"{loads[0]:.2f} before / {loads[1]:.2f} after the load; "
        "load generator and server share the machine."
    )
    print()
    header = (
        f"{'target':<22}{'path':<19}{'requests':>9}{'p50 ms':>9}{'p95 ms':>9}"
        f"{'req/s':>9}{'p50/base':>10}{'p95/base':>10}{'bytes':>9}"
    )
    print(header)
    print("-" * len(header))
    for t in targets:
        p50, p95 = percentile(t.latencies, 50), percentile(t.latencies, 95)
        rps = len(t.latencies) / t.wall if t.wall else float("nan")
        print(
            f"{t.label:<22}{t.path:<19}{len(t.latencies):>9}{p50 * 1000:>9.1f}{p95 * 1000:>9.1f}"
            f"{rps:>9.1f}{p50 / base_p50:>9.1f}x{p95 / base_p95:>9.1f}x{t.size:>9}"
        )
    page = targets[1]
    page_p95 = percentile(page.latencies, 95)
    limit = TARGET_RATIO * base_p95
    verdict = "PASS" if page_p95 <= limit else "FAIL"
    print()
    print(
        f"Target (issue): list page p95 <= {TARGET_RATIO:g}x baseline p95: "
        f"{page_p95 * 1000:.1f} ms vs limit {limit * 1000:.1f} ms "
        f"({page_p95 / base_p95:.1f}x) -> {verdict}"
    )


# --- main --------------------------------------------------------------------------------------


def parse_args(
    argv=None,
    description="Benchmark GET /org/people/ and /api/org/people/ against GET /health/.",
    requests=240,
    rounds=6,
    warmup=3,
):
    """The options shared by the load benchmarks, with each one's defaults."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument(
        "--requests",
        type=int,
        default=requests,
        help="measured requests per target, spread over clients and rounds (default %(default)s)",
    )
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients (default 8)")
    parser.add_argument(
        "--rounds", type=int, default=rounds, help="interleaved rounds (default %(default)s)"
    )
    parser.add_argument(
        "--warmup",
        type=int,
        default=warmup,
        help="unmeasured requests per client and target first (default %(default)s)",
    )
    parser.add_argument(
        "--workers", type=int, default=2, help="gunicorn workers (default %(default)s)"
    )
    parser.add_argument(
        "--max-seconds",
        type=float,
        default=60.0,
        help="time budget of the measured rounds; later rounds are skipped (default %(default)s)",
    )
    parser.add_argument("--seed", type=int, default=2026, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if min(args.requests, args.clients, args.rounds, args.workers) < 1 or args.warmup < 0:
        parser.error("--requests, --clients, --rounds and --workers must be positive")
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    per_client_round = max(1, math.ceil(args.requests / (args.clients * args.rounds)))
    targets = [
        Target("base", "baseline (trivial)", "/health/", "none"),
        Target("page", "people list page", "/org/people/", "session"),
        Target("api", "people API list", "/api/org/people/", "token"),
    ]
    # Warm-up phases first, then rounds; each round rotates the order of the targets.
    schedule = [(i, args.warmup, False) for i in range(len(targets)) if args.warmup]
    round_starts = set()
    for r in range(args.rounds):
        round_starts.add(len(schedule))
        order = [(r + i) % len(targets) for i in range(len(targets))]
        schedule += [(i, per_client_round, True) for i in order]

    tmp, env = throwaway_installation()
    server = None
    logfile = tmp / "gunicorn.log"
    try:
        t0 = time.monotonic()
        log(f"data dir {tmp / 'data'}: migrate")
        run_openmis("manage", "migrate", "--no-input", "-v", "0", env=env, cwd=tmp)
        log(f"load {PEOPLE} people in {DEPARTMENTS} departments, user, token, session")
        creds = load_data(args.seed)
        log("collectstatic")
        run_openmis("manage", "collectstatic", "--no-input", "-v", "0", env=env, cwd=tmp)
        port = free_port()
        base_url = f"http://127.0.0.1:{port}"
        log(f"setup took {time.monotonic() - t0:.1f} s; start gunicorn on {base_url}")
        server = start_server(env, tmp, port, args.workers, logfile)
        wait_until_up(base_url, server)

        auth = {
            "none": {},
            "session": {"cookies": {creds["session_cookie"]: creds["session_key"]}},
            "token": {"headers": {"Authorization": f"Token {creds['token']}"}},
        }
        sanity_check(base_url, targets, auth)
        log(
            f"measure: {args.clients} clients x {per_client_round} requests x "
            f"{args.rounds} rounds per target, after {args.warmup} warm-up requests per client"
        )
        t1 = time.monotonic()
        load_before = os.getloadavg()[0]
        phases, cut = run_load(
            base_url, targets, auth, args.clients, schedule, round_starts, args.max_seconds
        )
        log(f"load took {time.monotonic() - t1:.1f} s")
        warmup_phases = len(targets) if args.warmup else 0
        rounds_done = (phases - warmup_phases) // len(targets)
        if rounds_done < 1:
            raise BenchError("no measured round completed; raise --max-seconds")
        report(targets, args, rounds_done, cut, [load_before, os.getloadavg()[0]])
        return 0
    except BenchError as exc:
        print(f"\nbench/people_list.py: {exc}", file=sys.stderr)
        if logfile.exists() and logfile.stat().st_size:
            tail = logfile.read_text(errors="replace").splitlines()[-30:]
            print("--- gunicorn log (tail) ---", *tail, sep="\n", file=sys.stderr)
        return 1
    finally:
        if server is not None:
            stop_server(server)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
