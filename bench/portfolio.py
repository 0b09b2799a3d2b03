"""Benchmark of the systems portfolio (issue #4): system list, system page and dependency graph
against a trivial view, on a real server, with 5,000 systems, 20,000 dependencies and 100,000
feedback items.

Run: ``.venv/bin/python bench/portfolio.py [--requests N] [--clients 8]`` (see bench/README.md).

It reuses the machinery of ``bench/people_list.py`` (throw-away installation, gunicorn on a free
loopback port, concurrent clients in interleaved rounds) and measures:

* ``GET /health/``                          the baseline (no database, no template),
* ``GET /portfolio/systems/``               the system list page,
* ``GET /portfolio/systems/<pk>/``          a system's page, rotating over 20 "hub" systems,
* ``GET /portfolio/graph/data/?system=<pk>`` the dependency graph around one of the same hubs,

all with the session of an MIS director. Before the server starts, it counts the SQL queries
of each target in-process (Django test client, ``CaptureQueriesContext``) with 10 systems and
again at full size, in the same database, to show whether they are constant in the number of
rows. It prints the figures and the issue's target (p95 <= 3x baseline p95) per target as
PASS/FAIL. It is a benchmark, not a test: it never fails on the target, only on a broken setup.
"""

from __future__ import annotations

import itertools
import math
import os
import platform
import random
import re
import secrets
import shutil
import statistics
import sys
import threading
import time
from datetime import timedelta

from django.utils import timezone
from people_list import (
    BenchError,
    Target,
    check,
    free_port,
    log,
    make_client,
    percentile,
    run_load,
    run_openmis,
    start_server,
    stop_server,
    throwaway_installation,
    wait_until_up,
)
from people_list import parse_args as people_list_args

SYSTEMS = 5_000
DEPENDENCIES = 20_000
FEEDBACK = 100_000
DEPARTMENTS = 50
VENDORS = 40
SMALL = 10  # systems of the first, small measurement of query counts
SMALL_DEPENDENCIES = 15
SMALL_FEEDBACK = 60
HUBS = 20  # systems the detail and graph targets rotate over
HUB_DEPENDENCIES = 2_000  # of the 20,000: 100 per hub, half feeding it, half fed by it
HUB_FEEDBACK = 20_000  # of the 100,000: 1,000 per hub
BATCH = 5_000
LIST_COUNT = re.compile(r"5[,.\s\u00a0\u202f]?000 results")
TARGET_RATIO = 3.0  # the issue: p95 <= 3x baseline p95


class RotatingTarget(Target):
    """A target whose ``path`` goes round a list of paths: each request takes the next one
    (``run_load`` of people_list reads ``target.path`` once per request)."""

    def __init__(self, key: str, label: str, shown: str, paths: list[str], auth: str):
        self.paths = paths
        self.shown = shown
        self._cycle = itertools.cycle(paths)
        self._lock = threading.Lock()
        super().__init__(key, label, paths[0], auth)

    @property
    def path(self) -> str:
        with self._lock:
            return next(self._cycle)

    @path.setter
    def path(self, value: str) -> None:  # set by the dataclass __init__; the cycle decides
        pass


# --- data --------------------------------------------------------------------------------------


def setup_django() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openmis.settings")
    django.setup()


def create_user() -> dict[str, str]:
    """An MIS director in production mode (TOTP device), their session; and the departments."""
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
    from django.db import transaction

    from openmis.core.models import Installation
    from openmis.org.models import Role
    from openmis.org.roles import DIRECTOR

    with disable_auditlog(), transaction.atomic():
        installation = Installation.current()
        installation.demo_mode = False
        installation.save()
        user = get_user_model().objects.create_user(
            username="bench-director",
            email="bench-director@example.com",
            password=secrets.token_urlsafe(16),
        )
        user.groups.add(Role.objects.get(slug=DIRECTOR).group)
        TOTP.activate(user, generate_totp_secret())
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
    return {"session_cookie": settings.SESSION_COOKIE_NAME, "session_key": session.session_key}


