"""In a real headless Chromium: choosing a person by typing part of the name, and names
shown as text in the picker (one named like an ``<img onerror>`` runs nothing).

Chromium's settings come from the core browser test, :mod:`openmis.core.tests.test_browser`.
"""

import os
import re

import pytest

# Playwright's sync API runs an event loop in the test thread; Django's ORM refuses to run
# from a thread with a running loop unless told it is safe (it is: no loop code touches it).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from playwright.sync_api import expect

from openmis.core.tests.test_browser import PASSWORD, _ensure_builtin_roles, _submit, browser
from openmis.core.widgets import AUTOCOMPLETE_THRESHOLD
from openmis.org.models import Person
from openmis.org.roles import LEADER
from openmis.org.tests.factories import DepartmentFactory, PersonFactory, user_with_role

__all__ = ["browser"]  # the module's Chromium, shared with the core browser test

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("browser"),
]

PAYLOAD = '<img src=x onerror="window.__xss=1">'


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, locale="en-US", viewport={"width": 1400, "height": 900}
    )
    context.set_default_timeout(60_000)  # a shared, busy machine: generous, not timed
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def leader_world():
    """A department leader of Finance, a colleague to edit, two Anna Nowak (Finance and
    Sales) among more people than a page sends (so the picker searches the API)."""
    _ensure_builtin_roles()
    finance, sales = DepartmentFactory(name="Finance"), DepartmentFactory(name="Sales")
    leader = user_with_role(LEADER, department=finance, username="leader")
    PersonFactory.create_batch(AUTOCOMPLETE_THRESHOLD, department=sales)
    return {
        "colleague": PersonFactory(first_name="Jan", last_name="Kowalski", department=finance),
        "anna_finance": PersonFactory(first_name="Anna", last_name="Nowak", department=finance),
        "anna_sales": PersonFactory(first_name="Anna", last_name="Nowak", department=sales),
        "leader": leader,
    }


def _log_in(page, username):
    page.goto("/accounts/login/")
    page.fill("input[name=login]", username)
    page.fill("input[name=password]", PASSWORD)
    _submit(page)
    page.wait_for_url(re.compile(r"/$"))


def test_a_leader_picks_a_manager_by_typing_part_of_the_name(page, leader_world):
    colleague, anna_sales = leader_world["colleague"], leader_world["anna_sales"]
    # Given a department leader on the edit form of a colleague
    _log_in(page, "leader")
    page.goto(f"/org/people/{colleague.pk}/edit/")
    # When they type part of a name into the manager picker
    page.click("#id_manager-ts-control")
    page.keyboard.type("anna nowa")
    # Then both Anna Nowak are offered, each with her department on a second line
    options = page.locator(".ts-dropdown .option")
    expect(options).to_have_count(2)
    expect(options.locator(".picker-hint")).to_have_text(["Finance", "Sales"])
    # When they choose the one of Sales with the keyboard, and save
    page.keyboard.press("ArrowDown")
    expect(page.locator(".ts-dropdown .option.active")).to_contain_text("Sales")
    page.keyboard.press("Enter")
    expect(page.locator("#id_manager")).to_have_value(str(anna_sales.pk))
    with page.expect_navigation():
        _submit(page)
    # Then the colleague's manager is that Anna, and the page says so
    assert Person.objects.get(pk=colleague.pk).manager_id == anna_sales.pk
    expect(page.locator("main")).to_contain_text("Anna Nowak")


def test_a_name_shown_in_the_picker_is_text(page, leader_world):
    evil = PersonFactory(first_name=PAYLOAD, last_name="Payload")
    _log_in(page, "leader")
    page.goto(f"/org/people/{leader_world['colleague'].pk}/edit/")
    page.click("#id_manager-ts-control")
    page.keyboard.type("payload")
    option = page.locator(".ts-dropdown .option")
    expect(option).to_have_count(1)
    # the name reads as typed, and no element was made of it
    expect(option.locator("div").first).to_have_text(f"{PAYLOAD} Payload")
    assert page.locator(".ts-wrapper img, .ts-dropdown img").count() == 0
    page.keyboard.press("Enter")
    expect(page.locator("#id_manager")).to_have_value(str(evil.pk))
    expect(page.locator("#id_manager + .ts-wrapper .item")).to_have_text(f"{PAYLOAD} Payload")
    assert page.locator(".ts-wrapper img").count() == 0
    assert page.evaluate("window.__xss") is None
