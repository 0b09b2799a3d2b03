"""Permission checks shared by the apps' hand-written views."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from openmis.core import permissions, registry


def can(user, model, action: str, obj=None) -> bool:
    """Whether ``user``'s roles allow ``action`` (view, add, change, delete) on the
    registered ``model``, or on ``obj`` when given (its row-level access included)."""
    return permissions.can(user, registry.get(model), action, obj)


def require(user, model, action: str, obj=None) -> None:
    """Refuse with :class:`~django.core.exceptions.PermissionDenied` (the friendly 403)
    unless ``user``'s roles allow ``action`` (view, add, change, delete) on the registered
    ``model``, or on ``obj`` when given (its row-level access included)."""
    if not can(user, model, action, obj):
        raise PermissionDenied(_("Your role does not allow this."))
