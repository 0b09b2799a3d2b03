"""API tokens: issuing, listing, revoking, expiry, and revocation when an account changes.

One mechanism for the token endpoint, the user's token page and its API: tokens are
django-rest-knox tokens (hashed at rest, several per user, each with an expiry) kept in
:class:`openmis.core.models.ApiToken`. The scheme of the OpenAPI schema is
:class:`openmis.core.api.schema.ApiTokenScheme`, imported with the API (its drf-spectacular
base imports DRF's serializers, which starting Django need not load).
"""

from __future__ import annotations

import binascii
import functools
from datetime import timedelta
from hmac import compare_digest

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connections, router
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.db.models.signals import post_save, pre_save
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from knox.auth import TokenAuthentication
from knox.crypto import hash_token
from knox.settings import CONSTANTS, knox_settings
from knox.signals import token_expired
from rest_framework import exceptions

from openmis.core.models import ApiToken

# A script that logs in on every run would otherwise pile up tokens: beyond this many live
# tokens, the least recently used go.
MAX_TOKENS_PER_USER = 100
# ``last_used`` is written at most this often per token, not on every request.
LAST_USED_PRECISION = timedelta(minutes=1)


def token_lifetime() -> timedelta | None:
    """How long a new token lives (``OPENMIS_API_TOKEN_DAYS``; 0: until revoked)."""
    days = settings.OPENMIS_API_TOKEN_DAYS
    return timedelta(days=days) if days else None


def live_tokens(user):
    """The user's tokens that still work, newest first."""
    now = timezone.now()
    return ApiToken.objects.filter(user=user).filter(Q(expiry__isnull=True) | Q(expiry__gt=now))


def issue(user, name: str = "") -> tuple[ApiToken, str]:
    """A new token for ``user``: the stored row and the secret, which is never shown again."""
    ApiToken.objects.filter(user=user, expiry__lte=timezone.now()).delete()
    instance, secret = ApiToken.objects.create(
        user=user, expiry=token_lifetime(), name=(name or "").strip()[:100]
    )
    # the least recently used (or created, when never used) go first; the new one stays
    recent_first = live_tokens(user).order_by(Coalesce("last_used", "created").desc(), "-pk")
    surplus = recent_first[MAX_TOKENS_PER_USER:]
    ApiToken.objects.filter(pk__in=list(surplus.values_list("pk", flat=True))).delete()
    return instance, secret


def revoke(user, token_id) -> bool:
    """Revoke one of ``user``'s own tokens; False when they hold no token of that number."""
    deleted, _detail = ApiToken.objects.filter(user=user, pk=token_id).delete()
    return bool(deleted)


def revoke_all(user) -> int:
    """Revoke every token of ``user``; the number revoked."""
    deleted, _detail = ApiToken.objects.filter(user=user).delete()
    return deleted


class ApiTokenAuthentication(TokenAuthentication):
    """``Authorization: Token <token>``: knox's check (hash, expiry, active account), and
    the time of last use kept for the user's token list."""

    def authenticate_credentials(self, token):
        # knox reads every token whose first characters match (through the model's default
        # ordering) and hashes the secret for each; the digest is unique here
        # (ApiToken.digest), so hashing once and reading the one row by it, with its user, is
        # the same check in one indexed query without ORDER BY. Nothing is remembered between
        # requests: expiry, revocation and deactivation count at once.
        msg = _("Invalid token.")
        try:
            token = token.decode("utf-8")
            digest = hash_token(token)
        except (UnicodeDecodeError, TypeError, binascii.Error):
            raise exceptions.AuthenticationFailed(msg) from None
        auth_token = token_with_user(digest)
        if auth_token is None:
            raise exceptions.AuthenticationFailed(msg)
        if not compare_digest(token[: CONSTANTS.TOKEN_KEY_LENGTH], auth_token.token_key):
            raise exceptions.AuthenticationFailed(msg)
        if self._cleanup_token(auth_token):
            raise exceptions.AuthenticationFailed(msg)
        if knox_settings.AUTO_REFRESH and auth_token.expiry:
            self.renew_token(auth_token)
        return self.validate_user(auth_token)

    def _cleanup_token(self, auth_token) -> bool:
        # The presented token only: knox also reads every other token of the user on every
        # request, to delete the expired ones, which issue() does and which never work.
        if auth_token.expiry is not None and auth_token.expiry < timezone.now():
            username = auth_token.user.get_username()
            auth_token.delete()
            token_expired.send(sender=type(self), username=username, source="auth_token")
            return True
        return False

    def validate_user(self, auth_token):
        user, token = super().validate_user(auth_token)
        now = timezone.now()
        if token.last_used is None or now - token.last_used >= LAST_USED_PRECISION:
            ApiToken.objects.filter(pk=token.pk).update(last_used=now)
            token.last_used = now
        return user, token


