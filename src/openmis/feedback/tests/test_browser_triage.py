"""End to end in a real headless Chromium: a member of the MIS staff opens the triage queue,
chooses a new feedback item and declines it with a reason; the queue then shows it declined.

Chromium, the page and the log-in come from :mod:`openmis.tests.browser`."""

import re

from playwright.sync_api import expect

from openmis.feedback.models import Feedback, FeedbackStatusChange
from openmis.feedback.tests.factories import FeedbackFactory
from openmis.org.roles import STAFF
from openmis.org.tests.factories import DepartmentFactory, user_with_role
from openmis.portfolio.tests.factories import SystemFactory
from openmis.tests.browser import BROWSER, log_in

pytestmark = BROWSER


def test_staff_decline_an_item_from_the_triage_queue(page):
    # Given a member of the MIS staff and two new feedback items
    marketing = DepartmentFactory(name="Marketing")
    user_with_role(STAFF, marketing, username="staff", email="staff@example.com")
    system = SystemFactory(name="CRM", business_owner=marketing)
    wanted = FeedbackFactory(system=system, department=marketing, text="Add a dark mode")
    kept = FeedbackFactory(system=system, department=marketing, text="Search is slow")
    log_in(page, "staff")
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
