"""Feedback and the improvements backlog: priority, status changes and their e-mails,
grouping, the system page's feedback section, the cockpit tile, roles and bad input."""

# ruff: noqa: RUF001, RUF003  (the priority formula is written with × and ÷)

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from openmis.core import formatting
from openmis.feedback import services
from openmis.feedback.models import Feedback, Improvement, StatusChange
from openmis.feedback.tests.factories import FeedbackFactory, ImprovementFactory
from openmis.org.roles import ANALYST, EMPLOYEE, LEADER, STAFF
from openmis.org.tests.factories import DepartmentFactory, PersonFactory, user_with_role
from openmis.portfolio.tests.factories import ProjectFactory, SystemFactory

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 28)


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


# --- priority --------------------------------------------------------------------------------


def test_an_improvement_keeps_its_priority_score_up_to_date():
    # Given an improvement reaching 200 people a month, high impact, 80 % sure, 4 weeks' work
    improvement = ImprovementFactory(reach=200, impact="2", confidence=80, effort=Decimal(4))
    # Then its score is 200 × 2 × 0.8 ÷ 4
    assert improvement.priority == 80.0
    # When the effort estimate doubles, the score halves
    improvement.effort = Decimal(8)
    improvement.save()
    improvement.refresh_from_db()
    assert improvement.priority == 40.0


def test_the_improvement_page_writes_the_formula_out(director_client):
    improvement = ImprovementFactory(reach=10, impact="0.5", confidence=50, effort=Decimal(3))
    page = director_client.get(improvement.get_absolute_url()).content.decode()
    assert "reach × impact × confidence ÷ effort = 10 × 0.5 × 50 % ÷ 3 = 0.83" in page


def test_the_backlog_is_ordered_by_priority():
    system = SystemFactory()
    low = ImprovementFactory(system=system, reach=10, effort=Decimal(5))
    high = ImprovementFactory(system=system, reach=500, effort=Decimal(1))
    assert list(Improvement.objects.all()) == [high, low]


# --- status changes and notifications ---------------------------------------------------------


@pytest.fixture
def backlog_item():
    """An improvement grouping feedback of several people, and feedback outside it."""
    system = SystemFactory(name="Legacy CRM")
    dept = DepartmentFactory(name="Customer Relations")
    ola = PersonFactory(email="ola@example.com", department=dept)
    jan = PersonFactory(email="jan@example.com", department=dept)
    gone = PersonFactory(email="gone@example.com", department=dept, active=False)
    other = PersonFactory(email="other@example.com", department=dept)
    improvement = ImprovementFactory(system=system, title="Faster customer search")
    grouped = [
        FeedbackFactory(system=system, department=dept, author=ola, date=TODAY - timedelta(9)),
        FeedbackFactory(
            system=system, department=dept, author=ola, language="pl", date=TODAY - timedelta(2)
        ),
        FeedbackFactory(system=system, department=dept, author=jan),
        FeedbackFactory(system=system, department=dept, author=gone),
        FeedbackFactory(system=system, department=dept, author=None),
    ]
    improvement.feedback.add(*grouped)
    FeedbackFactory(system=system, department=dept, author=other)  # not grouped
    return improvement


def test_status_change_mails_each_feedback_giver_once_in_their_language(
    backlog_item, director, django_capture_on_commit_callbacks
):
    # When the MIS director plans the improvement
    with django_capture_on_commit_callbacks(execute=True):
        change = services.change_status(backlog_item, "planned", director)
    # Then the change is recorded
    backlog_item.refresh_from_db()
    assert backlog_item.status == "planned"
    assert (change.from_status, change.to_status, change.changed_by, change.notified) == (
        "new",
        "planned",
        director,
        2,
    )
    # and each active author of grouped feedback gets exactly one e-mail (Ola twice-grouped),
    # the one who left the organization, the anonymous item and ungrouped feedback none
    assert sorted(m.to[0] for m in mail.outbox) == ["jan@example.com", "ola@example.com"]
    by_person = {m.to[0]: m for m in mail.outbox}
    # Ola wrote her latest feedback in Polish; Jan's language is unknown: the default (English)
    assert "Zaplanowane" in by_person["ola@example.com"].subject
    assert by_person["jan@example.com"].subject == (
        "Improvement “Faster customer search” is now: Planned"
    )
    assert "from “New” to “Planned”" in by_person["jan@example.com"].body
    assert "Legacy CRM" in by_person["jan@example.com"].body