def token_with_user(digest: str) -> ApiToken | None:
    """The token of ``digest`` with its user, as ``ApiToken.objects.select_related("user")
    .get(digest=digest)`` reads them (the same row, values converted by the same converters),
    from SQL written once per process: building that query through the ORM cost more than
    running it, on every API request."""
    using = router.db_for_read(ApiToken)
    connection = connections[using]
    sql, token_fields, user_fields, converters = _token_lookup(using, connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(sql, [digest])
        row = cursor.fetchone()
    if row is None:
        return None
    values = list(row)
    for i, fns in converters:
        for fn, expression in fns:
            values[i] = fn(values[i], expression, connection)
    split = len(token_fields)
    token = ApiToken.from_db(using, token_fields, values[:split])
    user = get_user_model().from_db(using, user_fields, values[split:])
    ApiToken.user.field.set_cached_value(token, user)
    return token


@functools.cache
def _token_lookup(using: str, vendor: str):
    """The SQL of :func:`token_with_user` for the database ``using``, the attribute names of
    the token's and the user's columns in the order it selects them, and the database
    converters per column (what the ORM applies to each value it reads)."""
    connection = connections[using]
    qn = connection.ops.quote_name
    user_model = get_user_model()
    token_meta, user_meta = ApiToken._meta, user_model._meta
    link = token_meta.get_field("user")
    columns, converters = [], []
    for model in (ApiToken, user_model):
        table = model._meta.db_table
        for field in model._meta.concrete_fields:
            columns.append(f"{qn(table)}.{qn(field.column)}")
            col = field.get_col(table)
            fns = connection.ops.get_db_converters(col) + field.get_db_converters(connection)
            if fns:
                converters.append((len(columns) - 1, [(fn, col) for fn in fns]))
    sql = (
        f"SELECT {', '.join(columns)} FROM {qn(token_meta.db_table)} "  # noqa: S608 -- ours
        f"INNER JOIN {qn(user_meta.db_table)} ON "
        f"{qn(user_meta.db_table)}.{qn(link.target_field.column)} = "
        f"{qn(token_meta.db_table)}.{qn(link.column)} "
        f"WHERE {qn(token_meta.db_table)}.{qn(token_meta.get_field('digest').column)} = %s"
    )
    return (
        sql,
        [f.attname for f in token_meta.concrete_fields],
        [f.attname for f in user_meta.concrete_fields],
        converters,
    )


# --- revocation when the account changes --------------------------------------------------------

_WATCHED = {"password", "is_active"}


def _note_account_change(sender, instance, raw=False, update_fields=None, **kwargs):
    """Before a user is saved: remember whether the password changed or the account was
    deactivated, whichever path saved it (password change or reset, admin, org service)."""
    instance._openmis_revoke_tokens = False
    if raw or instance.pk is None:
        return
    if update_fields is not None and not (_WATCHED & set(update_fields)):
        return
    before = sender.objects.filter(pk=instance.pk).values("password", "is_active").first()
    if before is None:
        return
    # Django re-hashes a password on login when the hasher changes: the same password,
    # saved with update_fields=["password"] and no new raw password; not a change
    rehash = getattr(instance, "_password", None) is None and set(update_fields or ()) == {
        "password"
    }
    password_changed = before["password"] != instance.password and not rehash
    deactivated = before["is_active"] and not instance.is_active
    instance._openmis_revoke_tokens = password_changed or deactivated


def _revoke_after_account_change(sender, instance, created=False, raw=False, **kwargs):
    if getattr(instance, "_openmis_revoke_tokens", False):
        instance._openmis_revoke_tokens = False
        revoke_all(instance)


def connect_signals():
    """Called once from the app config."""
    user_model = get_user_model()
    pre_save.connect(_note_account_change, sender=user_model, dispatch_uid="openmis-token-note")
    post_save.connect(
        _revoke_after_account_change, sender=user_model, dispatch_uid="openmis-token-revoke"
    )
