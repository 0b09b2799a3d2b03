"""Figures count only the feedback the reader may see (issue #14, confidentiality): the rating
trend, the post-implementation review, the system panel's counts by status, the cockpit's
tiles, the meeting's "since last time" and the search. An employee who gave nothing
confidential does not count a client's confidential complaint; the MIS office does. Pages
kept in the cache are kept per visibility, so neither is served the other's figures. The
ids of feedback hidden from the reader are not named through other objects either (an
improvement's feedback, a merge's original), on the API or the pages."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import pytest
from django.test import RequestFactory
from django.utils import timezone

from openmis.conftest import logged_in
from openmis.core import registry
from openmis.feedback import panels, services, tiles
from openmis.feedback.models import Feedback, Improvement
from openmis.feedback.tests.factories import FeedbackFactory, ImprovementFactory
from openmis.meetings.followup import earlier_meetings
from openmis.meetings.tests.factories import ClientFactory, OccurrenceFactory, SeriesFactory
from openmis.org import roles
from openmis.org.tests.factories import DepartmentFactory, user_with_role
from openmis.portfolio.models import System
from openmis.portfolio.tests.factories import ProjectFactory, SystemFactory

pytestmark = pytest.mark.django_db
WORD = "Zebracomplaint"


def _today():
    """The organisation's day, read when a test runs (a suite may cross midnight)."""
    return timezone.localdate()


@pytest.fixture
def world():
    """A system in use, live for 60 days, with a client's confidential complaint (rated 1) from
    a client meeting and three ordinary ratings of 4, two before and one after the go-live;
    an employee of another department who gave nothing, and the MIS office's staff."""
    concerned, other = DepartmentFactory(name="Customer Relations"), DepartmentFactory(name="Ops")
    system = SystemFactory(name="Invoices portal", lifecycle_stage="deployed")
    ProjectFactory(system=system, name="Portal 2", go_live=_today() - timedelta(days=60))
    client = ClientFactory(name="Acme")
    series = SeriesFactory(kind="client", client=client, department=concerned)
    first = OccurrenceFactory(series=series, start=_aware(_today() - timedelta(days=20)))
    later = OccurrenceFactory(series=series, start=_aware(_today() - timedelta(days=2)))
    secret = FeedbackFactory(
        system=system,
        department=concerned,
        client=client,
        occurrence=first,
        rating=1,
        date=_today() - timedelta(days=10),
        text=f"{WORD}: the portal loses our orders",
    )
    open_items = [
        FeedbackFactory(system=system, department=concerned, rating=4, date=day, text=f"Fine {n}")
        for n, day in enumerate(
            [
                _today() - timedelta(days=70),
                _today() - timedelta(days=65),
                _today() - timedelta(days=10),
            ]
        )
    ]
    open_items.append(
        FeedbackFactory(
            system=system, department=concerned, occurrence=first, rating=4, date=_today()
        )
    )
    return {
        "system": system,
        "secret": secret,
        "open": open_items,
        "later": later,
        "employee": user_with_role(roles.EMPLOYEE, other),
        "staff": user_with_role(roles.STAFF, other),
    }


def _aware(day):
    from datetime import datetime, time

    from django.utils import timezone

    return timezone.make_aware(datetime.combine(day, time(10)))


def _request(user):
    request = RequestFactory().get("/")
    request.user = user
    return request


def test_the_feedback_is_confidential_to_the_employee(world):
    assert world["secret"].confidential is True
    visible = registry.get(Feedback).for_user(world["employee"])
    assert world["secret"] not in visible and visible.count() == 4


@pytest.mark.parametrize(("who", "ratings", "average"), [("employee", 2, 4.0), ("staff", 3, 3.0)])
def test_the_rating_trend_counts_what_the_reader_sees(world, who, ratings, average):
    trend = services.rating_trend(world["system"], user=world[who])
    this_month = trend[-1] if trend[-1]["month"].month == _today().month else None
    month_of_secret = (_today() - timedelta(days=10)).replace(day=1)
    row = next(r for r in trend if r["month"] == month_of_secret)
    if month_of_secret == _today().replace(day=1):
        assert (row["ratings"], row["average"]) == (ratings, average)
    else:  # the secret's month holds the ordinary rating of that day only for the employee
        assert row["ratings"] == ratings - 1
        assert this_month is not None
    assert sum(r["ratings"] for r in trend) == ratings + 2  # two months before the go-live


# (the window after the go-live ends yesterday: today's item is not in it yet)
@pytest.mark.parametrize(("who", "after"), [("employee", 1), ("staff", 2)])
def test_the_post_implementation_review_counts_what_the_reader_sees(world, who, after):
    found = services.post_implementation_review(
        world["system"], min_days=30, min_feedback=1, user=world[who]
    )
    review = found["review"]
    assert (review.before.count, review.after.count) == (2, after)