def test_every_change_mails_once_more(backlog_item, director, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.change_status(backlog_item, "under_review", director)
    with django_capture_on_commit_callbacks(execute=True):
        services.change_status(backlog_item, "in_progress", director)
    assert len(mail.outbox) == 4
    assert sorted(m.to[0] for m in mail.outbox).count("ola@example.com") == 2
    assert [c.to_status for c in StatusChange.objects.order_by("pk")] == [
        "under_review",
        "in_progress",
    ]


def test_declining_needs_a_reason(backlog_item, director, django_capture_on_commit_callbacks):
    # When the improvement is declined without a reason
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError) as error:
        services.change_status(backlog_item, "declined", director, reason="  ")
    # Then it is refused on the reason, and nothing changed or was sent
    assert list(error.value.message_dict) == ["reason"]
    backlog_item.refresh_from_db()
    assert backlog_item.status == "new"
    assert StatusChange.objects.count() == 0
    assert mail.outbox == []
    # With a reason it is declined, and the reason is told
    with django_capture_on_commit_callbacks(execute=True):
        services.change_status(backlog_item, "declined", director, reason="The CRM is retired.")
    backlog_item.refresh_from_db()
    assert (backlog_item.status, backlog_item.decline_reason) == (
        "declined",
        "The CRM is retired.",
    )
    assert len(mail.outbox) == 2
    assert all("The CRM is retired." in m.body for m in mail.outbox)
    jan = next(m for m in mail.outbox if m.to == ["jan@example.com"])
    assert "Reason: The CRM is retired." in jan.body


def test_the_same_or_an_unknown_status_is_refused(backlog_item, director):
    for status in ("new", "bogus"):
        with pytest.raises(ValidationError) as error:
            services.change_status(backlog_item, status, director)
        assert list(error.value.message_dict) == ["status"]
    assert StatusChange.objects.count() == 0


def test_status_change_through_the_page(
    backlog_item, director_client, django_capture_on_commit_callbacks
):
    url = f"/feedback/improvements/{backlog_item.pk}/status/"
    # Declining without a reason: an error message, nothing changes
    response = director_client.post(
        url, {"status": "declined", "reason": "", "version": backlog_item.version}, follow=True
    )
    assert "Say why the improvement is declined." in response.content.decode()
    backlog_item.refresh_from_db()
    assert backlog_item.status == "new"
    # A valid change
    with django_capture_on_commit_callbacks(execute=True):
        response = director_client.post(
            url, {"status": "planned", "version": backlog_item.version}, follow=True
        )
    assert response.status_code == 200
    backlog_item.refresh_from_db()
    assert backlog_item.status == "planned"
    assert len(mail.outbox) == 2
    assert [c.to_status for c in response.context["status_changes"]] == ["planned"]


@pytest.mark.parametrize("role", [LEADER, ANALYST, EMPLOYEE])
def test_only_the_mis_office_changes_statuses(role, backlog_item):
    user = user_with_role(role, backlog_item.system.business_owner)
    response = client_for(user).post(
        f"/feedback/improvements/{backlog_item.pk}/status/", {"status": "planned"}
    )
    assert response.status_code == 403
    backlog_item.refresh_from_db()
    assert backlog_item.status == "new"
    assert mail.outbox == []


def test_status_is_not_writable_through_the_api(backlog_item, director, api_client_for):
    api = api_client_for(director)
    response = api.patch(
        f"/api/feedback/improvements/{backlog_item.pk}/",
        {"status": "done", "priority": 9999},
        format="json",
    )
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["priority"]) == ("new", 40.0)
    backlog_item.refresh_from_db()
    assert backlog_item.status == "new"


# --- grouping feedback ------------------------------------------------------------------------


def test_feedback_is_grouped_into_an_improvement_of_its_system(director_client):
    system, elsewhere = SystemFactory(), SystemFactory()
    feedback = FeedbackFactory(system=system)
    improvement = ImprovementFactory(system=system)
    foreign = ImprovementFactory(system=elsewhere)
    page = director_client.get(feedback.get_absolute_url())
    assert list(page.context["group_form"].fields["improvement"].queryset) == [improvement]
    # An improvement of another system is refused
    director_client.post(f"/feedback/feedback/{feedback.pk}/group/", {"improvement": foreign.pk})
    assert list(foreign.feedback.all()) == []
    with pytest.raises(ValidationError):
        services.group_feedback(feedback, foreign)
    # Its own system's improvement accepts it
    response = director_client.post(
        f"/feedback/feedback/{feedback.pk}/group/", {"improvement": improvement.pk}
    )
    assert response.status_code == 302
    assert list(improvement.feedback.all()) == [feedback]


