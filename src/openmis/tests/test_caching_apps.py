"""Caching across apps: a value or page keyed by the generations of the apps it shows (the
portfolio survives a warehouse import; private BI rows are kept per user)."""

from __future__ import annotations

import pytest

from openmis.core import caching
from openmis.core.tests.test_caching import _counted, _queries_on


@pytest.mark.django_db
def test_a_write_in_bi_keeps_a_value_that_depends_on_the_portfolio(director):
    from openmis.bi.models import Dashboard

    fn, made = _counted("systems")
    assert caching.get_or_set(("v",), fn, depends_on=("portfolio", "org")) == "systems"
    Dashboard.objects.create(title="Sales", owner=director)
    caching.bump("bi")  # as a warehouse import does
    assert caching.get_or_set(("v",), fn, depends_on=("portfolio", "org")) == "systems"
    assert made == [1]


def test_a_page_of_a_type_depends_on_the_apps_it_shows():
    from openmis.portfolio.models import System

    labels = caching.depends_on_model(System)
    # its own; departments and people (org) it points to; feedback pointing at it
    assert {"portfolio", "org", "feedback"} <= labels
    assert "bi" not in labels  # a warehouse import never drops a system's page


@pytest.mark.django_db
def test_a_warehouse_import_keeps_the_portfolio_list_and_a_department_change_drops_it(director):
    from openmis.conftest import logged_in
    from openmis.portfolio.tests.factories import SystemFactory

    system = SystemFactory(name="Payroll")
    client = logged_in(director)
    url = "/portfolio/systems/"
    assert _queries_on(client, url, "portfolio_system")
    caching.bump("bi")  # what an import into the warehouse does
    assert not _queries_on(client, url, "portfolio_system")
    department = system.business_owner
    department.name = "Finance and Payroll"
    department.save()
    assert _queries_on(client, url, "portfolio_system")
    assert "Finance and Payroll" in client.get(url).content.decode()


@pytest.mark.django_db
def test_a_list_of_private_rows_is_kept_per_user(department):
    from openmis.bi.tests import factories as bi
    from openmis.conftest import logged_in
    from openmis.org.roles import ANALYST
    from openmis.org.tests.factories import user_with_role

    alice = user_with_role(ANALYST, department, username="alice")
    bob = user_with_role(ANALYST, department, username="bob")
    mine, theirs = bi.question(owner=alice), bi.question(owner=bob)
    alice_client, bob_client = logged_in(alice), logged_in(bob)
    for _ in range(2):  # the second round is served from what the first kept
        alice_page = alice_client.get("/bi/questions/").content.decode()
        bob_page = bob_client.get("/bi/questions/").content.decode()
        assert mine.title in alice_page and theirs.title not in alice_page
        assert theirs.title in bob_page and mine.title not in bob_page


@pytest.mark.django_db
def test_a_write_in_bi_keeps_the_permissions_of_a_user_cached(director):
    from openmis.bi.models import Dashboard
    from openmis.core.tests.test_permissions_scope import _permission_queries

    # given the director's permissions, read once and so kept in the shared cache
    assert _permission_queries(director) == 2  # through roles, direct
    # when a dashboard is created and a warehouse import moves the generation of bi
    Dashboard.objects.create(title="Sales", owner=director)
    caching.bump("bi")
    # then the next request still finds the permissions in the cache
    assert _permission_queries(director) == 0