def load(
    rng: random.Random,
    systems: int,
    dependencies: int,
    feedback: int,
    hubs: int = 0,
    hub_dependencies: int = 0,
    hub_feedback: int = 0,
) -> list[int]:
    """Add ``systems`` systems, ``dependencies`` dependencies among all systems and ``feedback``
    feedback items on the new systems. ``hubs`` of the new systems get ``hub_dependencies`` of
    the dependencies and ``hub_feedback`` of the feedback; return the pks of the hubs (or, with
    no hubs, of the new systems, most connected first)."""
    from auditlog.context import disable_auditlog
    from django.db import transaction

    from openmis.feedback.models import Feedback
    from openmis.org.models import Department
    from openmis.portfolio.models import Dependency, System, Vendor

    with disable_auditlog(), transaction.atomic():
        departments = list(Department.objects.all())
        if len(departments) < DEPARTMENTS:
            departments += Department.objects.bulk_create(
                Department(name=f"Bench department {d:02d}", code=f"B{d:02d}")
                for d in range(len(departments), DEPARTMENTS)
            )
        vendors = list(Vendor.objects.all()) or Vendor.objects.bulk_create(
            Vendor(name=f"Vendor {v:02d}") for v in range(VENDORS)
        )
        first = System.objects.count()
        new = System.objects.bulk_create(
            (
                System(
                    name=f"System {n:05d}",
                    kind=rng.choice(System.Kind.values),
                    business_owner=rng.choice(departments),
                    vendor=rng.choice([None, *vendors]),
                    hosting=rng.choice(System.Hosting.values),
                    criticality=rng.choice(System.Criticality.values),
                    users=rng.randint(0, 5000),
                    lifecycle_stage=rng.choice(System.Stage.values),
                    business_value=rng.randint(1, 5),
                    technical_health=rng.randint(1, 5),
                )
                for n in range(first, first + systems)
            ),
            batch_size=BATCH,
        )
        served = System.departments_served.through
        served.objects.bulk_create(
            (
                served(system_id=s.pk, department_id=d.pk)
                for s in new
                for d in rng.sample(departments, rng.randint(0, 3))
            ),
            batch_size=BATCH,
        )

        all_ids = list(System.objects.values_list("pk", flat=True))
        hub_ids = [s.pk for s in rng.sample(new, hubs)]
        existing = set(Dependency.objects.values_list("source_id", "target_id"))
        pairs = set(existing)
        while len(pairs) < len(existing) + hub_dependencies:
            hub, other = rng.choice(hub_ids), rng.choice(all_ids)
            if hub != other:
                pairs.add((hub, other) if rng.random() < 0.5 else (other, hub))
        while len(pairs) < len(existing) + dependencies:
            source, target = rng.sample(all_ids, 2)
            pairs.add((source, target))
        interfaces = ["API", "file transfer", "database", "message queue", ""]
        Dependency.objects.bulk_create(
            (
                Dependency(
                    source_id=s,
                    target_id=t,
                    data_exchanged=f"records {s}→{t}",
                    interface=rng.choice(interfaces),
                )
                for s, t in sorted(pairs - existing)
            ),
            batch_size=BATCH,
        )

        today = timezone.localdate()
        new_ids = [s.pk for s in new]

        def item(system_id: int) -> Feedback:
            return Feedback(
                system_id=system_id,
                department=rng.choice(departments),
                kind=rng.choice(Feedback.Kind.values),
                rating=rng.choice([None, 1, 2, 3, 4, 5]),
                people_affected=rng.randint(0, 200),
                hours_per_month=rng.randint(0, 400) / 10,
                text=f"Feedback {rng.randint(0, 10**9)}\nSome more detail.",
                date=today - timedelta(days=rng.randint(0, 730)),
            )

        for start in range(0, feedback, BATCH):
            count = min(BATCH, feedback - start)
            Feedback.objects.bulk_create(
                item(rng.choice(hub_ids) if start + i < hub_feedback else rng.choice(new_ids))
                for i in range(count)
            )
    if hubs:
        return hub_ids
    degree = dict.fromkeys(new_ids, 0)
    for s, t in Dependency.objects.values_list("source_id", "target_id"):
        for pk in (s, t):
            if pk in degree:
                degree[pk] += 1
    return sorted(degree, key=lambda pk: -degree[pk])


def count_queries(
    paths: dict[str, str], creds: dict[str, str], cold: bool = False
) -> dict[str, int]:
    """SQL queries of one GET of each path, in-process; the second of two requests counts
    (the first may fill caches, as the server's first request does). ``cold``: the cache is
    emptied before the counted request, as after any write (the pages cache their sections
    under the data generation)."""
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    client.cookies[creds["session_cookie"]] = creds["session_key"]
    counts = {}
    for key, path in paths.items():
        client.get(path)
        if cold:
            cache.clear()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        if response.status_code != 200:
            raise BenchError(f"in-process GET {path} answered {response.status_code}")
        counts[key] = len(queries)
    return counts


