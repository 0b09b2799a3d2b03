"""End to end in a real headless Chromium (issue #4): an MIS director opens this week's
meeting of the weekly Marketing series, writes the minutes, records feedback on a system from
the meeting, starts an improvement with it and gives the Marketing leader an action item;
the leader then finds it on their cockpit and in their calendar feed.

Chromium, the page, the director with TOTP and the log-in come from :mod:`openmis.tests.browser`.
"""

import re
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.utils import formats, translation
from playwright.sync_api import expect

from openmis.feedback.models import Feedback, Improvement
from openmis.meetings import materialising, recurrence, services
from openmis.meetings.models import ActionItem, MeetingSeries
from openmis.org.models import Person
from openmis.org.roles import LEADER
from openmis.org.tests.factories import DepartmentFactory, user_with_role
from openmis.portfolio.tests.factories import SystemFactory
from openmis.tests.browser import BROWSER, log_in, submit

pytestmark = BROWSER

ZONE = ZoneInfo("Europe/Warsaw")  # the series' (default) time zone
SCREENSHOT = "/tmp/meeting_page.png"  # noqa: S108  (a fixed place to look at the layout)


@pytest.fixture
def setup(director_with_totp):
    """A director (password + TOTP), the Marketing leader, a system, and a weekly Marketing
    series on today's weekday that started three weeks ago."""
    director = director_with_totp
    marketing = DepartmentFactory(name="Marketing", code="MKT")
    leader_user = user_with_role(
        LEADER, marketing, username="leader", email="leader@example.com"
    )  # password: PASSWORD, what UserFactory sets
    leader = Person.objects.get(user=leader_user)
    system = SystemFactory(name="CRM", business_owner=marketing)
    today = datetime.now(ZONE).date()
    series = MeetingSeries.objects.create(
        title="Marketing",
        department=marketing,
        organiser=leader,
        start_date=today - timedelta(weeks=3),
        start_time=time(10, 0),
        frequency=MeetingSeries.Frequency.WEEKLY,
        weekdays=recurrence.WEEKDAY_CODES[today.weekday()],
    )
    series.attendees.add(leader, Person.objects.get(user=director))
    materialising.materialise(series)
    occurrence = services.current_occurrence(series)
    assert occurrence.local_start.date() == today
    return {"leader": leader, "system": system, "occurrence": occurrence}


def _en_date(value) -> str:
    """A date as the English UI shows it."""
    with translation.override("en"):
        return formats.localize(value)


