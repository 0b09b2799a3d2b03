"""Who may do what: a role's permissions, limited by its write scope.

A permission granted through a role whose scope is "own department" lets the user create,
change and delete only rows that belong to their department (or one below it); reading is
never limited by scope. Superusers and roles scoped to the whole organization are not limited.
"""

from __future__ import annotations

from functools import reduce

from django.db.models import Model

from openmis.core.registry import ObjectType

ALL = "all"
DEPARTMENT = "department"


def _scopes(user) -> dict[str, str]:
    """``{"app.codename": "all" | "department"}`` for the user, computed once per request."""
    cached = getattr(user, "_openmis_scopes", None)
    if cached is not None:
        return cached
    from django.contrib.auth.models import Permission
    from django.core.cache import cache

    from openmis.core import cache as data_cache

    # Any change of roles or permissions bumps the data generation, so this key goes stale
    # at once, in every process.
    cache_key = data_cache.key("scopes", user.pk, data_cache.generation())
    cached = cache.get(cache_key)
    if cached is not None:
        user._openmis_scopes = cached
        return cached

    scopes: dict[str, str] = {}
    # Only groups that are roles grant anything: a group without a role (its role deleted)
    # has no write scope, and must not count as organisation-wide.
    rows = Permission.objects.filter(group__user=user, group__role__isnull=False).values_list(
        "content_type__app_label", "codename", "group__role__scope"
    )
    for app_label, codename, scope in rows:
        perm = f"{app_label}.{codename}"
        if scope in (ALL, DEPARTMENT) and scopes.get(perm) != ALL:
            scopes[perm] = scope
    direct = Permission.objects.filter(user=user).values_list("content_type__app_label", "codename")
    for app_label, codename in direct:
        scopes[f"{app_label}.{codename}"] = ALL
    user._openmis_scopes = scopes
    cache.set(cache_key, scopes, 600)
    return scopes


def has_perm(user, perm: str) -> bool:
    """``user.has_perm(perm)`` answered from the permissions already loaded for this request."""
    if not (user.is_authenticated and user.is_active):
        return False
    return user.is_superuser or perm in _scopes(user)


def held(user) -> frozenset[str]:
    """The ``"app.codename"`` permissions ``user`` holds through roles or directly (a
    superuser holds every permission without it being listed)."""
    return frozenset(_scopes(user))


def user_department_ids(user) -> set[int]:
    """The departments a department-scoped user may write in: theirs and those below it."""
    cached = getattr(user, "_openmis_department_ids", None)
    if cached is not None:
        return cached
    from openmis.org.models import Person

    person = Person.objects.filter(user=user).select_related("department").first()
    ids = person.department.descendant_ids() if person else set()
    user._openmis_department_ids = ids
    return ids


def department_of(object_type: ObjectType, obj: Model) -> int | None:
    """Primary key of the department ``obj`` belongs to, following ``department_field``."""
    path = object_type.department_field
    if path is None:
        return None
    if path == "self":
        return obj.pk
    *hops, last = path.split("__")
    target = reduce(lambda o, name: getattr(o, name, None) if o is not None else None, hops, obj)
    return getattr(target, f"{last}_id", None) if target is not None else None


def write_scope(user, object_type: ObjectType, action: str) -> str | None:
    """``"all"``, ``"department"`` or None (not allowed) for ``action`` on the type."""
    if not (user.is_authenticated and user.is_active):
        return None
    if user.is_superuser:
        return ALL
    return _scopes(user).get(object_type.perm(action))


def can(user, object_type: ObjectType, action: str, obj: Model | None = None) -> bool:
    """Whether ``user`` may do ``action`` (view, add, change, delete) on the type or on ``obj``.

    Without ``obj`` the answer is whether the user may do it on some row at all.
    """
    if object_type.read_only and action != "view":
        return False
    scope = write_scope(user, object_type, action)
    if scope is None:
        return False
    access = object_type.object_access
    if obj is not None and access is not None and not access(user, action, obj):
        return False
    if scope == ALL or action == "view" or obj is None:
        return True
    return department_of(object_type, obj) in user_department_ids(user)


def can_import(user, object_type: ObjectType) -> bool:
    """Imports create and update rows, so they need both permissions."""
    return can(user, object_type, "add") and can(user, object_type, "change")