def cold_latencies(paths: dict[str, list[str]], creds: dict[str, str]) -> dict[str, float]:
    """Median in-process latency (ms, one client, no server) of each target with the cache
    emptied before every request: what the first view after a write costs."""
    from django.core.cache import cache
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")
    client.cookies[creds["session_cookie"]] = creds["session_key"]
    medians = {}
    for key, rotation in paths.items():
        client.get(rotation[0])
        times = []
        for path in rotation:
            cache.clear()
            started = time.perf_counter()
            response = client.get(path)
            times.append(time.perf_counter() - started)
            if response.status_code != 200:
                raise BenchError(f"in-process GET {path} answered {response.status_code}")
        medians[key] = 1000 * statistics.median(times)
    return medians


def impact_levels(pk: int) -> int:
    """Queries of the impact search of a system's page as the data stands: one per level of
    dependents it reads (see ``portfolio.services.dependent_ids``)."""
    from openmis.portfolio.models import System
    from openmis.portfolio.services import IMPACT_DEPTH, dependent_ids

    farthest = max((d for _pk, d in dependent_ids(System(pk=pk))), default=0)
    return min(farthest + 1, IMPACT_DEPTH)


def warmup_requests(target: Target, args) -> int:
    """Warm-up requests per client for ``target`` (see the schedule in ``main``).

    Each gunicorn worker has its own cache (local memory) and requests go to whichever worker
    accepts first, so a rotating target gets six rotations per worker: the chance that a
    given page misses a given worker is then about 2 ** -12 with two workers, where three
    rotations left about one page in 60 cold on one worker, rendered during the measurement.
    """
    if isinstance(target, RotatingTarget):
        return max(args.warmup, math.ceil(6 * len(target.paths) * args.workers / args.clients))
    return args.warmup


def target_paths(system_pk: int) -> dict[str, str]:
    return {
        "list": "/portfolio/systems/",
        "detail": f"/portfolio/systems/{system_pk}/",
        "graph": f"/portfolio/graph/data/?system={system_pk}",
    }


# --- checks and report -------------------------------------------------------------------------


def sanity_check(base_url: str, targets: list[Target], auth: dict[str, dict]) -> None:
    """Every path answers 200 (logged in); the list shows 5,000 systems; body sizes kept."""
    clients = make_client(base_url, auth)
    try:
        for target in targets:
            paths = target.paths if isinstance(target, RotatingTarget) else [target.path]
            sizes = []
            for path in paths:
                response = clients[target.auth].get(path)
                check(response, path)
                sizes.append(len(response.content))
                if target.key == "list" and not LIST_COUNT.search(response.text):
                    raise BenchError(f"{path} does not show '{SYSTEMS} results'")
                if target.key == "graph" and not response.json()["nodes"]:
                    raise BenchError(f"{path} has no nodes")
            target.size = round(sum(sizes) / len(sizes))
    finally:
        for client in clients.values():
            client.close()


