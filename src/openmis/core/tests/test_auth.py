"""Login policy: two-factor for MIS directors, lock-out, password reset, language."""

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client

from openmis.core.models import Installation
from openmis.org.roles import DIRECTOR, EMPLOYEE
from openmis.org.tests.factories import user_with_role

pytestmark = pytest.mark.django_db


def set_demo_mode(on: bool):
    installation = Installation.current()
    installation.demo_mode = on
    installation.save()


def test_director_without_totp_is_sent_to_two_factor_setup(department):
    user = user_with_role(DIRECTOR, department, totp=False)
    client = Client()
    client.force_login(user)
    response = client.get("/org/people/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/totp/activate/"


def test_demo_mode_does_not_require_two_factor(department):
    set_demo_mode(True)
    user = user_with_role(DIRECTOR, department, totp=False)
    client = Client()
    client.force_login(user)
    assert client.get("/org/people/").status_code == 200


def test_other_roles_do_not_need_two_factor(department):
    user = user_with_role(EMPLOYEE, department)
    client = Client()
    client.force_login(user)
    assert client.get("/org/people/").status_code == 200


def test_login_with_password_and_logout(department):
    user_with_role(EMPLOYEE, department, username="jan")
    client = Client()
    response = client.post("/accounts/login/", {"login": "jan", "password": "pw-for-tests-1"})
    assert (response.status_code, response["Location"]) == (302, "/")
    assert client.get("/").status_code == 200
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert client.get("/").status_code == 302


def test_repeated_failed_logins_lock_the_account_out(department, settings):
    user_with_role(EMPLOYEE, department, username="jan")
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = client.post("/accounts/login/", {"login": "jan", "password": "wrong"})
    assert response.status_code == 429
    # even the right password is refused while locked out
    response = client.post("/accounts/login/", {"login": "jan", "password": "pw-for-tests-1"})
    assert response.status_code == 429
    assert b"Too many failed login attempts" in response.content
    assert client.get("/").status_code == 302


def test_password_reset_sends_an_email(department):
    user = user_with_role(EMPLOYEE, department, username="jan")
    client = Client()
    response = client.post("/accounts/password/reset/", {"email": user.email})
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [[user.email]]
    assert "/accounts/password/reset/key/" in mail.outbox[0].body


def test_accept_language_polish_is_respected():
    response = Client().get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="pl")
    assert response.status_code == 200
    assert b'<html lang="pl">' in response.content


def test_signup_is_closed():
    response = Client().post(
        "/accounts/signup/",
        {
            "username": "x",
            "email": "x@example.com",
            "password1": "S3cret-pass!",
            "password2": "S3cret-pass!",
        },
    )
    assert b"Sign Up Closed" in response.content
    assert not get_user_model().objects.filter(username="x").exists()
