"""A cockpit per role: each built-in role gets its own tiles in its own order, every count on
a tile is the row count of the list it links to for the same user, no tile counts or names a
row that user's lists hide, and the cockpit's queries do not grow with the rows."""

import html
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from openmis.bi.models import Share
from openmis.bi.tests import factories as bi
from openmis.conftest import logged_in
from openmis.feedback.tests.factories import FeedbackFactory, ImprovementFactory
from openmis.meetings.tests.factories import ActionItemFactory
from openmis.org.models import Role
from openmis.org.roles import ANALYST, DIRECTOR, EMPLOYEE, LEADER, STAFF
from openmis.org.tests.factories import (
    DepartmentFactory,
    PersonFactory,
    UserFactory,
    user_with_role,
)
from openmis.portfolio.tests.factories import ContractFactory, ProjectFactory, SystemFactory

pytestmark = pytest.mark.django_db

TILE_COUNT = re.compile(r'<a class="tile-count[^"]*" href="([^"]+)" data-count="(\d+)"')
RESULTS = re.compile(r"(\d+) results?</p>")
DETAIL_LINK = re.compile(r'href="(/[a-z-]+/[a-z-]+/\d+/)"')

#: The tiles each role's cockpit leads with, in order (by their headings' ids).
COCKPITS = {
    DIRECTOR: [
        "renewals",
        "overdue",
        "lowest-rated",
        "waiting-improvements",
        "open-feedback",
        "projects-risk",
        "my-actions",
        "week-meetings",
        "stages",
        "changes",
        "people",
    ],
    LEADER: [
        "department-systems",
        "department-feedback",
        "department-actions",
        "shared",
        "my-actions",
        "week-meetings",
    ],
    ANALYST: ["my-questions", "my-dashboards", "shared", "my-actions", "week-meetings"],
    EMPLOYEE: ["my-actions", "shared"],
}
EVERY_TILE = {heading for headings in COCKPITS.values() for heading in headings}


def headings(page: str) -> list[str]:
    """The ids of the cockpit's tiles, in the order they are drawn."""
    found = re.findall(r'<h2 class="h5 card-title" id="([a-z-]+)-heading"', page)
    return [h for h in found if h in EVERY_TILE]


def tile_links(page: str) -> list[tuple[str, int]]:
    return [(html.unescape(href), int(n)) for href, n in TILE_COUNT.findall(page)]


def list_count(client, url: str) -> int:
    response = client.get(url)
    assert response.status_code == 200, url
    found = RESULTS.search(response.content.decode())
    assert found is not None, url
    return int(found.group(1))