def test_director_runs_the_marketing_meeting_and_the_leader_gets_the_action(
    page, live_server, setup
):
    occurrence, leader, system = setup["occurrence"], setup["leader"], setup["system"]
    meeting_url = f"/meetings/occurrences/{occurrence.pk}/"

    # Given an MIS director, logged in with password and TOTP
    log_in(page, "director", totp=True)
    expect(page.locator("#user-menu")).to_have_text("director")

    # When they open this week's Marketing meeting from the cockpit
    page.locator("#week-meeting-tiles a", has_text="Marketing").click()
    page.wait_for_url(f"{live_server.url}{meeting_url}")
    expect(page.locator("h1")).to_contain_text("Marketing")
    expect(page.locator("#minutes-preview")).to_have_text("No minutes yet.")

    # And write the minutes (Markdown) and save them
    page.fill("#minutes-form textarea[name=minutes]", "**CRM** rollout discussed.")
    page.click("#save-minutes")
    # Then they are saved and shown as HTML
    page.wait_for_url(re.compile(rf"{re.escape(meeting_url)}#minutes$"))
    expect(page.locator("[role=alert]").first).to_have_text("Minutes saved.")
    expect(page.locator("#minutes-preview strong")).to_have_text("CRM")
    expect(page.locator("#minutes-preview")).to_have_text("CRM rollout discussed.")
    occurrence.refresh_from_db()
    assert occurrence.minutes == "**CRM** rollout discussed."

    # When they record Marketing's feedback on the CRM from the meeting's page
    expect(page.locator("#feedback-list")).to_have_text("None yet.")
    page.click("#record-feedback")
    page.wait_for_url(re.compile(rf"/feedback/feedback/add/\?occurrence={occurrence.pk}$"))
    expect(page.locator("#id_occurrence")).to_have_value(str(occurrence.pk))
    page.select_option("#id_system", label="CRM")
    page.select_option("#id_department", label="Marketing")
    page.select_option("#id_kind", "problem")
    page.fill("#id_rating", "2")
    page.fill("#id_people_affected", "12")
    page.fill("#id_text", "Exporting a campaign's contacts takes an hour.")
    submit(page)
    page.wait_for_url(re.compile(r"/feedback/feedback/\d+/$"))
    feedback = Feedback.objects.get()
    expect(page.locator("[role=alert]").first).to_have_text(f"Created {feedback}.")
    assert (feedback.system, feedback.occurrence, feedback.department.name) == (
        system,
        occurrence,
        "Marketing",
    )
    expect(page.locator("#feedback-improvements")).to_have_text("None yet.")

    # And group it into a new improvement
    page.click("#new-improvement")
    page.wait_for_url(re.compile(r"/feedback/improvements/add/\?"))
    expect(page.locator("#id_system")).to_have_value(str(system.pk))
    expect(page.locator("#id_feedback")).to_have_values([str(feedback.pk)])
    page.fill("#id_title", "Faster contact export")
    expect(page.locator("#id_reach")).to_have_value("12")  # the people it affects
    page.fill("#id_effort", "2")
    submit(page)
    page.wait_for_url(re.compile(r"/feedback/improvements/\d+/$"))
    improvement = Improvement.objects.get()
    expect(page.locator("[role=alert]").first).to_have_text("Created Faster contact export.")
    expect(page.locator("#grouped-impact")).to_have_text(
        "The feedback reports 12 people affected and 0 hours a month lost."
    )
    expect(page.locator("#grouped-feedback a")).to_have_text(
        "Exporting a campaign's contacts takes an hour."
    )
    assert list(improvement.feedback.all()) == [feedback]
    page.goto(f"/feedback/feedback/{feedback.pk}/")
    expect(page.locator("#feedback-improvements li")).to_have_text("Faster contact export — New")

    # When they add an action item for the Marketing leader on the meeting page
    due = datetime.now(ZONE).date() + timedelta(days=7)
    page.goto(meeting_url)
    # (the meeting's page lists the feedback captured in it)
    expect(page.locator("#feedback-list li")).to_contain_text(
        "CRM · rated 2/5 — Exporting a campaign's contacts takes an hour."
    )
    form = page.locator("#action-form")
    form.locator("input[name=title]").fill("Send the export requirements")
    form.locator("select[name=owner]").select_option(str(leader.pk))
    form.locator("input[name=due_date]").fill(due.isoformat())
    form.locator("button[type=submit]").click()
    # Then it is listed with the meeting's action items, and as one of its outcomes
    page.wait_for_url(re.compile(rf"{re.escape(meeting_url)}#actions$"))
    expect(page.locator("[role=alert]").first).to_have_text(f"Action item added for {leader}.")
    expect(page.locator("#action-items tbody td")).to_have_text(
        ["Send the export requirements", str(leader), _en_date(due), "Open"]
    )
    expect(page.locator("#outcome-list li")).to_have_text(
        "Action item Send the export requirements"
    )
    item = ActionItem.objects.get()
    assert (item.owner, item.due_date, item.occurrence) == (leader, due, occurrence)
    page.screenshot(path=SCREENSHOT, full_page=True)

    # When they log out
    page.click("#user-menu")
    page.click("#logout")
    page.wait_for_url(re.compile(r"/accounts/login/"))
    expect(page.locator("#user-menu")).to_have_count(0)

    # And the Marketing leader logs in (no TOTP for their role)
    log_in(page, "leader")
    expect(page.locator("#user-menu")).to_have_text("leader")

    # Then the action item is on their cockpit, due in a week, from the Marketing meeting
    tile = page.locator("#my-action-tiles li")
    expect(tile).to_have_count(1)
    expect(tile.locator("a").first).to_have_text("Send the export requirements")
    expect(tile.locator("a").first).to_have_attribute("href", f"/meetings/action-items/{item.pk}/")
    expect(tile.locator("span.text-muted").first).to_have_text(f"due {_en_date(due)}")
    expect(tile.locator("a").nth(1)).to_have_text("Marketing")

    # And in their calendar feed, on its due date
    page.goto("/meetings/calendar/")
    feed_url = page.locator("#feed-url").input_value()
    assert re.fullmatch(rf"{re.escape(live_server.url)}/meetings/feed/[^/]+\.ics", feed_url)
    response = page.request.get(feed_url)
    assert response.status == 200
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    events = icalendar.Calendar.from_ical(response.body()).walk("VEVENT")
    actions = [e for e in events if str(e["summary"]).startswith("Action item due:")]
    assert [(str(e["summary"]), e.decoded("dtstart")) for e in actions] == [
        ("Action item due: Send the export requirements", due)
    ]
    # ...with the meetings of the series they organise, this week's among them
    assert occurrence.start in [e.decoded("dtstart") for e in events]
