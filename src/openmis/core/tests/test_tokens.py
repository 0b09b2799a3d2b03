"""API tokens: expiry, revocation on password change and deactivation, the user's own list
(API and page). Every test reads given / when / then."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.contrib.auth.hashers import make_password
from django.core import mail
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from openmis.conftest import logged_in
from openmis.core import tokens
from openmis.core.models import ApiToken
from openmis.org import services as org_services
from openmis.org.roles import EMPLOYEE, STAFF

pytestmark = pytest.mark.django_db

PASSWORD = "pw-for-tests-1"
NEW_PASSWORD = "An0ther-long-passphrase"
PEOPLE = "/api/org/people/"
TOKENS = "/api/auth/tokens/"
PAGE = "/accounts/api-tokens/"


def client_with(secret: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    return client


def works(secret: str) -> bool:
    """Whether the token authenticates: 200 on a read, 401 when refused."""
    status = client_with(secret).get(PEOPLE).status_code
    assert status in (200, 401)
    return status == 200


def login_token(username: str, **extra) -> str:
    response = APIClient().post(
        "/api/auth/token/", {"username": username, "password": PASSWORD, **extra}, format="json"
    )
    assert response.status_code == 200
    return response.json()["token"]


# --- issuing and expiry ------------------------------------------------------------------------


def test_each_login_gets_its_own_token_stored_only_as_a_hash(make_user):
    # given a staff member who asks for a token twice (two scripts)
    user = make_user(STAFF, username="staffer")
    first, second = login_token("staffer"), login_token("staffer", name="nightly report")
    # then both work, and neither secret is stored
    assert first != second
    assert works(first) and works(second)
    stored = list(ApiToken.objects.filter(user=user).values_list("digest", "token_key", "name"))
    assert len(stored) == 2
    assert all(first not in row[0] and second not in row[0] for row in stored)
    assert "nightly report" in {row[2] for row in stored}


def test_a_token_expires_after_the_configured_days(make_user, settings):
    # given tokens that live 30 days
    settings.OPENMIS_API_TOKEN_DAYS = 30
    user = make_user(STAFF, username="staffer")
    secret = login_token("staffer")
    token = ApiToken.objects.get(user=user)
    assert abs(token.expiry - (timezone.now() + timedelta(days=30))) < timedelta(minutes=1)
    assert works(secret)
    # when the 30 days are over
    ApiToken.objects.filter(pk=token.pk).update(expiry=timezone.now() - timedelta(seconds=1))
    # then the token is refused with 401 and is gone
    response = client_with(secret).get(PEOPLE)
    assert response.status_code == 401
    assert response.json() == {"detail": "Invalid token."}
    assert not ApiToken.objects.filter(pk=token.pk).exists()


def test_only_the_whole_secret_of_a_live_token_of_an_active_user_works(make_user):
    # given a user's token, which works
    user = make_user(STAFF, username="checked")
    secret = login_token("checked")
    assert works(secret)
    # then the same key with another secret, a longer one, garbage, or bytes that are not
    # UTF-8 (a 401, not a 500), is refused
    wrong_ones = (
        secret[:-1] + ("0" if secret[-1] != "0" else "1"),
        secret + "0",
        "zz-!",
        "caf\xe9",
    )
    for wrong in wrong_ones:
        response = client_with(wrong).get(PEOPLE)
        assert response.status_code == 401
        assert response.json() == {"detail": "Invalid token."}
    # and when the account is deactivated without a save (no signal), the next request fails
    user.__class__.objects.filter(pk=user.pk).update(is_active=False)
    assert client_with(secret).get(PEOPLE).json() == {"detail": "User inactive or deleted."}
    # and a revoked token fails on the very next request
    user.__class__.objects.filter(pk=user.pk).update(is_active=True)
    assert works(secret)
    ApiToken.objects.filter(user=user).delete()
    assert not works(secret)


@pytest.mark.parametrize("days", [30, 0])
def test_a_request_reads_the_token_and_its_user_as_the_orm_does(make_user, settings, days):
    # given a token (expiring, or not: 0 days) that has been used once, of a user who logged in
    settings.OPENMIS_API_TOKEN_DAYS = days
    user = make_user(STAFF, username="reader", first_name="Zoë", last_name="Łucka")
    secret = login_token("reader")
    assert works(secret)
    # when a request reads it by its digest (SQL written once, not the ORM)
    digest = ApiToken.objects.get(user=user).digest
    read = tokens.token_with_user(digest)
    # then every value of the token and of its user is what the ORM reads, converted alike
    # (aware date-times, booleans), and the user comes with it
    orm = ApiToken.objects.select_related("user").get(digest=digest)
    for instance, expected in ((read, orm), (read.user, orm.user)):
        for field in type(expected)._meta.concrete_fields:
            assert getattr(instance, field.attname) == getattr(expected, field.attname), field
    assert read.user.last_login is not None and read.user.last_login.tzinfo is not None
    assert (read.expiry is None) == (days == 0)
    assert ApiToken.user.is_cached(read)
    # and an unknown digest reads nothing
    assert tokens.token_with_user("0" * len(digest)) is None


def test_default_lifetime_is_90_days_and_0_means_never(make_user, settings):
    user = make_user(STAFF)
    token, _secret = tokens.issue(user)
    assert abs(token.expiry - (timezone.now() + timedelta(days=90))) < timedelta(minutes=1)
    settings.OPENMIS_API_TOKEN_DAYS = 0
    token, secret = tokens.issue(user)
    assert token.expiry is None
    assert works(secret)


def test_beyond_the_limit_the_least_recently_used_tokens_go(make_user, monkeypatch):
    # given a user allowed 3 live tokens, holding 3, of which the first was used lately
    monkeypatch.setattr(tokens, "MAX_TOKENS_PER_USER", 3)
    user = make_user(STAFF)
    issued = [tokens.issue(user, f"t{n}")[1] for n in range(3)]
    ApiToken.objects.filter(name="t0").update(last_used=timezone.now() + timedelta(seconds=5))
    # when a fourth is issued
    _new, secret = tokens.issue(user, "t3")
    # then the least recently used one (t1) goes; the new one and the used one stay
    names = sorted(ApiToken.objects.filter(user=user).values_list("name", flat=True))
    assert names == ["t0", "t2", "t3"]
    assert works(secret) and works(issued[0])
    assert not works(issued[1])


# --- revocation when the account changes -------------------------------------------------------


def test_changing_the_password_revokes_every_token(make_user):
    # given a user with two tokens
    user = make_user(EMPLOYEE, username="emp")
    secrets = [login_token("emp"), login_token("emp")]
    client = logged_in(user)
    # when they change their password on the password page
    response = client.post(
        "/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    # then no token works any more
    assert not ApiToken.objects.filter(user=user).exists()
    assert [works(s) for s in secrets] == [False, False]


def test_resetting_the_password_by_email_revokes_every_token(make_user):
    # given a user with a token who forgot their password
    user = make_user(EMPLOYEE, username="emp")
    secret = login_token("emp")
    client = Client()
    client.post("/accounts/password/reset/", {"email": user.email})
    link = re.search(r"http://testserver(/accounts/password/reset/key/\S+/)", mail.outbox[0].body)
    # when they set a new password through the e-mailed link
    response = client.get(link.group(1))
    assert response.status_code == 302
    response = client.post(
        response["Location"], {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert response.status_code == 302
    # then the token no longer works
    assert not works(secret)
    assert not ApiToken.objects.filter(user=user).exists()


def test_setting_a_password_anywhere_else_revokes_every_token(make_user):
    # given a user with a token; when a password is set for them (admin, command line)
    user = make_user(EMPLOYEE, username="emp")
    secret = login_token("emp")
    user.set_password(NEW_PASSWORD)
    user.save()
    # then the token no longer works
    assert not works(secret)


def test_deactivating_the_account_revokes_its_tokens(make_user):
    # given a user with a token, and another user with one
    user = make_user(EMPLOYEE, username="emp")
    other = make_user(EMPLOYEE, username="other")
    secret, others = login_token("emp"), login_token("other")
    # when the MIS office removes the login (the account is deactivated)
    org_services.set_login(user.person, "", [])
    user.refresh_from_db()
    assert not user.is_active
    # then the token is gone and stays gone when the account is activated again
    assert not ApiToken.objects.filter(user=user).exists()
    user.is_active = True
    user.save()
    assert not works(secret)
    # and the other user's token is untouched
    assert works(others)
    assert other.is_active


def test_saving_an_account_otherwise_or_logging_in_keeps_the_tokens(make_user, settings):
    # given a user with a token, whose password is stored with an older hasher
    user = make_user(EMPLOYEE, username="emp")
    secret = login_token("emp")
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]
    old_hash = make_password(PASSWORD, hasher="pbkdf2_sha256")
    type(user).objects.filter(pk=user.pk).update(password=old_hash)
    # when their name changes, and they log in through the form (Django re-hashes the same
    # password with the preferred hasher)
    user.refresh_from_db()
    user.first_name = "Renamed"
    user.save()
    response = Client().post("/accounts/login/", {"login": "emp", "password": PASSWORD})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.password.startswith("md5$")
    # then the token still works
    assert works(secret)


# --- the user's own tokens through the API -----------------------------------------------------


def test_api_lists_only_the_callers_own_tokens(make_user):
    # given two users with tokens
    make_user(STAFF, username="alice")
    make_user(STAFF, username="bob")
    alice = login_token("alice", name="laptop")
    login_token("bob", name="bob's script")
    # when alice lists her tokens
    response = client_with(alice).get(TOKENS)
    # then she sees hers alone, without any secret
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    (row,) = body["results"]
    assert set(row) == {"id", "name", "created", "last_used", "expires", "current"}
    assert row["name"] == "laptop"
    assert row["current"] is True
    assert row["last_used"] is not None
    assert alice not in response.content.decode()


def test_api_revokes_an_own_token_but_not_another_users(make_user):
    # given alice with two tokens and bob with one
    alice_user = make_user(STAFF, username="alice")
    bob_user = make_user(STAFF, username="bob")
    alice, spare = login_token("alice"), login_token("alice", name="spare")
    bob = login_token("bob")
    spare_id = ApiToken.objects.get(user=alice_user, name="spare").pk
    bob_id = ApiToken.objects.get(user=bob_user).pk
    client = client_with(alice)
    # when alice revokes bob's token
    response = client.delete(f"{TOKENS}{bob_id}/")
    # then it is not found and bob's token works on
    assert response.status_code == 404
    assert works(bob)
    # when alice revokes her spare token
    response = client.delete(f"{TOKENS}{spare_id}/")
    # then it is gone and her current one works on
    assert response.status_code == 204
    assert not works(spare)
    assert works(alice)


def test_token_list_needs_a_login():
    assert APIClient().get(TOKENS).status_code == 401
    assert APIClient().delete(f"{TOKENS}1/").status_code == 401


# --- the token page ----------------------------------------------------------------------------


def test_token_page_is_in_the_user_menu(make_user):
    client = logged_in(make_user(EMPLOYEE))
    html = client.get("/").content.decode()
    assert f'href="{PAGE}" id="api-tokens-link"' in html


def test_token_page_creates_a_token_and_shows_it_once(make_user):
    # given an employee on the token page, holding no token
    user = make_user(EMPLOYEE, username="emp")
    client = logged_in(user)
    page = client.get(PAGE)
    assert page.status_code == 200
    assert "You have no API tokens." in page.content.decode()
    # when they create one named "Excel report"
    response = client.post(PAGE, {"name": "Excel report"})
    assert (response.status_code, response["Location"]) == (302, PAGE)
    page = client.get(PAGE).content.decode()
    # then its secret is shown, it works, and it is listed with its dates
    secret = re.search(r'id="new-token-value">([0-9a-f]{64})<', page).group(1)
    assert works(secret)
    assert "Excel report" in page
    assert "Copy it now" in page
    row = re.search(r'<table[^>]*id="api-tokens".*?</table>', page, re.S).group(0)
    assert "Excel report" in row and "Revoke" in row and secret not in row
    # and it is never shown again
    assert secret not in client.get(PAGE).content.decode()


def test_token_page_refuses_a_token_without_a_name(make_user):
    user = make_user(EMPLOYEE)
    response = logged_in(user).post(PAGE, {"name": ""})
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert not ApiToken.objects.filter(user=user).exists()


def test_token_page_revokes_own_tokens_only(make_user):
    # given an employee and another user, each with a token
    user = make_user(EMPLOYEE, username="emp")
    other = make_user(EMPLOYEE, username="other")
    mine, theirs = login_token("emp"), login_token("other")
    client = logged_in(user)
    # when the employee posts a revoke of the other user's token
    response = client.post(f"{PAGE}{ApiToken.objects.get(user=other).pk}/revoke/")
    # then it is not found and still works
    assert response.status_code == 404
    assert works(theirs)
    # when they press Revoke on their own
    response = client.post(f"{PAGE}{ApiToken.objects.get(user=user).pk}/revoke/", follow=True)
    # then it is gone, and the page says so
    assert response.status_code == 200
    assert "The token was revoked." in response.content.decode()
    assert not works(mine)
    assert "You have no API tokens." in response.content.decode()


def test_token_page_needs_a_login():
    response = Client().get(PAGE)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
