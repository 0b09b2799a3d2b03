"""Notifications: tell a person something by e-mail, in their language and time zone.

An app registers the kinds of notice it sends (``register_kind`` in its ``registry.py``) and
calls :func:`notify`; the notice is rendered in the recipient's language and time zone, kept
(:class:`~openmis.core.models.Notice`: the recipient sees what was sent to them), and sent by
the task queue once the caller's transaction commits. A failed send is tried again later,
``MAX_ATTEMPTS`` times in all, waiting longer each time.

Core knows no app: who a recipient is (an e-mail address, a login, a language, a time zone)
comes from :func:`register_recipient`, which the app owning people (``org``) installs.
"""

from __future__ import annotations

import hashlib
import logging
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template import Context, Template, engines
from django.utils import timezone, translation

from openmis.core.models import Notice

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = getattr(settings, "OPENMIS_NOTICE_ATTEMPTS", 5)
FIRST_RETRY = timedelta(minutes=1)  # then 4, 16, 64 ... minutes: each wait four times longer

# --- kinds ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Kind:
    """A kind of notice an app sends, e.g. ``portfolio.contract_reminder``."""

    code: str
    label: Any  # a (lazily translated) name people read
    description: Any = ""
    #: ``attachments(notice) -> [(file name, bytes, MIME type)]``, built when the e-mail is
    #: sent (files are not kept with the notice); an error fails the try, which is retried.
    attachments: Callable[[Notice], list[tuple[str, bytes, str]]] | None = None


_kinds: dict[str, Kind] = {}


def register_kind(code: str, label, description="", attachments=None) -> Kind:
    """Declare a kind of notice (from the app's ``registry.py``); ``notify`` accepts only
    declared kinds, and the notices page shows their label. ``attachments``: see Kind."""
    kind = Kind(code, label, description, attachments)
    _kinds[code] = kind
    return kind


def get_kind(code: str) -> Kind | None:
    """The declared kind ``code``, or None (an app that sent it may have gone)."""
    return _kinds.get(code)


def all_kinds() -> list[Kind]:
    """Every declared kind, by code."""
    return [_kinds[code] for code in sorted(_kinds)]


def kind_label(code: str) -> str:
    """The label of kind ``code`` in the active language; the code itself if undeclared."""
    kind = _kinds.get(code)
    return str(kind.label) if kind else code


# --- recipients -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Recipient:
    """Where and how to write to someone: the address, their login's id (if any: they see
    the notice on their page) and their language and time zone (empty: the installation's)."""

    email: str
    user_id: int | None = None
    language: str = ""
    time_zone: str = ""


_resolvers: dict[type, Callable[[Any], Recipient]] = {}


def register_recipient(model: type, resolve: Callable[[Any], Recipient]) -> None:
    """Teach :func:`notify` to write to instances of ``model`` (a person, or a login with
    more to say than its e-mail address): ``resolve(instance)`` returns a Recipient."""
    _resolvers[model] = resolve


def recipient_for(who) -> Recipient:
    """The Recipient of ``who``: a Recipient, an instance of a registered model, or a login."""
    if isinstance(who, Recipient):
        return who
    for cls in who.__class__.__mro__:  # __class__: request.user is a lazy object
        if cls in _resolvers:
            return _resolvers[cls](who)
    if isinstance(who, get_user_model()):
        return Recipient(email=who.email or "", user_id=who.pk)
    raise TypeError(f"Cannot notify a {type(who).__name__}; see register_recipient().")


# --- rendering ------------------------------------------------------------------------------


def template(name: str) -> Callable[[dict], str]:
    """A subject or body read from the template file ``name`` (plain text, not escaped)."""

    def render(context: dict) -> str:
        source = engines["django"].engine.get_template(name)
        return source.render(Context(context, autoescape=False))

    return render


def _render(source, context: dict) -> str:
    """``source`` rendered: a callable is called with the context, anything else (a string,
    a lazily translated string) is Django template text."""
    if callable(source):
        return str(source(context))
    return Template(str(source)).render(Context(context, autoescape=False))


# --- sending --------------------------------------------------------------------------------


