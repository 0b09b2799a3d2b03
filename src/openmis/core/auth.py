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


def axes_username(request, credentials):
    """The username axes counts failures against, whichever login form sent it."""
    credentials = credentials or {}
    for key in ("username", "login", "email"):
        if credentials.get(key):
            return credentials[key]
    data = getattr(request, "POST", {}) or {}
    return data.get("login") or data.get("username")


def lockout_response(request, response=None, credentials=None, *args, **kwargs):
    """What a locked-out client sees: JSON for the API, a page for people (HTTP 429)."""
    message = _("Too many failed login attempts. Try again later or ask the MIS office.")
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=429)
    return render(request, "core/locked_out.html", {"message": message}, status=429)
