"""Action items are due by the meeting that follows them up, and never in the past: the
default due date on the meeting page and the generic form, and the refusal of a date that has
passed on the meeting page, the generic form and the API (an old item stays editable)."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.test import Client as HttpClient
from django.utils import timezone

from openmis.meetings import actions
from openmis.meetings.models import ActionItem, Occurrence
from openmis.meetings.tests.factories import ActionItemFactory, OccurrenceFactory, SeriesFactory
from openmis.org.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def quiet_series(**kwargs):
    """A series whose rule has no meeting near today: its meetings are placed by hand."""
    return SeriesFactory(start_date=date(2020, 1, 6), count=1, **kwargs)


def at(day: date, hour: int = 9) -> datetime:
    return datetime.combine(day, time(hour, 0), tzinfo=UTC)


def meeting_in(series, days: int) -> Occurrence:
    day = timezone.localdate() + timedelta(days=days)
    return OccurrenceFactory(series=series, start=at(day), end=at(day, 10))


def login(user) -> HttpClient:
    client = HttpClient()
    client.force_login(user)
    return client


# --- the default due date ---------------------------------------------------------------------


def test_the_default_is_the_next_meeting_when_it_is_more_than_a_week_away():
    # Given a monthly-like series: this meeting today, the next in 20 days
    series = quiet_series()
    today = meeting_in(series, 0)
    following = meeting_in(series, 20)
    # Then an action item of today's meeting is due on the next meeting's day
    assert actions.default_due_date(today) == following.local_start.date()


def test_the_default_is_a_week_when_the_next_meeting_is_sooner_or_missing():
    series = quiet_series()
    today = meeting_in(series, 0)
    assert actions.default_due_date(today) == timezone.localdate() + timedelta(days=7)
    meeting_in(series, 3)
    assert actions.default_due_date(today) == timezone.localdate() + timedelta(days=7)


def test_a_cancelled_next_meeting_does_not_count_and_an_old_meeting_looks_ahead_from_today():
    # Given an old meeting, a meeting cancelled in 12 days and the next one held in 26 days
    series = quiet_series()
    old = meeting_in(series, -60)
    meeting_in(series, -30)  # the one after the old meeting, long past
    cancelled = meeting_in(series, 12)
    cancelled.status = Occurrence.Status.CANCELLED
    cancelled.save()
    held = meeting_in(series, 26)
    # Then the old meeting's new action items are due at the next meeting held from today on
    assert actions.default_due_date(old) == held.local_start.date()


def test_the_meeting_page_offers_the_next_meeting_as_due_date(director_client, department):
    series = quiet_series(department=department)
    today = meeting_in(series, 0)
    following = meeting_in(series, 14)
    page = director_client.get(f"/meetings/occurrences/{today.pk}/")
    assert page.context["action_form"]["due_date"].value() == following.local_start.date()


def test_the_generic_form_of_a_meeting_s_action_item_starts_at_its_next_meeting(
    director_client, department
):
    series = quiet_series(department=department)
    today = meeting_in(series, 0)
    following = meeting_in(series, 21)
    form = director_client.get(f"/meetings/action-items/add/?occurrence={today.pk}").context["form"]
    assert form["due_date"].value() == following.local_start.date()
    plain = director_client.get("/meetings/action-items/add/").context["form"]
    assert plain["due_date"].value() == timezone.localdate() + timedelta(days=7)


# --- a due date that has passed ---------------------------------------------------------------


def test_the_meeting_page_refuses_a_due_date_in_the_past(director_client, department):
    meeting = meeting_in(quiet_series(department=department), 0)
    owner = PersonFactory(department=department)
    response = director_client.post(
        f"/meetings/occurrences/{meeting.pk}/actions/",
        {"title": "Send the spec", "owner": owner.pk, "due_date": "2020-03-02"},
    )
    assert response.status_code == 400
    assert response.context["action_form"].errors == {
        "due_date": ["The due date has passed; choose today or a later day."]
    }
    assert ActionItem.objects.count() == 0
    assert meeting.outcomes.count() == 0


def test_today_is_accepted(director_client, department):
    meeting = meeting_in(quiet_series(department=department), 0)
    owner = PersonFactory(department=department)
    response = director_client.post(
        f"/meetings/occurrences/{meeting.pk}/actions/",
        {"title": "Call back", "owner": owner.pk, "due_date": timezone.localdate().isoformat()},
    )
    assert response.status_code == 302
    assert list(ActionItem.objects.values_list("title", "due_date")) == [
        ("Call back", timezone.localdate())
    ]


def test_the_generic_form_refuses_a_past_due_date_but_an_old_item_stays_editable(
    director_client, department
):
    meeting = meeting_in(quiet_series(department=department), -90)
    owner = PersonFactory(department=department)
    form = {
        "title": "Send the spec",
        "occurrence": meeting.pk,
        "owner": owner.pk,
        "due_date": "2020-03-02",
        "status": "open",
    }
    response = director_client.post("/meetings/action-items/add/", form)
    assert response.status_code == 400
    assert response.context["form"].errors == {
        "due_date": ["The due date has passed; choose today or a later day."]
    }
    assert ActionItem.objects.count() == 0
    # Given an item recorded when its date was still ahead
    old = ActionItemFactory(occurrence=meeting, owner=owner, due_date=date(2020, 3, 2))
    # When its status is changed, its date untouched
    changed = form | {"status": "done", "version": old.version}
    response = director_client.post(f"/meetings/action-items/{old.pk}/edit/", changed)
    assert response.status_code == 302
    old.refresh_from_db()
    assert (old.status, old.due_date) == ("done", date(2020, 3, 2))
    # But moving it to another past date is refused
    moved = changed | {"due_date": "2020-04-01", "version": old.version}
    response = director_client.post(f"/meetings/action-items/{old.pk}/edit/", moved)
    assert response.status_code == 400
    old.refresh_from_db()
    assert old.due_date == date(2020, 3, 2)


def test_the_api_refuses_a_past_due_date_with_a_field_error(director, api_client_for, department):
    meeting = meeting_in(quiet_series(department=department), 0)
    owner = PersonFactory(department=department)
    api = api_client_for(director)
    body = {"title": "Send the spec", "occurrence": meeting.pk, "owner": owner.pk}
    response = api.post(
        "/api/meetings/action-items/", body | {"due_date": "2020-03-02"}, format="json"
    )
    assert (response.status_code, response.json()) == (
        400,
        {"due_date": ["The due date has passed; choose today or a later day."]},
    )
    assert ActionItem.objects.count() == 0
    later = (timezone.localdate() + timedelta(days=3)).isoformat()
    response = api.post("/api/meetings/action-items/", body | {"due_date": later}, format="json")
    assert response.status_code == 201
    # an old item's other fields can be changed through the API too
    old = ActionItemFactory(occurrence=meeting, owner=owner, due_date=date(2020, 3, 2))
    response = api.patch(f"/api/meetings/action-items/{old.pk}/", {"status": "done"}, format="json")
    assert (response.status_code, response.json()["due_date"]) == (200, "2020-03-02")
