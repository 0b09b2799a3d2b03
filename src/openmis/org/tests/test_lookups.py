"""The person of a login and the department tree: one helper each, read once per request."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext

from openmis.core import caching
from openmis.org import tree
from openmis.org.models import Department, Role
from openmis.org.people import person_of, role_ids
from openmis.org.roles import EMPLOYEE, LEADER
from openmis.org.tests.factories import DepartmentFactory, UserFactory, user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def org():
    """Head office > Sales > North; Finance on its own."""
    head = DepartmentFactory(name="Head office")
    sales = DepartmentFactory(name="Sales", parent=head)
    north = DepartmentFactory(name="North", parent=sales)
    finance = DepartmentFactory(name="Finance")
    return {"head": head, "sales": sales, "north": north, "finance": finance}


def test_person_of_a_login_is_their_person_with_the_department(org):
    user = user_with_role(EMPLOYEE, org["sales"])
    person = person_of(user)
    assert person == user.person
    assert "department" in person._state.fields_cache  # read with the person, no extra query


def test_an_anonymous_user_or_a_login_without_a_person_has_none():
    assert person_of(AnonymousUser()) is None
    assert person_of(None) is None
    assert person_of(UserFactory()) is None


def test_person_of_is_read_once_in_a_request_scope(org, django_assert_num_queries):
    user = user_with_role(EMPLOYEE, org["north"])
    with caching.request_scope(), django_assert_num_queries(1):
        people = {person_of(user) for _ in range(5)}
    assert people == {user.person}


def test_role_ids_are_the_roles_a_login_holds(org, django_assert_num_queries):
    leader = user_with_role(LEADER, org["sales"])
    expected = {Role.objects.get(slug=LEADER).pk}
    with caching.request_scope(), django_assert_num_queries(1):
        assert role_ids(leader) == expected
        assert role_ids(leader) == expected
    assert role_ids(UserFactory()) == frozenset()
    assert role_ids(AnonymousUser()) == frozenset()


def test_ancestors_go_up_from_the_department_nearest_first(org):
    assert tree.ancestors(org["north"]) == [org["north"].pk, org["sales"].pk, org["head"].pk]
    assert tree.ancestors(org["sales"].pk) == [org["sales"].pk, org["head"].pk]
    assert tree.ancestors(org["finance"]) == [org["finance"].pk]
    assert tree.ancestors(None) == []


def test_descendants_go_down_from_each_department_given(org):
    ids = {name: d.pk for name, d in org.items()}
    assert tree.descendants(org["head"]) == {ids["head"], ids["sales"], ids["north"]}
    assert tree.descendants(ids["north"]) == {ids["north"]}
    assert tree.descendants(org["north"], org["finance"]) == {ids["north"], ids["finance"]}
    assert tree.below([ids["sales"], None]) == {ids["sales"], ids["north"]}
    assert tree.descendants() == frozenset()
    assert org["sales"].descendant_ids() == {ids["sales"], ids["north"]}


def test_a_stored_cycle_ends_the_walk_instead_of_looping(org):
    # clean() refuses a cycle; a row written past it must not hang every page.
    Department.objects.filter(pk=org["head"].pk).update(parent=org["north"])
    assert tree.ancestors(org["sales"]) == [org["sales"].pk, org["head"].pk, org["north"].pk]
    assert tree.descendants(org["north"]) == {org["north"].pk, org["head"].pk, org["sales"].pk}


def test_a_users_chain_goes_up_and_their_write_reach_goes_down(org):
    user = user_with_role(LEADER, org["sales"])
    assert tree.department_chain(user) == [org["sales"].pk, org["head"].pk]
    assert tree.department_ids(user) == {org["sales"].pk, org["north"].pk}
    nobody = UserFactory()
    assert tree.department_chain(nobody) == []
    assert tree.department_ids(nobody) == frozenset()


def test_a_new_department_is_in_the_tree_at_once_inside_a_request_scope(org):
    with caching.request_scope():
        assert tree.descendants(org["north"]) == {org["north"].pk}
        south = DepartmentFactory(name="South", parent=org["north"])
        assert tree.descendants(org["north"]) == {org["north"].pk, south.pk}


def test_the_tree_is_read_once_in_a_request_scope(org, django_assert_num_queries):
    with caching.request_scope(), django_assert_num_queries(1):
        for department in org.values():
            tree.ancestors(department)
            tree.descendants(department)


def test_a_request_looks_the_person_and_the_tree_up_once_however_often_asked(
    org, django_assert_num_queries
):
    user = user_with_role(LEADER, org["sales"])
    request = RequestFactory().get("/")
    request.user = user

    def view(request):
        for _ in range(10):
            person_of(request.user)
            tree.department_chain(request.user)
            tree.department_ids(request.user)
        return tree.department_ids(request.user)

    with django_assert_num_queries(2):  # the person, then the tree
        reach = caching.RequestMemoMiddleware(view)(request)
    assert reach == {org["sales"].pk, org["north"].pk}


def _person_lookups(queries) -> int:
    return sum(
        1
        for q in queries
        if q["sql"].startswith('SELECT "org_person"') and '"org_person"."user_id" =' in q["sql"]
    )


def test_the_home_page_looks_the_person_of_the_login_up_once(org):
    # The home page asks for the person several times (meeting tiles, action items, scope).
    client = Client()
    client.force_login(user_with_role(LEADER, org["sales"]))
    client.get("/")  # warm-up: per-process caches are not what is measured
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/")
    assert response.status_code == 200
    assert _person_lookups(ctx.captured_queries) == 1
