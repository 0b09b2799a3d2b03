"""Who may do what: a role's permissions, limited by its write scope.

A permission granted through a role whose scope is "own department" lets the user create,
change and delete only rows that belong to their department (or one below it); reading is
never limited by scope. Superusers and roles scoped to the whole organization are not limited.

Core does not know what a role or a department is: the app that defines them (``org``)
installs a :class:`ScopeProvider` with :func:`set_scope_provider` when it starts. Until one
is installed, roles grant nothing and a department-scoped permission reaches no row (least
privilege); superusers and permissions given to a user directly are not affected.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from functools import lru_cache, reduce

from django.db.models import Model

from openmis.core import caching
from openmis.core.caching import per_request
from openmis.core.registry import ObjectType

ALL = "all"
DEPARTMENT = "department"


@dataclass(frozen=True)
class ScopeProvider:
    """How an organization app tells core who holds which permission, and where.

    ``role_permissions(user)`` yields ``("app.codename", scope)`` for each permission the
    user holds through a role, ``scope`` being :data:`ALL` or :data:`DEPARTMENT` (any other
    value grants nothing). ``department_ids(user)`` gives the primary keys of the departments
    a department-scoped permission lets the user write in. ``depends_on`` names the app
    labels whose writes change what ``role_permissions`` answers (the roles, their groups and
    memberships): the permissions a user holds are kept in the shared cache until one of
    them (or ``auth``, which holds the permissions themselves) is written.
    """

    role_permissions: Callable[[object], Iterable[tuple[str, str]]]
    department_ids: Callable[[object], Collection[int]]
    depends_on: tuple[str, ...] = ()


_provider: ScopeProvider | None = None


def set_scope_provider(provider: ScopeProvider | None) -> ScopeProvider | None:
    """Install ``provider`` (None removes it) and return the one it replaces."""
    global _provider
    previous, _provider = _provider, provider
    return previous


def scope_provider() -> ScopeProvider | None:
    """The installed :class:`ScopeProvider`, or None."""
    return _provider


# What a user's direct permissions and group memberships live in (Django's auth): a change
# to any of them moves this app's generation.
AUTH_DEPENDS_ON = ("auth",)
SCOPES_CACHE_SECONDS = 600


@per_request
def _scopes(user) -> dict[str, str]:
    """``{"app.codename": "all" | "department"}`` for the user, computed once per request."""
    provider = _provider
    if provider is None:
        return _load_scopes(user, None)
    # Kept until auth (permissions, groups, memberships) or an app the provider reads (its
    # roles) is written, in every process; a write elsewhere (a warehouse import) keeps it.
    return caching.get_or_set(
        ("scopes", user.pk),
        lambda: _load_scopes(user, provider),
        depends_on=(*AUTH_DEPENDS_ON, *provider.depends_on),
        timeout=SCOPES_CACHE_SECONDS,
    )


def _load_scopes(user, provider: ScopeProvider | None) -> dict[str, str]:
    from django.contrib.auth.models import Permission

    scopes: dict[str, str] = {}
    for perm, scope in provider.role_permissions(user) if provider is not None else ():
        if scope in (ALL, DEPARTMENT) and scopes.get(perm) != ALL:
            scopes[perm] = scope
    direct = Permission.objects.filter(user=user).values_list("content_type__app_label", "codename")
    for app_label, codename in direct:
        scopes[f"{app_label}.{codename}"] = ALL
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


def user_department_ids(user) -> Collection[int]:
    """The departments a department-scoped user may write in: theirs and those below it
    (none when no :class:`ScopeProvider` is installed)."""
    return _provider.department_ids(user) if _provider is not None else frozenset()


def department_of(object_type: ObjectType, obj: Model) -> int | None:
    """Primary key of the department ``obj`` belongs to: its type's ``department_resolver``,
    else following ``department_field``."""
    if object_type.department_resolver is not None:
        return object_type.department_resolver(obj)
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


def viewable(user) -> frozenset[str]:
    """Labels (``app.model``) of the registered types ``user`` may view: the pages a link
    may lead them to without a refusal."""
    if not (user.is_authenticated and user.is_active):
        return frozenset()
    # Viewing needs the type's view permission whatever its scope (see :func:`can`): the
    # answer depends only on the permissions held, so it is computed once per set of them
    # and process, not with a permission check per registered type on every page.
    from openmis.core import registry

    return _viewable_of(held(user), user.is_superuser, registry.labels())


@lru_cache(maxsize=512)
def _viewable_of(perms: frozenset[str], superuser: bool, labels: tuple[str, ...]) -> frozenset[str]:
    from openmis.core import registry

    return frozenset(
        label for label in labels if superuser or registry.get(label).perm("view") in perms
    )


def view_signature(user) -> str:
    """A short key of :func:`viewable`: what a page shared by the users who may view the
    same types (its links, the names in its history) is cached under."""
    import hashlib

    labels = ",".join(sorted(viewable(user)))
    return hashlib.blake2b(labels.encode(), digest_size=8).hexdigest()
