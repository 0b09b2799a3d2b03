"""End to end in a real headless Chromium, the closed loop of issue 14: a member of the MIS
staff records a client's feedback in a client meeting (the client's contact as the giver),
triages it (acknowledged, then planned), starts an improvement from it and links it to the
deployment project; the MIS director records the go-live; the leader of Customer Relations then
sees the feedback answered and the improvement delivered on the system's page, and the client's
contact has the e-mail telling them so.

Real demo roles, no superuser. Chromium, the page, the log-in and the picker's steps come from
:mod:`openmis.tests.browser`."""

from datetime import UTC, datetime, time, timedelta

from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

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
from openmis.tests.browser import BROWSER, log_in, pick, submit, with_totp

pytestmark = BROWSER


def test_a_clients_complaint_is_closed_by_the_go_live(page):
    # Given the MIS office, the leader of Customer Relations and the MIS director
    mis = DepartmentFactory(name="MIS", code="MIS")
    relations = DepartmentFactory(name="Customer Relations", code="CR")
    user_with_role(STAFF, mis, username="staff", email="staff@example.com")
    user_with_role(LEADER, relations, username="crleader", email="crleader@example.com")
    with_totp(user_with_role(DIRECTOR, mis, username="director", totp=False))
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
    day = timezone.localdate() - timedelta(days=7)
    meeting = OccurrenceFactory(series=series, start=datetime.combine(day, time(12), UTC))
    next_meeting = OccurrenceFactory(
        series=series, start=datetime.combine(day + timedelta(days=14), time(12), UTC)
    )
    mail.outbox.clear()

    # When the MIS staff member records the client's feedback from the meeting's page
    log_in(page, "staff")
    page.goto(meeting.get_absolute_url())
    page.click("#record-feedback")
    pick(page, "system", "EDI Gateway")
    pick(page, "contact", "Marek")
    page.select_option("#id_kind", "problem")
    page.fill("#id_rating", "1")
    page.fill("#id_text", "Order confirmations arrive the next morning.")
    with page.expect_navigation():
        submit(page)
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
    pick(page, "project", "Real-time EDI")
    with page.expect_navigation():
        submit(page)
    improvement = Improvement.objects.get(title="Real-time EDI order confirmations")
    assert list(improvement.feedback.all()) == [feedback]
    assert improvement.project == project

    # When the MIS director records the project's go-live
    page.context.clear_cookies()  # (another user: a new session)
    log_in(page, "director", totp=True)
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
    page.context.clear_cookies()
    log_in(page, "crleader")
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
