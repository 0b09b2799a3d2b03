"""State changes of registered objects that are more than a plain save."""

from __future__ import annotations

import contextlib
from contextvars import ContextVar

from auditlog.context import set_actor
from django.contrib.auth import get_user_model
from django.db import router, transaction
from django.db.models import PROTECT, RESTRICT, ProtectedError
from django.db.models.deletion import Collector
from django.utils.translation import gettext as _

#: The user saving or deleting through :func:`save_object` / :func:`delete_object`, while they
#: do (None elsewhere): what a model's ``save`` records of who changed it.
_acting_user: ContextVar = ContextVar("openmis_acting_user", default=None)


def acting_user():
    """The user on whose behalf the audited path is saving now, or None (a command, a
    migration, a save outside :func:`save_object`)."""
    return _acting_user.get()


@contextlib.contextmanager
def _acting(user):
    token = _acting_user.set(user if getattr(user, "is_authenticated", False) else None)
    try:
        yield
    finally:
        _acting_user.reset(token)


@contextlib.contextmanager
def acting_as(user):
    """Writes made inside are ``user``'s: the change history names them as the actor and
    models read them as :func:`acting_user` (what :func:`save_object` does for one save;
    imports, which save row by row through their library, use it around each save)."""
    with set_actor(user) if user else contextlib.nullcontext(), _acting(user):
        yield


class ConflictError(Exception):
    """The change cannot be made as asked: the object changed meanwhile, or others need it."""

    def __init__(self, message: str, blocking: list | None = None):
        super().__init__(message)
        self.message = message
        self.blocking = blocking or []


def save_object(instance, user=None, expected_version: int | None = None):
    """Save ``instance``; refuse with :class:`ConflictError` if it changed since it was read.

    ``expected_version`` is the version the editor started from. The row is locked while it
    is compared, so two concurrent saves of one version cannot both succeed.
    """
    with transaction.atomic(), acting_as(user):
        if not instance._state.adding and expected_version is not None:
            current = (
                type(instance)
                ._default_manager.select_for_update()
                .filter(pk=instance.pk)
                .values_list("version", flat=True)
                .first()
            )
            if current is None:
                raise ConflictError(_("This object was deleted by someone else meanwhile."))
            if current != expected_version:
                raise ConflictError(
                    _(
                        "Someone else changed this object while you were editing it (your copy "
                        "is version %(mine)d, the saved one is %(theirs)d). Reload it and make "
                        "your change again."
                    )
                    % {"mine": expected_version, "theirs": current}
                )
            instance.version = current
        if instance._state.adding and user is not None and user.is_authenticated:
            # Objects owned by a login (BI questions, dashboards) belong to their creator.
            owner = next((f for f in instance._meta.concrete_fields if f.name == "owner"), None)
            if (
                owner is not None
                and owner.related_model is get_user_model()
                and instance.owner_id is None
            ):
                instance.owner = user
        instance.save()
    return instance


def delete_object(instance, user=None) -> None:
    """Delete ``instance``; refuse with :class:`ConflictError` listing what still needs it."""
    try:
        with transaction.atomic(), acting_as(user):
            instance.delete()
    except ProtectedError as exc:
        raise _protected(instance, exc.protected_objects) from None


def deletion_conflict(instance) -> ConflictError | None:
    """Why ``instance`` cannot be deleted, found without deleting anything; or ``None``.

    The delete page asks this first, so that a user is told what still needs the object
    before any button is offered, with the same words the refusal of a delete would use.
    """
    refusal = getattr(instance, "delete_refusal", None)
    message = refusal() if refusal else None
    if message:
        return ConflictError(message)
    collector = Collector(using=router.db_for_write(type(instance)))
    try:
        collector.collect([instance])
    except ProtectedError as exc:
        return _protected(instance, exc.protected_objects)
    return None


def protected_references(instance) -> list[tuple[str, int]]:
    """The kinds of records that keep ``instance`` from being deleted, and how many of each.

    A kind is a model with a foreign key to ``instance``'s model declared ``on_delete=PROTECT``
    (or ``RESTRICT``), named by its plural verbose name; two such keys of one model (both ends
    of a dependency) count as one kind. Kinds with no record are left out. Records of other
    apps come first (the reader of the object's own app may not know of them), then those of
    the object's app, each in the order Django lists the relations.

    The foreign key is the declaration: an app says its records need an object of an app
    beneath it without that app naming them (feedback and improvements need their system).
    """
    opts = instance._meta
    relations = [
        rel
        for rel in opts.related_objects
        if not rel.many_to_many and rel.on_delete in (PROTECT, RESTRICT)
    ]
    relations.sort(key=lambda rel: rel.related_model._meta.app_label == opts.app_label)
    counts: dict[type, int] = {}
    for rel in relations:
        model = rel.related_model
        found = model._base_manager.filter(**{rel.field.name: instance}).count()
        counts[model] = counts.get(model, 0) + found
    return [(str(model._meta.verbose_name_plural), n) for model, n in counts.items() if n]


def _protected(instance, protected_objects) -> ConflictError:
    blocking = sorted(protected_objects, key=str)
    names = ", ".join(str(o) for o in blocking[:10])
    more = len(blocking) - 10
    message = _("%(object)s cannot be deleted: %(count)d other objects need it (%(names)s).") % {
        "object": instance,
        "count": len(blocking),
        "names": names + (_(" and %(n)d more") % {"n": more} if more > 0 else ""),
    }
    return ConflictError(message, blocking)