@pytest.mark.parametrize(("who", "new", "total"), [("employee", 4, 4), ("staff", 5, 5)])
def test_the_system_panel_counts_what_the_reader_sees(world, who, new, total):
    section = panels.system_feedback(_request(world[who]), world["system"])["feedback_section"]
    assert section["count"] == total
    assert {r["status"]: r["count"] for r in section["by_status"]}["new"] == new
    assert section["review"]["review"].after.count == total - 3


def _panel_figures(html: str) -> tuple[str, str]:
    badge = re.search(r'id="feedback-heading">[^<]*<span class="badge[^"]*">(\d+)<', html)
    new = re.search(r'data-status="new">[^<]*<span class="count">(\d+)<', html)
    return badge.group(1), new.group(1)


def test_the_cached_system_page_is_kept_per_visibility(world):
    # Given the MIS office opened the system page first (it is kept in the cache)
    url = registry.get(System).url("detail", world["system"])
    staff_page = logged_in(world["staff"]).get(url).content.decode()
    assert _panel_figures(staff_page) == ("5", "5")
    # When the employee opens it, then again the staff
    employee_page = logged_in(world["employee"]).get(url).content.decode()
    again = logged_in(world["staff"]).get(url).content.decode()
    # Then each sees the figures of what they may see
    assert _panel_figures(employee_page) == ("4", "4")
    assert _panel_figures(again) == ("5", "5")
    assert WORD not in employee_page


@pytest.mark.parametrize(("who", "ratings", "average"), [("employee", 3, 4.0), ("staff", 4, 3.25)])
def test_the_lowest_rated_tile_averages_what_the_reader_sees(world, who, ratings, average):
    FeedbackFactory(system=world["system"], rating=4, date=_today() - timedelta(days=80))
    Feedback.objects.filter(pk=world["open"][0].pk).update(date=_today() - timedelta(days=100))
    Feedback.objects.filter(pk=world["open"][1].pk).update(date=_today() - timedelta(days=100))
    rows = tiles.lowest_rated(_request(world[who]))["lowest_rated"]
    assert [(r["system"], r["ratings"], r["average"]) for r in rows] == [
        (world["system"], ratings, average)
    ]


@pytest.mark.parametrize(("who", "count"), [("employee", 4), ("staff", 5)])
def test_the_open_feedback_tile_counts_what_the_reader_sees(world, who, count):
    assert tiles.open_feedback(_request(world[who]))["feedback"].count == count


@pytest.mark.parametrize(("who", "shown"), [("employee", 1), ("staff", 2)])
def test_since_last_time_lists_what_the_reader_sees(world, who, shown):
    later = world["later"]
    part = panels.meeting_follow_up(later, earlier_meetings(later), world[who])
    ids = [row["id"] for row in part.rows]
    assert len(ids) == shown
    assert (world["secret"].pk in ids) is (who == "staff")


@pytest.mark.parametrize(("who", "found"), [("employee", False), ("staff", True)])
def test_the_search_finds_what_the_reader_sees(world, who, found):
    page = logged_in(world[who]).get("/search/", {"q": WORD}).content.decode()
    assert (registry.get(Feedback).url("detail", world["secret"]) in page) is found


# --- ids through other objects ----------------------------------------------------------------


@pytest.fixture
def grouped(world):
    """An improvement grouping the complaint and an ordinary item; a second ordinary item
    merged into the complaint as a duplicate."""
    improvement = ImprovementFactory(system=world["system"], title="Keep the orders")
    improvement.feedback.add(world["secret"], world["open"][0])
    repeated = world["open"][1]
    services.triage(repeated, "duplicate", world["staff"], duplicate_of=world["secret"])
    return {**world, "improvement": improvement, "repeated": repeated}


@pytest.mark.parametrize("who", ["employee", "staff"])
def test_the_improvement_api_names_only_feedback_the_reader_sees(grouped, who, api_client_for):
    api = api_client_for(grouped[who])
    improvement, secret, ordinary = grouped["improvement"], grouped["secret"], grouped["open"][0]
    expected = sorted([secret.pk, ordinary.pk]) if who == "staff" else [ordinary.pk]
    detail = api.get(f"/api/feedback/improvements/{improvement.pk}/").json()
    listed = api.get("/api/feedback/improvements/").json()["results"]
    assert sorted(detail["feedback"]) == expected
    assert [sorted(r["feedback"]) for r in listed if r["id"] == improvement.pk] == [expected]
    repeated = api.get(f"/api/feedback/feedback/{grouped['repeated'].pk}/").json()
    assert repeated["duplicate_of"] == (secret.pk if who == "staff" else None)
    changes = api.get("/api/feedback/feedback-status-changes/").json()["results"]
    assert [c["duplicate_of"] for c in changes] == [secret.pk if who == "staff" else None]


