"""Follow-up in the next meeting ("since last time"): the feedback, open action items and
decisions of a series' earlier meetings, on the meeting page and in
``GET /api/meetings/occurrences/{id}/follow-up/``, with the same rules for both."""

from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from openmis.core import registry
from openmis.feedback.models import AgendaLink, Feedback
from openmis.feedback.tests.factories import FeedbackFactory, ImprovementFactory
from openmis.meetings.models import Occurrence
from openmis.meetings.tests.factories import (
    ActionItemFactory,
    OccurrenceFactory,
    OutcomeFactory,
    SeriesFactory,
)
from openmis.org.roles import DIRECTOR, EMPLOYEE, LEADER, STAFF
from openmis.org.tests.factories import PersonFactory, user_with_role

pytestmark = pytest.mark.django_db


def _today():
    """The organisation's day, read when a test runs (a suite may cross midnight)."""
    return timezone.localdate()


def at(day: int) -> datetime:
    return datetime(2026, 1, day, 9, 0, tzinfo=UTC)


def meeting(series, day: int, **fields) -> Occurrence:
    return OccurrenceFactory(
        series=series, start=at(day), end=at(day) + timedelta(hours=1), **fields
    )


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def story(department):
    """A weekly series: 5 Jan cancelled, 12 Jan moved to 13 Jan, 19 Jan held, 26 Jan now."""
    series = SeriesFactory(department=department)
    cancelled = meeting(series, 5, status=Occurrence.Status.CANCELLED)
    moved = meeting(series, 12)
    moved.start, moved.end = at(13), at(13) + timedelta(hours=1)
    moved.save()
    held = meeting(series, 19)
    current = meeting(series, 26)
    owner = PersonFactory(department=department)
    improvement = ImprovementFactory(status="planned")
    raised = FeedbackFactory(occurrence=cancelled, status="planned", department=department)
    improvement.feedback.add(raised)
    return {
        "series": series,
        "current": current,
        "moved": moved,
        "cancelled": cancelled,
        "improvement": improvement,
        "raised": raised,
        "plain": FeedbackFactory(occurrence=held, department=department),
        "here": FeedbackFactory(occurrence=current, department=department),
        "overdue": ActionItemFactory(
            occurrence=cancelled, owner=owner, due_date=_today() - timedelta(days=3)
        ),
        "open": ActionItemFactory(
            occurrence=moved, owner=owner, due_date=_today() + timedelta(days=3)
        ),
        "done": ActionItemFactory(occurrence=held, owner=owner, due_date=_today(), status="done"),
        "current_item": ActionItemFactory(occurrence=current, owner=owner, due_date=_today()),
        "other_series": ActionItemFactory(owner=owner, due_date=_today()),
        "decision": OutcomeFactory(occurrence=moved, kind="decision", text="Buy the module"),
        "information": OutcomeFactory(occurrence=held, kind="information", text="FYI"),
        "later_decision": OutcomeFactory(occurrence=current, kind="decision", text="Later"),
    }


def follow_up_api(api_client_for, user, occurrence):
    return api_client_for(user).get(f"/api/meetings/occurrences/{occurrence.pk}/follow-up/")


@pytest.mark.parametrize("role", [DIRECTOR, STAFF, LEADER])
def test_the_page_and_the_api_show_what_earlier_meetings_left(
    role, story, department, api_client_for
):
    user = user_with_role(role, department)
    current = story["current"]
    # The API: the open items of the cancelled and the moved meeting (the same rows), the
    # decision of the moved one, the feedback of the earlier meetings with its improvement
    data = follow_up_api(api_client_for, user, current).json()
    assert data["action_items"] == [
        {
            "id": story["overdue"].pk,
            "title": story["overdue"].title,
            "owner": story["overdue"].owner_id,
            "due_date": (_today() - timedelta(days=3)).isoformat(),
            "overdue": True,
            "occurrence": story["cancelled"].pk,
        },
        {
            "id": story["open"].pk,
            "title": story["open"].title,
            "owner": story["open"].owner_id,
            "due_date": (_today() + timedelta(days=3)).isoformat(),
            "overdue": False,
            "occurrence": story["moved"].pk,
        },
    ]
    assert data["decisions"] == [
        {
            "id": story["decision"].pk,
            "text": "Buy the module",
            "occurrence": story["moved"].pk,
            "date": "2026-01-13",
        }
    ]
    assert sorted(data["feedback"], key=lambda row: row["id"]) == [
        {
            "id": story["raised"].pk,
            "status": "planned",
            "improvement": story["improvement"].pk,
            "improvement_status": "planned",
        },
        {"id": story["plain"].pk, "status": "new", "improvement": None, "improvement_status": None},
    ]
    # The page shows the same rows, the overdue one marked, with links to the improvement
    page = client_for(user).get(current.get_absolute_url())
    assert page.status_code == 200
    shown = page.context["follow_up"]
    assert [a.pk for a in shown.action_items] == [row["id"] for row in data["action_items"]]
    assert [d.pk for d in shown.decisions] == [story["decision"].pk]
    html = page.content.decode()
    assert f'data-action="{story["overdue"].pk}" class="table-danger"' in html
    assert f'data-action="{story["current_item"].pk}"' not in html
    assert f'data-feedback="{story["raised"].pk}"' in html
    assert f'data-feedback="{story["here"].pk}"' not in html
    assert story["improvement"].get_absolute_url() in html
    assert f'data-decision="{story["later_decision"].pk}"' not in html


