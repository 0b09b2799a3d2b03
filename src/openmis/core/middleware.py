"""Request-wide policies."""

from __future__ import annotations

from django.shortcuts import redirect
from django.urls import reverse

from openmis.core.auth import has_totp, two_factor_required

ALWAYS_ALLOWED = ("/accounts/", "/static/", "/i18n/", "/api/", "/health/")
SESSION_KEY = "openmis_2fa_ok"


class RequireTwoFactorMiddleware:
    """Send a user who must use two-factor and has not set it up to the setup page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and not request.path.startswith(ALWAYS_ALLOWED)
            and user.is_authenticated
            and not request.session.get(SESSION_KEY)
        ):
            if two_factor_required(user) and not has_totp(user):
                return redirect(reverse("mfa_activate_totp"))
            # Settled for this session: a login always starts a new one.
            request.session[SESSION_KEY] = True
        return self.get_response(request)
