"""Sharing questions and dashboards with a user, a role's holders or a department."""

from __future__ import annotations

from django.utils.translation import gettext as _

from openmis.bi.models import Question, Share


def share(obj, target: str, level: str, user) -> Share:
    """Share ``obj`` (a question or dashboard) with ``target`` = ``user:<id>``, ``role:<id>``
    or ``department:<id>``; sharing again changes the access level."""
    from django.contrib.auth import get_user_model

    from openmis.core.services import save_object
    from openmis.org.models import Department, Role

    kind, _sep, raw = target.partition(":")
    models_by_kind = {"user": get_user_model(), "role": Role, "department": Department}
    if kind not in models_by_kind or not raw.isdigit():
        raise ValueError(_("Choose whom to share with."))
    if level not in Share.Level.values:
        raise ValueError(_("Choose view or edit access."))
    whom = models_by_kind[kind].objects.filter(pk=int(raw)).first()
    if whom is None:
        raise ValueError(_("Choose whom to share with."))
    field = "question" if isinstance(obj, Question) else "dashboard"
    existing = Share.objects.filter(**{field: obj, kind: whom}).first()
    item = existing or Share(**{field: obj, kind: whom}, shared_by=user)
    item.level = level
    return save_object(item, user)