def test_an_update_keeps_the_feedback_the_reader_never_saw(grouped):
    # Given someone who may not see the complaint sends the improvement's feedback back with
    # one more item (the API's update: the serializer, then its many-to-many after the save)
    from openmis.feedback.api import ImprovementSerializer

    improvement, secret, ordinary = grouped["improvement"], grouped["secret"], grouped["open"][0]
    extra = grouped["open"][2]
    request = _request(grouped["employee"])
    shown = ImprovementSerializer(improvement, context={"request": request}).data
    assert shown["feedback"] == [ordinary.pk]
    serializer = ImprovementSerializer(
        improvement,
        data={"feedback": [ordinary.pk, extra.pk]},
        partial=True,
        context={"request": request},
    )
    assert serializer.is_valid(), serializer.errors
    serializer.apply_to(improvement)
    improvement.save()
    serializer.after_save(improvement)
    # Then the complaint they never saw stays grouped, and they are shown only theirs
    assert set(improvement.feedback.values_list("pk", flat=True)) == {
        secret.pk,
        ordinary.pk,
        extra.pk,
    }
    again = ImprovementSerializer(improvement, context={"request": request}).data
    assert sorted(again["feedback"]) == sorted([ordinary.pk, extra.pk])


@pytest.mark.parametrize("who", ["employee", "staff"])
def test_the_pages_name_only_feedback_the_reader_sees(grouped, who):
    client = logged_in(grouped[who])
    secret = grouped["secret"]
    improvement_page = client.get(
        registry.get(Improvement).url("detail", grouped["improvement"])
    ).content.decode()
    repeated_page = client.get(
        registry.get(Feedback).url("detail", grouped["repeated"])
    ).content.decode()
    sees = who == "staff"
    assert (f"#{secret.pk}" in repeated_page) is sees
    assert (WORD in improvement_page) is sees
    assert (registry.get(Feedback).url("detail", secret) in improvement_page) is sees
    # the figures of the grouped feedback: 1 and 4, or 4 alone
    assert ("average rating 2.5)" in improvement_page) is sees
    assert ("average rating 4" in improvement_page) is not sees
    assert "confidential item" not in improvement_page
    assert "hidden" not in re.sub(r'type="hidden"|visually-hidden|hidden_', "", improvement_page)


def _csv(response) -> list[dict]:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))


@pytest.mark.parametrize("who", ["employee", "staff"])
def test_exports_name_only_feedback_the_reader_sees(grouped, who, api_client_for):
    api = api_client_for(grouped[who])
    secret, ordinary = grouped["secret"], grouped["open"][0]
    sees = who == "staff"
    improvements = _csv(api.get("/api/feedback/improvements/export/", {"format": "csv"}))
    row = next(r for r in improvements if r["id"] == str(grouped["improvement"].pk))
    expected = sorted([secret.pk, ordinary.pk]) if sees else [ordinary.pk]
    assert sorted(int(pk) for pk in row["feedback"].split(";")) == expected
    page_export = _csv(
        logged_in(grouped[who]).get(registry.get(Feedback).url("export"), {"format": "csv"})
    )
    repeated = next(r for r in page_export if r["id"] == str(grouped["repeated"].pk))
    assert repeated["duplicate_of"] == (str(secret.pk) if sees else "")
    assert repeated["status"] == "duplicate"


def test_the_improvement_form_keeps_feedback_the_editor_never_saw(grouped):
    # Given an editor who may change improvements but not see the complaint (a custom role:
    # the built-in ones that edit improvements see all feedback)
    from openmis.core.forms import limit_references
    from openmis.feedback.forms import ImprovementForm

    improvement, secret, ordinary = grouped["improvement"], grouped["secret"], grouped["open"][0]
    extra = grouped["open"][2]
    editor = grouped["employee"]
    form = ImprovementForm(instance=improvement)
    limit_references(form, editor)
    # the form neither offers nor names the complaint
    rendered = str(form["feedback"])
    assert WORD not in rendered and f'value="{secret.pk}"' not in rendered
    assert f'value="{ordinary.pk}"' in rendered
    # When they save it with one more item
    data = {
        "title": improvement.title,
        "system": improvement.system_id,
        "description": "",
        "feedback": [ordinary.pk, extra.pk],
        "reach": improvement.reach,
        "impact": improvement.impact,
        "confidence": improvement.confidence,
        "effort": str(improvement.effort),
    }
    form = ImprovementForm(data, instance=improvement)
    limit_references(form, editor)
    assert form.is_valid(), form.errors
    form.save()
    # Then the complaint stays grouped
    assert set(improvement.feedback.values_list("pk", flat=True)) == {
        secret.pk,
        ordinary.pk,
        extra.pk,
    }
