"""Core's write-scope checks ask the scope provider an app installs; without one they deny."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission

from openmis.core import permissions, registry
from openmis.org import scopes
from openmis.org.models import Person
from openmis.org.roles import LEADER
from openmis.org.tests.factories import (
    DepartmentFactory,
    PersonFactory,
    UserFactory,
    user_with_role,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def install():
    """``install(provider)`` puts ``provider`` (None: no provider) in place until the test
    ends, then puts back the one installed before."""
    previous = permissions.scope_provider()
    yield permissions.set_scope_provider
    permissions.set_scope_provider(previous)


@pytest.fixture
def people():
    return registry.get(Person)


@pytest.fixture
def sales():
    return DepartmentFactory(name="Sales")


def test_org_installs_its_provider_when_it_starts():
    assert permissions.scope_provider() is scopes.PROVIDER


def test_orgs_provider_gives_a_role_its_scope_and_the_department_below(sales, people):
    north = DepartmentFactory(name="North", parent=sales)
    leader = user_with_role(LEADER, sales)
    assert ("org.change_person", permissions.DEPARTMENT) in set(scopes.role_permissions(leader))
    assert permissions.user_department_ids(leader) == {sales.pk, north.pk}
    assert permissions.can(leader, people, "change", PersonFactory(department=north))
    assert not permissions.can(leader, people, "change", PersonFactory())


def test_without_a_provider_roles_grant_nothing(install, sales, people):
    leader = user_with_role(LEADER, sales)
    mine = PersonFactory(department=sales)
    install(None)
    assert not permissions.has_perm(leader, "org.view_person")
    assert permissions.held(leader) == frozenset()
    assert permissions.write_scope(leader, people, "change") is None
    assert not permissions.can(leader, people, "view")
    assert not permissions.can(leader, people, "change", mine)
    assert permissions.user_department_ids(leader) == frozenset()


def test_without_a_provider_direct_permissions_and_superusers_keep_theirs(install, people):
    user = UserFactory()
    user.user_permissions.add(Permission.objects.get(codename="change_person"))
    boss = UserFactory(is_superuser=True)
    install(None)
    row = PersonFactory()
    assert permissions.write_scope(user, people, "change") == permissions.ALL
    assert permissions.can(user, people, "change", row)
    assert not permissions.can(user, people, "delete", row)
    assert permissions.can(boss, people, "delete", row)


def test_core_follows_what_the_installed_provider_says(install, sales, people):
    user = UserFactory()
    install(
        permissions.ScopeProvider(
            role_permissions=lambda u: [
                ("org.change_person", permissions.DEPARTMENT),
                ("org.delete_person", "somewhere"),  # not a scope core knows: grants nothing
            ],
            department_ids=lambda u: {sales.pk},
        )
    )
    assert permissions.held(user) == {"org.change_person"}
    assert permissions.can(user, people, "change", PersonFactory(department=sales))
    assert not permissions.can(user, people, "change", PersonFactory())
    assert not permissions.can(user, people, "delete", PersonFactory(department=sales))


def test_a_department_scope_reaches_no_row_when_the_provider_names_no_department(install, people):
    user = UserFactory()
    install(
        permissions.ScopeProvider(
            role_permissions=lambda u: [("org.change_person", permissions.DEPARTMENT)],
            department_ids=lambda u: frozenset(),
        )
    )
    assert permissions.can(user, people, "change")  # on some row, in principle
    assert not permissions.can(user, people, "change", PersonFactory())


def _permission_queries(user) -> int:
    """How many queries that reading ``user``'s permissions makes in a new request."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from openmis.core import caching

    with caching.request_scope(), CaptureQueriesContext(connection) as queries:
        permissions.held(user)
    return len([q for q in queries.captured_queries if '"auth_permission"' in q["sql"]])


def test_a_warehouse_write_keeps_the_permission_cache_and_a_role_change_drops_it(sales):
    from openmis.core import caching
    from openmis.org.models import Role

    # given a leader whose permissions were read once (and so are in the shared cache)
    leader = user_with_role(LEADER, sales)
    assert _permission_queries(leader) == 2  # through roles, direct
    assert _permission_queries(leader) == 0
    # when a warehouse import moves the generation of bi (as every BI write does)
    caching.bump("bi")
    # then the next request reads the permissions from the cache: no query of them
    assert _permission_queries(leader) == 0
    # and a change to a role drops them: the next request reads them again
    role = Role.objects.get(slug=LEADER)
    role.description = "Leads a department."
    role.save()
    assert _permission_queries(leader) == 2  # through roles, direct
