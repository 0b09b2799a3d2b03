"""Checks the test command runs before pytest: committed artefacts match the code.

1. migrations: no model change lacks its migration;
2. the OpenAPI schema committed in docs/openapi.yaml matches the API (run `make schema`
   after an intended API change);
3. the translation catalogs are complete, compiled, and cover every string in the code.

Exits 1 naming each problem.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "src/openmis/locale/pl/LC_MESSAGES/django.po"


def run(*args: str, env_extra: dict | None = None, **kwargs) -> subprocess.CompletedProcess:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "openmis.test_settings", **(env_extra or {})}
    return subprocess.run(args, capture_output=True, text=True, env=env, check=False, **kwargs)


def check_migrations() -> list[str]:
    result = run(sys.executable, "-m", "django", "makemigrations", "--check", "--dry-run")
    if result.returncode:
        return ["Model changes without a migration:\n" + result.stdout + result.stderr]
    return []


def check_schema() -> list[str]:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "openapi.yaml"
        result = run(
            sys.executable,
            "-m",
            "django",
            "spectacular",
            "--file",
            str(out),
            "--validate",
            "--fail-on-warn",
        )
        if result.returncode:
            return ["The OpenAPI schema does not generate:\n" + result.stderr]
        committed = ROOT / "docs/openapi.yaml"
        if not committed.exists() or committed.read_text() != out.read_text():
            return [
                "docs/openapi.yaml differs from the API. If the change is intended, run "
                "`make schema` and commit the result."
            ]
    return []


def check_catalogs() -> list[str]:
    problems = []
    result = run(sys.executable, str(ROOT / "tools/compile_messages.py"), "--check")
    if result.returncode:
        problems.append(result.stdout + result.stderr)
    if shutil.which("xgettext") is None:
        print("note: xgettext not installed; skipped the check for untranslated new strings")
        return problems
    import polib

    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "openmis"
        shutil.copytree(
            ROOT / "src/openmis",
            copy,
            ignore=shutil.ignore_patterns("vendor", "__pycache__", "*.mo"),
        )
        # makemessages writes to LOCALE_PATHS[0]: point it at the copy, never the real one.
        (Path(tmp) / "catalog_check_settings.py").write_text(
            "from openmis.test_settings import *  # noqa: F403\n"
            f"LOCALE_PATHS = [{str(copy / 'locale')!r}]\n"
        )
        result = run(
            sys.executable,
            "-m",
            "django",
            "makemessages",
            "-l",
            "pl",
            "--no-obsolete",
            "--ignore",
            "static/vendor/*",
            "--settings",
            "catalog_check_settings",
            cwd=copy,
            env_extra={"PYTHONPATH": tmp},
        )
        if result.returncode:
            return [*problems, "makemessages failed:\n" + result.stderr]
        fresh = {
            (e.msgctxt, e.msgid) for e in polib.pofile(copy / PO.relative_to(ROOT / "src/openmis"))
        }
    committed = {(e.msgctxt, e.msgid) for e in polib.pofile(PO) if not e.obsolete}
    missing = sorted(m for _c, m in fresh - committed)
    if missing:
        problems.append(
            "Strings in the code missing from the Polish catalog (run `make messages` and "
            "translate them):\n  " + "\n  ".join(missing[:50])
        )
    return problems


def main() -> int:
    problems = check_migrations() + check_schema() + check_catalogs()
    for problem in problems:
        print(f"✗ {problem}", file=sys.stderr)
    if not problems:
        print("✓ migrations, OpenAPI schema and translation catalogs are up to date")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
