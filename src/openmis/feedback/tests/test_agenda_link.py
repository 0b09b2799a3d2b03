"""The improvement an agenda point is about, kept by feedback (AgendaLink) and plugged into the
meeting page through the meetings' extension points: picked when a point is added, shown
beside it, kept by its copies, listed on the improvement's page."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from openmis.core import registry
from openmis.core.extensions import register_hook, unregister_hook
from openmis.feedback import agenda as feedback_agenda
from openmis.feedback.models import AgendaLink, Improvement
from openmis.feedback.tests.factories import ImprovementFactory
from openmis.meetings import agenda
from openmis.meetings.extensions import AGENDA_COPIED_HOOK, AGENDA_FORM_HOOK, AGENDA_LINKS_HOOK
from openmis.meetings.models import AgendaItem
from openmis.meetings.tests.factories import AgendaItemFactory, OccurrenceFactory, SeriesFactory
from openmis.org.tests.factories import user_with_role

pytestmark = pytest.mark.django_db


def at(day: int) -> datetime:
    return datetime(2026, 2, day, 9, 0, tzinfo=UTC)


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def meetings(department):
    series = SeriesFactory(department=department)
    return [
        OccurrenceFactory(series=series, start=at(d), end=at(d) + timedelta(hours=1))
        for d in (2, 9)
    ]


def linked_point(occurrence, improvement, **fields) -> AgendaItem:
    point = AgendaItemFactory(occurrence=occurrence, system=improvement.system, **fields)
    feedback_agenda.link_point(point, improvement)
    return point


def test_a_parked_point_brought_back_keeps_its_improvement(meetings, director):
    improvement = ImprovementFactory()
    first, second = meetings
    parked = linked_point(first, improvement, status=AgendaItem.Status.PARKED)
    # When the director puts the parked point on the next agenda
    response = client_for(director).post(
        f"/meetings/agenda-items/{parked.pk}/bring-back/", {"occurrence": second.pk}
    )
    assert response.status_code == 302
    # Then the copy is about the same improvement, and the page links it
    copy = AgendaItem.objects.get(occurrence=second, carried_from=parked)
    assert AgendaLink.objects.get(agenda_item=copy).improvement_id == improvement.pk
    page = client_for(director).get(second.get_absolute_url()).content.decode()
    assert f'class="small agenda-improvement" href="{improvement.get_absolute_url()}"' in page


def test_the_point_s_own_page_links_its_improvement(meetings, director):
    improvement = ImprovementFactory()
    point = linked_point(meetings[0], improvement)
    page = client_for(director).get(point.get_absolute_url()).content.decode()
    assert f'class="agenda-improvement" href="{improvement.get_absolute_url()}"' in page
    plain = AgendaItemFactory(occurrence=meetings[0])
    page = client_for(director).get(plain.get_absolute_url()).content.decode()
    assert 'id="agenda-improvement"' not in page


def test_a_point_about_no_system_takes_any_improvement(meetings, director):
    improvement = ImprovementFactory()
    response = client_for(director).post(
        f"/meetings/occurrences/{meetings[0].pk}/agenda/",
        {"title": "Backlog review", "improvement": improvement.pk},
    )
    assert response.status_code == 302
    point = AgendaItem.objects.get(title="Backlog review")
    assert (point.system_id, point.improvement_link.improvement_id) == (None, improvement.pk)


def test_the_service_refuses_an_improvement_of_another_system(meetings):
    from django.core.exceptions import ValidationError

    from openmis.portfolio.tests.factories import SystemFactory

    point = AgendaItemFactory(occurrence=meetings[0], system=SystemFactory())
    with pytest.raises(ValidationError) as refused:
        feedback_agenda.link_point(point, ImprovementFactory())
    assert refused.value.message_dict == {
        "improvement": ["The improvement is about another system than the point."]
    }
    assert AgendaLink.objects.count() == 0


def test_the_picker_offers_and_accepts_only_improvements_the_user_may_see(
    meetings, director, monkeypatch
):
    shown, hidden = ImprovementFactory(title="Shown one"), ImprovementFactory(title="Hidden one")
    linked_point(meetings[0], hidden, title="About the hidden one")
    # Given a row rule hiding one improvement from the user
    monkeypatch.setattr(
        registry.get(Improvement), "visible_to", lambda qs, user: qs.exclude(pk=hidden.pk)
    )
    browser = client_for(director)
    page = browser.get(meetings[0].get_absolute_url()).content.decode()
    picker = page.split('name="improvement">')[1].split("</select>")[0]
    # The picker offers the visible one only, and the point about the hidden one has no link
    assert f'<option value="{shown.pk}"' in picker
    assert f'<option value="{hidden.pk}"' not in picker
    assert hidden.get_absolute_url() not in page
    # And the hidden one posted anyway is refused like one that does not exist
    response = browser.post(
        f"/meetings/occurrences/{meetings[0].pk}/agenda/",
        {"title": "Sneaky", "improvement": hidden.pk},
    )
    assert response.status_code == 302
    assert not AgendaItem.objects.filter(title="Sneaky").exists()


def test_a_user_who_may_not_see_improvements_gets_no_picker_and_no_link(meetings):
    improvement = ImprovementFactory()
    point = linked_point(meetings[0], improvement)
    nobody = user_with_role(None)
    assert feedback_agenda.form_part(nobody, meetings[0]) is None
    assert feedback_agenda.point_links([point], nobody) is None


def test_the_improvement_page_lists_the_meetings_that_discussed_it(meetings, director):
    improvement = ImprovementFactory()
    linked_point(meetings[0], improvement, title="First look")
    linked_point(meetings[1], improvement, title="Second look")
    linked_point(meetings[1], ImprovementFactory(system=improvement.system), title="Other")
    page = client_for(director).get(improvement.get_absolute_url()).content.decode()
    later, earlier = str(meetings[1]), str(meetings[0])
    assert page.index(f"{later}</a>: Second look") < page.index(f"{earlier}</a>: First look")
    assert ": Other</li>" not in page


def test_deleting_the_improvement_leaves_the_point_without_it(meetings):
    improvement = ImprovementFactory()
    point = linked_point(meetings[0], improvement)
    improvement.delete()
    assert AgendaItem.objects.filter(pk=point.pk).exists()
    assert AgendaLink.objects.count() == 0


def test_meetings_works_without_feedback_s_answers(meetings, director):
    """Meetings needs nothing of feedback: with its hooks taken away the page has no picker
    and a point is added and carried as before."""
    taken = [
        (point, "feedback.improvement")
        for point in (AGENDA_FORM_HOOK, AGENDA_LINKS_HOOK, AGENDA_COPIED_HOOK)
    ]
    for registered in taken:
        unregister_hook(registered)
    try:
        browser = client_for(director)
        page = browser.get(meetings[0].get_absolute_url()).content.decode()
        assert 'name="system"' in page and 'name="improvement"' not in page
        browser.post(f"/meetings/occurrences/{meetings[0].pk}/agenda/", {"title": "Plain"})
        assert agenda.carry_over(meetings[1], now=at(3)) == 1
        assert AgendaItem.objects.filter(title="Plain").count() == 2
    finally:
        register_hook(AGENDA_FORM_HOOK, feedback_agenda.form_part, name="feedback.improvement")
        register_hook(AGENDA_LINKS_HOOK, feedback_agenda.point_links, name="feedback.improvement")
        register_hook(AGENDA_COPIED_HOOK, feedback_agenda.copy_links, name="feedback.improvement")


@pytest.mark.parametrize("points", [2, 10])
def test_the_meeting_page_s_queries_do_not_grow_with_its_points(
    points, meetings, director, django_assert_max_num_queries
):
    first, second = meetings
    for n in range(points):
        linked_point(first, ImprovementFactory(), title=f"Point {n}")
    browser = client_for(director)
    linked_point(second, ImprovementFactory(), title="Only point")
    with CaptureQueriesContext(connection) as one_point_page:
        browser.get(second.get_absolute_url())
    assert len(one_point_page) <= 38  # the page's baseline (its improvement links: one query)
    with django_assert_max_num_queries(len(one_point_page)):
        page = browser.get(first.get_absolute_url()).content.decode()
    assert page.count('class="small agenda-improvement"') == points