def test_the_improvement_form_offers_only_the_systems_feedback(director_client, api_client_for):
    system, elsewhere = SystemFactory(), SystemFactory()
    mine, foreign = FeedbackFactory(system=system), FeedbackFactory(system=elsewhere)
    form = director_client.get(f"/feedback/improvements/add/?system={system.pk}").context["form"]
    assert list(form.fields["feedback"].queryset) == [mine]
    data = {
        "title": "Bulk edit",
        "system": system.pk,
        "reach": 10,
        "impact": "1",
        "confidence": 80,
        "effort": "1",
    }
    response = director_client.post("/feedback/improvements/add/", data | {"feedback": foreign.pk})
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["feedback"]
    assert Improvement.objects.count() == 0
    # The API refuses it as well, and sets the feedback it accepts
    api = api_client_for(user_with_role(STAFF))
    response = api.post("/api/feedback/improvements/", data | {"feedback": [foreign.pk]})
    assert response.status_code == 400
    assert list(response.json()) == ["feedback"]
    response = api.post("/api/feedback/improvements/", data | {"feedback": [mine.pk]})
    assert response.status_code == 201, response.content
    assert list(Improvement.objects.get().feedback.all()) == [mine]


# --- the system page --------------------------------------------------------------------------


def test_rating_trend_is_the_monthly_average():
    system = SystemFactory()
    for day, rating in [
        (date(2026, 9, 3), 2),
        (date(2026, 9, 20), 3),
        (date(2026, 9, 30), None),  # a question without a rating
        (date(2026, 11, 1), 4),
        (date(2026, 11, 27), 5),
        (date(2026, 11, 28), 5),
        (date(2025, 10, 1), 1),  # older than twelve months
    ]:
        FeedbackFactory(system=system, date=day, rating=rating)
    FeedbackFactory(rating=1, date=date(2026, 10, 5))  # another system
    assert services.rating_trend(system, TODAY) == [
        {"month": date(2026, 9, 1), "average": 2.5, "ratings": 2},
        {"month": date(2026, 10, 1), "average": None, "ratings": 0},
        {"month": date(2026, 11, 1), "average": 4.67, "ratings": 3},
    ]


def test_post_implementation_review_compares_equal_windows(django_assert_max_num_queries):
    # Given a system of 50 users whose latest project went live on 1 October 2026
    system = SystemFactory(users=50)
    ProjectFactory(system=system, go_live=date(2025, 3, 1))  # an older go-live
    project = ProjectFactory(system=system, go_live=date(2026, 10, 1))
    ProjectFactory(system=system)  # not live yet
    go_live = project.go_live
    # (days before the go-live, rating, hours lost a month)
    before = [(59, 1, 9), (58, 1, 10), (40, 2, 4), (30, 2, 0), (10, 3, 6), (1, None, 2)]
    # (days after the go-live, rating, hours lost a month)
    after = [(0, 4, 2), (10, 5, 0), (20, 4, "1.5"), (40, 5, 0), (50, 4, "0.5"), (57, None, 0)]
    after.append((58, 1, 100))  # today: not over, so not counted
    for days, rating, hours in before:
        FeedbackFactory(
            system=system, date=go_live - timedelta(days), rating=rating, hours_per_month=hours
        )
    for days, rating, hours in after:
        FeedbackFactory(
            system=system, date=go_live + timedelta(days), rating=rating, hours_per_month=hours
        )
    FeedbackFactory(date=go_live, rating=1, hours_per_month=99)  # another system
    # When the review is made on 28 November (58 whole days after the go-live)
    with django_assert_max_num_queries(2):
        found = services.post_implementation_review(system, TODAY)
    review = found["review"]
    # Then it compares 58 days on each side: 4 Aug … 30 Sep with 1 Oct … 27 Nov
    assert found["project"] == project
    assert review.ready and not review.complete and review.days == 58
    assert (review.before.start, review.before.end, review.after.start, review.after.end) == (
        date(2026, 8, 4),
        date(2026, 9, 30),
        date(2026, 10, 1),
        date(2026, 11, 27),
    )
    # before: 5 items (59 days before is out), ratings 1, 2, 2, 3 → 2.0, hours 10+4+0+6+2 = 22
    b, a = review.before, review.after
    assert (b.count, b.ratings, b.average_rating, b.hours) == (5, 4, 2.0, Decimal(22))
    # after: 6 items, ratings 4, 5, 4, 5, 4 → 22/5 = 4.4, hours 2+0+1.5+0+0.5+0 = 4
    assert (a.count, a.ratings, a.hours) == (6, 5, Decimal(4))
    assert a.average_rating == pytest.approx(4.4)
    # per week: 5 × 7/58 = 35/58 and 6 × 7/58 = 42/58, i.e. +20 %
    assert (b.per_week, a.per_week) == (pytest.approx(35 / 58), pytest.approx(42 / 58))
    assert review.per_week_change == pytest.approx(0.2)
    # per user per week: 35/58/50 = 35/2900 and 42/2900, a change of 7/2900
    assert (b.per_user_per_week, a.per_user_per_week) == (
        pytest.approx(35 / 2900),
        pytest.approx(42 / 2900),
    )
    assert review.per_user_per_week_change == pytest.approx(7 / 2900)
    # rating 4.4 − 2.0 = +2.4; hours 4 − 22 = −18, per user 22/50 = 0.44 and 4/50 = 0.08
    assert review.rating_change == pytest.approx(2.4)
    assert review.hours_change == Decimal(-18)
    assert (b.hours_per_user, a.hours_per_user) == (Decimal("0.44"), Decimal("0.08"))


