"""Who an audience reaches, from the database: loads the plain data the pure resolver
(:mod:`openmis.governance.audiences`) needs with a fixed number of queries, whatever the
size of the organization, and resolves."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from openmis.core import permissions, registry
from openmis.governance.audiences import AudienceSpec, Organization, resolve
from openmis.governance.models import Audience
from openmis.org.models import Department, Person
from openmis.portfolio.access import current, users_of, visible_access
from openmis.portfolio.models import SystemAccess

SPEC_FIELDS = (
    "whole_organization",
    "departments",
    "sub_departments",
    "roles",
    "systems",
    "include_people",
    "exclude_people",
)
DRILL_DOWN_ROWS = 500  # people listed on an audience's page; the rest are counted


def _ids(values) -> frozenset[int]:
    return frozenset(v if isinstance(v, int) else v.pk for v in values or ())


def spec_from(values: dict) -> AudienceSpec:
    """The spec of an audience given as field values (a form's cleaned data, an API
    request's validated data): model instances or ids for the many-to-many fields."""
    return AudienceSpec(
        organization=bool(values.get("whole_organization")),
        departments=_ids(values.get("departments")),
        sub_departments=bool(values.get("sub_departments", True)),
        roles=_ids(values.get("roles")),
        systems=_ids(values.get("systems")),
        include=_ids(values.get("include_people")),
        exclude=_ids(values.get("exclude_people")),
    )


def spec_of(audience: Audience) -> AudienceSpec:
    """The spec of a saved audience (one query per many-to-many field)."""
    return AudienceSpec(
        organization=audience.whole_organization,
        departments=frozenset(audience.departments.values_list("pk", flat=True)),
        sub_departments=audience.sub_departments,
        roles=frozenset(audience.roles.values_list("pk", flat=True)),
        systems=frozenset(audience.systems.values_list("pk", flat=True)),
        include=frozenset(audience.include_people.values_list("pk", flat=True)),
        exclude=frozenset(audience.exclude_people.values_list("pk", flat=True)),
    )


def organization_for(spec: AudienceSpec, on: date | None = None) -> Organization:
    """The plain data ``spec`` is resolved against on ``on`` (default today): the department
    tree, the active people and their departments, the holders of the spec's roles and the
    current users of its systems. At most four queries, whatever the number of people."""
    parents = {}
    if spec.departments and spec.sub_departments:
        parents = dict(Department.objects.values_list("pk", "parent_id"))
    people = dict(Person.objects.filter(active=True).values_list("pk", "department_id"))
    roles_of: dict[int, set[int]] = {}
    if spec.roles:
        held = Person.objects.filter(
            active=True, user__is_active=True, user__groups__role__in=sorted(spec.roles)
        ).values_list("pk", "user__groups__role")
        for person, role in held:
            roles_of.setdefault(person, set()).add(role)
    systems = users_of(spec.systems, on) if spec.systems else {}
    return Organization(parents=parents, people=people, roles_of=roles_of, users_of=systems)


def resolve_spec(spec: AudienceSpec, on: date | None = None) -> frozenset[int]:
    """The ids of the people ``spec`` reaches on ``on`` (default today)."""
    return resolve(spec, organization_for(spec, on))


def members(audience: Audience, on: date | None = None) -> frozenset[int]:
    """The ids of the people ``audience`` reaches on ``on`` (default today)."""
    return resolve_spec(spec_of(audience), on)


def refuse_empty(spec: AudienceSpec) -> None:
    """Refuse an audience that reaches nobody: a policy or a course addressed to it would
    silently go to no one."""
    if not resolve_spec(spec):
        raise ValidationError(
            _(
                "This audience reaches nobody: choose the whole organization, departments, "
                "roles, systems with users or people to include (and leave out fewer people)."
            )
        )


def members_seen_by(audience: Audience, user, on: date | None = None) -> tuple[frozenset, bool]:
    """The people ``audience`` reaches on ``on`` as far as ``user`` may tell, and whether
    that is all of them: ``(ids, partial)``.

    Who uses which system and who holds which role are not everyone's to read. A reader who
    sees access rows across the organization (:func:`openmis.portfolio.access.visible_access`
    with the "all" scope: the MIS office, analysts) sees the audience in full; anyone else
    is reached through a system only by the access rows they may read (a department leader:
    of their departments' people or systems), and through a role only by the holders in
    their departments. Those reached only in ways they may not see are neither listed nor
    counted, so the count tells nothing of the access they may not read. ``partial`` says
    only that the spec has systems or roles the reader sees in part, never whether anybody
    was left out. At most five queries."""
    spec = spec_of(audience)
    org = organization_for(spec, on)
    scope = permissions.write_scope(user, registry.get(SystemAccess), "view")
    if scope == permissions.ALL or not (spec.systems or spec.roles):
        return resolve(spec, org), False
    departments = set(permissions.user_department_ids(user))
    seen_users: dict[int, set[int]] = {pk: set() for pk in spec.systems}
    if spec.systems and scope is not None:
        rows = visible_access(
            SystemAccess.objects.filter(current(on), system_id__in=sorted(spec.systems)), user
        ).values_list("system_id", "person_id")
        for system_id, person_id in rows:
            seen_users[system_id].add(person_id)
    seen_roles = {
        person: held
        for person, held in org.roles_of.items()
        if org.people.get(person) in departments
    }
    seen = Organization(
        parents=org.parents, people=org.people, roles_of=seen_roles, users_of=seen_users
    )
    return resolve(spec, seen), True


def audience_context(audience: Audience, request) -> dict:
    """The audience's page: how many people it reaches now and who they are (the first
    :data:`DRILL_DOWN_ROWS` by name, with their department), as far as the reader may tell
    (:func:`members_seen_by`)."""
    ids, partial = members_seen_by(audience, request.user)
    # The first ones by name, picked from the ordered ids of the active people (no IN list
    # of thousands of ids, which SQLite limits), then read with their departments.
    order = ("last_name", "first_name", "pk")
    first = []
    for pk in Person.objects.filter(active=True).order_by(*order).values_list("pk", flat=True):
        if pk in ids:
            first.append(pk)
            if len(first) == DRILL_DOWN_ROWS:
                break
    people = list(Person.objects.filter(pk__in=first).select_related("department").order_by(*order))
    return {
        "member_count": len(ids),
        "members": people,
        "members_more": len(ids) - len(people),
        "members_partial": partial,
    }


def audience_saved(audience: Audience) -> None:
    """The type's ``after_save``: an audience written by an import (whose many-to-many values
    are set after the row) that reaches nobody is refused, and the import rolled back; the
    form and the API refuse it before saving."""
    refuse_empty(spec_of(audience))