def report(
    targets: list[Target],
    args,
    rounds_done: int,
    cut: bool,
    loads: list[float],
    queries: dict[str, dict[str, int]],
    graph_sizes: tuple[float, float],
    cold: dict[str, float],
) -> None:
    base = targets[0]
    base_p50 = percentile(base.latencies, 50)
    base_p95 = percentile(base.latencies, 95)
    print()
    print(
        f"OpenMIS portfolio benchmark: {SYSTEMS} systems, {DEPENDENCIES} dependencies, "
        f"{FEEDBACK} feedback items, {DEPARTMENTS} departments, SQLite, gunicorn "
        f"{args.workers} sync workers, {args.clients} concurrent clients, {rounds_done} "
        "interleaved rounds" + (" (cut short by --max-seconds)" if cut else "")
    )
    print(
        f"Python {platform.python_version()}, {os.cpu_count()} CPUs, load average "
        f"{loads[0]:.2f} before / {loads[1]:.2f} after the load; "
        "load generator and server share the machine."
    )
    print(
        f"Detail and graph rotate over {HUBS} hub systems (about "
        f"{HUB_DEPENDENCIES // HUBS} dependencies and {HUB_FEEDBACK // HUBS} feedback items "
        f"each); their graphs average {graph_sizes[0]:.0f} nodes and {graph_sizes[1]:.0f} links."
    )
    print()
    header = (
        f"{'target':<20}{'path':<40}{'requests':>9}{'p50 ms':>9}{'p95 ms':>9}"
        f"{'req/s':>8}{'p50/base':>10}{'p95/base':>10}{'bytes':>9}"
    )
    print(header)
    print("-" * len(header))
    for t in targets:
        p50, p95 = percentile(t.latencies, 50), percentile(t.latencies, 95)
        rps = len(t.latencies) / t.wall if t.wall else float("nan")
        shown = t.shown if isinstance(t, RotatingTarget) else t.path
        print(
            f"{t.label:<20}{shown:<40}{len(t.latencies):>9}{p50 * 1000:>9.1f}{p95 * 1000:>9.1f}"
            f"{rps:>8.1f}{p50 / base_p50:>9.1f}x{p95 / base_p95:>9.1f}x{t.size:>9}"
        )
    print("(bytes: average body size over the rotation)")
    print()
    limit = TARGET_RATIO * base_p95
    for t in targets[1:]:
        p95 = percentile(t.latencies, 95)
        verdict = "PASS" if p95 <= limit else "FAIL"
        print(
            f"Target (issue): {t.label} p95 <= {TARGET_RATIO:g}x baseline p95: "
            f"{p95 * 1000:.1f} ms vs limit {limit * 1000:.1f} ms "
            f"({p95 / base_p95:.1f}x) -> {verdict}"
        )
    print()
    print(f"SQL queries per request (in-process): {SMALL} systems vs {SYSTEMS} systems")
    from openmis.portfolio.services import IMPACT_DEPTH

    levels = queries["impact levels"]
    for kind, label in [("", "warm"), (" cold", "cold: cache emptied first, as after a write")]:
        print(f"  {label}")
        for t in targets[1:]:
            small, large = queries["small" + kind][t.key], queries["large" + kind][t.key]
            verdict = "constant" if small == large else "NOT constant"
            if kind and t.key == "detail" and small != large:
                # The impact search reads one level of dependents per query (at most
                # IMPACT_DEPTH levels): it follows the depth of the chains, not the rows.
                same = small - levels["small"] == large - levels["large"]
                verdict = (
                    f"{'constant' if same else 'NOT constant'} apart from the impact search, "
                    f"one query per level of dependents: {levels['small']} vs "
                    f"{levels['large']} levels, at most {IMPACT_DEPTH}"
                )
            print(f"    {t.label:<20}{small:>5} vs {large:>5}  -> {verdict}")
    print()
    print(
        "Cold cost (in-process, one client, no server; median ms with the cache emptied before "
        "each request, what the first view after a write costs):"
    )
    for t in targets[1:]:
        print(f"  {t.label:<20}{cold[t.key]:>8.1f} ms")


# --- main --------------------------------------------------------------------------------------


def parse_args(argv=None):
    return people_list_args(
        argv,
        description="Benchmark the system list, system page and dependency graph against "
        "GET /health/.",
        requests=128,
        rounds=4,
        warmup=2,
    )


