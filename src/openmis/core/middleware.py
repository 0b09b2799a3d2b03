"""Request-wide policies."""

from __future__ import annotations

from django.contrib import auth
from django.contrib.auth.middleware import AuthenticationMiddleware
from django.core.cache import cache
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from openmis.core import caching
from openmis.core.auth import has_totp, two_factor_required

USER_CACHE_SECONDS = 600

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


def session_user(request):
    """The request's user, as ``django.contrib.auth.get_user`` finds it, kept in the cache.

    The key holds the session's user id, backend and password hash, and the generation of
    ``auth``: any change to a user, their groups or permissions (a password, a deactivation)
    moves it, so the next request of every session checks the user again. A session whose
    hash no longer matches has a key of its own, which only a successful check fills. Saves
    the user query on every page.
    """
    if hasattr(request, "_cached_user"):
        return request._cached_user
    session = request.session
    user_id = session.get(auth.SESSION_KEY)
    key = None
    if user_id is not None:
        key = caching.versioned_key(
            (
                "session-user",
                user_id,
                session.get(auth.BACKEND_SESSION_KEY),
                session.get(auth.HASH_SESSION_KEY),
            ),
            depends_on=("auth",),
        )
        user = cache.get(key)
        if user is not None:
            request._cached_user = user
            return user
    user = auth.get_user(request)
    if key is not None and user.is_authenticated:
        cache.set(key, user, USER_CACHE_SECONDS)
    request._cached_user = user
    return user


class CachedAuthenticationMiddleware(AuthenticationMiddleware):
    """Django's authentication middleware, with the user from :func:`session_user`."""

    def process_request(self, request):
        super().process_request(request)  # also sets request.auser, unchanged
        request.user = SimpleLazyObject(lambda: session_user(request))
