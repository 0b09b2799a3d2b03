"""Governance under load (issue #15): launching an acknowledgement campaign and reading its
dashboard, each against a baseline measured in the same run.

Run: ``.venv/bin/python bench/governance.py [--people 10000] [--requests 200] [--quick]``
(see bench/README.md).

A throw-away installation (fresh OPENMIS_DATA_DIR, SQLite; the environment scrubbed as for
the other benchmarks), ``--people`` people in departments of 50 (3% inactive), an MIS
director, and a policy whose audience is the whole organization, with one department exempted
by an exception. In this process, with the audit log off during loading only:

(a) ``acknowledgements.start_campaign`` of the policy's published version (what publishing
    runs) against the bare ``bulk_create`` of the same Acknowledgement rows (the people's ids
    read beforehand, the due date computed once), each in a transaction rolled back after it,
    interleaved, ``--runs`` times; the issue's goal: median ratio <= 2.
(b) ``GET`` of the campaign's dashboard page against ``GET /health/`` through a real server,
    measured as ``bench/people_list.py`` measures its list page: gunicorn (``--workers`` sync
    workers) on a free loopback port, ``--clients`` concurrent HTTP clients, the director
    logged in by a session cookie, the targets one at a time in interleaved rounds, about
    ``--requests`` each; goal: p95 ratio <= 3. The same pages are also requested in this
    process with the Django test client (one client, interleaved): an extra table, the one
    ``--profile dashboard`` profiles.
(c) the SQL queries of the dashboard page for a campaign of 100 people and for one of
    ``--people``, warm and with the cache emptied before the request; goal: equal.

The verdicts are printed, never asserted: the script exits 0 whatever they say (1 only if the
run broke). ``--profile`` prints cProfile's top functions of one campaign launch or of the
dashboard pages requested in this process.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import math
import os
import pstats
import shutil
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

import people_list
from people_list import (
    BenchError,
    Target,
    free_port,
    log,
    run_load,
    run_openmis,
    start_server,
    stop_server,
    throwaway_installation,
    wait_until_up,
)

GOAL_LAUNCH = 2.0  # campaign launch <= 2x the bare bulk insert
GOAL_P95 = 3.0  # dashboard p95 <= 3x the trivial view's
PER_DEPARTMENT = 50
SMALL = 100  # people of the small campaign of (c)


def uptime() -> str:
    return "load average: " + ", ".join(f"{x:.2f}" for x in os.getloadavg())


def percentile(values: list[float], q: int) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))]


# --- data -----------------------------------------------------------------------------------------


def load(people: int) -> dict:
    """The organization, the director and two policies (one for everyone, one for the first
    two departments: ``SMALL`` people), each with a published version."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from auditlog.context import disable_auditlog
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.utils import timezone

    from openmis.core.models import Installation
    from openmis.governance.models import Audience, Policy, PolicyException, PolicyVersion
    from openmis.governance.models.policies import text_hash
    from openmis.org.models import Department, Person, Role
    from openmis.org.roles import DIRECTOR

    departments = max(2, -(-people // PER_DEPARTMENT))
    with disable_auditlog(), transaction.atomic():
        depts = Department.objects.bulk_create(
            Department(name=f"Department {d:03d}", code=f"D{d:03d}") for d in range(departments)
        )
        Person.objects.bulk_create(
            (
                Person(
                    first_name=f"First{n}",
                    last_name=f"Last{n}",
                    email=f"person{n}@example.com",
                    department=depts[n // PER_DEPARTMENT],
                    active=n % 33 != 7,
                )
                for n in range(people)
            ),
            batch_size=1000,
        )
        installation = Installation.current()
        installation.demo_mode = False
        installation.save()
        user = get_user_model().objects.create_user(
            username="bench-director", email="bench-director@example.com", password="x" * 20
        )
        user.groups.add(Role.objects.get(slug=DIRECTOR).group)
        TOTP.activate(user, generate_totp_secret())
        director = Person.objects.create(
            first_name="Bench", last_name="Director", user=user, department=depts[0]
        )
        everyone = Audience.objects.create(name="Everyone", whole_organization=True)
        small = Audience.objects.create(name="Two departments")
        small.departments.set(depts[:2])

        def policy(title, audience):
            p = Policy.objects.create(title=title, owner=director, audience=audience)
            text = f"# {title}\n\nFollow it."
            v = PolicyVersion.objects.create(policy=p, text=text, author=director)
            PolicyVersion.objects.filter(pk=v.pk).update(
                state=PolicyVersion.State.PUBLISHED,
                sha256=text_hash(text),
                change=PolicyVersion.Change.MATERIAL,
                published_at=timezone.now(),
            )
            v.refresh_from_db()
            return p, v

        big_policy, big_version = policy("Acceptable use", everyone)
        PolicyException.objects.create(
            policy=big_policy,
            department=depts[-1],
            reason="Field staff without computers",
            requested_by=director,
            approver=director,
            expires=timezone.localdate() + timedelta(days=365),
        )
        _small_policy, small_version = policy("Clean desk", small)
    if Person.objects.count() != people + 1:
        raise BenchError(f"loaded {Person.objects.count() - 1} people instead of {people}")
    return {"user": user, "big": big_version, "small": small_version}


# --- (a) launching a campaign ---------------------------------------------------------------------


class _Rollback(Exception):
    pass


def rolled_back(work) -> float:
    """Seconds ``work()`` takes in a transaction that is then rolled back."""
    from django.db import transaction

    started = 0.0
    elapsed = 0.0
    try:
        with transaction.atomic():
            started = time.perf_counter()
            work()
            elapsed = time.perf_counter() - started
            raise _Rollback
    except _Rollback:
        pass
    return elapsed


def launch_targets(version) -> dict:
    """``launch``: the service; ``bulk insert``: the same rows, bare."""
    from django.utils import timezone

    from openmis.governance import acknowledgements
    from openmis.governance.audience_members import members
    from openmis.governance.models import Acknowledgement, Campaign
    from openmis.org.models import Person

    on = timezone.localdate()
    due = acknowledgements.due_from(on)
    policy = version.policy
    reached = members(policy.audience, on)
    people = dict(Person.objects.filter(active=True).values_list("pk", "department_id"))
    exempt = acknowledgements.exempt_people(policy, {p: people[p] for p in reached}, on)
    ids = sorted(p for p in reached if p in people)
    expected = len(ids)

    def launch():
        campaign = acknowledgements.start_campaign(version, on)
        if campaign.acknowledgements.count() != expected:
            raise BenchError("the campaign did not ask everyone")

    def bulk():
        campaign = Campaign.objects.create(
            policy=policy, policy_version=version, audience_id=policy.audience_id, started_on=on
        )
        pending, exempted = Acknowledgement.State.PENDING, Acknowledgement.State.EXEMPT
        Acknowledgement.objects.bulk_create(
            [
                Acknowledgement(
                    campaign=campaign,
                    person_id=pk,
                    state=exempted if pk in exempt else pending,
                    asked_on=on,
                    due_date=None if pk in exempt else due,
                )
                for pk in ids
            ],
            batch_size=1000,
        )

    return {"bulk insert": bulk, "launch": launch}, expected, len(exempt)


# --- (b), (c) the dashboard -----------------------------------------------------------------------


def director_session(user) -> dict[str, str]:
    """A logged-in session of ``user`` in the session store, as ``bench/people_list.py``
    makes one: the cookie the HTTP clients send."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return {settings.SESSION_COOKIE_NAME: session.session_key}


def measure_http(env, cwd: Path, pages: dict[str, str], cookies: dict[str, str], args) -> list:
    """(b) through gunicorn: the ``pages`` (the first is the baseline, no login), each phase
    one page for every client, in rounds rotating their order (``people_list.run_load``).
    Returns the measured :class:`Target` objects."""
    import httpx

    targets = [
        Target(f"t{i}", name, path, "none" if i == 0 else "session")
        for i, (name, path) in enumerate(pages.items())
    ]
    auth = {"none": {}, "session": {"cookies": cookies}}
    per_client_round = max(1, math.ceil(args.requests / (args.clients * args.rounds)))
    schedule = [(i, args.warmup, False) for i in range(len(targets)) if args.warmup]
    round_starts = set()
    for r in range(args.rounds):
        round_starts.add(len(schedule))
        order = [(r + i) % len(targets) for i in range(len(targets))]
        schedule += [(i, per_client_round, True) for i in order]
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    logfile = cwd / "gunicorn.log"
    log(f"(b) start gunicorn ({args.workers} workers) on {base_url}")
    server = start_server(env, cwd, port, args.workers, logfile)
    try:
        wait_until_up(base_url, server)
        with httpx.Client(base_url=base_url, timeout=30.0, trust_env=False) as client:
            for target in targets:  # the pages are what we think (logged in, the table)
                response = client.get(target.path, **auth[target.auth])
                people_list.check(response, target.path)
                if target.auth == "session" and 'id="campaign-dashboard"' not in response.text:
                    raise BenchError(f"{target.path} does not show the dashboard")
                target.size = len(response.content)
        log(
            f"(b) {args.clients} clients x {per_client_round} requests x {args.rounds} rounds "
            f"per page over HTTP, after {args.warmup} warm-up requests per client"
        )
        phases, _cut = run_load(
            base_url, targets, auth, args.clients, schedule, round_starts, args.max_seconds
        )
        warmup_phases = len(targets) if args.warmup else 0
        if (phases - warmup_phases) // len(targets) < 1:
            raise BenchError("no measured round completed; raise --max-seconds")
        return targets
    except BenchError:
        if logfile.exists() and logfile.stat().st_size:
            tail = logfile.read_text(errors="replace").splitlines()[-30:]
            print("--- gunicorn log (tail) ---", *tail, sep="\n", file=sys.stderr)
        raise
    finally:
        stop_server(server)


def dashboard_client(user):
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    return client


def get(client, path: str) -> int:
    response = client.get(path)
    if response.status_code != 200:
        raise BenchError(f"GET {path}: {response.status_code} {response.content[:300]!r}")
    return len(response.content)


def query_count(client, path: str, cold: bool) -> int:
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    get(client, path)  # warm
    if cold:
        cache.clear()
    with CaptureQueriesContext(connection) as queries:
        get(client, path)
    return len(queries.captured_queries)


def print_profile(profiler, top: int) -> None:
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(top)
    print(out.getvalue())


# --- main -----------------------------------------------------------------------------------------


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=10_000, help="people asked (10,000)")
    parser.add_argument("--runs", type=int, default=7, help="launches of each kind (7)")
    parser.add_argument(
        "--requests", type=int, default=300, help="requests per page, (b) and in-process (300)"
    )
    parser.add_argument("--clients", type=int, default=8, help="(b) HTTP clients at once (8)")
    parser.add_argument("--workers", type=int, default=2, help="(b) gunicorn workers (2)")
    parser.add_argument("--rounds", type=int, default=6, help="(b) interleaved rounds (6)")
    parser.add_argument(
        "--warmup", type=int, default=3, help="(b) unmeasured requests per client and page (3)"
    )
    parser.add_argument(
        "--max-seconds",
        type=float,
        default=120.0,
        help="(b) time budget of the measured rounds; later rounds are skipped (120)",
    )
    parser.add_argument(
        "--quick", action="store_true", help="2,000 people, 3 runs, 100 requests (~1 min)"
    )
    parser.add_argument(
        "--profile",
        choices=["launch", "dashboard"],
        help="cProfile one campaign launch, or --requests dashboard pages",
    )
    parser.add_argument("--top", type=int, default=30, help="functions shown by --profile")
    args = parser.parse_args(argv)
    if min(args.requests, args.clients, args.rounds, args.workers) < 1 or args.warmup < 0:
        parser.error("--requests, --clients, --rounds and --workers must be positive")
    if args.quick:
        args.people, args.runs, args.requests = 2_000, 3, 100

    tmp, env = throwaway_installation()
    try:
        log(f"start: {uptime()}")
        run_openmis("manage", "migrate", "--no-input", "-v", "0", env=env, cwd=tmp)
        run_openmis("manage", "collectstatic", "--no-input", "-v", "0", env=env, cwd=tmp)
        import django

        django.setup()
        from django.db import connection

        from openmis.core import registry
        from openmis.governance import acknowledgements
        from openmis.governance.models import Campaign

        log(f"loading {args.people:,} people")
        data = load(args.people)

        # (a) launch vs bulk insert, interleaved, the order alternating
        targets, asked, exempt = launch_targets(data["big"])
        log(f"(a) {args.runs} launches of a campaign for {asked:,} people ({exempt} exempt)")
        for work in targets.values():  # warm-up
            rolled_back(work)
        times: dict[str, list[float]] = {name: [] for name in targets}
        names = list(targets)
        for run in range(args.runs):
            for name in names if run % 2 == 0 else names[::-1]:
                times[name].append(rolled_back(targets[name]))
        if args.profile == "launch":
            profiler = cProfile.Profile()
            rolled_back(lambda: profiler.runcall(targets["launch"]))
            print_profile(profiler, args.top)

        # the two campaigns of (b) and (c), kept
        big = acknowledgements.start_campaign(data["big"])
        small = acknowledgements.start_campaign(data["small"])
        campaign_type = registry.get(Campaign)
        big_path, small_path = campaign_type.url("detail", big), campaign_type.url("detail", small)
        client = dashboard_client(data["user"])
        cookies = director_session(data["user"])

        # (c) query counts
        log("(c) query counts")
        counts = {
            (label, cold): query_count(client, path, cold)
            for label, path in ((f"{SMALL}", small_path), (f"{args.people:,}", big_path))
            for cold in (False, True)
        }

        # (b), in this process: dashboard vs /health/, interleaved
        log(f"(b) {args.requests} requests of each page in this process")
        pages = {
            "baseline /health/": "/health/",
            "dashboard": big_path,
            f"dashboard, {SMALL} people": small_path,
        }
        for path in pages.values():
            for _ in range(10):
                get(client, path)
        latencies: dict[str, list[float]] = {name: [] for name in pages}
        sizes = {}
        for _ in range(args.requests):
            for name, path in pages.items():
                started = time.perf_counter()
                sizes[name] = get(client, path)
                latencies[name].append(time.perf_counter() - started)
        if args.profile == "dashboard":
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(args.requests):
                get(client, big_path)
            profiler.disable()
            print_profile(profiler, args.top)
        connection.close()

        # (b) over HTTP, the server reading the same database
        load_before = os.getloadavg()[0]
        http = measure_http(env, tmp, pages, cookies, args)
        load_after = os.getloadavg()[0]

        # the report
        print()
        print(
            f"governance: {args.people:,} people, {asked:,} asked; SQLite; {args.runs} runs, "
            f"{args.requests} requests; {uptime()}"
        )
        base = statistics.median(times["bulk insert"])
        best = min(times["bulk insert"])
        print(
            f"{'(a) campaign launch':<30}{'median ms':>10}{'best ms':>10}{'x baseline':>12}"
            f"{'best x best':>12}"
        )
        for name in ("bulk insert", "launch"):
            median = statistics.median(times[name])
            print(
                f"  {name:<28}{median * 1000:>10.1f}{min(times[name]) * 1000:>10.1f}"
                f"{median / base:>12.2f}{min(times[name]) / best:>12.2f}"
            )
        launch_ratio = statistics.median(times["launch"]) / base
        print()
        hp = people_list.percentile
        base_http = http[0]
        hp50_base, hp95_base = hp(base_http.latencies, 50), hp(base_http.latencies, 95)
        print(
            f"(b) over HTTP: gunicorn {args.workers} sync workers, {args.clients} clients; "
            f"load average {load_before:.2f} before / {load_after:.2f} after"
        )
        print(
            f"  {'page':<28}{'requests':>9}{'p50 ms':>10}{'p95 ms':>10}{'p50 x base':>12}"
            f"{'p95 x base':>12}{'bytes':>10}"
        )
        for target in http:
            values = target.latencies
            p50, p95 = hp(values, 50), hp(values, 95)
            print(
                f"  {target.label:<28}{len(values):>9}{p50 * 1000:>10.2f}{p95 * 1000:>10.2f}"
                f"{p50 / hp50_base:>12.2f}{p95 / hp95_base:>12.2f}{target.size:>10}"
            )
        print()
        p95_base = percentile(latencies["baseline /health/"], 95)
        p50_base = statistics.median(latencies["baseline /health/"])
        print(
            f"{'(b) in this process, 1 client':<30}{'p50 ms':>10}{'p95 ms':>10}"
            f"{'p50 x base':>12}{'p95 x base':>12}{'bytes':>10}"
        )
        for name in pages:
            values = latencies[name]
            p50, p95 = statistics.median(values), percentile(values, 95)
            print(
                f"  {name:<28}{p50 * 1000:>10.2f}{p95 * 1000:>10.2f}{p50 / p50_base:>12.2f}"
                f"{p95 / p95_base:>12.2f}{sizes[name]:>10}"
            )
        p95_ratio = hp(http[1].latencies, 95) / hp95_base
        in_process_ratio = percentile(latencies["dashboard"], 95) / p95_base
        print()
        print(f"{'(c) dashboard queries':<30}{'warm':>10}{'cold':>10}")
        for label in (f"{SMALL}", f"{args.people:,}"):
            print(f"  {label + ' people':<28}{counts[label, False]:>10}{counts[label, True]:>10}")
        equal = all(
            counts[f"{SMALL}", cold] == counts[f"{args.people:,}", cold] for cold in (False, True)
        )
        print()

        def verdict(ok: bool) -> str:
            return "met" if ok else "MISSED"

        print(
            f"Goal (a) launch <= {GOAL_LAUNCH:g}x bulk insert: {launch_ratio:.2f}x -> "
            f"{verdict(launch_ratio <= GOAL_LAUNCH)}"
        )
        print(
            f"Goal (b) dashboard p95 <= {GOAL_P95:g}x /health/ over HTTP: {p95_ratio:.2f}x -> "
            f"{verdict(p95_ratio <= GOAL_P95)} (in this process: {in_process_ratio:.2f}x)"
        )
        print(f"Goal (c) queries equal at {SMALL} and {args.people:,} people: {verdict(equal)}")
        return 0
    except BenchError as exc:
        print(f"\nbench/governance.py: {exc}", file=sys.stderr)
        return 1
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
