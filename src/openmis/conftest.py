"""Fixtures shared by every test module."""

import pytest
from django.test import Client

from openmis.org.roles import ANALYST, DIRECTOR, EMPLOYEE, LEADER, STAFF
from openmis.org.tests.factories import DepartmentFactory, user_with_role

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