@pytest.fixture
def world(department):
    """An organization with a row of every kind each cockpit counts, and rows of another
    department and of other people that some roles must not see."""
    today = timezone.localdate()
    sales = DepartmentFactory(name="Sales")
    users = {role: user_with_role(role, department, username=role) for role in COCKPITS}
    users[STAFF] = user_with_role(STAFF, department, username="staff")
    me = users[EMPLOYEE].person
    stranger = PersonFactory(department=sales, first_name="Stranger")
    colleague = PersonFactory(department=department, first_name="Colleague")

    ours = SystemFactory(name="Our CRM", business_owner=department, lifecycle_stage="deployed")
    theirs = SystemFactory(name="Their ERP", business_owner=sales, lifecycle_stage="deployed")
    ContractFactory(title="Missed notice", system=ours, end_date=today + timedelta(days=20))
    ContractFactory(
        title="Upcoming notice", system=theirs, end_date=today + timedelta(days=40), notice_days=30
    )
    ContractFactory(title="Far away", system=theirs, end_date=today + timedelta(days=900))
    ProjectFactory(name="Late rollout", system=ours, planned_go_live=today - timedelta(days=3))
    ProjectFactory(name="Overspent", system=theirs, spent=Decimal("200000"))
    ProjectFactory(name="On track", system=theirs)
    ImprovementFactory(title="New idea", system=ours, status="new")
    ImprovementFactory(title="Reviewing", system=theirs, status="under_review")
    planned = ImprovementFactory(title="Planned work", system=theirs, status="planned")
    grouped = FeedbackFactory(system=ours, department=department, text="Grouped already")
    planned.feedback.add(grouped)
    FeedbackFactory(system=ours, department=department, text="From marketing")
    FeedbackFactory(system=theirs, department=sales, text="From sales")
    for rating in (1, 2, 2):
        FeedbackFactory(system=theirs, department=sales, rating=rating, text=f"Rated {rating}")

    ActionItemFactory(title="My overdue", owner=me, due_date=today - timedelta(days=2))
    ActionItemFactory(title="My next", owner=me, due_date=today + timedelta(days=2))
    ActionItemFactory(title="My done", owner=me, due_date=today - timedelta(days=9), status="done")
    ActionItemFactory(title="Colleague task", owner=colleague, due_date=today - timedelta(days=1))
    ActionItemFactory(title="Stranger task", owner=stranger, due_date=today - timedelta(days=5))

    analyst = users[ANALYST]
    bi.question(department, owner=analyst, visibility="private")
    bi.dashboard(department, owner=analyst, visibility="private")
    secret = bi.dashboard(sales, owner=users[DIRECTOR], visibility="private")
    secret.title = "Secret board"
    secret.save()
    public = bi.dashboard(department, owner=users[DIRECTOR], visibility="organization")
    public.title = "Public board"
    public.save()
    given = bi.dashboard(department, owner=users[DIRECTOR], visibility="private")
    given.title = "Given to the employee"
    given.save()
    Share.objects.create(dashboard=given, user=users[EMPLOYEE], level=Share.Level.VIEW)
    return users


@pytest.mark.parametrize("role", list(COCKPITS))
def test_each_role_gets_its_own_cockpit_in_its_order(world, role):
    page = logged_in(world[role]).get("/").content.decode()
    assert headings(page) == COCKPITS[role]


def test_the_director_s_cockpit_flags_missed_notices_and_leads_with_mis_numbers(world):
    page = logged_in(world[DIRECTOR]).get("/").content.decode()
    renewals = page[
        page.index('id="renewals-heading"') : page.index(
            "</section>", page.index('id="renewals-heading"')
        )
    ]
    assert "Notice missed" in renewals and "text-danger" in renewals
    assert renewals.index("Missed notice") < renewals.index("Upcoming notice")
    assert "Far away" not in renewals
    # the head count is HR's: after every MIS tile
    assert headings(page)[-1] == "people"


@pytest.mark.parametrize("role", list(COCKPITS))
def test_every_count_on_a_tile_is_the_row_count_of_its_list(world, role):
    client = logged_in(world[role])
    links = tile_links(client.get("/").content.decode())
    assert links, role
    for url, count in links:
        assert list_count(client, url) == count, url
    assert sum(count for _url, count in links) > 0


@pytest.mark.parametrize("role", list(COCKPITS))
def test_a_tile_never_names_a_row_the_role_may_not_open(world, role):
    """Every object a tile names opens for that user; nothing of another department or
    person that the role's lists hide is named."""
    client = logged_in(world[role])
    page = client.get("/").content.decode()
    for url in set(DETAIL_LINK.findall(page)):
        assert client.get(url).status_code == 200, url
    if role != DIRECTOR:  # the MIS office administers every dashboard
        assert "Secret board" not in page  # a private dashboard of another user
    if role == EMPLOYEE:
        for other in ("Stranger task", "Colleague task", "Missed notice", "From sales"):
            assert other not in page
        assert "Given to the employee" in page and "Public board" in page
    if role == LEADER:
        assert "Their ERP" not in page and "From sales" not in page and "Stranger task" not in page
        assert "Our CRM" in page and "Colleague task" in page


