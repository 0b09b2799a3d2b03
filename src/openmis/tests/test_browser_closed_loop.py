"""End to end in a real headless Chromium, the closed loop of issue 14: a member of the MIS
staff records a client's feedback in a client meeting (the client's contact as the giver),
triages it (acknowledged, then planned), starts an improvement from it and links it to the
deployment project; the MIS director records the go-live; the leader of Customer Relations then
sees the feedback answered and the improvement delivered on the system's page, and the client's
contact has the e-mail telling them so.

Real demo roles, no superuser. Chromium's settings, the login helpers and the built-in roles
come from the core browser test, :mod:`openmis.core.tests.test_browser`."""

import os
import re
from datetime import UTC, date, datetime, time, timedelta
from importlib import import_module

import pytest

# Playwright's sync API runs an event loop in the test thread; Django's ORM refuses to run
# from a thread with a running loop unless told it is safe (it is: no loop code touches it).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from django.core import mail
from playwright.sync_api import expect, sync_playwright

from openmis.core.models import Installation
from openmis.feedback.models import Feedback, Improvement
from openmis.meetings.tests.factories import (
    ClientContactFactory,
    ClientFactory,
    OccurrenceFactory,
    SeriesFactory,
)
from openmis.org.roles import DIRECTOR, LEADER, STAFF
from openmis.org.tests.factories import DepartmentFactory, user_with_role
from openmis.portfolio.tests.factories import ProjectFactory, SystemFactory

XDIST_GROUP = "xdist_group(name): run in the named xdist worker group"
try:
    _ONE_WORKER = [pytest.mark.xdist_group("browser")]  # with the core browser test
except pytest.fail.Exception:
    _ONE_WORKER = []

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), *_ONE_WORKER]


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


def _log_in(page, core, live_server, username, totp=False):
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.fill("input[name=login]", username)
    page.fill("input[name=password]", core.PASSWORD)
    core._submit(page)
    if totp:
        page.wait_for_url(re.compile(r"/accounts/2fa/authenticate/"))
        page.fill("input[name=code]", core._totp_code())
        core._submit(page)
    page.wait_for_url(f"{live_server.url}/")


def _pick(page, field, text):
    """Choose ``text`` in the picker of form field ``field`` by typing it."""
    page.click(f"#id_{field}-ts-control")
    page.keyboard.type(text)
    expect(page.locator(".ts-dropdown .option.active").filter(visible=True)).to_contain_text(text)
    page.keyboard.press("Enter")
    expect(page.locator(f"#id_{field} option:checked")).to_contain_text(text)


def test_a_clients_complaint_is_closed_by_the_go_live(page, live_server, core):
    from allauth.mfa.totp.internal.auth import TOTP

    # Given the MIS office, the leader of Customer Relations and the MIS director
    core._ensure_builtin_roles()
    Installation.current()
    mis = DepartmentFactory(name="MIS", code="MIS")
    relations = DepartmentFactory(name="Customer Relations", code="CR")
    user_with_role(STAFF, mis, username="staff", email="staff@example.com")
    user_with_role(LEADER, relations, username="crleader", email="crleader@example.com")
    director = user_with_role(DIRECTOR, mis, username="director", totp=False)
    TOTP.activate(director, core.TOTP_SECRET)
    # and the EDI Gateway with its deployment project under way
    system = SystemFactory(name="EDI Gateway", business_owner=relations, users=40)
    project = ProjectFactory(name="Real-time EDI confirmations", system=system)
    # and last week's monthly meeting with a priority client and its IT director
    client = ClientFactory(name="Medica")
    contact = ClientContactFactory(
        client=client, name="Marek Zieliński", email="marek@medica.example.com"
    )
    series = SeriesFactory(
        title="Monthly with Medica", kind="client", department=relations, client=client
    )
    day = date.today() - timedelta(days=7)
    meeting = OccurrenceFactory(series=series, start=datetime.combine(day, time(12), UTC))
    next_meeting = OccurrenceFactory(
        series=series, start=datetime.combine(day + timedelta(days=14), time(12), UTC)
    )
    mail.outbox.clear()

    # When the MIS staff member records the client's feedback from the meeting's page
    _log_in(page, core, live_server, "staff")
    page.goto(meeting.get_absolute_url())
    page.click("#record-feedback")
    _pick(page, "system", "EDI Gateway")
    _pick(page, "contact", "Marek")
    page.select_option("#id_kind", "problem")
    page.fill("#id_rating", "1")
    page.fill("#id_text", "Order confirmations arrive the next morning.")
    with page.expect_navigation():
        core._submit(page)
    feedback = Feedback.objects.get(text="Order confirmations arrive the next morning.")
    assert (feedback.contact, feedback.client, feedback.occurrence) == (contact, client, meeting)
    assert (feedback.department, feedback.date) == (relations, day)
    # and triages it: acknowledged, then planned
    page.goto(feedback.get_absolute_url())
    for status in ("acknowledged", "planned"):
        page.select_option("#triage-form select[name=status]", status)
        with page.expect_navigation():
            page.locator("#triage-form button[type=submit]").click()
        expect(page.locator("#feedback-status")).to_contain_text(status.capitalize())
    # and starts an improvement with it, implemented by the project
    page.click("#new-improvement")
    page.fill("#id_title", "Real-time EDI order confirmations")
    page.fill("#id_reach", "60")
    page.fill("#id_effort", "3")
    _pick(page, "project", "Real-time EDI")
    with page.expect_navigation():
        core._submit(page)
    improvement = Improvement.objects.get(title="Real-time EDI order confirmations")
    assert list(improvement.feedback.all()) == [feedback]
    assert improvement.project == project

    # When the MIS director records the project's go-live
    _log_in(page, core, live_server, "director", totp=True)
    page.goto(project.get_absolute_url())
    with page.expect_navigation():
        page.click("#go-live")
    expect(page.locator(".alert")).to_contain_text("is live")
    # Then the next meeting of the series shows, since last time, the feedback answered and
    # the improvement it became done
    page.goto(next_meeting.get_absolute_url())
    row = page.locator(f"#follow-up-feedback li[data-feedback='{feedback.pk}']")
    expect(row.locator(".feedback-status-answered")).to_have_text("Answered")
    expect(row.locator(".improvement-status-done")).to_have_text("Done")
    expect(row).to_contain_text("Real-time EDI order confirmations")

    # Then the leader of Customer Relations sees the feedback answered on the system's page,
    # and the improvement delivered by the project
    _log_in(page, core, live_server, "crleader")
    page.goto(system.get_absolute_url())
    expect(page.locator("#feedback-by-status a[data-status=answered] .count")).to_have_text("1")
    expect(page.locator("#delivered-improvements")).to_contain_text(
        "Real-time EDI order confirmations"
    )
    expect(page.locator("#delivered-improvements")).to_contain_text(project.name)
    # and the client's contact has one e-mail naming what changed
    sent = [m for m in mail.outbox if m.to == ["marek@medica.example.com"]]
    assert len(sent) == 1
    assert "Real-time EDI order confirmations" in sent[0].body
    assert Feedback.objects.get(pk=feedback.pk).status == "answered"
