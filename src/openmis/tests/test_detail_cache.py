"""The detail page's fields, related-object counts and change history are rendered once per data
generation and served from the cache; any committed write shows on the next view."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import formats, timezone, translation

from openmis.core import registry
from openmis.core.services import save_object
from openmis.core.tests.samples import all_samples
from openmis.core.views.generic import detail_fragments
from openmis.org.roles import EMPLOYEE
from openmis.org.tests.factories import DepartmentFactory, user_with_role
from openmis.portfolio.tests import factories as portfolio

pytestmark = pytest.mark.django_db
TYPES = [ot.label for ot in registry.all_types() if not ot.read_only]
HISTORY_ENTRY = re.compile(r'<li class="mb-2 border-start')


def history_entries(response) -> int:
    return len(HISTORY_ENTRY.findall(response.content.decode()))


@pytest.mark.parametrize("label", TYPES)
def test_warm_detail_page_reads_no_history_and_a_change_shows_at_once(label, director):
    ot = registry.get(label)
    sample = all_samples()[label]
    obj = sample["make"](DepartmentFactory(name="Owner"))
    client = Client()
    client.force_login(director)
    url = ot.url("detail", obj)
    before = client.get(url)
    assert before.status_code == 200
    with CaptureQueriesContext(connection) as warm:
        again = client.get(url)
    assert again.status_code == 200
    assert not [q for q in warm.captured_queries if "auditlog_logentry" in q["sql"]], (
        "the warm page read the change history again instead of taking it from the cache"
    )

    field, value = sample["change"]
    setattr(obj, field, value)
    save_object(obj, director, obj.version)
    after = client.get(url)
    assert after.status_code == 200
    assert history_entries(after) == history_entries(before) + 1


def test_related_counts_and_fields_follow_writes(director):
    system = portfolio.SystemFactory(name="Payroll", users=40)
    client = Client()
    client.force_login(director)
    url = registry.get("portfolio.system").url("detail", system)
    page = client.get(url).content.decode()
    costs_link = f"/portfolio/costs/?system={system.pk}"
    assert costs_link in page
    assert re.search(rf'href="{re.escape(costs_link)}".*?badge[^>]*>0<', page, re.S)

    portfolio.SystemCostFactory(system=system)
    system.users = 55
    save_object(system, director, system.version)
    page = client.get(url).content.decode()
    assert re.search(rf'href="{re.escape(costs_link)}".*?badge[^>]*>1<', page, re.S)
    assert "<td>55</td>" in page


def test_fragments_are_kept_apart_by_language_and_time_zone(director):
    system = portfolio.SystemFactory(name="Payroll")
    ot = registry.get("portfolio.system")
    with translation.override("en"), timezone.override("UTC"):
        english_utc = detail_fragments(ot, system, director)["fields"]
    with translation.override("pl"), timezone.override("UTC"):
        polish_utc = detail_fragments(ot, system, director)["fields"]
    with translation.override("en"), timezone.override("Asia/Tokyo"):
        english_tokyo = detail_fragments(ot, system, director)["fields"]
    assert "Last changed" in english_utc
    assert "Ostatnia zmiana" in polish_utc
    # Tokyo is nine hours ahead of UTC: the same moment is another hour on the page.
    assert english_tokyo != english_utc
    with timezone.override("Asia/Tokyo"):
        assert formats.localize(timezone.localtime(system.updated)) in english_tokyo


# --- whole pages of types that say what their page depends on (systems) ------------------------

CSRF_VALUE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def page_of(client, system):
    response = client.get(f"/portfolio/systems/{system.pk}/")
    assert response.status_code == 200
    return response


def without_tokens(html: bytes) -> str:
    text = CSRF_VALUE.sub("TOKEN", html.decode())
    return re.sub(r'"X-CSRFToken": "[^"]+"', "TOKEN", text)


def test_a_system_page_is_served_again_with_this_sessions_token(director):
    system = portfolio.SystemFactory(name="Payroll")
    client, other = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    client.force_login(director)
    other.force_login(director)  # a second session (logging in is a write: done first)
    first = page_of(client, system)
    again = page_of(client, system)
    assert "core/cached_page.html" not in [t.name for t in first.templates]
    assert "core/cached_page.html" in [t.name for t in again.templates]
    assert without_tokens(again.content) == without_tokens(first.content)

    # The other session gets the kept page with a token of its own, which the move accepts.
    kept = page_of(other, system)
    assert "core/cached_page.html" in [t.name for t in kept.templates]
    html = kept.content.decode()
    token = CSRF_VALUE.search(html, html.index('id="stage-form"')).group(1)
    moved = other.post(
        f"/portfolio/systems/{system.pk}/stage/",
        {"stage": "evaluating", "date": "2026-01-05", "csrfmiddlewaretoken": token},
    )
    assert moved.status_code == 302
    system.refresh_from_db()
    assert system.lifecycle_stage == "evaluating"
    # The move is on the next view, with its message above the page.
    after = other.get(moved["Location"])
    assert "core/cached_page.html" not in [t.name for t in after.templates]
    assert "Evaluating" in after.content.decode()
    assert 'role="alert"' in after.content.decode()


def test_a_warm_system_page_renders_no_section_again_until_the_portfolio_changes(director):
    system = portfolio.SystemFactory(name="Payroll")
    client = Client()
    client.force_login(director)
    page_of(client, system)
    with CaptureQueriesContext(connection) as warm:
        page_of(client, system)
    assert not [q for q in warm.captured_queries if "portfolio_systemcost" in q["sql"]], (
        "the warm page computed the costs section again instead of taking it from the cache"
    )
    portfolio.SystemCostFactory(system=system)
    with CaptureQueriesContext(connection) as after:
        page_of(client, system)
    assert [q for q in after.captured_queries if "portfolio_systemcost" in q["sql"]]


def test_what_one_user_may_do_never_shows_on_anothers_page(director, department):
    system = portfolio.SystemFactory(name="Payroll", business_owner=department)
    boss = Client()
    boss.force_login(director)
    employee = Client()
    employee.force_login(user_with_role(EMPLOYEE, department, username="clerk"))
    edit_link = f'href="/portfolio/systems/{system.pk}/edit/"'
    for _ in range(2):  # the second round is served from what the first kept
        boss_page = page_of(boss, system).content.decode()
        employee_page = page_of(employee, system).content.decode()
        assert edit_link in boss_page and 'id="stage-form"' in boss_page
        assert edit_link not in employee_page and 'id="stage-form"' not in employee_page
        assert ">clerk<" in employee_page and ">clerk<" not in boss_page
