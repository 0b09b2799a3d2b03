"""Permission checks shared by the apps' hand-written views."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from openmis.core import permissions, registry


def refusal(object_type, action: str, obj=None) -> str:
    """What a refusal of ``action`` on the type (or on ``obj``) says, the action in words:
    "You may not change this system", never the permission's code."""
    names = {
        "objects": object_type.opts.verbose_name_plural,
        "object": object_type.opts.verbose_name,
    }
    if obj is not None:
        sentences = {
            "view": _("You may not view this %(object)s."),
            "add": _("You may not add this %(object)s."),
            "change": _("You may not change this %(object)s."),
            "delete": _("You may not delete this %(object)s."),
        }
    else:
        sentences = {
            "view": _("You may not view %(objects)s."),
            "add": _("You may not add %(objects)s."),
            "change": _("You may not change %(objects)s."),
            "delete": _("You may not delete %(objects)s."),
        }
    sentence = sentences.get(action)
    if sentence is None:
        return _("Your role does not allow this.")
    return sentence % names


def can(user, model, action: str, obj=None) -> bool:
    """Whether ``user``'s roles allow ``action`` (view, add, change, delete) on the
    registered ``model``, or on ``obj`` when given (its row-level access included)."""
    return permissions.can(user, registry.get(model), action, obj)


def require(user, model, action: str, obj=None) -> None:
    """Refuse with :class:`~django.core.exceptions.PermissionDenied` (the friendly 403)
    unless ``user``'s roles allow ``action`` (view, add, change, delete) on the registered
    ``model``, or on ``obj`` when given (its row-level access included)."""
    if not can(user, model, action, obj):
        raise PermissionDenied(refusal(registry.get(model), action, obj))
