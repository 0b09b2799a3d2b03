"""The ``openmis`` command: run the server, load demo data, create an admin, manage."""

from __future__ import annotations

import argparse
import getpass
import os
import sys

DEMO_LOGINS = [
    ("director", "MIS director"),
    ("staff", "MIS staff"),
    ("marketing", "Marketing leader"),
    ("finance", "Finance leader"),
    ("analyst", "Sales analyst"),
    ("employee", "Employee"),
]


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
        counts = demo.load()
        loaded_now = True
        print(
            f"Loaded the demo organization: {counts['people']} people, "
            f"{counts['departments']} departments."
        )
    from openmis.core.models import Installation

    if loaded_now or Installation.current().demo_mode:
        _print_logins(args.bind)
    else:
        print(f"\nOpenMIS is starting at http://{args.bind}/\n")
    workers = os.environ.get("WEB_CONCURRENCY") or str(min(2 * len(os.sched_getaffinity(0)) + 1, 8))
    argv = [
        sys.executable,
        "-m",
        "gunicorn",
        "openmis.wsgi:application",
        "--bind",
        args.bind,
        "--workers",
        workers,
        "--access-logfile",
        "-",
        "--timeout",
        "120",
        "--graceful-timeout",
        "20",
    ]
    sys.stdout.flush()
    os.execv(sys.executable, argv)  # noqa: S606  (replace this process with gunicorn)
    return 0


def cmd_demo(args) -> int:
    _setup()
    from openmis import demo

    _manage("migrate", "--no-input", "-v", "0")
    if args.reset:
        demo.reset()
    elif demo.is_loaded():
        print("Demo data is loaded already; use --reset to load it again.", file=sys.stderr)
        return 1
    counts = demo.load()
    print(
        f"Loaded the demo organization: {counts['people']} people, "
        f"{counts['departments']} departments."
    )
    return 0


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
    demo = sub.add_parser("demo", help="load the demo organization")
    demo.add_argument("--reset", action="store_true", help="remove demo data and load it anew")
    demo.set_defaults(func=cmd_demo)
    admin = sub.add_parser("createadmin", help="create an MIS director account")
    admin.add_argument("--username")
    admin.add_argument("--email")
    admin.set_defaults(func=cmd_createadmin)
    manage = sub.add_parser("manage", help="run a Django management command", add_help=False)
    manage.add_argument("rest", nargs=argparse.REMAINDER)
    manage.set_defaults(func=cmd_manage)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args) or 0


if __name__ == "__main__":
    sys.exit(main())
