"""Template context shared by every page.

The navigation menu lists every registered type and page the user may see. Building and
rendering it on every request cost more than the rest of a cached list page, so the rendered
menu is cached: its key holds which entries the user may see (so two users with the same
permissions share it, and a permission change gives a new key at once), the language, the
script prefix, the registry's contents and the generations of ``auth`` and ``org`` (any
committed write to the users, roles, groups or permissions moves them; see
:mod:`openmis.core.caching`). Only pages that render
the menu pay for it: the context holds a lazy value, computed when the template prints it.
"""

from __future__ import annotations

from functools import cache, lru_cache

from django.contrib.auth.context_processors import PermLookupDict, PermWrapper
from django.core.cache import cache as shared_cache
from django.template.loader import render_to_string
from django.urls import get_script_prefix
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from openmis.core import caching, permissions, registry

NAV_TEMPLATE = "core/_navigation.html"
NAV_CACHE_SECONDS = 3600


@cache
def _registry_fingerprint() -> str:
    """What the registry holds, in order: part of the key, since the visibility bits index it.

    The registry is filled at import time and never changes in a running process; the
    fingerprint keeps processes running different code apart when they share a cache.
    """
    types = ",".join(ot.label for ot in registry.all_types())
    pages = ",".join(f"{page.url_name}:{page.permission}" for page in registry.all_pages())
    return caching.key("nav-registry", types, pages)


def _visibility(user) -> tuple[list[bool], list[bool]]:
    """Which registered types and pages ``user`` may see in the menu.

    Seeing a type's list needs its view permission, whatever the scope (reading is never
    scoped, see :func:`openmis.core.permissions.can`), so the answer depends only on the set of
    permissions the user holds: it is computed once per set and process, not for every entry
    on every request.
    """
    if not (user.is_authenticated and user.is_active):
        return _visibility_of(frozenset(), superuser=False)
    return _visibility_of(permissions.held(user), superuser=user.is_superuser)


@lru_cache(maxsize=512)
def _visibility_of(perms: frozenset[str], superuser: bool) -> tuple[list[bool], list[bool]]:
    def has(perm: str) -> bool:
        return superuser or perm in perms

    types = [ot.in_menu and has(ot.perm("view")) for ot in registry.all_types()]
    pages = [has(page.permission) for page in registry.all_pages()]
    return types, pages


def _groups(types: list[bool], pages: list[bool]) -> list[tuple[str, list[dict]]]:
    """The visible entries grouped under their heading: an app's pages (what one sets out to
    do: ask a question, see the graph) first, then its records, each in registration order."""
    groups: dict[str, dict[str, list]] = {}
    for page, visible in zip(registry.all_pages(), pages, strict=True):
        if visible:
            entry = groups.setdefault(str(page.nav_group), {"pages": [], "types": []})
            entry["pages"].append({"label": page.label, "url": page.url})
    for ot, visible in zip(registry.all_types(), types, strict=True):
        if visible:
            entry = groups.setdefault(str(ot.nav_group), {"pages": [], "types": []})
            entry["types"].append({"label": ot.verbose_name_plural, "url": ot.url("list")})
    ordered = sorted(groups.items(), key=lambda item: _group_order(item[0]))
    return [
        (
            name,
            [*e["pages"], *([{"divider": True}] if e["pages"] and e["types"] else []), *e["types"]],
        )
        for name, e in ordered
    ]


def _group_order(name: str) -> int:
    """Menus in the order the types registered (apps load in dependency order); a group
    with pages only (none yet) goes last."""
    for index, ot in enumerate(registry.all_types()):
        if str(ot.nav_group) == name:
            return index
    return len(registry.all_types())


def navigation_html(user) -> SafeString:
    """The rendered menu entries of an authenticated ``user``, from the cache when possible."""
    types, pages = _visibility(user)
    bits = "".join("1" if v else "0" for v in [*types, *pages])
    key = caching.versioned_key(
        ("nav", _registry_fingerprint(), bits, get_language(), get_script_prefix()),
        depends_on=("auth", "org"),
    )
    html = shared_cache.get(key)
    if html is None:
        context = {"nav_groups": _groups(types, pages)}
        html = render_to_string(NAV_TEMPLATE, context)
        shared_cache.set(key, html, NAV_CACHE_SECONDS)
    return mark_safe(html)  # noqa: S308  (our own template's output)


class LazyHTML:
    """HTML computed the first time a template prints it (never, if it is not printed)."""

    def __init__(self, build):
        self._build = build
        self._html: SafeString | None = None

    def __html__(self) -> SafeString:
        if self._html is None:
            self._html = self._build()
        return self._html

    def __str__(self) -> str:
        return self.__html__()


def navigation(request):
    """``nav_html``: the navigation menu's entries for the request's user (lazy, cached)."""

    def build() -> SafeString:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return SafeString()
        # The permission checks read a few attributes of the user for every entry: read them
        # from the user itself, not through the request's lazy wrapper.
        return navigation_html(getattr(user, "_wrapped", user))

    return {"nav_html": LazyHTML(build)}


class _AppPerms(PermLookupDict):
    """``perms.<app>``: the user's permissions in one app, as :class:`Perms` answers them."""

    def __getitem__(self, perm_name: str) -> bool:
        return permissions.has_perm(self.user, f"{self.app_label}.{perm_name}")

    def __bool__(self) -> bool:
        user = self.user
        if not (user.is_authenticated and user.is_active):
            return False
        prefix = f"{self.app_label}."
        return user.is_superuser or any(p.startswith(prefix) for p in permissions.held(user))


class Perms(PermWrapper):
    """Django's ``perms`` answered by :func:`openmis.core.permissions.has_perm`: from the
    permissions the request already loaded (kept in the shared cache), not by the two queries
    of Django's ``ModelBackend`` on every page that shows the header, and as the pages behind
    the links check them (a permission of a group that is no role grants nothing there)."""

    def __getitem__(self, app_label: str) -> _AppPerms:
        return _AppPerms(self.user, app_label)


def perms(request):
    """``perms`` (see :class:`Perms`), replacing the one of Django's ``auth`` processor,
    which runs before this one."""
    from django.contrib.auth.models import AnonymousUser

    user = getattr(request, "user", None)
    return {"perms": Perms(user if user is not None else AnonymousUser())}
