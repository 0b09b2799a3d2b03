"""Who uses which system (:class:`~openmis.portfolio.models.SystemAccess`): the current users
of systems, who may read which access rows, and the extension point told of new access.

Governance reads :func:`users_of` for the audiences "users of these systems" and answers
:data:`ACCESS_GRANTED_HOOK` to assign what a new user of a system must read or learn.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from django.db.models import Q
from django.utils import timezone

from openmis.core import extensions, permissions, registry
from openmis.portfolio.models import System, SystemAccess

#: The extension point told of new access, in the transaction that wrote it (a form, the API
#: or an import): ``hook(system=System, accesses=[SystemAccess, ...])``, once per system with
#: all its new rows (an imported user list: every new user at once; a form: one). The people
#: are the rows' ``person_id``; :func:`in_force` says whose access holds today, the one rule
#: for what new access starts at once (access from a later day waits for the daily rounds,
#: which read :func:`users_of`). Changing an existing row does not call it.
ACCESS_GRANTED_HOOK = "portfolio.access_granted"
PANEL_ROWS = 50  # users listed on a system's page; the rest are counted


def current(on: date | None = None) -> Q:
    """The condition of access that holds on ``on`` (default today)."""
    on = on or timezone.localdate()
    return Q(valid_from__lte=on) & (Q(valid_until__isnull=True) | Q(valid_until__gte=on))


def users_of(systems: Iterable[System | int], on: date | None = None) -> dict[int, set[int]]:
    """The people who use each of ``systems`` on ``on`` (default today): ``{system id:
    {person id, ...}}``, every system asked for present (an empty set when nobody uses it).
    One query, whatever the number of systems and people."""
    ids = {s if isinstance(s, int) else s.pk for s in systems}
    found: dict[int, set[int]] = {pk: set() for pk in ids}
    if not ids:
        return found
    rows = SystemAccess.objects.filter(current(on), system_id__in=sorted(ids)).values_list(
        "system_id", "person_id"
    )
    for system_id, person_id in rows:
        found[system_id].add(person_id)
    return found


def in_force(accesses: Iterable[SystemAccess], on: date | None = None) -> set[int]:
    """The people of ``accesses`` whose access holds on ``on`` (default today), by the rule
    of :func:`current`: started, and not ended. No query."""
    on = on or timezone.localdate()
    return {
        a.person_id
        for a in accesses
        if a.valid_from is not None
        and a.valid_from <= on
        and (a.valid_until is None or a.valid_until >= on)
    }


def access_saved(access: SystemAccess) -> None:
    """What follows from a saved access row (the type's ``after_save``): a new one is told to
    the apps answering :data:`ACCESS_GRANTED_HOOK`."""
    accesses_saved([access])


def accesses_saved(accesses: Iterable[SystemAccess]) -> None:
    """What follows from saved access rows (the type's ``after_import``): the new ones are told
    to the apps answering :data:`ACCESS_GRANTED_HOOK`, once per system with all its new rows.
    One query, whatever the number of rows."""
    new: dict[int, list[SystemAccess]] = defaultdict(list)
    for access in accesses:
        if access.version == 1:  # created now: the version goes up on every later save
            new[access.system_id].append(access)
    if not new:
        return
    systems = System.objects.in_bulk(sorted(new))
    for system_id in sorted(new):
        extensions.hook_results(
            ACCESS_GRANTED_HOOK, system=systems[system_id], accesses=new[system_id]
        )


def visible_access(queryset, user):
    """The access rows ``user`` may read: all of them for a role that reads them across the
    organization; for a department-scoped reader (a department leader), those of the people
    of their departments or of the systems their departments own. One query."""
    if user is None or not user.is_authenticated:
        return queryset.none()
    scope = permissions.write_scope(user, registry.get(SystemAccess), "view")
    if scope == permissions.ALL:
        return queryset
    if scope is None:
        return queryset.none()
    departments = sorted(permissions.user_department_ids(user))
    return queryset.filter(
        Q(person__department_id__in=departments) | Q(system__business_owner_id__in=departments)
    )


def can_view_access(user) -> bool:
    """Whether ``user`` may read any access rows (the "Users" section of a system's page)."""
    return permissions.has_perm(user, "portfolio.view_systemaccess")


def access_visibility(user) -> tuple:
    """What the "Users" section depends on for ``user``: everything, or their departments."""
    scope = permissions.write_scope(user, registry.get(SystemAccess), "view")
    if scope == permissions.DEPARTMENT:
        return ("department", *sorted(permissions.user_department_ids(user)))
    return (scope,)


def system_users(request, system) -> dict:
    """The "Users" section of a system's page: its current users that the reader may see
    (the first :data:`PANEL_ROWS`, by name) and how many there are."""
    access_type = registry.get(SystemAccess)
    rows = access_type.for_user(
        request.user,
        SystemAccess.objects.filter(current(), system=system),
    )
    count = rows.count()
    shown = list(
        rows.select_related("person", "person__department").order_by(
            "person__last_name", "person__first_name", "pk"
        )[:PANEL_ROWS]
    )
    return {
        "access_rows": shown,
        "access_count": count,
        "access_more": count - len(shown),
        "access_list_url": f"{access_type.url('list')}?system={system.pk}",
        "access_add_url": (
            f"{access_type.url('add')}?system={system.pk}"
            if permissions.can(request.user, access_type, "add")
            else None
        ),
    }
