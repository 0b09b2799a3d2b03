"""Base model of every OpenMIS object and the installation-wide settings."""

from __future__ import annotations

from django.core.cache import cache
from django.db import models
from django.utils.translation import gettext_lazy as _
from knox.models import AbstractAuthToken
from knox.settings import CONSTANTS


class OpenMISModel(models.Model):
    """Base of every registered object: timestamps and a version for optimistic locking.

    ``version`` goes up by one on every save of an existing row, so an edit made from a stale
    copy is detected (see :func:`openmis.core.services.save_object`).
    """

    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            self.version += 1
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        from openmis.core import registry

        return registry.get(self).url("detail", self)


class Installation(models.Model):
    """Settings of this installation that the MIS director can change at run time."""

    CACHE_KEY = "openmis:installation"

    demo_mode = models.BooleanField(
        _("demo mode"),
        default=False,
        help_text=_("Demo data is loaded; two-factor authentication is not enforced."),
    )

    class Meta:
        verbose_name = _("installation")

    def __str__(self):
        return "OpenMIS"

    def save(self, *args, **kwargs):
        self.pk = 1
        super().save(*args, **kwargs)
        cache.delete(self.CACHE_KEY)

    @classmethod
    def current(cls) -> Installation:
        """The installation settings, cached briefly since every request reads them."""
        obj = cache.get(cls.CACHE_KEY)
        if obj is None:
            obj, _created = cls.objects.get_or_create(pk=1)
            cache.set(cls.CACHE_KEY, obj, 30)
        return obj


class CacheGeneration(models.Model):
    """How many times the data of one app (or ``*``: of every app) has changed.

    Cached values name the generations of what they depend on in their keys (see
    :mod:`openmis.core.caching`); a write moves its app's row by an atomic upsert inside the
    writer's transaction, so every process sees it once it commits.
    """

    label = models.CharField(_("label"), max_length=100, primary_key=True)
    value = models.PositiveBigIntegerField(_("generation"), default=0)

    class Meta:
        verbose_name = _("cache generation")

    def __str__(self):
        return f"{self.label}: {self.value}"


class ApiToken(AbstractAuthToken):
    """An API token of one user (django-rest-knox): only a hash is stored, the secret is shown
    once when issued. A user may hold several (one per script or machine); each expires after
    ``OPENMIS_API_TOKEN_DAYS`` and goes when the password changes or the account is
    deactivated (:mod:`openmis.core.tokens`)."""

    # knox keys tokens by their digest; a plain number is what the user's list and the API
    # name a token by, so the digest becomes an ordinary unique column
    digest = models.CharField(max_length=CONSTANTS.DIGEST_LENGTH, unique=True)
    name = models.CharField(_("name"), max_length=100, blank=True)
    last_used = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created", "-pk"]

    def __str__(self):
        return f"{self.user} · {self.name or self.token_key[:4]}"