def main(argv=None) -> int:
    args = parse_args(argv)
    per_client_round = max(1, math.ceil(args.requests / (args.clients * args.rounds)))

    tmp, env = throwaway_installation()
    server = None
    logfile = tmp / "gunicorn.log"
    rng = random.Random(args.seed)
    try:
        t0 = time.monotonic()
        log(f"data dir {tmp / 'data'}: migrate, collectstatic")
        run_openmis("manage", "migrate", "--no-input", "-v", "0", env=env, cwd=tmp)
        run_openmis("manage", "collectstatic", "--no-input", "-v", "0", env=env, cwd=tmp)
        setup_django()
        from django.db import connections

        from openmis.feedback.models import Feedback
        from openmis.portfolio.models import Dependency, System

        creds = create_user()
        log(f"load {SMALL} systems and count queries")
        small = load(rng, SMALL, SMALL_DEPENDENCIES, SMALL_FEEDBACK)
        queries = {
            "small": count_queries(target_paths(small[0]), creds),
            "small cold": count_queries(target_paths(small[0]), creds, cold=True),
        }
        small_levels = impact_levels(small[0])  # now: later dependencies reach further
        log(
            f"load up to {SYSTEMS} systems, {DEPENDENCIES} dependencies, {FEEDBACK} feedback "
            "items, and count queries again"
        )
        hubs = load(
            rng,
            SYSTEMS - SMALL,
            DEPENDENCIES - SMALL_DEPENDENCIES,
            FEEDBACK - SMALL_FEEDBACK,
            HUBS,
            HUB_DEPENDENCIES,
            HUB_FEEDBACK,
        )
        counts = (System.objects.count(), Dependency.objects.count(), Feedback.objects.count())
        if counts != (SYSTEMS, DEPENDENCIES, FEEDBACK):
            raise BenchError(f"loaded {counts} instead of {(SYSTEMS, DEPENDENCIES, FEEDBACK)}")
        queries["large"] = count_queries(target_paths(hubs[0]), creds)
        queries["large cold"] = count_queries(target_paths(hubs[0]), creds, cold=True)
        queries["impact levels"] = {"small": small_levels, "large": impact_levels(hubs[0])}
        log("time the targets in-process with an empty cache")
        cold = cold_latencies(
            {
                "list": ["/portfolio/systems/"] * HUBS,
                "detail": [target_paths(pk)["detail"] for pk in hubs],
                "graph": [target_paths(pk)["graph"] for pk in hubs],
            },
            creds,
        )
        if System(pk=hubs[0]).get_absolute_url() != target_paths(hubs[0])["detail"]:
            raise BenchError("the system page is not where this benchmark looks for it")
        connections.close_all()

        targets: list[Target] = [
            Target("base", "baseline (trivial)", "/health/", "none"),
            Target("list", "system list page", "/portfolio/systems/", "session"),
            RotatingTarget(
                "detail",
                "system page",
                "/portfolio/systems/<pk>/",
                [target_paths(pk)["detail"] for pk in hubs],
                "session",
            ),
            RotatingTarget(
                "graph",
                "dependency graph",
                "/portfolio/graph/data/?system=<pk>",
                [target_paths(pk)["graph"] for pk in hubs],
                "session",
            ),
        ]
        # The warm-up fills each worker's cache (local memory: one per gunicorn worker) for
        # the pages measured next: a rotating target needs every path on every worker, so it
        # gets at least six rotations per worker (requests are spread over the workers at
        # random); the first view after a write is measured separately, in-process (cold).
        schedule = [
            (i, warmup_requests(target, args), False)
            for i, target in enumerate(targets)
            if args.warmup
        ]
        round_starts = set()
        for r in range(args.rounds):
            round_starts.add(len(schedule))
            order = [(r + i) % len(targets) for i in range(len(targets))]
            schedule += [(i, per_client_round, True) for i in order]

        port = free_port()
        base_url = f"http://127.0.0.1:{port}"
        log(f"setup took {time.monotonic() - t0:.1f} s; start gunicorn on {base_url}")
        server = start_server(env, tmp, port, args.workers, logfile)
        wait_until_up(base_url, server)
        auth = {
            "none": {},
            "session": {"cookies": {creds["session_cookie"]: creds["session_key"]}},
        }
        sanity_check(base_url, targets, auth)
        graph_sizes = graph_size(base_url, auth, targets[3])
        log(
            f"measure: {args.clients} clients x {per_client_round} requests x "
            f"{args.rounds} rounds per target, after {args.warmup} warm-up requests per client "
            f"({warmup_requests(targets[2], args)} for the rotating targets)"
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
        report(
            targets,
            args,
            rounds_done,
            cut,
            [load_before, os.getloadavg()[0]],
            queries,
            graph_sizes,
            cold,
        )
        return 0
    except BenchError as exc:
        print(f"\nbench/portfolio.py: {exc}", file=sys.stderr)
        if logfile.exists() and logfile.stat().st_size:
            tail = logfile.read_text(errors="replace").splitlines()[-30:]
            print("--- gunicorn log (tail) ---", *tail, sep="\n", file=sys.stderr)
        return 1
    finally:
        if server is not None:
            stop_server(server)
        shutil.rmtree(tmp, ignore_errors=True)


def graph_size(base_url: str, auth: dict[str, dict], target: RotatingTarget) -> tuple[float, float]:
    """Average number of nodes and links of the graphs the graph target rotates over."""
    clients = make_client(base_url, auth)
    try:
        nodes = links = 0
        for path in target.paths:
            data = clients[target.auth].get(path).json()
            nodes, links = nodes + len(data["nodes"]), links + len(data["links"])
        return nodes / len(target.paths), links / len(target.paths)
    finally:
        for client in clients.values():
            client.close()


if __name__ == "__main__":
    sys.exit(main())
