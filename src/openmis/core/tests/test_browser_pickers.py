"""In a real headless Chromium: choosing a person by typing part of the name, and names
shown as text in the picker (one named like an ``<img onerror>`` runs nothing).

Chromium, the page and the log-in come from :mod:`openmis.tests.browser`.
"""

import pytest
from playwright.sync_api import expect

from openmis.core.widgets import AUTOCOMPLETE_THRESHOLD
from openmis.org.models import Person
from openmis.org.roles import LEADER
from openmis.org.tests.factories import DepartmentFactory, PersonFactory, user_with_role
from openmis.tests.browser import BROWSER, log_in, submit

pytestmark = BROWSER

PAYLOAD = '<img src=x onerror="window.__xss=1">'


@pytest.fixture
def page(new_context):
    """A page whose steps wait long: the shared, busy machine is slow, and this is not timed."""
    return new_context(timeout_ms=60_000).new_page()


@pytest.fixture
def leader_world():
    """A department leader of Finance, a colleague to edit, two Anna Nowak (Finance and
    Sales) among more people than a page sends (so the picker searches the API)."""
    finance, sales = DepartmentFactory(name="Finance"), DepartmentFactory(name="Sales")
    leader = user_with_role(LEADER, department=finance, username="leader")
    PersonFactory.create_batch(AUTOCOMPLETE_THRESHOLD, department=sales)
    return {
        "colleague": PersonFactory(first_name="Jan", last_name="Kowalski", department=finance),
        "anna_finance": PersonFactory(first_name="Anna", last_name="Nowak", department=finance),
        "anna_sales": PersonFactory(first_name="Anna", last_name="Nowak", department=sales),
        "leader": leader,
    }


def test_a_leader_picks_a_manager_by_typing_part_of_the_name(page, leader_world):
    colleague, anna_sales = leader_world["colleague"], leader_world["anna_sales"]
    # Given a department leader on the edit form of a colleague
    log_in(page, "leader")
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
        submit(page)
    # Then the colleague's manager is that Anna, and the page says so
    assert Person.objects.get(pk=colleague.pk).manager_id == anna_sales.pk
    expect(page.locator("main")).to_contain_text("Anna Nowak")


def test_a_name_shown_in_the_picker_is_text(page, leader_world):
    evil = PersonFactory(first_name=PAYLOAD, last_name="Payload")
    log_in(page, "leader")
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