@pytest.mark.parametrize("passed", [0, 1, 29])
def test_post_implementation_review_waits_30_days(passed):
    # Given a go-live and feedback on both sides of it
    system = SystemFactory(users=10)
    go_live = TODAY - timedelta(passed)
    ProjectFactory(system=system, go_live=go_live)
    for days in range(1, 11):
        FeedbackFactory(system=system, date=go_live - timedelta(days), rating=1)
        FeedbackFactory(system=system, date=min(go_live + timedelta(days), TODAY), rating=5)
    # When the review is made on the go-live day, the day after or 29 days after
    review = services.post_implementation_review(system, TODAY)["review"]
    # Then it has no figures yet and says it is ready 30 days after the go-live
    assert (review.ready, review.reason) == (False, "too_early")
    assert review.ready_on == go_live + timedelta(30)
    assert review.before is None and review.rating_change is None


def test_post_implementation_review_settings(settings):
    system = SystemFactory(users=10)
    ProjectFactory(system=system, go_live=TODAY - timedelta(20))
    for days in (1, 2, 3):
        FeedbackFactory(system=system, date=TODAY - timedelta(20 + days), rating=2)
        FeedbackFactory(system=system, date=TODAY - timedelta(days), rating=4)
    settings.OPENMIS_REVIEW_MIN_DAYS = 14
    settings.OPENMIS_REVIEW_MIN_FEEDBACK = 3
    review = services.post_implementation_review(system, TODAY)["review"]
    assert review.ready and review.days == 20 and review.rating_change == 2
    settings.OPENMIS_REVIEW_MIN_FEEDBACK = 4
    review = services.post_implementation_review(system, TODAY)["review"]
    assert (review.ready, review.reason) == (False, "too_little_feedback")
    assert (review.before.count, review.after.count) == (3, 3)


def test_no_review_without_a_go_live():
    system = SystemFactory()
    ProjectFactory(system=system)
    assert services.post_implementation_review(system, TODAY) is None


def test_system_page_shows_the_feedback_section(director_client):
    today = timezone.localdate()
    system = SystemFactory(users=10)
    ProjectFactory(system=system, go_live=today - timedelta(days=20))
    FeedbackFactory(system=system, date=today - timedelta(days=30), rating=2)
    FeedbackFactory(system=system, date=today - timedelta(days=5), rating=4)
    FeedbackFactory(system=system, date=today - timedelta(days=5), rating=5)
    planned = ImprovementFactory(system=system, title="Planned one", reach=500)
    done = ImprovementFactory(system=system, title="Done one")
    Improvement.objects.filter(pk=done.pk).update(status="done")
    response = director_client.get(f"/portfolio/systems/{system.pk}/")
    assert response.status_code == 200
    section = response.context["feedback_section"]
    assert section["count"] == 3
    assert section["improvements"] == [planned]
    assert sum(section["chart"]["ratings"]) == 3
    page = response.content.decode()
    assert 'id="feedback-rating-chart"' in page
    assert "openmis/feedback.js" in page
    open_list = page.split('id="open-improvements"')[1].split("</ul>")[0]
    delivered = page.split('id="delivered-improvements"')[1].split("</ul>")[0]
    assert "Planned one" in open_list and "Done one" not in open_list
    assert "Done one" in delivered and "Planned one" not in delivered
    # 20 days after the go-live the review has no figures yet, and says when it will
    assert section["review"]["review"].reason == "too_early"
    assert 'id="pir-not-ready"' in page and 'id="pir-table"' not in page
    ready_on = formatting.format_date(today + timedelta(days=10), "en")
    assert f"once 30 days have passed, on {ready_on}." in page