def test_an_employee_s_counts_follow_the_action_item_row_rule(world):
    """The employee's action item list shows their own only; so does the tile, even when the
    link is rewritten to another person's items."""
    client = logged_in(world[EMPLOYEE])
    links = dict(tile_links(client.get("/").content.decode()))
    me = world[EMPLOYEE].person.pk
    assert links[f"/meetings/action-items/?status=open&owner={me}"] == 2
    assert links[f"/meetings/action-items/?status=open&owner={me}&overdue=true"] == 1
    assert list_count(client, "/meetings/action-items/?status=open&overdue=true") == 1


def test_a_user_with_several_roles_gets_the_union_first_role_first(world, department):
    both = user_with_role(DIRECTOR, department, username="both")
    both.groups.add(Role.objects.get(slug=ANALYST).group)
    found = headings(logged_in(both).get("/").content.decode())
    assert found[: len(COCKPITS[DIRECTOR])] == COCKPITS[DIRECTOR]
    assert found[len(COCKPITS[DIRECTOR]) :] == ["my-questions", "my-dashboards", "shared"]


def test_a_login_without_a_person_or_a_role_still_gets_a_cockpit(world):
    nobody = UserFactory(username="nobody")
    nobody.save()
    nobody.groups.add(Role.objects.get(slug=EMPLOYEE).group)
    response = logged_in(nobody).get("/")
    assert response.status_code == 200
    page = response.content.decode()
    assert headings(page) == ["shared"]  # no person: no action items of their own
    assert "Public board" in page
    roleless = UserFactory(username="roleless")
    roleless.save()
    roleless = logged_in(roleless).get("/")
    assert roleless.status_code == 200


def cockpit_queries(client) -> int:
    client.get("/")  # warm-up: per-process caches are not measured
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/").status_code == 200
    return len(ctx.captured_queries)


def add_rows(world, department, n):
    """``n`` more rows of every kind each cockpit shows."""
    today = timezone.localdate()
    me = world[EMPLOYEE].person
    for i in range(n):
        system = SystemFactory(business_owner=department, lifecycle_stage="deployed")
        ContractFactory(system=system, end_date=today + timedelta(days=10 + i))
        ContractFactory(system=system, end_date=today + timedelta(days=100 + i), notice_days=30)
        ProjectFactory(system=system, planned_go_live=today - timedelta(days=1))
        ImprovementFactory(system=system, status="new")
        for rating in (1, 2, 3):
            FeedbackFactory(system=system, department=department, rating=rating)
        ActionItemFactory(owner=me, due_date=today - timedelta(days=i + 1))
        ActionItemFactory(owner=PersonFactory(department=department), due_date=today)
        bi.question(department, owner=world[ANALYST])
        board = bi.dashboard(department, owner=world[ANALYST], visibility="organization")
        Share.objects.create(dashboard=board, user=world[EMPLOYEE], level=Share.Level.VIEW)


@pytest.mark.parametrize("role", [DIRECTOR, STAFF, LEADER, ANALYST, EMPLOYEE])
def test_the_cockpit_s_queries_do_not_grow_with_the_rows(world, department, role):
    client = logged_in(world[role])
    add_rows(world, department, 1)
    few = cockpit_queries(client)
    add_rows(world, department, 10)
    many = cockpit_queries(client)
    assert many == few, role


def test_each_lowest_rated_system_links_to_the_ratings_behind_its_average(world):
    client = logged_in(world[DIRECTOR])
    page = client.get("/").content.decode()
    start = page.index('id="lowest-rated"')
    tile = page[start : page.index("</ol>", start)]
    rows = re.findall(r'<a class="text-body" href="([^"]+)">[^<]* from (\d+) ratings?</a>', tile)
    assert rows  # Their ERP: four ratings in the last 90 days
    for url, ratings in rows:
        assert list_count(client, html.unescape(url)) == int(ratings)
