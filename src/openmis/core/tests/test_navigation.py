"""The navigation menu: built from the registry and the user's permissions, rendered once per
set of visible entries, language and data generation, and cached; a change of roles or
permissions shows on the very next request."""

import re

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils.safestring import SafeString

from openmis.conftest import logged_in
from openmis.core import context_processors, registry
from openmis.org.models import Role
from openmis.org.roles import DIRECTOR, EMPLOYEE, STAFF
from openmis.org.tests.factories import user_with_role

pytestmark = pytest.mark.django_db

MENU = re.compile(r'<ul class="navbar-nav me-auto">(.*?)</ul>\s*(?:<form|<div|</div>)', re.S)


def menu(client, path="/search/") -> str:
    """The menu entries of the page at ``path`` (the search page: a plain page with the menu)."""
    response = client.get(path)
    assert response.status_code == 200
    found = MENU.search(response.content.decode())
    assert found, "no navigation menu on the page"
    return found.group(1)


def whole_page(client, path="/search/") -> str:
    """The whole page: the change log's link sits in the user's menu, beside the main one."""
    response = client.get(path)
    assert response.status_code == 200
    return response.content.decode()


def test_links_follow_the_roles_permissions(department):
    employee = logged_in(user_with_role(EMPLOYEE, department))
    director = logged_in(user_with_role(DIRECTOR, department, username="boss"))
    costs = registry.get("portfolio.systemcost").url("list")
    assert 'href="/portfolio/systems/"' in menu(employee)
    assert costs not in menu(employee)  # employees may not see costs
    assert 'href="/changelog/"' not in whole_page(employee)
    assert costs in menu(director)
    assert 'href="/changelog/"' in whole_page(director)


def test_a_new_role_shows_on_the_next_request(department):
    user = user_with_role(EMPLOYEE, department)
    client = logged_in(user)
    tco = registry.get("portfolio.systemcost").url("list")
    assert tco not in menu(client)
    assert tco not in menu(client)  # served from the cache now
    user.groups.add(Role.objects.get(slug=STAFF).group)
    assert tco in menu(client)
    user.groups.remove(Role.objects.get(slug=STAFF).group)
    assert tco not in menu(client)


def test_a_permission_given_to_the_user_shows_on_the_next_request(department):
    user = user_with_role(EMPLOYEE, department)
    client = logged_in(user)
    assert 'href="/changelog/"' not in whole_page(client)
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="auditlog", codename="view_logentry")
    )
    assert 'href="/changelog/"' in whole_page(client)


def test_a_permission_given_to_the_role_shows_to_its_members(department):
    first = logged_in(user_with_role(EMPLOYEE, department))
    second = logged_in(user_with_role(EMPLOYEE, department))
    assert 'href="/changelog/"' not in whole_page(first) + menu(second)
    Role.objects.get(slug=EMPLOYEE).group.permissions.add(
        Permission.objects.get(content_type__app_label="auditlog", codename="view_logentry")
    )
    assert 'href="/changelog/"' in whole_page(first)
    assert 'href="/changelog/"' in whole_page(second)


def test_the_menu_follows_the_language(department):
    client = logged_in(user_with_role(DIRECTOR, department))
    assert ">Systems<" in menu(client) and 'title="Cockpit">OpenMIS<' in whole_page(client)
    response = client.post("/i18n/setlang/", {"language": "pl", "next": "/search/"})
    assert response.status_code == 302
    polish = menu(client)
    assert ">Systemy<" in polish and ">Systems<" not in polish
    assert 'title="Pulpit">OpenMIS<' in whole_page(client)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert ">Systems<" in menu(client)


def test_the_cached_menu_is_the_menu_rendered_anew(department):
    user = user_with_role(STAFF, department)
    client = logged_in(user)
    first = menu(client)  # rendered and cached
    assert menu(client) == first  # from the cache
    cache.clear()
    assert menu(client) == first  # rendered again


def test_anonymous_visitors_get_no_menu(db):
    response = Client().get("/accounts/login/")
    assert response.status_code == 200
    found = MENU.search(response.content.decode())
    assert found is not None and "nav-link" not in found.group(1)


def test_users_with_the_same_permissions_share_one_rendering(department, monkeypatch):
    clients = [
        logged_in(user_with_role(EMPLOYEE, department, username=f"employee{n}")) for n in range(3)
    ]
    rendered = []
    real = context_processors.render_to_string
    monkeypatch.setattr(
        context_processors,
        "render_to_string",
        lambda *args, **kwargs: rendered.append(args[0]) or real(*args, **kwargs),
    )
    for client in clients:
        menu(client)
    assert rendered == [context_processors.NAV_TEMPLATE]


def test_the_cached_menu_adds_no_query(department, monkeypatch):
    """Once cached, the menu costs no query of its own: the permissions and the data
    generation it needs are those the page reads anyway (a list page here)."""
    client = logged_in(user_with_role(DIRECTOR, department))
    page = registry.get("portfolio.system").url("list")
    menu(client, page)
    with CaptureQueriesContext(connection) as with_menu:
        client.get(page)
    monkeypatch.setattr(context_processors, "navigation_html", lambda user: SafeString())
    with CaptureQueriesContext(connection) as without_menu:
        client.get(page)
    assert len(with_menu) == len(without_menu)


def test_the_change_log_link_follows_the_check_of_the_change_log(department):
    """The user menu's "Change log" shows exactly when the change log opens: a permission of
    a group that is no role grants neither; one given to the user grants both."""
    from django.contrib.auth.models import Group

    user = user_with_role(EMPLOYEE, department, username="auditor")
    permission = Permission.objects.get(
        content_type__app_label="auditlog", codename="view_logentry"
    )
    group = Group.objects.create(name="Auditors (no role)")
    group.permissions.add(permission)
    user.groups.add(group)
    client = logged_in(user)
    assert 'id="changelog-link"' not in client.get("/search/").content.decode()
    assert client.get("/changelog/").status_code == 403
    user.user_permissions.add(permission)
    assert 'id="changelog-link"' in client.get("/search/").content.decode()
    assert client.get("/changelog/").status_code == 200


def test_the_header_reads_no_permission_rows_once_warm(department):
    """The header's permission checks (``perms``) are answered from the permissions the
    request already holds: a warm page queries no permission table."""
    client = logged_in(user_with_role(DIRECTOR, department))
    page = client.get("/search/")
    assert 'id="changelog-link"' in page.content.decode()  # the director reads the log
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/search/").status_code == 200
    assert not [q for q in queries.captured_queries if "auth_permission" in q["sql"]]
