"""Benchmark of start-up: how long OpenMIS takes to start, against a bare Django project.

Run: ``.venv/bin/python bench/startup.py [--runs N]`` (see bench/README.md).

Each figure is the median wall time of ``--runs`` fresh processes of this interpreter:

* ``openmis --help``        the command line's help (no Django set-up at all),
* ``django.setup()``        importing settings, apps, models and registries,
* ``openmis manage check``  Django's system checks (what every management command pays).

The baseline is measured in the same run, interleaved with OpenMIS: a bare Django project built
in a temporary directory, whose minimal settings module installs the same third-party apps
(``INSTALLED_APPS`` of OpenMIS without ``openmis.*``), so the ratio is what OpenMIS's own code
adds. Its counterparts are ``python -m django --help``, ``django.setup()`` and
``python -m django check``.

The issue's targets: ``openmis --help`` under 0.5 s; ``django.setup()`` within 1.5x the bare
project's. It is a benchmark, not a test: it prints PASS/FAIL, it never fails on a target.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SETUP = "import django; django.setup()"

BARE_SETTINGS = '''"""A bare Django project with the third-party apps of OpenMIS."""

SECRET_KEY = "bench-only"
INSTALLED_APPS = {apps!r}
DATABASES = {{"default": {{"ENGINE": "django.db.backends.sqlite3", "NAME": {db!r}}}}}
USE_TZ = True
ROOT_URLCONF = "bare_urls"
TEMPLATES = [
    {{
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {{"context_processors": [
            "django.template.context_processors.request",
            "django.contrib.auth.context_processors.auth",
            "django.contrib.messages.context_processors.messages",
        ]}},
    }}
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "axes.middleware.AxesMiddleware",
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
STATIC_URL = "/static/"
'''


def third_party_apps() -> list[str]:
    """OpenMIS's ``INSTALLED_APPS`` without its own apps (read from a fresh process); its
    admin configuration is Django's admin."""
    code = "from openmis import settings; print('\\n'.join(settings.INSTALLED_APPS))"
    out = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True, env=_env()
    ).stdout
    apps = ["django.contrib.admin" if a.endswith(".AdminConfig") else a for a in out.split()]
    return [app for app in apps if not app.startswith("openmis")]


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "OPENMIS_"))}
    for name in ("DATABASE_URL", "CACHE_URL", "SECRET_KEY", "DEBUG"):
        env.pop(name, None)
    env.update(extra)
    return env


def timed(argv: list[str], env: dict[str, str], cwd: str | None = None) -> float:
    """Wall time of one process, which must succeed."""
    start = time.perf_counter()
    subprocess.run(argv, check=True, env=env, cwd=cwd, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--runs", type=int, default=7, help="processes per figure (7)")
    args = parser.parse_args()
    openmis_cli = str(Path(sys.executable).with_name("openmis"))
    py = sys.executable
    with tempfile.TemporaryDirectory(prefix="openmis-startup-") as tmp:
        (Path(tmp) / "bare_settings.py").write_text(
            BARE_SETTINGS.format(apps=third_party_apps(), db=str(Path(tmp) / "db.sqlite3"))
        )
        (Path(tmp) / "bare_urls.py").write_text("urlpatterns = []\n")
        bare = _env(DJANGO_SETTINGS_MODULE="bare_settings", PYTHONPATH=tmp)
        ours = _env(
            DJANGO_SETTINGS_MODULE="openmis.settings",
            OPENMIS_DATA_DIR=str(Path(tmp) / "data"),  # its secret key is generated there
        )
        pairs = {
            "openmis --help": ([openmis_cli, "--help"], [py, "-m", "django", "--help"]),
            "django.setup()": ([py, "-c", SETUP], [py, "-c", SETUP]),
            "openmis manage check": (
                [openmis_cli, "manage", "check"],
                [py, "-m", "django", "check"],
            ),
        }
        times: dict[str, tuple[list[float], list[float]]] = {k: ([], []) for k in pairs}
        for argv_ours, argv_bare in pairs.values():  # warm the file system caches once
            timed(argv_ours, ours, tmp)
            timed(argv_bare, bare, tmp)
        for _ in range(args.runs):  # interleaved, so drifting machine load hits both
            for name, (argv_ours, argv_bare) in pairs.items():
                times[name][0].append(timed(argv_ours, ours, tmp))
                times[name][1].append(timed(argv_bare, bare, tmp))
    print(f"Start-up, median of {args.runs} processes ({sys.executable})")
    print(f"{'':24} {'OpenMIS':>9} {'bare Django':>12} {'ratio':>7}")
    medians = {}
    for name, (mine, base) in times.items():
        m, b = statistics.median(mine), statistics.median(base)
        medians[name] = (m, b)
        print(f"{name:24} {m:8.3f}s {b:11.3f}s {m / b:6.2f}x")
    help_s = medians["openmis --help"][0]
    setup_ratio = medians["django.setup()"][0] / medians["django.setup()"][1]
    print(f"target: openmis --help < 0.5 s: {'PASS' if help_s < 0.5 else 'FAIL'}")
    print(f"target: django.setup() <= 1.5x bare: {'PASS' if setup_ratio <= 1.5 else 'FAIL'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