def notify(
    recipient,
    kind: str,
    subject,
    body,
    context: dict | None = None,
    obj=None,
    key: str | None = None,
    language: str | None = None,
) -> Notice | None:
    """Notify ``recipient`` (a login, a person, a :class:`Recipient`) of something.

    ``subject`` and ``body`` are template text (``{{ deadline }}``; a lazily translated string
    is translated here) or callables taking the context; they are rendered in the recipient's
    language (``language`` overrides it) and time zone, so dates read as the recipient's.
    ``obj`` is what the notice is about. With a ``key`` (e.g. the day, the deadline), a second
    call with the same kind, recipient, object and key sends nothing: reminders run twice do
    not remind twice.

    Returns the queued Notice, or None when there is no address or it was sent already. The
    e-mail leaves from the task queue after the current transaction commits.
    """
    if kind not in _kinds:
        raise LookupError(f"Unknown kind of notice {kind!r}; see register_kind().")
    to = recipient_for(recipient)
    if not to.email:
        return None
    content_type = ContentType.objects.get_for_model(obj) if obj is not None else None
    object_id = obj.pk if obj is not None else None
    dedup = None
    if key is not None:
        about = f"{content_type.app_label}.{content_type.model}:{object_id}" if obj else ""
        parts = "\x1f".join([kind, to.email.lower(), about, str(key)])
        dedup = hashlib.sha256(parts.encode()).hexdigest()
        if Notice.objects.filter(dedup_key=dedup).exists():
            return None
    language = language or to.language or settings.LANGUAGE_CODE
    zone = to.time_zone or settings.TIME_ZONE
    context = {"recipient": recipient, **(context or {})}
    with translation.override(language), timezone.override(zoneinfo.ZoneInfo(zone)):
        subject_text = " ".join(_render(subject, context).split())
        body_text = _render(body, context)
    try:
        with transaction.atomic():
            notice = Notice.objects.create(
                recipient_id=to.user_id,
                email=to.email,
                kind=kind,
                subject=subject_text[:255],
                body=body_text,
                language=language,
                time_zone=zone,
                next_attempt=timezone.now(),
                content_type=content_type,
                object_id=object_id,
                dedup_key=dedup,
            )
    except IntegrityError:  # sent meanwhile by a concurrent run
        return None
    transaction.on_commit(partial(schedule, notice.pk), robust=True)
    return notice


def schedule(notice_id: int, when: datetime | None = None) -> None:
    """Put the sending of a notice on the task queue, now or at ``when``. A queue that
    cannot wait (tests, ``OPENMIS_TASKS=immediate``) leaves a later attempt to
    :func:`send_due` (``openmis manage send_notices``)."""
    from openmis.core.tasks import send_notice

    if when is None:
        send_notice.enqueue(notice_id)
    elif send_notice.get_backend().supports_defer:
        send_notice.using(run_after=when).enqueue(notice_id)


def deliver(notice_id: int) -> str | None:
    """Send a queued notice through the mail backend (the task queue's job); returns its
    status afterwards, or None if it was not waiting to be sent.

    On failure the error is kept and, until ``MAX_ATTEMPTS`` tries were made, another try is
    scheduled, each wait four times the last; then the notice is marked failed.
    """
    now = timezone.now()
    with transaction.atomic():
        notice = (
            Notice.objects.select_for_update().filter(pk=notice_id, status=Notice.Status.QUEUED)
        ).first()
        if notice is None:
            return None
        if notice.next_attempt is not None and notice.next_attempt > now:
            return notice.status  # a second task for a retry not yet due
        notice.attempts += 1
        message = EmailMessage(
            notice.subject,
            notice.body,
            None,
            [notice.email],
            headers={"Auto-Submitted": "auto-generated"},
        )
        build = getattr(_kinds.get(notice.kind), "attachments", None)
        try:
            for name, content, mime in build(notice) if build else []:
                message.attach(name, content, mime)
            message.send()
        except Exception as error:  # any failure of the mail server (or files) is retried
            notice.last_error = f"{type(error).__name__}: {error}"[:2000]
            if notice.attempts >= MAX_ATTEMPTS:
                notice.status, notice.next_attempt = Notice.Status.FAILED, None
            else:
                notice.next_attempt = now + FIRST_RETRY * 4 ** (notice.attempts - 1)
            logger.warning("Notice %s not sent (try %s): %s", notice.pk, notice.attempts, error)
        else:
            notice.status, notice.sent_at, notice.next_attempt = Notice.Status.SENT, now, None
        notice.save(update_fields=["attempts", "status", "last_error", "next_attempt", "sent_at"])
    if notice.status == Notice.Status.QUEUED:
        schedule(notice.pk, notice.next_attempt)
    return notice.status


def send_due() -> int:
    """Put on the task queue every queued notice whose time has come: retries where the
    queue cannot wait, and notices whose task was lost. Returns how many."""
    from openmis.core.tasks import send_notice

    due = list(
        Notice.objects.filter(status=Notice.Status.QUEUED, next_attempt__lte=timezone.now())
        .order_by("next_attempt", "pk")
        .values_list("pk", flat=True)
    )
    for pk in due:
        send_notice.enqueue(pk)
    return len(due)