@pytest.mark.parametrize(
    ("language", "figures"),
    [
        ("en", ["1.00", "1.40", "+40.0%", "0.100", "0.140", "+0.040", "+2.00", "15.0", "-8.0"]),
        ("pl", ["1,00", "1,40", "+40,0%", "0,100", "0,140", "+0,040", "+2,00", "15,0", "-8,0"]),
    ],
)
def test_system_page_shows_the_review_in_the_readers_language(director_client, language, figures):
    # Given a system of 10 users live for 35 days: 5 items rated 2 stating 3 h a month lost in
    # the 35 days before, 7 items rated 4 stating 1 h in the 35 days after
    today = timezone.localdate()
    system = SystemFactory(users=10)
    go_live = today - timedelta(days=35)
    ProjectFactory(system=system, go_live=go_live)
    for days in range(1, 6):
        FeedbackFactory(system=system, date=go_live - timedelta(days), rating=2, hours_per_month=3)
    for days in range(7):
        FeedbackFactory(system=system, date=go_live + timedelta(days), rating=4, hours_per_month=1)
    # When the page is read
    page = director_client.get(
        f"/portfolio/systems/{system.pk}/", HTTP_ACCEPT_LANGUAGE=language
    ).content.decode()
    # Then it shows, formatted for the reader: per week 5 × 7/35 = 1.00 and 7 × 7/35 = 1.40
    # (+40 %); per user per week 0.100 and 0.140 (+0.040); rating 2 → 4 (+2.00); hours
    # 5 × 3 = 15.0 → 7 × 1 = 7.0 (−8.0)
    assert 'id="pir-table"' in page and 'id="pir-not-ready"' not in page
    start = page.index('id="pir-table"')
    table = page[start : page.index("</table>", start)]
    cells = re.findall(r'<td class="text-end">([^<]*)', table)
    for figure in figures:
        assert figure in cells, (figure, cells)
    assert formatting.format_date(go_live, language) in page


# --- the cockpit ------------------------------------------------------------------------------


def test_cockpit_lists_the_five_lowest_rated_systems_in_use(director_client):
    today = timezone.localdate()

    def rated(name, ratings, stage="deployed", age=1):
        system = SystemFactory(name=name, lifecycle_stage=stage)
        for rating in ratings:
            FeedbackFactory(system=system, rating=rating, date=today - timedelta(days=age))
        return system

    rated("Alpha", [1, 2, 3])  # 2.0
    rated("Bravo", [1, 1, 2, 2])  # 1.5
    rated("Charlie", [3, 3, 4])  # 3.33
    rated("Delta", [2, 2, 2])  # 2.0, after Alpha by name
    rated("Echo", [4, 5, 5])  # 4.67
    rated("Foxtrot", [5, 5, 5])  # 5.0: sixth, left out
    rated("Legacy", [1, 1, 1], stage="retiring")  # 1.0: retiring systems are still in use
    rated("Gone", [1, 1, 1], stage="retired")
    rated("Proposal", [1, 1, 1], stage="proposed")
    rated("Two ratings", [1, 1])
    rated("Old news", [1, 1, 1], age=95)
    unrated = rated("Questions", [])
    FeedbackFactory(system=unrated, rating=None)
    response = director_client.get("/")
    rows = [
        (r["system"].name, r["average"], r["ratings"]) for r in response.context["lowest_rated"]
    ]
    assert rows == [
        ("Legacy", 1.0, 3),
        ("Bravo", 1.5, 4),
        ("Alpha", 2.0, 3),
        ("Delta", 2.0, 3),
        ("Charlie", 3.33, 3),
    ]
    assert 'id="lowest-rated"' in response.content.decode()


