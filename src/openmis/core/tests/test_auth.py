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


# --- lock-out counts failures per account, however the login is typed --------------------------

TOKEN_URL = "/api/auth/token/"
RIGHT = "pw-for-tests-1"


def api_login(login: str, password: str):
    from rest_framework.test import APIClient

    return APIClient().post(TOKEN_URL, {"username": login, "password": password}, format="json")


def form_login(login: str, password: str):
    return Client().post("/accounts/login/", {"login": login, "password": password})


def lock_by_api(login: str, limit: int):
    return [api_login(login, f"guess-{n}").status_code for n in range(limit)]


@pytest.mark.parametrize("login", ["VICTIM", "Victim", "victim@example.org", "VICTIM@Example.org"])
def test_api_lock_out_holds_for_other_capitalisations_and_the_email(department, settings, login):
    from openmis.core.models import ApiToken as Token

    # given `victim`, locked out by wrong passwords sent to the API as `victim`
    user = user_with_role(EMPLOYEE, department, username="victim", email="victim@example.org")
    assert lock_by_api("victim", settings.AXES_FAILURE_LIMIT)[-1] == 429
    # when the right password is sent under another spelling of the same account
    response = api_login(login, RIGHT)
    # then it is refused as locked out, and no token exists
    assert response.status_code == 429
    assert response.json() == {
        "detail": "Too many failed login attempts. Try again later or ask the MIS office."
    }
    assert not Token.objects.filter(user=user).exists()


@pytest.mark.parametrize("login", ["VICTIM", "victim@example.org", "Victim@EXAMPLE.org"])
def test_form_lock_out_holds_for_other_capitalisations_and_the_email(department, settings, login):
    # given `victim`, locked out by wrong passwords in the login form as `victim`
    user_with_role(EMPLOYEE, department, username="victim", email="victim@example.org")
    for n in range(settings.AXES_FAILURE_LIMIT):
        response = form_login("victim", f"guess-{n}")
    assert response.status_code == 429
    # when the right password is typed under another spelling of the same account
    client = Client()
    response = client.post("/accounts/login/", {"login": login, "password": RIGHT})
    # then the form refuses it as locked out, and no session is opened
    assert response.status_code == 429
    assert b"Too many failed login attempts" in response.content
    assert client.get("/").status_code == 302


def test_failures_spread_over_spellings_lock_the_account(department, settings):
    # given an account, and wrong guesses each under a different spelling of it
    user_with_role(EMPLOYEE, department, username="victim", email="victim@example.org")
    spellings = ["victim", "VICTIM", "Victim", "vIcTiM", "victim@example.org", "VICTIM@EXAMPLE.ORG"]
    limit = settings.AXES_FAILURE_LIMIT
    statuses = [
        api_login(spellings[n % len(spellings)], f"guess-{n}").status_code for n in range(limit)
    ]
    # then the limit-th guess locks the account, whatever spelling comes next
    assert statuses == [400] * (limit - 1) + [429]
    assert api_login("victim", RIGHT).status_code == 429
    assert form_login("vicTIM", RIGHT).status_code == 429


def test_form_failures_lock_the_api_and_the_other_way_round(department, settings):
    # given wrong passwords typed in the form under the e-mail address
    user_with_role(EMPLOYEE, department, username="victim", email="victim@example.org")
    for n in range(settings.AXES_FAILURE_LIMIT):
        form_login("Victim@example.org", f"guess-{n}")
    # then the API refuses the right password for the username
    assert api_login("victim", RIGHT).status_code == 429


def test_a_success_under_another_spelling_resets_the_count(department, settings):
    # given limit-1 failures as `victim`, then a success as `VICTIM`
    user_with_role(EMPLOYEE, department, username="victim", email="victim@example.org")
    limit = settings.AXES_FAILURE_LIMIT
    assert lock_by_api("victim", limit - 1) == [400] * (limit - 1)
    assert api_login("VICTIM", RIGHT).status_code == 200
    # when one more failure follows
    # then the account is not locked: the count started again
    assert api_login("victim", "guess-x").status_code == 400
    assert api_login("victim", RIGHT).status_code == 200


def test_unknown_logins_are_still_counted(department, settings):
    # a login that matches no account is counted under its case-folded form
    limit = settings.AXES_FAILURE_LIMIT
    statuses = [api_login(["nobody", "NOBODY"][n % 2], "x").status_code for n in range(limit)]
    assert statuses[-1] == 429


def test_wrong_two_factor_codes_lock_the_api_out(department, settings):
    from allauth.mfa.totp.internal.auth import (
        TOTP,
        format_hotp_value,
        generate_totp_secret,
        hotp_value,
        yield_hotp_counters_from_time,
    )
    from rest_framework.test import APIClient

    # given an account with two-factor whose password is known to an attacker
    user = user_with_role(EMPLOYEE, department, username="victim", email="victim@example.org")
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    valid = {format_hotp_value(hotp_value(secret, c)) for c in yield_hotp_counters_from_time()}
    wrong = [c for c in (f"{n:06d}" for n in range(100)) if c not in valid]
    client = APIClient()

    def post(code):
        body = {"username": "Victim", "password": RIGHT, "otp": code}
        return client.post(TOKEN_URL, body, format="json")

    # when codes are guessed up to the limit
    statuses = [post(wrong[n]).status_code for n in range(settings.AXES_FAILURE_LIMIT)]
    # then the account is locked out, even for the right code
    limit = settings.AXES_FAILURE_LIMIT
    assert statuses == [400] * (limit - 1) + [429]
    counters = list(yield_hotp_counters_from_time())
    right = format_hotp_value(hotp_value(secret, counters[len(counters) // 2]))
    assert post(right).status_code == 429
