"""End to end in a real headless Chromium (issue #14, item 6): an MIS director moves a system
that others depend on to "retiring"; the page lists what relies on it and moves it only once
the box is ticked; a dependent's page then warns.

Chromium's settings, the login helpers (password and TOTP) and the built-in roles come from
the core browser test, :mod:`openmis.core.tests.test_browser`.
"""

import os
import re
from datetime import date
from importlib import import_module

import pytest

# Playwright's sync API runs an event loop in the test thread; Django's ORM refuses to run
# from a thread with a running loop unless told it is safe (it is: no loop code touches it).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from django.contrib.auth.models import Permission
from playwright.sync_api import expect, sync_playwright

from openmis.core.models import Installation
from openmis.feedback.tests.factories import ImprovementFactory
from openmis.org.models import Role
from openmis.org.roles import DIRECTOR
from openmis.org.tests.factories import user_with_role
from openmis.portfolio.models import System
from openmis.portfolio.tests.factories import ContractFactory, DependencyFactory, SystemFactory

XDIST_GROUP = "xdist_group(name): run in the named xdist worker group"
try:
    _ONE_WORKER = [pytest.mark.xdist_group("browser")]  # with the core browser test
except pytest.fail.Exception:
    _ONE_WORKER = []

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), *_ONE_WORKER]

MATRICES = [
    "openmis.feedback.migrations.0002_role_permissions",
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


@pytest.fixture
def director(core):
    """A director with password and TOTP, and the role grants the apps' migrations made (a
    transactional test before may have flushed them)."""
    from allauth.mfa.totp.internal.auth import TOTP

    core._ensure_builtin_roles()
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
    Installation.current()
    user = user_with_role(DIRECTOR, username="director", email="director@example.com", totp=False)
    TOTP.activate(user, core.TOTP_SECRET)
    return user


def test_retiring_a_system_others_rely_on_asks_first_then_its_dependents_warn(
    page, live_server, core, director
):
    # Given a deployed CRM that Billing depends on, with a live contract and an open
    # improvement
    crm = SystemFactory(name="CRM", lifecycle_stage="deployed")
    billing = SystemFactory(name="Billing")
    DependencyFactory(source=crm, target=billing)
    ContractFactory(system=crm, title="CRM licence", end_date=date(2099, 12, 31))
    ImprovementFactory(system=crm, title="Faster export")
    # And the director, logged in
    page.goto("/accounts/login/")
    page.fill("input[name=login]", "director")
    page.fill("input[name=password]", core.PASSWORD)
    core._submit(page)
    page.wait_for_url(re.compile(r"/accounts/2fa/authenticate/"))
    page.fill("input[name=code]", core._totp_code())
    core._submit(page)
    page.wait_for_url(f"{live_server.url}/")

    # When they move the CRM to "Retiring" on its page
    page.goto(f"/portfolio/systems/{crm.pk}/")
    page.select_option("#stage-form select[name=stage]", "retiring")
    page.locator("#stage-form button[type=submit]").click()
    # Then they are shown what relies on it, and it has not moved
    expect(page.locator("h1")).to_have_text("Move CRM to “Retiring”?")
    expect(page.locator("#concern-dependents li")).to_have_text(["Billing"])
    expect(page.locator("#concern-contracts li")).to_have_text(["CRM licence (until Dec 31, 2099)"])
    expect(page.locator("#concern-improvements li")).to_have_text(["Faster export"])
    assert System.objects.get(pk=crm.pk).lifecycle_stage == "deployed"

    # When they confirm without ticking the box
    page.click("#confirm-stage")
    # Then they are asked to tick it
    expect(page.locator("#confirm-stage-form .invalid-feedback")).to_have_text(
        "Tick the box to confirm the move."
    )
    assert System.objects.get(pk=crm.pk).lifecycle_stage == "deployed"

    # When they tick it and confirm
    page.check("#confirm-stage-form input[name=confirm]")
    page.click("#confirm-stage")
    # Then the CRM is retiring
    page.wait_for_url(f"{live_server.url}/portfolio/systems/{crm.pk}/")
    expect(page.locator("[role=alert]").first).to_have_text("CRM moved to Retiring.")
    expect(page.locator("#lifecycle .badge")).to_have_text("Retiring")

    # And Billing's page warns that it depends on it
    page.goto(f"/portfolio/systems/{billing.pk}/")
    expect(page.locator(".retiring-supplier")).to_have_text("Depends on CRM, which is retiring.")
    page.locator(".retiring-supplier a").click()
    page.wait_for_url(f"{live_server.url}/portfolio/systems/{crm.pk}/")
