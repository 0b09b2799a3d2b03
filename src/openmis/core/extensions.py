"""Extension points: how an app shows something on a page that it does not own.

An app adds a tile to the home page (the cockpit) with :func:`register_tile` and a section
to another type's detail page with :func:`register_panel`, from its ``registry.py`` (which
its ``AppConfig.ready()`` imports). Core renders what is registered (:func:`tiles_for`,
:func:`panels_for`, the ``{% object_panels object %}`` tag) and names no app, so a new app
plugs in without editing core or the app whose page it extends::

    # governance/registry.py
    from openmis.core.extensions import register_panel, register_tile
    from openmis.portfolio.models import System

    register_tile("governance/tiles/my_acknowledgements.html", context=tiles.my_pending,
                  permission="governance.view_acknowledgement",
                  roles={"employee": 20, "department_leader": 60})
    register_panel(System, "governance/panels/system_policies.html",
                   context=panels.for_system, permission="governance.view_policy")

A context function returns the template's variables, or None when there is nothing to show
(the tile or panel is then left out). A permission is a permission string
(``"app.codename"``, checked with :func:`openmis.core.permissions.has_perm`) or a
``callable(user) -> bool``.

**Hooks.** An app that asks a question other apps may answer names an extension point (a
string it documents, e.g. ``"portfolio.retirement_concerns"``) and collects the answers
with :func:`hook_results`; an app answers with :func:`register_hook`. The system page's
"what still relies on this system" list gains the open improvements this way, without
portfolio importing feedback::

    # feedback/registry.py
    register_hook("portfolio.retirement_concerns", panels.retirement_concern,
                  name="feedback.improvements")

**A cockpit per role.** A tile names the roles (audiences) it is for, each with its place on
that role's cockpit: ``roles={"mis_director": 10, "employee": 40}`` (or a list of codes, all at
``order``). Who holds which role is the business of the app that keeps roles (``org``
installs :func:`set_audience_provider`); core only asks for the user's audiences, in the order
that user's cockpit follows. A user with several roles gets the union: the tiles of their first
role in that role's order, then the others' not shown yet. A tile without roles is for
everyone, at ``order``. Roles choose *which* tiles a cockpit has, never *who may see* data:
``permission`` and the context function (which reads through the lists' own rules, see
:mod:`openmis.core.cockpit`) do.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

Permission = str | Callable[[Any], bool] | None


@dataclass(frozen=True)
class Tile:
    """A section of the home page, registered by an app.

    ``roles`` are the codes of the roles the tile suits (for a cockpit per role), and
    ``placement`` its place on each one's cockpit (``(role, order)`` pairs); they do not
    restrict who may see its data: ``permission`` and the context function do.
    """

    name: str
    template: str
    context: Callable[[Any], dict | None] | None
    permission: Permission
    roles: tuple[str, ...]
    order: int
    placement: tuple[tuple[str, int], ...] = ()

    def place(self, audiences: list[str]) -> tuple[int, int] | None:
        """Where the tile goes on the cockpit of a user with ``audiences`` (their role codes,
        first first): ``(rank of the first of them it is for, its order there)``, or None
        when it is for none of them."""
        if not self.roles:
            return (0, self.order)
        orders = dict(self.placement)
        for rank, audience in enumerate(audiences):
            if audience in orders:
                return (rank, orders[audience])
        return None


@dataclass(frozen=True)
class Panel:
    """A section of another type's detail page, registered by an app.

    ``vary`` is ``callable(user) -> tuple``: what the panel depends on besides the object's
    data and the day (what the user may see or do in it). A detail page that is kept in the
    page cache is kept per those values; without ``vary`` the panel is taken to depend on
    the user, and such a page is kept per user.
    """

    model: str
    name: str
    template: str
    context: Callable[[Any, Any], dict | None] | None
    permission: Permission
    order: int
    vary: Callable[[Any], tuple] | None


@dataclass(frozen=True)
class Shown:
    """A tile or panel as one user sees it: its template and its computed context."""

    name: str
    template: str
    context: dict


_tiles: dict[str, Tile] = {}
_panels: dict[str, Panel] = {}
_hooks: dict[str, dict[str, Callable[..., Any]]] = {}
_audience_provider: Callable[[Any], list[str]] | None = None


def set_audience_provider(provider: Callable[[Any], list[str]] | None):
    """Install ``provider(user) -> [role code, ...]`` (the user's roles, the one whose cockpit
    leads first); None removes it. Returns the one it replaces."""
    global _audience_provider
    previous, _audience_provider = _audience_provider, provider
    return previous


def audiences(user) -> list[str]:
    """The codes of the roles whose cockpit ``user`` gets, first first (none without a
    provider: then only the tiles without roles are shown)."""
    return list(_audience_provider(user)) if _audience_provider is not None else []


def register_tile(
    template: str,
    *,
    context: Callable[[Any], dict | None] | None = None,
    permission: Permission = None,
    roles: Iterable[str] | dict[str, int] = (),
    order: int = 100,
    name: str | None = None,
) -> Tile:
    """Show ``template`` on the cockpit of ``roles`` (all when empty), in ``order`` (lower
    first, then by name); ``roles`` as ``{code: order}`` gives each role's cockpit its own.

    ``context(request)`` returns the template's variables, or None to hide the tile. A tile
    registered again under the same ``name`` (default: the template) replaces the first.
    """
    placement = roles.items() if isinstance(roles, dict) else ((r, order) for r in roles)
    placement = tuple(placement)
    tile = Tile(
        name or template,
        template,
        context,
        permission,
        tuple(r for r, _order in placement),
        order,
        placement,
    )
    _tiles[tile.name] = tile
    return tile


def register_panel(
    model,
    template: str,
    *,
    context: Callable[[Any, Any], dict | None] | None = None,
    permission: Permission = None,
    order: int = 100,
    name: str | None = None,
    vary: Callable[[Any], tuple] | None = None,
) -> Panel:
    """Show ``template`` on the detail page of ``model`` (a model class or an
    ``app_label.model`` label), in ``order`` (lower first, then by name).

    ``context(request, obj)`` returns the template's variables (``object`` is added), or
    None to hide the panel. See :class:`Panel` for ``vary``.
    """
    label = model.lower() if isinstance(model, str) else model._meta.label_lower
    panel = Panel(label, name or template, template, context, permission, order, vary)
    _panels[f"{label}:{panel.name}"] = panel
    return panel


def unregister(item: Tile | Panel) -> None:
    """Take a registered tile or panel away again (tests, an app switched off)."""
    if isinstance(item, Tile):
        _tiles.pop(item.name, None)
    else:
        _panels.pop(f"{item.model}:{item.name}", None)


def allowed(user, permission: Permission) -> bool:
    """Whether ``user`` passes a tile's or panel's ``permission``."""
    from openmis.core import permissions

    if permission is None:
        return True
    if callable(permission):
        return bool(permission(user))
    return permissions.has_perm(user, permission)


def tiles() -> list[Tile]:
    """Every registered tile, in order."""
    return sorted(_tiles.values(), key=lambda t: (t.order, t.name))


def panels(model) -> list[Panel]:
    """The panels registered for ``model`` (a class, an instance or a label), in order."""
    label = model.lower() if isinstance(model, str) else model._meta.label_lower
    found = [p for p in _panels.values() if p.model == label]
    return sorted(found, key=lambda p: (p.order, p.name))


def tiles_for(request) -> list[Shown]:
    """The tiles of ``request.user``'s cockpit (those of their roles, see
    :func:`audiences`) that they may see, in order, each with its context."""
    user_audiences = audiences(request.user)
    placed = []
    for tile in _tiles.values():
        place = tile.place(user_audiences)
        if place is not None:
            placed.append((place, tile.name, tile))
    shown = []
    for _place, _name, tile in sorted(placed, key=lambda p: (p[0], p[1])):
        if not allowed(request.user, tile.permission):
            continue
        context = tile.context(request) if tile.context is not None else {}
        if context is not None:
            shown.append(Shown(tile.name, tile.template, context))
    return shown


def panels_for(request, obj) -> list[Shown]:
    """The panels of ``obj``'s detail page that ``request.user`` may see, in order, each
    with its context (which holds ``object``)."""
    shown = []
    for panel in panels(obj):
        if not allowed(request.user, panel.permission):
            continue
        context = panel.context(request, obj) if panel.context is not None else {}
        if context is not None:
            shown.append(Shown(panel.name, panel.template, {"object": obj, **context}))
    return shown


def panels_vary(obj, user) -> tuple:
    """What the panels of ``obj``'s page depend on for ``user`` besides the data: part of
    the key of a kept detail page, so that no user is served a panel rendered for another
    (see :attr:`openmis.core.registry.ObjectType.page_cache`)."""
    key: list = []
    for panel in panels(obj):
        if not allowed(user, panel.permission):
            key.append((panel.name, False))
        elif panel.vary is not None:
            key.append((panel.name, True, *panel.vary(user)))
        else:
            key.append((panel.name, True, "user", getattr(user, "pk", None)))
    return tuple(key)


def register_hook(point: str, function: Callable[..., Any], *, name: str | None = None):
    """Answer at the extension point ``point`` with ``function`` (called with the arguments
    the point's owner documents; it returns its answer, or None for none). A hook registered
    again under the same ``name`` (default: the function's qualified name) replaces the
    first. Returns the ``(point, name)`` to give :func:`unregister_hook`."""
    key = name or f"{function.__module__}.{function.__qualname__}"
    _hooks.setdefault(point, {})[key] = function
    return (point, key)


def unregister_hook(registered: tuple[str, str]) -> None:
    """Take a hook away again (tests, an app switched off)."""
    point, key = registered
    _hooks.get(point, {}).pop(key, None)


def hook_results(point: str, *args, **kwargs) -> list:
    """The answers of the hooks registered at ``point`` (by name), None answers left out."""
    answers = []
    for _name, function in sorted(_hooks.get(point, {}).items()):
        answer = function(*args, **kwargs)
        if answer is not None:
            answers.append(answer)
    return answers
