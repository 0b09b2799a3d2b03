"""End to end in a real headless Chromium: a member of the MIS staff opens the triage queue,
chooses a new feedback item and declines it with a reason; the queue then shows it declined.

Chromium's settings, the login helpers and the built-in roles come from the core browser
test, :mod:`openmis.core.tests.test_browser`."""

import os
import re
from importlib import import_module

import pytest

# Playwright's sync API runs an event loop in the test thread; Django's ORM refuses to run
# from a thread with a running loop unless told it is safe (it is: no loop code touches it).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from django.contrib.auth.models import Permission
from playwright.sync_api import expect, sync_playwright

from openmis.core.models import Installation
from openmis.feedback.models import Feedback, FeedbackStatusChange
from openmis.feedback.tests.factories import FeedbackFactory
from openmis.org.models import Role
from openmis.org.roles import STAFF
from openmis.org.tests.factories import DepartmentFactory, user_with_role
from openmis.portfolio.tests.factories import SystemFactory

XDIST_GROUP = "xdist_group(name): run in the named xdist worker group"
try:
    _ONE_WORKER = [pytest.mark.xdist_group("browser")]  # with the core browser test
except pytest.fail.Exception:
    _ONE_WORKER = []

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), *_ONE_WORKER]
MATRICES = [
    "openmis.feedback.migrations.0002_role_permissions",
    "openmis.feedback.migrations.0004_triage",
    "openmis.portfolio.migrations.0002_role_permissions",
]


@pytest.fixture(scope="module")
def core(pytestconfig):
    pytestconfig.addinivalue_line("markers", XDIST_GROUP)
    return import_module("openmis.core.tests.test_browser")


@pytest.fixture(scope="module")
def browser(core):
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=core.CHROMIUM, headless=True, args=core.CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server, core):
    context = browser.new_context(
        base_url=live_server.url, locale="en-US", viewport={"width": 1400, "height": 900}
    )
    context.set_default_timeout(core.TIMEOUT_MS)
    page = context.new_page()
    yield page
    context.close()


def _grant_role_permissions():
    """What the apps' migrations granted (a transactional test before may have flushed it)."""
    for module in MATRICES:
        for slug, grants in import_module(module).MATRIX.items():
            group = Role.objects.get(slug=slug).group
            for label, actions in grants.items():
                app_label, model = label.split(".")
                group.permissions.add(
                    *Permission.objects.filter(
                        content_type__app_label=app_label,
                        codename__in=[f"{a}_{model}" for a in actions.split()],
                    )
                )


def test_staff_decline_an_item_from_the_triage_queue(page, live_server, core):
    # Given a member of the MIS staff and two new feedback items
    core._ensure_builtin_roles()
    _grant_role_permissions()
    Installation.current()
    marketing = DepartmentFactory(name="Marketing")
    user_with_role(STAFF, marketing, username="staff", email="staff@example.com")
    system = SystemFactory(name="CRM", business_owner=marketing)
    wanted = FeedbackFactory(system=system, department=marketing, text="Add a dark mode")
    kept = FeedbackFactory(system=system, department=marketing, text="Search is slow")
    page.goto("/accounts/login/")
    page.fill("input[name=login]", "staff")
    page.fill("input[name=password]", core.PASSWORD)
    core._submit(page)
    page.wait_for_url(f"{live_server.url}/")
    # When they open the triage queue from the menu
    page.locator(".dropdown-toggle", has_text="Feedback").click()
    page.get_by_role("link", name="Triage queue").click()
    page.wait_for_url(re.compile(r"/feedback/triage/\?status=new&status=acknowledged"))
    expect(page.locator("#triage-rows tbody tr")).to_have_count(2)
    # and decline the dark mode with a reason
    page.get_by_label(f"Choose #{wanted.pk}").check()
    page.select_option("#triage_status", "declined")
    page.fill("#triage_reason", "Not in this year's plan")
    page.click("#triage-apply")
    # Then it is declined, recorded, and the queue of waiting items keeps the other one
    expect(page.locator(".alert")).to_contain_text("1 feedback item is now “Declined”.")
    expect(page.locator("#triage-rows tbody tr")).to_have_count(1)
    expect(page.locator("#triage-rows tbody")).to_contain_text("Search is slow")
    wanted.refresh_from_db()
    assert (wanted.status, wanted.status_reason) == ("declined", "Not in this year's plan")
    change = FeedbackStatusChange.objects.get(feedback=wanted)
    assert (change.from_status, change.to_status, change.changed_by.username) == (
        "new",
        "declined",
        "staff",
    )
    assert Feedback.objects.get(pk=kept.pk).status == "new"
