"""Feedback's panels on other apps' pages: a system's feedback on the system page and the
feedback recorded in a meeting on the meeting page, each for those who may see it, even when
the page is served from the page cache."""

import pytest
from django.contrib.auth.models import Permission
from django.test import Client

from openmis.feedback.tests.factories import FeedbackFactory
from openmis.meetings.tests.factories import OccurrenceFactory, SeriesFactory
from openmis.org.roles import DIRECTOR
from openmis.org.tests.factories import user_with_role
from openmis.portfolio.tests.factories import SystemFactory

pytestmark = pytest.mark.django_db


def client_with(*perms, department=None, username=None):
    """A client logged in as a user granted only ``perms`` (``app.codename``), directly."""
    user = user_with_role(None, department, username=username)
    for perm in perms:
        app_label, codename = perm.split(".")
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    client = Client()
    client.force_login(user)
    return client


def test_the_system_page_shows_feedback_only_to_those_who_may_see_it(department):
    system = SystemFactory(name="Payroll")
    FeedbackFactory(system=system, text="Slow at month end")
    director = Client()
    director.force_login(user_with_role(DIRECTOR, department))
    reader = client_with("portfolio.view_system", department=department, username="reader")
    url = f"/portfolio/systems/{system.pk}/"
    for round_ in range(2):  # the second round is served from what the first kept
        for client, sees in ((director, True), (reader, False)):
            response = client.get(url)
            page = response.content.decode()
            assert response.status_code == 200
            assert ('id="system-feedback"' in page) is sees
            assert ("openmis/feedback.js" in page) is sees
            assert "<h1" in page and "Payroll" in page  # the page itself is there
            kept = "core/cached_page.html" in [t.name for t in response.templates]
            assert kept == (round_ == 1)
    # the reader first, on a new page: the director still gets the section
    other = SystemFactory(name="Ledger")
    assert (
        'id="system-feedback"' not in reader.get(f"/portfolio/systems/{other.pk}/").content.decode()
    )
    assert (
        'id="system-feedback"' in director.get(f"/portfolio/systems/{other.pk}/").content.decode()
    )


def test_the_meeting_page_shows_its_feedback_to_those_who_may_see_or_record_it(department):
    meeting = OccurrenceFactory(series=SeriesFactory(title="Steering"))
    FeedbackFactory(occurrence=meeting, system=SystemFactory(name="Payroll"), text="Too slow")
    url = f"/meetings/occurrences/{meeting.pk}/"
    director = Client()
    director.force_login(user_with_role(DIRECTOR, department))
    page = director.get(url).content.decode()
    assert 'id="meeting-feedback"' in page and "Too slow" in page
    assert f'href="/feedback/feedback/add/?occurrence={meeting.pk}"' in page

    recorder = client_with("meetings.view_occurrence", "feedback.add_feedback", username="rec")
    page = recorder.get(url).content.decode()
    assert 'id="meeting-feedback"' in page and 'id="record-feedback"' in page
    assert "Too slow" not in page

    reader = client_with("meetings.view_occurrence", username="reader")
    page = reader.get(url).content.decode()
    assert 'id="agenda"' in page
    assert 'id="meeting-feedback"' not in page and "Too slow" not in page
