"""The user of a session is kept in the cache between requests, and never past a change."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from openmis.conftest import logged_in
from openmis.org.roles import EMPLOYEE
from openmis.org.tests.factories import user_with_role

pytestmark = pytest.mark.django_db
PAGE = "/portfolio/systems/"


def test_a_warm_page_does_not_read_the_user_again(department):
    client = logged_in(user_with_role(EMPLOYEE, department))
    assert client.get(PAGE).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        assert client.get(PAGE).status_code == 200
    assert not [q for q in queries.captured_queries if '"auth_user"' in q["sql"]]


def test_a_deactivated_user_is_out_at_the_next_request(department):
    user = user_with_role(EMPLOYEE, department)
    client = logged_in(user)
    assert client.get(PAGE).status_code == 200
    assert client.get(PAGE).status_code == 200  # served with the kept user
    user.is_active = False
    user.save()
    response = client.get(PAGE)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_a_new_password_ends_the_other_sessions(department):
    user = user_with_role(EMPLOYEE, department)
    laptop, phone = logged_in(user), logged_in(user)
    assert laptop.get(PAGE).status_code == 200
    assert phone.get(PAGE).status_code == 200
    user.set_password("a-new-long-passphrase-42")
    user.save()
    assert laptop.get(PAGE).status_code == 302
    assert phone.get(PAGE).status_code == 302


def test_two_users_never_get_each_others_user(department):
    alice = logged_in(user_with_role(EMPLOYEE, department, username="alice"))
    bob = logged_in(user_with_role(EMPLOYEE, department, username="bob"))
    for _ in range(2):
        assert ">alice<" in alice.get(PAGE).content.decode()
        assert ">bob<" in bob.get(PAGE).content.decode()


def test_signing_in_keeps_everyone_elses_cached_pages(department):
    """A login writes the user's last_login, which no page shows: it must not start a new
    generation (that would make every page of every user render anew at each login), while
    a change a page does show still does."""
    from openmis.core import caching

    user = user_with_role(EMPLOYEE, department)
    user.set_password("a-long-passphrase-for-login-42")
    user.save()
    caching._generations.set(None)
    before = caching.generations()
    response = Client().post(
        "/accounts/login/",
        {"login": user.username, "password": "a-long-passphrase-for-login-42"},
    )
    assert response.status_code == 302  # signed in
    logged_in(user)
    caching._generations.set(None)
    assert caching.generations() == before
    user.refresh_from_db()
    assert user.last_login is not None  # the login was recorded
    user.first_name = "Renamed"
    user.save(update_fields=["first_name"])
    caching._generations.set(None)
    assert caching.generations() == {**before, "auth": before.get("auth", 0) + 1}


def test_an_api_login_keeps_everyone_elses_cached_pages(department):
    """A token login stores a new token (and the last login), which no page shows: a script
    that logs in on every run must not make every page of every user render anew."""
    from openmis.core import caching

    user = user_with_role(EMPLOYEE, department)
    user.set_password("a-long-passphrase-for-login-42")
    user.save()
    caching._generations.set(None)
    before = caching.generations()
    response = Client().post(
        "/api/auth/token/",
        {"username": user.username, "password": "a-long-passphrase-for-login-42"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert set(response.json()) == {"token"}
    caching._generations.set(None)
    assert caching.generations() == before


def test_sessions_are_read_as_django_reads_them(department):
    """The session store reads without the ORM: a live session signs the user in, an
    expired or deleted one does not, and its key is not reused."""
    from datetime import timedelta

    from django.conf import settings
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    assert settings.SESSION_ENGINE == "openmis.core.sessions"
    user = user_with_role(EMPLOYEE, department)
    client = logged_in(user)
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert client.get(PAGE).status_code == 200
    Session.objects.filter(session_key=key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    assert client.get(PAGE).status_code == 302  # expired: signed out
    other = logged_in(user)
    assert other.get(PAGE).status_code == 200
    other.post("/accounts/logout/")
    assert other.get(PAGE).status_code == 302

    # What the store does with the expired key, as Django's database backend does: nothing
    # is loaded, and data saved afterwards goes under a new key (the old row stays expired).
    from openmis.core.sessions import SessionStore

    store = SessionStore(key)
    assert store.load() == {}
    store["visited"] = True
    store.save()
    assert store.session_key not in (None, key)
    assert Session.objects.get(session_key=key).expire_date < timezone.now()
    assert SessionStore(store.session_key).load() == {"visited": True}
