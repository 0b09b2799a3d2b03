"""End to end in a real headless Chromium (issue #14, item 6): an MIS director moves a system
that others depend on to "retiring"; the page lists what relies on it and moves it only once
the box is ticked; a dependent's page then warns.

Chromium, the page, the director with TOTP and the log-in come from :mod:`openmis.tests.browser`.
"""

from datetime import date

from playwright.sync_api import expect

from openmis.feedback.tests.factories import ImprovementFactory
from openmis.portfolio.models import System
from openmis.portfolio.tests.factories import ContractFactory, DependencyFactory, SystemFactory
from openmis.tests.browser import BROWSER, log_in

pytestmark = BROWSER


def test_retiring_a_system_others_rely_on_asks_first_then_its_dependents_warn(
    page, live_server, director_with_totp
):
    # Given a deployed CRM that Billing depends on, with a live contract and an open
    # improvement
    crm = SystemFactory(name="CRM", lifecycle_stage="deployed")
    billing = SystemFactory(name="Billing")
    DependencyFactory(source=crm, target=billing)
    ContractFactory(system=crm, title="CRM licence", end_date=date(2099, 12, 31))
    ImprovementFactory(system=crm, title="Faster export")
    # And the director, logged in
    log_in(page, "director", totp=True)

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
