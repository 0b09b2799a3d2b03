"""The ``openmis`` command: run the server, load demo data, create an admin, manage."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path

DEMO_LOGINS = [
    ("director", "MIS director"),
    ("staff", "MIS staff"),
    ("marketing", "Marketing leader"),
    ("finance", "Finance leader"),
    ("analyst", "Sales analyst"),
    ("employee", "Employee"),
]


#: Longest path of a Unix socket (``sun_path`` holds 108 bytes on Linux, 104 on macOS).
UNIX_SOCKET_PATH_MAX = 100


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openmis.settings")
    import django

    django.setup()


def _manage(*args: str) -> None:
    from django.core.management import call_command

    call_command(*args)


def _print_logins(bind: str) -> None:
    print(f"\nOpenMIS is starting at http://{bind}/")
    print("Demo logins (password 'demo' for each; change them before real use):")
    for username, role in DEMO_LOGINS:
        print(f"  {username:<10} {role}")
    print()


def cmd_run(args) -> int:
    _setup()
    from openmis import demo

    _manage("migrate", "--no-input", "-v", "0")
    _manage("collectstatic", "--no-input", "-v", "0")
    loaded_now = False
    if not args.no_demo and not demo.is_loaded():
        from openmis.core import demotext

        language = demotext.detect()
        counts = demo.load(language=language)
        loaded_now = True
        _print_loaded(counts, language)
    from openmis.core.models import Installation

    if loaded_now or Installation.current().demo_mode:
        _print_logins(args.bind)
    else:
        print(f"\nOpenMIS is starting at http://{args.bind}/\n")
    sys.stdout.flush()
    return _serve(gunicorn_argv(args.bind))


def gunicorn_argv(bind: str) -> list[str]:
    """The gunicorn command of ``openmis run``.

    gunicorn's control socket (``gunicornc``) defaults to one path per user
    (``~/.gunicorn/gunicorn.ctl``), so two servers of one user would share it: each server's
    socket is kept in its own data directory instead (``run/gunicorn.ctl``). A data directory
    too deep for a Unix socket path (about 100 bytes) gets no control socket.
    """
    from django.conf import settings

    workers, threads = web_concurrency()
    socket = Path(settings.DATA_DIR) / "run" / "gunicorn.ctl"
    if len(os.fsencode(socket)) <= UNIX_SOCKET_PATH_MAX:
        socket.parent.mkdir(parents=True, exist_ok=True)
        control = ["--control-socket", str(socket)]
    else:
        control = ["--no-control-socket"]
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "openmis.wsgi:application",
        "--bind",
        bind,
        "--worker-class",
        "gthread",
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--access-logfile",
        "-",
        "--timeout",
        "120",
        "--graceful-timeout",
        "20",
        *control,
    ]


def web_concurrency() -> tuple[int, int]:
    """gunicorn processes and threads per process of ``openmis run``.

    One process per core (``WEB_CONCURRENCY``), each with ``OPENMIS_WEB_THREADS`` threads
    (4). Threads rather than more processes: each process keeps its own warm warehouse
    connections and their cached data, so fewer processes keep them warm and hold them once
    per core. Measured on TPC-H SF1 with 2 cores, a count-distinct question took 1.3x its
    in-process time through 5 single-threaded processes and 1.0x through 2 processes with
    threads (bench/bi_tpch.py).
    """
    cores = len(os.sched_getaffinity(0))
    workers = int(os.environ.get("WEB_CONCURRENCY") or max(cores, 2))
    threads = int(os.environ.get("OPENMIS_WEB_THREADS") or 4)
    return workers, threads


def _worker_argv() -> list[str]:
    return [sys.executable, "-m", "openmis.cli", "worker"]


def _serve(web_argv: list[str]) -> int:
    """Run gunicorn and the background-job worker side by side until either stops."""
    import signal
    import subprocess

    from django.conf import settings

    children = []
    if "ImmediateBackend" not in settings.TASKS["default"]["BACKEND"]:
        children.append(subprocess.Popen(_worker_argv()))  # noqa: S603  (our own command)
    web = subprocess.Popen(web_argv)  # noqa: S603  (our own command)
    children.append(web)

    def stop(signum, _frame):
        for child in children:
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)

    signal.signal(signal.SIGTERM, stop)
    try:
        code = web.wait()
    except KeyboardInterrupt:
        code = web.wait()
    stop(signal.SIGTERM, None)
    for child in children:
        try:
            child.wait(timeout=30)
        except subprocess.TimeoutExpired:
            child.kill()
    return code


def cmd_worker(args) -> int:
    """Run background jobs (file imports into the warehouse, e-mails) and the apps' periodic jobs
    (meetings materialised from their rules, see :mod:`openmis.core.periodic`) until
    stopped."""
    _setup()
    from openmis.bi import loading
    from openmis.core import periodic

    interrupted = loading.fail_interrupted_imports()
    if interrupted:
        print(f"Marked {interrupted} interrupted import(s) as failed.", file=sys.stderr)
    from openmis.core.notifications import send_due

    send_due()  # notices whose job was lost (e.g. the server stopped before queueing it)
    periodic.start()
    _manage("db_worker", "--queue-name", "*", "--interval", "0.5")
    return 0


def cmd_warehouse_import(args) -> int:
    """Load a file into a dataset now, in this process; the server may keep running."""
    _setup()
    import json
    from pathlib import Path

    from openmis.bi import loading
    from openmis.bi.models import Dataset, ImportJob

    if not Path(args.file).is_file():
        print(f"No such file: {args.file}", file=sys.stderr)
        return 2
    _manage("migrate", "--no-input", "-v", "0")
    try:
        types = json.loads(args.types) if args.types else {}
    except json.JSONDecodeError:
        print('--types must be JSON, e.g. \'{"zip": "string"}\'.', file=sys.stderr)
        return 2
    from django.core.exceptions import ValidationError

    dataset = Dataset.objects.filter(name=args.dataset).first()
    created = dataset is None
    if dataset is None:
        dataset = Dataset(name=args.dataset, title=args.dataset.replace("_", " ").capitalize())
        try:
            dataset.full_clean()
        except ValidationError as exc:
            reasons = " ".join(exc.message_dict.get("name", exc.messages))
            print(f"Invalid dataset name {args.dataset!r}: {reasons}", file=sys.stderr)
            return 2
        dataset.save()
    mode = ImportJob.Mode.APPEND if args.append else ImportJob.Mode.REPLACE
    try:
        job = loading.import_now(
            dataset,
            args.file,
            mode=mode,
            column_types=types,
            encoding=ENCODING_NAMES[args.encoding],
        )
    except loading.ImportFailed as exc:
        print(f"Import failed: {exc.detail}", file=sys.stderr)
        return _import_failed(dataset, created)
    if job.status != ImportJob.Status.DONE:
        where = f" (line {job.error_line}" if job.error_line else ""
        if where and job.error_column:
            where += f", column {job.error_column}"
        print(f"Import failed: {job.error}{where + ')' if where else ''}", file=sys.stderr)
        return _import_failed(dataset, created)
    if job.encoding in ENCODING_LABELS:
        print(f"Read {args.file} as {ENCODING_LABELS[job.encoding]} text, converted to UTF-8.")
    print(f"Loaded {args.file}: {dataset.name!r} now has {job.rows} rows (data version {job.pk}).")
    return 0


# --encoding: the names a user may give, and the codec each one is.
ENCODING_NAMES = {
    "auto": "",
    "utf-8": "utf-8",
    "utf8": "utf-8",
    "cp1250": "cp1250",
    "windows-1250": "cp1250",
    "iso-8859-2": "iso8859_2",
    "iso8859-2": "iso8859_2",
    "latin2": "iso8859_2",
}
ENCODING_LABELS = {"cp1250": "Windows-1250", "iso8859_2": "ISO-8859-2"}


def _import_failed(dataset, created: bool) -> int:
    """After a failed CLI import: a dataset this import created goes (it would stay empty in
    the catalog), an existing one keeps its data. The exit code."""
    if created:
        dataset.delete()
        print(f"No dataset {dataset.name!r} was created.", file=sys.stderr)
    else:
        print(f"The dataset {dataset.name!r} keeps its previous data.", file=sys.stderr)
    return 1


def cmd_demo(args) -> int:
    _setup()
    from openmis import demo

    _manage("migrate", "--no-input", "-v", "0")
    if args.reset:
        demo.reset()
    elif demo.is_loaded():
        print("Demo data is loaded already; use --reset to load it again.", file=sys.stderr)
        return 1
    counts = demo.load(language=args.language)
    _print_loaded(counts, args.language)
    return 0


def _print_loaded(counts: dict[str, int], language: str) -> None:
    in_language = " (in Polish)" if language == "pl" else ""
    print(
        f"Loaded the demo organization{in_language}: {counts['people']} people, "
        f"{counts['departments']} departments."
    )


def cmd_createadmin(args) -> int:
    _setup()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    from openmis.org.models import Role
    from openmis.org.roles import DIRECTOR

    _manage("migrate", "--no-input", "-v", "0")
    User = get_user_model()
    username = args.username or input("Username: ").strip()
    email = args.email if args.email is not None else input("Email: ").strip()
    password = os.environ.get("OPENMIS_ADMIN_PASSWORD") or getpass.getpass("Password: ")
    if User.objects.filter(username=username).exists():
        print(f"A user named {username!r} exists already.", file=sys.stderr)
        return 1
    user = User(username=username, email=email, is_staff=True, is_superuser=True)
    try:
        validate_password(password, user)
    except ValidationError as exc:
        print("Password refused: " + " ".join(exc.messages), file=sys.stderr)
        return 1
    user.set_password(password)
    user.save()
    user.groups.add(Role.objects.get(slug=DIRECTOR).group)
    print(f"Created MIS director account {username!r}. Two-factor setup is asked at first login.")
    return 0


def cmd_backup(args) -> int:
    """Write one archive of the database, warehouse files, uploads and secret key, while the
    server keeps running."""
    from openmis.core import backup

    try:
        manifest = backup.create(args.file, backup.Installation.from_environment())
    except backup.BackupError as exc:
        print(f"Backup failed: {exc}", file=sys.stderr)
        return 1
    files = manifest["files"]
    size = sum(f["size"] for f in files)
    versions = len(manifest["warehouse"]["versions"])
    media = sum(f["path"].startswith("media/") for f in files)
    print(
        f"Backed up to {args.file}: the {manifest['database']['engine']} database, "
        f"{versions} dataset version(s), {media} uploaded file(s); {size / 1e6:.1f} MB."
    )
    warehouse = manifest["warehouse"]
    if versions and not (warehouse["files"] or warehouse["in_database"]):
        print(
            f"The datasets' data lives in the {warehouse['engine']} warehouse (WAREHOUSE_URL), "
            "which is not in the backup: back it up with its own tools.",
            file=sys.stderr,
        )
    if manifest["secret_key"] == "environment":  # noqa: S105  (where it comes from)
        print(
            "SECRET_KEY comes from the environment and is not in the backup: keep it with it.",
            file=sys.stderr,
        )
    return 0


def cmd_restore(args) -> int:
    """Fill an empty data directory (and an empty PostgreSQL database) from a backup."""
    from openmis.core import backup

    try:
        manifest = backup.restore(args.file, backup.Installation.from_environment())
    except backup.BackupError as exc:
        print(f"Restore refused: {exc}", file=sys.stderr)
        return 1
    print(
        f"Restored the backup of {manifest['created']} (OpenMIS {manifest['openmis_version']}): "
        f"{len(manifest['files'])} files. Start OpenMIS with 'openmis run'."
    )
    return 0


def cmd_manage(args) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openmis.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["openmis manage", *args.rest])
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="openmis", description="OpenMIS command line.")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="migrate, load demo data if empty, and serve")
    run.add_argument("--bind", default="127.0.0.1:8000", help="HOST:PORT (default %(default)s)")
    run.add_argument("--no-demo", action="store_true", help="do not load demo data")
    run.set_defaults(func=cmd_run)
    demo = sub.add_parser(
        "demo",
        help="load the demo organization",
        description="Load the demo organization: people, systems, meetings, feedback, "
        "evaluations and the BI sales warehouse, written in English or Polish. "
        "'openmis run' loads it on a first start, in the language of "
        "OPENMIS_DEMO_LANGUAGE (en or pl) if set, else Polish when the locale "
        "(LC_ALL, LC_MESSAGES or LANG) is Polish, else English.",
    )
    demo.add_argument("--reset", action="store_true", help="remove demo data and load it anew")
    demo.add_argument(
        "--language",
        choices=["en", "pl"],
        default="en",
        help="the language of the demo's names and texts (default %(default)s)",
    )
    demo.set_defaults(func=cmd_demo)
    admin = sub.add_parser("createadmin", help="create an MIS director account")
    admin.add_argument("--username")
    admin.add_argument("--email")
    admin.set_defaults(func=cmd_createadmin)
    worker = sub.add_parser("worker", help="run background jobs (started by 'run' too)")
    worker.set_defaults(func=cmd_worker)
    wh = sub.add_parser("warehouse", help="BI warehouse commands")
    wh_sub = wh.add_subparsers(dest="warehouse_command", required=True)
    imp = wh_sub.add_parser("import", help="load a CSV, XLSX, Parquet or JSON file into a dataset")
    imp.add_argument("file", help="the file to load")
    imp.add_argument("--dataset", required=True, help="dataset name (created if new)")
    how = imp.add_mutually_exclusive_group()
    how.add_argument("--replace", action="store_true", help="replace the data (default)")
    how.add_argument("--append", action="store_true", help="append to the data")
    imp.add_argument("--types", help='column type overrides as JSON, e.g. \'{"zip": "string"}\'')
    imp.add_argument(
        "--encoding",
        choices=list(ENCODING_NAMES),
        default="auto",
        type=str.lower,
        help="a CSV file's encoding (default: detected among UTF-8, Windows-1250, ISO-8859-2)",
    )
    imp.set_defaults(func=cmd_warehouse_import)
    back = sub.add_parser("backup", help="back up the database, warehouse, uploads, secret key")
    back.add_argument("file", help="the archive to write: NAME.tar.gz or NAME.zip")
    back.set_defaults(func=cmd_backup)
    rest = sub.add_parser("restore", help="restore a backup into an empty data directory")
    rest.add_argument("file", help="the archive written by 'openmis backup'")
    rest.set_defaults(func=cmd_restore)
    manage = sub.add_parser("manage", help="run a Django management command", add_help=False)
    manage.add_argument("rest", nargs=argparse.REMAINDER)
    manage.set_defaults(func=cmd_manage)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args) or 0


if __name__ == "__main__":
    sys.exit(main())