def test_cockpit_tile_needs_the_feedback_permission(department):
    user = user_with_role(None, department)
    response = client_for(user).get("/")
    assert "lowest_rated" not in response.context


# --- roles ------------------------------------------------------------------------------------


def _feedback_form(system, department, **changes):
    return {
        "system": system.pk,
        "department": department.pk,
        "kind": "problem",
        "rating": 2,
        "people_affected": 5,
        "hours_per_month": "3",
        "text": "Search takes a minute.",
        "date": "2026-01-10",
    } | changes


def test_employees_give_feedback_but_do_not_change_it(department):
    employee = user_with_role(EMPLOYEE, department)
    client = client_for(employee)
    system = SystemFactory()
    other = DepartmentFactory(name="Finance")
    response = client.post("/feedback/feedback/add/", _feedback_form(system, other))
    assert response.status_code == 302
    feedback = Feedback.objects.get()
    assert (feedback.department, feedback.rating) == (other, 2)
    response = client.post(
        f"/feedback/feedback/{feedback.pk}/edit/",
        _feedback_form(system, other, rating=5, version=feedback.version),
    )
    assert response.status_code == 403
    feedback.refresh_from_db()
    assert feedback.rating == 2
    assert client.post("/feedback/improvements/add/", {"title": "x"}).status_code == 403
    assert client.get("/feedback/improvements/").status_code == 200


def test_leaders_manage_their_own_departments_feedback_only(department):
    leader = user_with_role(LEADER, department)
    client = client_for(leader)
    other = DepartmentFactory(name="Finance")
    mine = FeedbackFactory(department=department, rating=3)
    theirs = FeedbackFactory(department=other, rating=3)
    for feedback, expected, rating in [(mine, 302, 1), (theirs, 403, 3)]:
        response = client.post(
            f"/feedback/feedback/{feedback.pk}/edit/",
            _feedback_form(feedback.system, feedback.department, rating=1)
            | {"version": feedback.version},
        )
        assert response.status_code == expected
        feedback.refresh_from_db()
        assert feedback.rating == rating
    # They add feedback for their department, not in another's name
    system = SystemFactory()
    before = Feedback.objects.count()
    response = client.post("/feedback/feedback/add/", _feedback_form(system, other))
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["department"]
    assert Feedback.objects.count() == before
    assert client.post(
        "/feedback/feedback/add/", _feedback_form(system, department)
    ).status_code == (302)
    # They read the backlog but do not edit it
    improvement = ImprovementFactory(system=SystemFactory(business_owner=department))
    assert client.get(improvement.get_absolute_url()).status_code == 200
    response = client.post(
        f"/feedback/improvements/{improvement.pk}/edit/",
        {"title": "Renamed", "version": improvement.version},
    )
    assert response.status_code == 403
    improvement.refresh_from_db()
    assert improvement.title != "Renamed"


def test_analysts_read_only(department):
    client = client_for(user_with_role(ANALYST, department))
    system = SystemFactory()
    assert client.get("/feedback/feedback/").status_code == 200
    assert client.post(
        "/feedback/feedback/add/", _feedback_form(system, department)
    ).status_code == (403)
    assert Feedback.objects.count() == 0


# --- bad input --------------------------------------------------------------------------------


def test_a_rating_of_six_is_a_field_error(director_client, director, api_client_for):
    system, dept = SystemFactory(), DepartmentFactory()
    response = director_client.post(
        "/feedback/feedback/add/", _feedback_form(system, dept, rating=6)
    )
    assert response.status_code == 400
    assert response.context["form"].errors["rating"] == [
        "Ensure this value is less than or equal to 5."
    ]
    response = api_client_for(director).post(
        "/api/feedback/feedback/", _feedback_form(system, dept, rating=6), format="json"
    )
    assert response.status_code == 400
    assert list(response.json()) == ["rating"]
    assert Feedback.objects.count() == 0


def test_feedback_cannot_be_dated_in_the_future(director_client):
    system, dept = SystemFactory(), DepartmentFactory()
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = director_client.post(
        "/feedback/feedback/add/", _feedback_form(system, dept, date=tomorrow)
    )
    assert response.status_code == 400
    assert response.context["form"].errors["date"] == ["Feedback cannot be dated in the future."]