def test_an_employee_sees_neither_the_page_nor_the_api(story, make_user, api_client_for):
    employee = make_user(EMPLOYEE)
    current = story["current"]
    assert client_for(employee).get(current.get_absolute_url()).status_code == 403
    assert follow_up_api(api_client_for, employee, current).status_code == 404


def test_an_unknown_meeting_is_404(director, api_client_for):
    assert follow_up_api(api_client_for, director, Occurrence(pk=999999)).status_code == 404


def test_the_first_meeting_has_nothing_to_follow_up(story, director, api_client_for):
    data = follow_up_api(api_client_for, director, story["cancelled"]).json()
    assert data == {"feedback": [], "action_items": [], "decisions": []}


def test_an_action_item_done_since_leaves_the_follow_up(story, director, api_client_for):
    item = story["overdue"]
    item.status = "done"
    item.save()
    data = follow_up_api(api_client_for, director, story["current"]).json()
    assert [row["id"] for row in data["action_items"]] == [story["open"].pk]


def test_feedback_the_reader_may_not_see_is_not_listed(
    story, director, api_client_for, monkeypatch
):
    # Feedback's row rule (as confidentiality installs one) hides one item from the reader
    hidden = story["raised"].pk
    monkeypatch.setattr(
        registry.get(Feedback), "visible_to", lambda queryset, user: queryset.exclude(pk=hidden)
    )
    data = follow_up_api(api_client_for, director, story["current"]).json()
    page = client_for(director).get(story["current"].get_absolute_url())
    assert [row["id"] for row in data["feedback"]] == [story["plain"].pk]
    assert f'data-feedback="{hidden}"' not in page.content.decode()
    assert f'data-feedback="{story["plain"].pk}"' in page.content.decode()


@pytest.mark.parametrize("earlier", [2, 10])
def test_the_follow_up_takes_a_fixed_number_of_queries(
    earlier, department, director, api_client_for, django_assert_max_num_queries
):
    series = SeriesFactory(department=department)
    owner = PersonFactory(department=department)
    for day in range(1, earlier + 1):
        held = meeting(series, day)
        ActionItemFactory(occurrence=held, owner=owner, due_date=_today())
        OutcomeFactory(occurrence=held, kind="decision")
        ImprovementFactory().feedback.add(FeedbackFactory(occurrence=held))
    current = meeting(series, 28)
    client, browser = api_client_for(director), client_for(director)
    browser.get(current.get_absolute_url())  # the session and permissions, read once
    # The API: token, cache generations, the meeting, action items, feedback, their
    # improvements and decisions; whatever the number of earlier meetings
    with django_assert_max_num_queries(8):
        data = client.get(f"/api/meetings/occurrences/{current.pk}/follow-up/").json()
    assert [len(data[key]) for key in ("feedback", "action_items", "decisions")] == [earlier] * 3
    # The page (with its agenda, minutes, outcomes, attendance and panels) as well
    with django_assert_max_num_queries(22):
        page = browser.get(current.get_absolute_url())
    assert len(page.context["follow_up"].action_items) == earlier


def test_an_agenda_point_links_a_system_and_an_improvement(story, director):
    from openmis.meetings import agenda
    from openmis.meetings.models import AgendaItem

    improvement = story["improvement"]
    held, current = story["plain"].occurrence, story["current"]  # 19 and 26 January
    browser = client_for(director)
    # The meeting page offers both pickers
    page = browser.get(held.get_absolute_url()).content.decode()
    assert 'name="system"' in page and 'name="improvement"' in page
    # When the director adds a point about the improvement's system and the improvement
    response = browser.post(
        f"/meetings/occurrences/{held.pk}/agenda/",
        {"title": "Export to PDF", "system": improvement.system_id, "improvement": improvement.pk},
    )
    assert response.status_code == 302
    point = AgendaItem.objects.get(title="Export to PDF")
    linked = AgendaLink.objects.get(agenda_item=point).improvement_id
    assert (point.system_id, linked) == (improvement.system_id, improvement.pk)
    # Then the page links both, and the open point carried to a later meeting keeps them
    page = browser.get(held.get_absolute_url()).content.decode()
    assert f'class="small agenda-improvement" href="{improvement.get_absolute_url()}"' in page
    assert f'class="small agenda-system" href="{improvement.system.get_absolute_url()}"' in page
    agenda.carry_over(current, now=at(27))
    copy = AgendaItem.objects.get(occurrence=current, carried_from=point)
    assert AgendaLink.objects.get(agenda_item=copy).improvement_id == improvement.pk


def test_an_unknown_improvement_is_refused_and_nothing_is_added(story, director):
    from openmis.meetings.models import AgendaItem

    held = story["moved"]
    response = client_for(director).post(
        f"/meetings/occurrences/{held.pk}/agenda/", {"title": "Ghost", "improvement": 999999}
    )
    assert response.status_code == 302
    assert not AgendaItem.objects.filter(title="Ghost").exists()


def test_an_improvement_of_another_system_than_the_point_s_is_refused(story, director):
    from openmis.meetings.models import AgendaItem
    from openmis.portfolio.tests.factories import SystemFactory

    held = story["moved"]
    response = client_for(director).post(
        f"/meetings/occurrences/{held.pk}/agenda/",
        {"title": "Mixed", "system": SystemFactory().pk, "improvement": story["improvement"].pk},
        follow=True,
    )
    assert "The improvement is about another system than the point." in response.content.decode()
    assert not AgendaItem.objects.filter(title="Mixed").exists()
