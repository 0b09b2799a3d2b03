"""Production configuration: `check --deploy` is clean behind HTTPS, weak keys are refused,
and the CLI sets up a working instance from nothing."""

import os
import subprocess
import sys

import pytest

# Runs alike on every database engine: the PostgreSQL pass leaves it out.
pytestmark = pytest.mark.engine_neutral

STRONG_KEY = "k3Y-" + "x9Qz" * 4 + "".join(chr(65 + i % 26) for i in range(40))


def run(args, tmp_path, **env):
    environ = {
        k: v for k, v in os.environ.items() if not k.startswith(("OPENMIS_", "DJANGO_", "DEBUG"))
    }
    environ.update({"OPENMIS_DATA_DIR": str(tmp_path), **env})
    return subprocess.run(
        [sys.executable, "-m", "openmis.cli", *args],
        capture_output=True,
        text=True,
        env=environ,
        timeout=300,
        check=False,
    )


def test_check_deploy_reports_no_issues_behind_https(tmp_path):
    result = run(
        ["manage", "check", "--deploy", "--fail-level", "WARNING"],
        tmp_path,
        SECRET_KEY=STRONG_KEY,
        OPENMIS_HTTPS="1",
        ALLOWED_HOSTS="mis.example.org",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize("key", ["changeme", "django-insecure-" + "a" * 50, "ab" * 30])
def test_weak_secret_key_is_refused_when_debug_is_off(tmp_path, key):
    result = run(["manage", "check"], tmp_path, SECRET_KEY=key)
    assert result.returncode != 0
    assert "SECRET_KEY is weak" in result.stderr


def test_generated_secret_key_is_kept_in_the_data_dir(tmp_path):
    assert run(["manage", "check"], tmp_path).returncode == 0
    key = (tmp_path / "secret_key").read_text()
    assert len(key) >= 50
    assert oct((tmp_path / "secret_key").stat().st_mode & 0o777) == "0o600"
    assert run(["manage", "check"], tmp_path).returncode == 0
    assert (tmp_path / "secret_key").read_text() == key


def test_cli_demo_and_createadmin_from_an_empty_data_dir(tmp_path):
    result = run(["demo"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Loaded the demo organization: 200 people, 11 departments." in result.stdout
    assert run(["demo"], tmp_path).returncode == 1  # already loaded: says so, changes nothing
    result = run(
        ["createadmin", "--username", "boss", "--email", "boss@example.com"],
        tmp_path,
        OPENMIS_ADMIN_PASSWORD="a-Long-and-unusual-pass-42",
    )
    assert result.returncode == 0, result.stderr
    script = (
        "import django; django.setup();"
        "from django.contrib.auth.models import User;"
        "u = User.objects.get(username='boss');"
        "print(sorted(u.groups.values_list('name', flat=True)), u.check_password("
        "'a-Long-and-unusual-pass-42'))"
    )
    environ = {**os.environ, "OPENMIS_DATA_DIR": str(tmp_path)}
    environ.pop("OPENMIS_TESTING", None)
    environ["DJANGO_SETTINGS_MODULE"] = "openmis.settings"
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=environ, check=True
    )
    assert out.stdout.strip() == "['MIS director'] True"


def test_createadmin_refuses_a_weak_password(tmp_path):
    result = run(
        ["createadmin", "--username", "boss", "--email", "b@example.com"],
        tmp_path,
        OPENMIS_ADMIN_PASSWORD="password",
    )
    assert result.returncode == 1
    assert "Password refused" in result.stderr


def test_the_server_runs_one_threaded_process_per_core_unless_told(monkeypatch):
    from openmis import cli

    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    monkeypatch.delenv("OPENMIS_WEB_THREADS", raising=False)
    monkeypatch.setattr(cli.os, "sched_getaffinity", lambda pid: set(range(6)))
    assert cli.web_concurrency() == (6, 4)
    monkeypatch.setattr(cli.os, "sched_getaffinity", lambda pid: {0})
    assert cli.web_concurrency() == (2, 4)  # never a single process: one slow request
    monkeypatch.setenv("WEB_CONCURRENCY", "3")
    monkeypatch.setenv("OPENMIS_WEB_THREADS", "8")
    assert cli.web_concurrency() == (3, 8)


def test_the_cache_keeps_more_than_djangos_300_entries():
    """Pages and their sections are kept under the data generation: on a busy server a page
    must not be culled because a thousand other things were cached after it."""
    from django.core.cache import cache

    cache.set("first-page", "kept")
    for n in range(1_000):
        cache.set(f"other-{n}", n)
    assert cache.get("first-page") == "kept"


def test_the_documented_redis_cache_is_shared_by_processes_and_fronts_sessions(tmp_path):
    """README: ``CACHE_URL=rediscache://…`` when running several servers. What one process
    caches, another reads; sessions then go through the shared cache."""
    key = f"openmis-test-{os.getpid()}-{tmp_path.name}"
    url = "rediscache://127.0.0.1:6379/15"
    script = (
        "import sys, django; django.setup();"
        "from django.conf import settings; from django.core.cache import caches;"
        "cache = caches['default'];"
        "print(type(cache).__name__, settings.SESSION_ENGINE);"
        "cache.set(sys.argv[1], 'written', 60) if sys.argv[2] == 'set' else "
        "print(cache.get(sys.argv[1]), cache.delete(sys.argv[1]))"
    )
    environ = {
        k: v for k, v in os.environ.items() if not k.startswith(("OPENMIS_", "DJANGO_", "DEBUG"))
    }
    environ.update(
        OPENMIS_DATA_DIR=str(tmp_path),
        DJANGO_SETTINGS_MODULE="openmis.settings",
        CACHE_URL=url,
    )

    def python(*args):
        return subprocess.run(
            [sys.executable, "-c", script, *args],
            capture_output=True,
            text=True,
            env=environ,
            timeout=120,
            check=True,
        ).stdout.split()

    assert python(key, "set") == ["RedisCache", "django.contrib.sessions.backends.cached_db"]
    assert python(key, "get")[2:] == ["written", "True"]
