"""A department leader gives action items to the contacts of their series' client: an item
owned by a client's contact belongs to the department of its meeting's series, so the leader
of that department may add and change it (on the meeting page, in the generic form and
through the API), and no other department's leader may."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.utils import timezone

from openmis.conftest import logged_in
from openmis.meetings.models import ActionItem, MeetingSeries, Outcome
from openmis.meetings.tests.factories import (
    ActionItemFactory,
    ClientContactFactory,
    ClientFactory,
    OccurrenceFactory,
    SeriesFactory,
)
from openmis.org.roles import LEADER
from openmis.org.tests.factories import DepartmentFactory, user_with_role

pytestmark = pytest.mark.django_db

API = "/api/meetings/action-items/"


def client_meeting(department, client_name):
    client = ClientFactory(name=client_name)
    series = SeriesFactory(
        title=f"Monthly with {client_name}",
        department=department,
        kind=MeetingSeries.Kind.CLIENT,
        client=client,
        start_date=date(2020, 1, 6),
        count=1,
    )
    return OccurrenceFactory(series=series, start=datetime(2026, 3, 2, 9, 0, tzinfo=UTC))


def due() -> str:
    return (timezone.localdate() + timedelta(days=5)).isoformat()


@pytest.fixture
def setting(department):
    """Marketing's leader; Marketing's meeting with Acme, Finance's meeting with Globex."""
    finance = DepartmentFactory(name="Finance")
    ours = client_meeting(department, "Acme")
    theirs = client_meeting(finance, "Globex")
    return {
        "leader": user_with_role(LEADER, department),
        "ours": ours,
        "theirs": theirs,
        "buyer": ClientContactFactory(client=ours.series.client, name="Anna Buyer"),
        "stranger": ClientContactFactory(client=theirs.series.client, name="Greg Globex"),
    }


def test_a_leader_gives_an_item_to_their_series_client_contact_on_the_meeting_page(setting):
    meeting, buyer = setting["ours"], setting["buyer"]
    response = logged_in(setting["leader"]).post(
        f"/meetings/occurrences/{meeting.pk}/actions/",
        {"title": "Send the price list", "contact": buyer.pk, "due_date": due()},
    )
    assert response.status_code == 302
    item = ActionItem.objects.get()
    assert (item.occurrence, item.owner, item.contact) == (meeting, None, buyer)


def test_a_leader_gives_an_item_to_their_series_client_contact_in_the_generic_form(setting):
    meeting, buyer = setting["ours"], setting["buyer"]
    response = logged_in(setting["leader"]).post(
        "/meetings/action-items/add/",
        {
            "title": "Send the price list",
            "occurrence": meeting.pk,
            "contact": buyer.pk,
            "due_date": due(),
            "status": "open",
        },
    )
    assert response.status_code == 302
    assert list(ActionItem.objects.values_list("title", "contact", "occurrence")) == [
        ("Send the price list", buyer.pk, meeting.pk)
    ]


def test_a_leader_gives_an_item_to_their_series_client_contact_through_the_api(
    setting, api_client_for
):
    meeting, buyer = setting["ours"], setting["buyer"]
    api = api_client_for(setting["leader"])
    body = {"title": "Call back", "occurrence": meeting.pk, "contact": buyer.pk, "due_date": due()}
    response = api.post(API, body, format="json")
    assert response.status_code == 201, response.json()
    item = ActionItem.objects.get()
    assert (item.contact, item.owner) == (buyer, None)
    # and changes it afterwards
    response = api.patch(f"{API}{item.pk}/", {"title": "Call back on Monday"}, format="json")
    assert response.status_code == 200, response.json()
    item.refresh_from_db()
    assert item.title == "Call back on Monday"


def test_another_departments_meeting_is_refused_on_the_meeting_page(setting):
    meeting, stranger = setting["theirs"], setting["stranger"]
    response = logged_in(setting["leader"]).post(
        f"/meetings/occurrences/{meeting.pk}/actions/",
        {"title": "Sign the contract", "contact": stranger.pk, "due_date": due()},
    )
    assert response.status_code == 403
    assert (ActionItem.objects.count(), Outcome.objects.count()) == (0, 0)


@pytest.mark.parametrize(
    ("meeting", "contact"),
    [
        ("theirs", "stranger"),  # another department's meeting with its own client
        ("ours", "stranger"),  # our meeting, but another client's contact
        ("theirs", "buyer"),  # another department's meeting, our client's contact
    ],
)
def test_the_api_and_the_form_refuse_other_meetings_and_clients(
    setting, api_client_for, meeting, contact
):
    occurrence, who = setting[meeting], setting[contact]
    body = {"title": "Sign", "occurrence": occurrence.pk, "contact": who.pk, "due_date": due()}
    response = api_client_for(setting["leader"]).post(API, body, format="json")
    assert response.status_code in (400, 403)
    response = logged_in(setting["leader"]).post(
        "/meetings/action-items/add/", body | {"status": "open"}
    )
    assert response.status_code in (400, 403)
    assert ActionItem.objects.count() == 0


def test_a_leader_may_not_move_another_departments_contact_item(setting, api_client_for):
    item = ActionItemFactory(
        occurrence=setting["theirs"], owner=None, contact=setting["stranger"], title="Sign"
    )
    api = api_client_for(setting["leader"])
    response = api.patch(f"{API}{item.pk}/", {"title": "Changed"}, format="json")
    assert response.status_code == 403
    # nor pull it into their own meeting with their own client's contact
    response = api.patch(
        f"{API}{item.pk}/",
        {"occurrence": setting["ours"].pk, "contact": setting["buyer"].pk},
        format="json",
    )
    assert response.status_code == 403
    item.refresh_from_db()
    assert (item.title, item.occurrence, item.contact) == (
        "Sign",
        setting["theirs"],
        setting["stranger"],
    )


def test_another_departments_meeting_offers_a_leader_only_what_they_may_give(setting):
    """Marketing's leader on Finance's client meeting: they may give their own people an
    action item there (accepted), so the form is shown, but not Globex's contacts (refused),
    so the contact field is not offered; on their own meeting it is."""
    leader, theirs = logged_in(setting["leader"]), setting["theirs"]
    page = leader.get(f"/meetings/occurrences/{theirs.pk}/")
    html = page.content.decode()
    assert 'id="action-form"' in html and 'name="contact"' not in html
    response = leader.post(
        f"/meetings/occurrences/{theirs.pk}/actions/",
        {"title": "Ask Globex", "contact": setting["stranger"].pk, "due_date": due()},
    )
    assert response.status_code == 403
    assert ActionItem.objects.count() == 0
    ours = leader.get(f"/meetings/occurrences/{setting['ours'].pk}/").content.decode()
    assert 'name="contact"' in ours


def test_a_confidential_meeting_the_leader_cannot_read_shows_no_action_form(setting):
    theirs = setting["theirs"]
    MeetingSeries.objects.filter(pk=theirs.series_id).update(confidential=True)
    leader = logged_in(setting["leader"])
    html = leader.get(f"/meetings/occurrences/{theirs.pk}/").content.decode()
    assert 'id="action-form"' not in html
    owner = setting["leader"].person
    response = leader.post(
        f"/meetings/occurrences/{theirs.pk}/actions/",
        {"title": "Peek", "owner": owner.pk, "due_date": due()},
    )
    assert response.status_code == 404