@pytest.mark.parametrize("effort", ["0", "-2"])
def test_zero_or_negative_effort_is_a_field_error(
    effort, director_client, director, api_client_for
):
    system = SystemFactory()
    data = {
        "title": "Bulk edit",
        "system": system.pk,
        "reach": 10,
        "impact": "1",
        "confidence": 80,
        "effort": effort,
    }
    response = director_client.post("/feedback/improvements/add/", data)
    assert response.status_code == 400
    assert response.context["form"].errors["effort"] == [
        "Effort must be more than zero person-weeks."
    ]
    response = api_client_for(director).post("/api/feedback/improvements/", data, format="json")
    assert response.status_code == 400
    assert response.json() == {"effort": ["Effort must be more than zero person-weeks."]}
    assert Improvement.objects.count() == 0


def test_confidence_above_100_and_unknown_impact_are_refused(director_client):
    data = {
        "title": "Bulk edit",
        "system": SystemFactory().pk,
        "reach": 10,
        "impact": "4",
        "confidence": 150,
        "effort": "1",
    }
    response = director_client.post("/feedback/improvements/add/", data)
    assert response.status_code == 400
    assert sorted(response.context["form"].errors) == ["confidence", "impact"]


def test_a_project_of_another_system_is_refused(director_client):
    system = SystemFactory()
    project = ProjectFactory()
    improvement = ImprovementFactory.build(system=system, project=project)
    with pytest.raises(ValidationError) as error:
        improvement.full_clean()
    assert list(error.value.message_dict) == ["project"]


# --- meetings ---------------------------------------------------------------------------------


def test_feedback_captured_in_a_client_meeting_comes_from_the_client(director_client):
    from openmis.meetings.tests.factories import ClientFactory, OccurrenceFactory, SeriesFactory

    client = ClientFactory(name="Hurtownia Nowak")
    meeting = OccurrenceFactory(series=SeriesFactory(kind="client", client=client))
    system, dept = SystemFactory(), DepartmentFactory()
    response = director_client.post(
        "/feedback/feedback/add/", _feedback_form(system, dept, occurrence=meeting.pk)
    )
    assert response.status_code == 302
    feedback = Feedback.objects.get()
    assert (feedback.occurrence, feedback.client) == (meeting, client)
    listed = director_client.get(f"/feedback/feedback/?occurrence={meeting.pk}")
    assert listed.status_code == 200
    assert "Search takes a minute." in listed.content.decode()


def test_a_new_feedback_form_starts_as_the_users_own(department):
    user = user_with_role(EMPLOYEE, department)
    form = client_for(user).get("/feedback/feedback/add/").context["form"]
    assert (form.initial["author"], form.initial["department"], form.initial["language"]) == (
        user.person.pk,
        department.pk,
        "en",
    )


# --- demo -------------------------------------------------------------------------------------


def test_the_demo_tells_the_story_of_the_brief():
    from openmis.feedback import demo
    from openmis.org import demo as org_demo
    from openmis.portfolio import demo as portfolio_demo
    from openmis.portfolio.models import System

    # Given the demo organization and portfolio
    today = timezone.localdate()
    org_demo.load()
    portfolio_demo.load(today)
    # When the feedback demo is loaded
    demo.load(today)
    # Then there are about 300 feedback items over six months and 30 improvements
    assert 290 <= Feedback.objects.count() <= 330
    assert Feedback.objects.filter(date__lt=today - timedelta(days=demo.DAYS)).count() == 0
    assert Improvement.objects.count() == 30
    assert set(Improvement.objects.values_list("status", flat=True)) == set(
        Improvement.Status.values
    )
    assert not Improvement.objects.filter(status="declined", decline_reason="").exists()
    for improvement in Improvement.objects.all():
        assert improvement.feedback.exclude(system=improvement.system).count() == 0
        assert improvement.feedback.count() >= 1
    # the legacy systems are the lowest rated, and Salesforce is better liked since its go-live
    lowest = [row["system"].name for row in services.lowest_rated_systems(today)]
    assert lowest[:2] == [demo.LEGACY_CRM, demo.REPORTING]
    review = services.post_implementation_review(System.objects.get(name=demo.SALESFORCE), today)
    review = review["review"]
    assert review.ready and review.rating_change > 0.5
    assert review.per_week_change > 0
    # and removing it leaves nothing behind
    demo.reset()
    assert (Feedback.objects.count(), Improvement.objects.count()) == (0, 0)
    assert StatusChange.objects.count() == 0
