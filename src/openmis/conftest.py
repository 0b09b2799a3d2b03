"""Fixtures shared by every test module."""

import pytest
from django.test import Client

from openmis.org.roles import ANALYST, DIRECTOR, EMPLOYEE, LEADER, STAFF
from openmis.org.tests.factories import DepartmentFactory, user_with_role

# The browser tests' Chromium, pages, log-in and picker steps (one module for all of them).
pytest_plugins = ["openmis.tests.browser"]

ROLES = [DIRECTOR, STAFF, LEADER, ANALYST, EMPLOYEE]


@pytest.fixture
def department(db):
    return DepartmentFactory(name="Marketing")


@pytest.fixture
def make_user(db):
    """``make_user(role_slug, department=None)``: a user holding a built-in role."""
    return user_with_role


@pytest.fixture
def director(db, department):
    return user_with_role(DIRECTOR, department, username="dir")


def logged_in(user) -> Client:
    """A test client with ``user``'s session."""
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def director_client(director):
    return logged_in(director)


@pytest.fixture
def api_client_for():
    """``api_client_for(user)``: a DRF client authenticated by token (None: anonymous)."""
    from rest_framework.test import APIClient

    from openmis.core import tokens

    def make(user):
        client = APIClient()
        if user is not None:
            _token, secret = tokens.issue(user, "tests")
            client.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
        return client

    return make


@pytest.fixture(scope="session", autouse=True)
def _empty_warehouse():
    """Each run starts with an empty PostgreSQL warehouse schema: dataset numbers restart
    with the test database, so tables of an earlier run would collide with this run's."""
    from django.conf import settings

    url = settings.WAREHOUSE_URL or ""
    if url.startswith("postgres"):
        import psycopg

        schema = url.rsplit("schema=", 1)[1]
        with psycopg.connect(url.split("?", 1)[0], autocommit=True) as con:
            con.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')  # our own fixed name
    yield


@pytest.fixture(autouse=True)
def _default_language_and_time_zone():
    """Each test ends with the default language and time zone active again.

    A request through the test client runs ``LocaleMiddleware``, which activates the request's
    language in this thread and leaves it active; so does ``translation.activate`` in a test.
    Without this, a test that asks for Polish would leave Polish active for the next test the
    same worker runs, and every English message it checks (e.g. the analytics layer's
    errors, translated with Django's catalogs in the active language) would be in Polish.
    """
    from django.utils import timezone, translation

    translation.deactivate()  # the state of a fresh process: settings.LANGUAGE_CODE
    timezone.deactivate()  # settings.TIME_ZONE
    yield
    translation.deactivate()
    timezone.deactivate()


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: a test database restarts the generations, so
    what this thread read of them is forgotten too."""
    from django.core.cache import cache

    from openmis.core import caching

    cache.clear()
    caching.clear_process_caches()
    caching._generations.set(None)


@pytest.fixture(autouse=True)
def _warm_url_configuration(request):
    """Before a browser test, load the URL configuration (it imports the query engine and
    every app's views): the live server would otherwise do it inside the first page load,
    which on a busy machine outlasts the browser's 10 s timeout."""
    if request.node.get_closest_marker("browser") is not None:
        from django.urls import get_resolver

        get_resolver().url_patterns  # noqa: B018  (imports every URLconf module once)


# --- what the data migrations made, back after a transactional test's flush ----------------
#
# A transactional test (every browser test: ``live_server``) ends with a flush of every table.
# Its post_migrate signal recreates content types and permissions, but not what the apps'
# data migrations made: the built-in roles, every app's default grants to them, the
# installation row. One snapshot of those rows, by natural keys, is taken right after the
# test database is created (before any test can flush it) and written back after each
# transactional test, so the next test, of any kind, sees the roles as the migrations left
# them (a handful of queries, not a serialized copy of the whole database).

_MIGRATION_DATA: dict | None = None


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """pytest-django's test database, and the snapshot of its migrations' data."""
    global _MIGRATION_DATA
    with django_db_blocker.unblock():
        _MIGRATION_DATA = _snapshot_migration_data()
    yield


def _snapshot_migration_data() -> dict:
    from django.contrib.auth.models import Group

    from openmis.core.models import Installation
    from openmis.org.models import Role

    grants = Group.permissions.through.objects.values_list(
        "group__name", "permission__content_type__app_label", "permission__codename"
    )
    return {
        "groups": list(Group.objects.values_list("name", flat=True)),
        "roles": list(Role.objects.values("group__name", "slug", "scope", "description")),
        "grants": list(grants),
        "installations": list(Installation.objects.values()),
    }


def restore_migration_data() -> None:
    """Write back the snapshot's rows that are missing (after a flush: all of them)."""
    from django.contrib.auth.models import Group, Permission

    from openmis.core.models import Installation
    from openmis.org.models import Role

    data = _MIGRATION_DATA
    if data is None or Role.objects.filter(slug__isnull=False).exists():
        return
    Group.objects.bulk_create([Group(name=name) for name in data["groups"]], ignore_conflicts=True)
    groups = dict(Group.objects.values_list("name", "pk"))
    Role.objects.bulk_create(
        [
            Role(
                group_id=groups[row["group__name"]],
                **{k: row[k] for k in ("slug", "scope", "description")},
            )
            for row in data["roles"]
        ]
    )
    permissions = {
        (app_label, codename): pk
        for pk, app_label, codename in Permission.objects.values_list(
            "pk", "content_type__app_label", "codename"
        )
    }
    Through = Group.permissions.through
    Through.objects.bulk_create(
        [
            Through(group_id=groups[group], permission_id=permissions[(app_label, codename)])
            for group, app_label, codename in data["grants"]
        ],
        ignore_conflicts=True,
    )
    if not Installation.objects.exists():
        Installation.objects.bulk_create([Installation(**row) for row in data["installations"]])


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """After a transactional test's flush (its fixtures' teardown), the migrations' data."""
    result = yield
    marker = item.get_closest_marker("django_db")
    flushes = marker is not None and marker.kwargs.get("transaction", marker.args[:1] == (True,))
    transactional = flushes or bool(
        {"transactional_db", "live_server"} & set(getattr(item, "fixturenames", ()))
    )
    # After the last test the session's teardown has dropped the test database: nothing to do.
    if transactional and _MIGRATION_DATA is not None and nextitem is not None:
        from pytest_django.plugin import blocking_manager_key

        with item.config.stash[blocking_manager_key].unblock():
            restore_migration_data()
    return result
