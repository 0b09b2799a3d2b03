"""Base model of every OpenMIS object and the installation-wide settings."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import models
from django.utils import timezone
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

    uid = models.UUIDField(
        _("installation identifier"),
        default=uuid.uuid4,
        editable=False,
        help_text=_(
            "Tells this installation apart from every other: part of the identifiers it "
            "gives to what leaves it (calendar events), which must not collide with another "
            "installation's."
        ),
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
    def identifier(cls) -> str:
        """This installation's identifier (32 hex digits): stable for its lifetime (kept in
        its database, so a backup restored keeps it), different on every other one."""
        return cls.current().uid.hex

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


class Notice(models.Model):
    """One message sent (or being sent) to a person: what it said, in which language and time
    zone, and how its delivery went. Made by :func:`openmis.core.notifications.notify`;
    the recipient sees their own on "Notifications sent to me"."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="notices",
        help_text=_("Empty for a person without an OpenMIS login."),
    )
    email = models.EmailField(_("e-mail address"))
    kind = models.CharField(_("kind"), max_length=80)
    subject = models.CharField(_("subject"), max_length=255)
    body = models.TextField(_("body"))
    language = models.CharField(_("language"), max_length=10)
    time_zone = models.CharField(_("time zone"), max_length=64)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    next_attempt = models.DateTimeField(_("next attempt"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    content_type = models.ForeignKey(
        ContentType,
        verbose_name=_("about (type)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    object_id = models.PositiveBigIntegerField(_("about (id)"), null=True, blank=True)
    dedup_key = models.CharField(
        max_length=64,
        null=True,
        blank=True,
        unique=True,
        editable=False,
        help_text="A hash of kind, recipient, object and the caller's key: sent once.",
    )

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["-created", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "-created"]),
            models.Index(fields=["status", "next_attempt"]),
        ]

    def __str__(self):
        return self.subject


class Attachment(models.Model):
    """A file attached to a registered object (a contract's scan, a meeting's minutes).

    The file lives under the data directory (never where the web server serves files), under a
    random name; the name the user gave is kept here only, cleaned, to offer it on download.
    Rows and files go with their object (:mod:`openmis.core.attachments`).
    """

    content_type = models.ForeignKey(
        "contenttypes.ContentType", on_delete=models.CASCADE, verbose_name=_("object type")
    )
    object_id = models.PositiveBigIntegerField(_("object id"))
    file_name = models.CharField(_("file name"), max_length=255)
    media_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField("SHA-256", max_length=64)
    storage_name = models.CharField(max_length=100, unique=True, editable=False)
    description = models.CharField(_("description"), max_length=500, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["-uploaded_at", "-pk"]
        indexes = [models.Index(fields=["content_type", "object_id"], name="core_attach_object")]

    def __str__(self):
        return self.file_name
