"""Feedback recorded from a meeting starts as the meeting's: its series' department and
client, dated the meeting's day (not the recorder's department and today)."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from openmis.feedback.models import Feedback
from openmis.meetings.tests.factories import ClientFactory, OccurrenceFactory, SeriesFactory
from openmis.org.roles import DIRECTOR, LEADER
from openmis.org.tests.factories import DepartmentFactory, user_with_role
from openmis.portfolio.tests.factories import SystemFactory

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_meeting_s_record_feedback_link_opens_a_form_filled_from_the_meeting(department):
    # Given the director (of Marketing) and a client meeting of the Sales series, held on
    # 2 March 2026 at 23:30 UTC, i.e. on 3 March in Warsaw where it takes place
    director = user_with_role(DIRECTOR, department)
    sales, client = DepartmentFactory(name="Sales"), ClientFactory(name="Hurtownia Nowak")
    series = SeriesFactory(kind="client", department=sales, client=client, count=1)
    start = datetime(2026, 3, 2, 23, 30, tzinfo=UTC)
    meeting = OccurrenceFactory(series=series, start=start, end=start + timedelta(hours=1))
    browser = client_for(director)
    # When they follow "Record feedback" on the meeting's page
    page = browser.get(f"/meetings/occurrences/{meeting.pk}/")
    link = page.context["feedback_add_url"]
    assert link == f"/feedback/feedback/add/?occurrence={meeting.pk}"
    form = browser.get(link).context["form"]
    # Then the form starts from the meeting's department, client and day; the recorder is
    # still the author
    assert (
        form["occurrence"].value(),
        form["department"].value(),
        form["client"].value(),
        form["date"].value(),
        form["author"].value(),
    ) == (str(meeting.pk), sales.pk, client.pk, date(2026, 3, 3), director.person.pk)


def test_a_department_meeting_gives_no_client_and_a_future_meeting_is_dated_today(department):
    director = user_with_role(DIRECTOR, department)
    it = DepartmentFactory(name="IT")
    start = timezone.now() + timedelta(days=10)
    meeting = OccurrenceFactory(
        series=SeriesFactory(department=it), start=start, end=start + timedelta(hours=1)
    )
    form = client_for(director).get(f"/feedback/feedback/add/?occurrence={meeting.pk}")
    form = form.context["form"]
    assert (form["department"].value(), form["client"].value(), form["date"].value()) == (
        it.pk,
        None,
        timezone.localdate(),
    )


def test_values_given_in_the_link_win_and_a_bad_meeting_is_ignored(department):
    director = user_with_role(DIRECTOR, department)
    finance = DepartmentFactory(name="Finance")
    meeting = OccurrenceFactory(series=SeriesFactory(department=DepartmentFactory(name="IT")))
    browser = client_for(director)
    form = browser.get(
        f"/feedback/feedback/add/?occurrence={meeting.pk}&department={finance.pk}"
    ).context["form"]
    assert form["department"].value() == str(finance.pk)
    form = browser.get("/feedback/feedback/add/?occurrence=abc").context["form"]
    assert form["department"].value() == department.pk  # the recorder's, as without a meeting
    form = browser.get("/feedback/feedback/add/?occurrence=999999").context["form"]
    assert form["department"].value() == department.pk


def test_feedback_saved_from_the_meeting_form_is_the_meeting_s(department):
    director = user_with_role(DIRECTOR, department)
    sales, client = DepartmentFactory(name="Sales"), ClientFactory(name="Hurtownia Nowak")
    series = SeriesFactory(kind="client", department=sales, client=client, count=1)
    start = datetime(2026, 3, 4, 9, 0, tzinfo=UTC)
    meeting = OccurrenceFactory(series=series, start=start, end=start + timedelta(hours=1))
    system = SystemFactory()
    browser = client_for(director)
    form = browser.get(f"/feedback/feedback/add/?occurrence={meeting.pk}").context["form"]
    # the user submits what the form offers, adding only what was said
    data = {
        name: value
        for name in ("occurrence", "department", "client", "author", "date", "language")
        if (value := form[name].value()) is not None
    } | {
        "system": system.pk,
        "kind": "problem",
        "text": "Invoices arrive late.",
        "people_affected": 3,
        "hours_per_month": "2",
    }
    response = browser.post("/feedback/feedback/add/", data)
    assert response.status_code == 302
    saved = Feedback.objects.get()
    assert (saved.occurrence, saved.department, saved.client, saved.date) == (
        meeting,
        sales,
        client,
        date(2026, 3, 4),
    )


def test_a_leader_of_another_department_is_not_offered_to_record_feedback_there(department):
    # Marketing's leader on a Finance meeting: the form would start from Finance, which they
    # may not record for (the submission is refused), so the page offers no link
    leader = user_with_role(LEADER, department)
    finance = DepartmentFactory(name="Finance")
    theirs = OccurrenceFactory(series=SeriesFactory(department=finance))
    ours = OccurrenceFactory(series=SeriesFactory(department=department))
    browser = client_for(leader)
    page = browser.get(f"/meetings/occurrences/{theirs.pk}/")
    assert 'id="record-feedback"' not in page.content.decode()
    form = browser.get(f"/feedback/feedback/add/?occurrence={theirs.pk}").context["form"]
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data |= {"system": SystemFactory().pk, "text": "Slow month-end reports"}
    response = browser.post(f"/feedback/feedback/add/?occurrence={theirs.pk}", data)
    assert response.status_code in (400, 403)
    assert Feedback.objects.count() == 0
    # on their own department's meeting they are offered it, and it is accepted
    page = browser.get(f"/meetings/occurrences/{ours.pk}/")
    assert 'id="record-feedback"' in page.content.decode()
    form = browser.get(f"/feedback/feedback/add/?occurrence={ours.pk}").context["form"]
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data |= {"system": SystemFactory().pk, "text": "Slow month-end reports"}
    response = browser.post(f"/feedback/feedback/add/?occurrence={ours.pk}", data)
    assert response.status_code == 302
    assert Feedback.objects.get().department == department
