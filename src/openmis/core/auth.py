"""Authentication policy: who must use two-factor, and allauth's adapter."""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from openmis.core.models import Installation

TWO_FACTOR_ROLES = {"mis_director"}


class AccountAdapter(DefaultAccountAdapter):
    """No self sign-up: accounts are created by the MIS office."""

    def is_open_for_signup(self, request):
        return False


def two_factor_required(user) -> bool:
    """MIS director accounts must use TOTP, except in demo mode."""
    if not user.is_authenticated or Installation.current().demo_mode:
        return False
    if user.is_superuser:
        return True
    return user.groups.filter(role__slug__in=TWO_FACTOR_ROLES).exists()


def has_totp(user) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def account_login_key(login) -> str:
    """The one key of an account, however its login was typed: the case-folded username.

    Login accepts the username in any capitalisation and the e-mail address, so failures
    must be counted per account, not per spelling: an e-mail address (of the account or one
    of its allauth addresses) maps to its account's username. A login matching no account is
    counted under its case-folded form.
    """
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model

    text = str(login or "").strip()
    if not text:
        return ""
    if "@" in text:
        user_model = get_user_model()
        username = (
            user_model.objects.filter(email__iexact=text)
            .order_by("pk")
            .values_list(user_model.USERNAME_FIELD, flat=True)
            .first()
        )
        if username is None:
            username = (
                EmailAddress.objects.filter(email__iexact=text)
                .order_by("pk")
                .values_list(f"user__{user_model.USERNAME_FIELD}", flat=True)
                .first()
            )
        if username is not None:
            text = username
    return text.casefold()


def axes_username(request, credentials):
    """The account axes counts failures against, whichever login form or spelling sent it."""
    credentials = credentials or {}
    login = None
    for key in ("username", "login", "email"):
        if credentials.get(key):
            login = credentials[key]
            break
    if login is None:
        data = getattr(request, "POST", {}) or {}
        login = data.get("login") or data.get("username")
    return account_login_key(login) or None


def lockout_response(request, response=None, credentials=None, *args, **kwargs):
    """What a locked-out client sees: JSON for the API, a page for people (HTTP 429)."""
    message = _("Too many failed login attempts. Try again later or ask the MIS office.")
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=429)
    return render(request, "core/locked_out.html", {"message": message}, status=429)
