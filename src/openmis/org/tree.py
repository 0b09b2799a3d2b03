"""The department tree, walked in one place.

A department's place in the tree decides who may write its records (a department-scoped role
reaches the departments below the user's) and what is shared with whom (a share given to a
department reaches those below it). The tree is read with one query a request
(:func:`openmis.core.caching.per_request`) and walked in memory; a walk stops at a cycle
rather than looping, should one ever be stored.
"""

from __future__ import annotations

from collections.abc import Iterable

from openmis.core.caching import per_request
from openmis.org.people import person_of


@per_request
def _links() -> tuple[dict[int, int | None], dict[int | None, tuple[int, ...]]]:
    """``(parents, children)``: each department's parent, and each department's children."""
    from openmis.org.models import Department

    parents: dict[int, int | None] = {}
    children: dict[int | None, list[int]] = {}
    for pk, parent_id in Department.objects.values_list("pk", "parent_id").order_by("pk"):
        parents[pk] = parent_id
        children.setdefault(parent_id, []).append(pk)
    return parents, {parent: tuple(pks) for parent, pks in children.items()}


def _pk(department) -> int | None:
    return getattr(department, "pk", department)


def ancestors(department) -> list[int]:
    """The primary keys of ``department`` (a department or its primary key) and of every
    department above it, nearest first; empty for None.

    >>> ancestors(None)
    []
    """
    pk = _pk(department)
    if pk is None:
        return []
    parents = _links()[0]
    chain: list[int] = []
    while pk is not None and pk not in chain:
        chain.append(pk)
        pk = parents.get(pk)
    return chain


def descendants(*departments) -> frozenset[int]:
    """The primary keys of the given departments (departments or primary keys) and of every
    department below any of them.

    >>> descendants()
    frozenset()
    """
    return below(departments)


def below(roots: Iterable) -> frozenset[int]:
    """:func:`descendants` of an iterable of departments or primary keys."""
    stack = [pk for pk in map(_pk, roots) if pk is not None]
    if not stack:
        return frozenset()
    children = _links()[1]
    found: set[int] = set()
    while stack:
        pk = stack.pop()
        if pk not in found:
            found.add(pk)
            stack.extend(children.get(pk, ()))
    return frozenset(found)


def department_chain(user) -> list[int]:
    """The user's department and every department above it, nearest first (what is shared
    with a department reaches the people of the departments below it); empty for a login
    without a person record."""
    person = person_of(user)
    return ancestors(person.department_id) if person is not None else []


@per_request
def department_ids(user) -> frozenset[int]:
    """The user's department and every department below it (where a department-scoped role
    lets them write); empty for a login without a person record."""
    person = person_of(user)
    return descendants(person.department_id) if person is not None else frozenset()
