"""Request-wide policies."""

from __future__ import annotations

import functools

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject, CSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.contrib import auth
from django.contrib.auth.middleware import AuthenticationMiddleware
from django.core.cache import cache
from django.core.signals import setting_changed
from django.dispatch import receiver
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


# What a view or decorator may set on a response to change its policy (django-csp).
_PER_RESPONSE_CSP = (
    "_csp_config",
    "_csp_update",
    "_csp_replace",
    "_csp_exempt",
    "_csp_config_ro",
    "_csp_update_ro",
    "_csp_replace_ro",
    "_csp_exempt_ro",
)


@functools.cache
def _site_policy() -> tuple[tuple[str, str, tuple[str, ...]], ...]:
    """The site's policy headers as django-csp builds them from the settings alone (no nonce,
    nothing per view): ``(header, value, excluded path prefixes)`` for each one set."""
    headers = []
    for header, setting, report_only in (
        (HEADER, "CONTENT_SECURITY_POLICY", False),
        (HEADER_REPORT_ONLY, "CONTENT_SECURITY_POLICY_REPORT_ONLY", True),
    ):
        value = build_policy(report_only=report_only)
        if value:
            policy = getattr(settings, setting, None) or {}
            excluded = tuple(policy.get("EXCLUDE_URL_PREFIXES", None) or ())
            headers.append((header, value, excluded))
    return tuple(headers)


@receiver(setting_changed)
def _forget_site_policy(setting, **kwargs):
    if setting.startswith("CONTENT_SECURITY_POLICY"):
        _site_policy.cache_clear()


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with the headers of a response that changes nothing of the
    policy (no nonce used, no per-view policy or exemption) built once per process from the
    settings instead of on every response (about 0.1 ms of every request, /health/ and the
    API included). Anything else goes through django-csp unchanged."""

    def process_response(self, request, response):
        if (
            getattr(request, "_csp_nonce", None) is not None
            or (settings.DEBUG and response.status_code in (404, 500))
            or any(hasattr(response, name) for name in _PER_RESPONSE_CSP)
        ):
            return super().process_response(request, response)
        for header, value, excluded in _site_policy():
            if header not in response and not request.path_info.startswith(excluded):
                response[header] = value
        # as django-csp: a nonce asked for after the header is written is an error
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response
