"""A triage move tells the giver (issue #14): a decline (with its reason) and a merge into an
earlier item e-mail every giver of the item, the author and a client's contact with an
address, once, in their language; bulk moves send one e-mail per giver per item, and no move
is told twice. Other moves tell nobody (the answer does, later)."""

from __future__ import annotations

from datetime import date

import pytest
from django.core import mail

from openmis.conftest import logged_in
from openmis.core.models import Notice
from openmis.feedback import services
from openmis.feedback.tests.factories import FeedbackFactory
from openmis.meetings.tests.factories import ClientContactFactory
from openmis.org.tests.factories import DepartmentFactory, PersonFactory
from openmis.portfolio.tests.factories import SystemFactory

pytestmark = pytest.mark.django_db
GIVEN = date(2026, 11, 10)


@pytest.fixture
def items():
    """An English colleague's item, a Polish colleague's, and a client's (its contact writes
    in Polish, its author in English), all on the Invoices portal."""
    system = SystemFactory(name="Invoices portal")
    dept = DepartmentFactory(name="Customer Relations")
    jan = PersonFactory(email="jan@example.com", department=dept, language="en")
    ola = PersonFactory(email="ola@example.com", department=dept, language="pl")
    contact = ClientContactFactory(email="buyer@client.example.com", name="Anna Buyer")
    english = FeedbackFactory(
        system=system, department=dept, author=jan, date=GIVEN, text="Search is slow"
    )
    polish = FeedbackFactory(
        system=system, department=dept, author=ola, date=GIVEN, text="Wyszukiwanie jest wolne"
    )
    client = FeedbackFactory(
        system=system,
        department=dept,
        author=jan,
        client=contact.client,
        contact=contact,
        date=GIVEN,
        text="Orders vanish",
    )
    return {"english": english, "polish": polish, "client": client, "jan": jan, "ola": ola}


def _outbox():
    return sorted((m.to[0], m.subject) for m in mail.outbox)


def test_a_decline_tells_the_giver_with_the_reason_in_english(
    items, director, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.triage(items["english"], "declined", director, "Out of scope this year")
    assert _outbox() == [("jan@example.com", "Your feedback on Invoices portal was declined")]
    body = mail.outbox[0].body
    assert "Search is slow" in body
    assert "Nov 10, 2026" in body
    assert "Reason: Out of scope this year" in body
    assert items["english"].get_absolute_url() in body


def test_a_decline_tells_a_polish_giver_in_polish(
    items, director, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.triage(items["polish"], "declined", director, "Poza zakresem")
    # (the Polish sentences come with the catalog; the day is written the Polish way)
    assert [m.to[0] for m in mail.outbox] == ["ola@example.com"]
    assert Notice.objects.get(kind=services.TRIAGED).language == "pl"
    body = mail.outbox[0].body
    assert "10 lis 2026" in body
    assert "Powód: Poza zakresem" in body


def test_a_merge_tells_the_author_and_the_clients_contact_once_each(
    items, director, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.triage(items["client"], "duplicate", director, duplicate_of=items["english"])
    assert _outbox() == [
        (
            "buyer@client.example.com",
            "Your feedback on Invoices portal was merged with an earlier one",
        ),
        ("jan@example.com", "Your feedback on Invoices portal was merged with an earlier one"),
    ]
    by = {m.to[0]: m.body for m in mail.outbox}
    # the contact does not log in: no link; neither names the item it was merged into
    assert items["client"].get_absolute_url() not in by["buyer@client.example.com"]
    assert items["client"].get_absolute_url() in by["jan@example.com"]
    assert "Search is slow" not in by["jan@example.com"]
    assert Notice.objects.filter(kind=services.TRIAGED).count() == 2


def test_a_contact_in_polish_is_written_to_in_polish(
    items, director, django_capture_on_commit_callbacks
):
    client = items["client"]
    type(client).objects.filter(pk=client.pk).update(language="pl")
    client.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        services.triage(client, "declined", director, "Nie w tym roku")
    languages = dict(Notice.objects.values_list("email", "language"))
    assert languages == {"buyer@client.example.com": "pl", "jan@example.com": "pl"}
    assert all("10 lis 2026" in m.body for m in mail.outbox)


def test_acknowledging_and_planning_tell_nobody(
    items, director, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.triage(items["english"], "acknowledged", director)
        services.triage(items["english"], "planned", director)
    assert mail.outbox == []


def test_a_bulk_decline_sends_one_email_per_giver_per_item_once(
    items, director, django_capture_on_commit_callbacks
):
    chosen = [items["english"], items["polish"], items["client"]]
    with django_capture_on_commit_callbacks(execute=True):
        refused = services.bulk_triage(chosen, "declined", director, "Not now")
    assert refused == {}
    # Jan gave two of them: one e-mail for each; Ola and the contact one each
    assert sorted(m.to[0] for m in mail.outbox) == [
        "buyer@client.example.com",
        "jan@example.com",
        "jan@example.com",
        "ola@example.com",
    ]
    # telling again about the same moves sends nothing more
    with django_capture_on_commit_callbacks(execute=True):
        for item in chosen:
            services.tell_givers_of_triage(item.status_changes.latest("pk"))
    assert len(mail.outbox) == 4


def test_a_refused_bulk_move_tells_nobody(items, director, django_capture_on_commit_callbacks):
    type(items["polish"]).objects.filter(pk=items["polish"].pk).update(status="answered")
    items["polish"].refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        refused = services.bulk_triage(
            [items["english"], items["polish"]], "declined", director, "Not now"
        )
    assert list(refused) == [items["polish"].pk]
    assert mail.outbox == []


def test_the_triage_queue_tells_the_givers(items, director, django_capture_on_commit_callbacks):
    client = logged_in(director)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/feedback/triage/",
            {
                "feedback": [items["english"].pk, items["polish"].pk],
                "status": "declined",
                "reason": "Not now",
            },
        )
    assert response.status_code == 302
    assert sorted(m.to[0] for m in mail.outbox) == ["jan@example.com", "ola@example.com"]


def test_the_api_decline_tells_the_giver(
    items, director, api_client_for, django_capture_on_commit_callbacks
):
    api = api_client_for(director)
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(
            f"/api/feedback/feedback/{items['english'].pk}/triage/",
            {"status": "declined", "reason": "Out of scope"},
            format="json",
        )
    assert response.status_code == 200
    assert _outbox() == [("jan@example.com", "Your feedback on Invoices portal was declined")]
