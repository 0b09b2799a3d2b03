"""Who an audience reaches: one pure resolver from plain data to a set of person ids.

No Django and no app is imported here (it belongs in the "pure" import contract): the
service that loads the organization (:mod:`openmis.governance.audience_members`) hands over
plain mappings, and this module is unit- and property-tested without a database.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class AudienceSpec:
    """Whom an audience is for.

    Parameters
    ----------
    organization
        Everyone in the organization.
    departments
        Department ids whose people are in the audience.
    sub_departments
        Whether the departments below ``departments`` count too.
    roles
        Role ids whose holders are in the audience.
    systems
        System ids whose current users are in the audience.
    include
        People added by name.
    exclude
        People left out by name; exclusion wins over everything else.
    """

    organization: bool = False
    departments: frozenset[int] = field(default_factory=frozenset)
    sub_departments: bool = True
    roles: frozenset[int] = field(default_factory=frozenset)
    systems: frozenset[int] = field(default_factory=frozenset)
    include: frozenset[int] = field(default_factory=frozenset)
    exclude: frozenset[int] = field(default_factory=frozenset)


@dataclass(frozen=True)
class Organization:
    """The plain data an audience is resolved against.

    Parameters
    ----------
    parents
        ``{department id: parent id or None}`` for every department.
    people
        ``{person id: department id}`` for everyone who may be reached (the active people);
        nobody outside it is ever in an audience.
    roles_of
        ``{person id: role ids}`` (people without a role may be left out).
    users_of
        ``{system id: person ids}``: the current users of each system asked about.
    """

    parents: Mapping[int, int | None]
    people: Mapping[int, int]
    roles_of: Mapping[int, Iterable[int]] = field(default_factory=dict)
    users_of: Mapping[int, Iterable[int]] = field(default_factory=dict)


def department_closure(parents: Mapping[int, int | None], roots: Iterable[int]) -> set[int]:
    """The departments ``roots`` and every department below them (a cycle in ``parents`` is
    followed once).

    >>> sorted(department_closure({1: None, 2: 1, 3: 2, 4: None}, [2]))
    [2, 3]
    """
    children: dict[int, list[int]] = {}
    for child, parent in parents.items():
        if parent is not None:
            children.setdefault(parent, []).append(child)
    found: set[int] = set()
    stack = list(roots)
    while stack:
        department = stack.pop()
        if department in found:
            continue
        found.add(department)
        stack.extend(children.get(department, ()))
    return found


def resolve(spec: AudienceSpec, organization: Organization) -> frozenset[int]:
    """The ids of the people ``spec`` reaches in ``organization``.

    The union of: everyone (``organization``), the people of the departments (with those
    below them when ``sub_departments``), the holders of the roles, the users of the systems
    and the people included by name; then the excluded people are taken away (exclusion
    always wins). Only people of ``organization.people`` are ever returned.

    >>> org = Organization(parents={1: None, 2: 1}, people={10: 1, 11: 2, 12: 2})
    >>> sorted(resolve(AudienceSpec(departments=frozenset({1}), exclude=frozenset({12})), org))
    [10, 11]
    """
    people = organization.people
    if spec.organization:
        reached = set(people)
    else:
        reached = set()
        if spec.departments:
            departments = (
                department_closure(organization.parents, spec.departments)
                if spec.sub_departments
                else set(spec.departments)
            )
            reached.update(p for p, d in people.items() if d in departments)
        if spec.roles:
            wanted = set(spec.roles)
            reached.update(
                p for p, held in organization.roles_of.items() if wanted.intersection(held)
            )
        for system in spec.systems:
            reached.update(organization.users_of.get(system, ()))
        reached.update(spec.include)
    return frozenset(p for p in reached if p in people and p not in spec.exclude)
