"""Extension points: tiles on the home page and panels on other types' detail pages, shown
in order to those their permission admits, hidden when their context is None, and never
served to one user as rendered for another."""

from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from openmis.core import extensions
from openmis.feedback.tests.factories import FeedbackFactory
from openmis.meetings import services as meeting_services
from openmis.meetings.tests.factories import ActionItemFactory, OccurrenceFactory, SeriesFactory
from openmis.org.models import Department
from openmis.org.roles import DIRECTOR, EMPLOYEE
from openmis.org.tests.factories import DepartmentFactory, PersonFactory, user_with_role
from openmis.portfolio.models import System
from openmis.portfolio.tests.factories import ContractFactory, SystemFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def note_template(settings, tmp_path):
    """A template ``test/note.html`` that shows its ``note`` in ``<p class="note">``."""
    (tmp_path / "test").mkdir()
    (tmp_path / "test" / "note.html").write_text('<p class="note">{{ note }}</p>')
    engine = dict(settings.TEMPLATES[0])
    engine["DIRS"] = [*engine["DIRS"], tmp_path]
    settings.TEMPLATES = [engine]
    return "test/note.html"


@pytest.fixture
def registered():
    """Register tiles and panels for one test; they are taken away afterwards."""
    made = []

    def register(kind, *args, **kwargs):
        item = getattr(extensions, f"register_{kind}")(*args, **kwargs)
        made.append(item)
        return item

    yield register
    for item in made:
        extensions.unregister(item)


def as_request(user):
    return SimpleNamespace(user=user)


def test_tiles_come_in_order_to_those_allowed_and_hide_without_context(registered, department):
    director = user_with_role(DIRECTOR, department)
    employee = user_with_role(EMPLOYEE, department)
    registered("tile", "t.html", name="test.third", order=3, context=lambda r: {"n": 3})
    registered("tile", "t.html", name="test.first", order=1, roles=["employee"])
    registered(
        "tile",
        "t.html",
        name="test.directors",
        order=2,
        permission="org.add_department",
        context=lambda r: {"who": r.user.username},
    )
    registered("tile", "t.html", name="test.callable", order=2, permission=lambda u: False)
    registered("tile", "t.html", name="test.nothing", order=0, context=lambda r: None)

    def shown(user):
        return [
            (s.name, s.context)
            for s in extensions.tiles_for(as_request(user))
            if s.name.startswith("test.")
        ]

    # test.first is for employees' cockpits only; the others, without roles, for everyone's
    assert shown(director) == [
        ("test.directors", {"who": director.username}),
        ("test.third", {"n": 3}),
    ]
    assert shown(employee) == [("test.first", {}), ("test.third", {"n": 3})]
    tiles = {t.name: t for t in extensions.tiles()}
    assert tiles["test.first"].roles == ("employee",)


def test_a_tile_registered_again_under_its_name_replaces_the_first(registered, department):
    registered("tile", "old.html", name="test.tile", context=lambda r: {"v": 1})
    registered("tile", "new.html", name="test.tile", context=lambda r: {"v": 2})
    user = user_with_role(EMPLOYEE, department)
    found = [s for s in extensions.tiles_for(as_request(user)) if s.name == "test.tile"]
    assert [(s.template, s.context) for s in found] == [("new.html", {"v": 2})]


def test_the_home_page_renders_a_new_app_s_tile_in_its_place(
    registered, note_template, director_client
):
    registered(
        "tile",
        note_template,
        name="test.note",
        roles={DIRECTOR: 15},
        context=lambda r: {"note": "Hi"},
    )
    page = director_client.get("/").content.decode()
    # on the director's cockpit, between the renewals (10) and the overdue action items (20)
    assert page.index('id="renewals-heading"') < page.index('<p class="note">Hi</p>')
    assert page.index('<p class="note">Hi</p>') < page.index('id="overdue-heading"')


def test_panels_of_a_type_come_in_order_to_those_allowed(registered, department):
    director = user_with_role(DIRECTOR, department)
    employee = user_with_role(EMPLOYEE, department)
    registered("panel", Department, "p.html", name="test.b", order=2, context=lambda r, o: {})
    registered(
        "panel",
        "org.department",
        "p.html",
        name="test.a",
        order=1,
        permission="org.change_department",
        context=lambda r, o: {"name": o.name},
    )
    registered("panel", Department, "p.html", name="test.none", context=lambda r, o: None)
    registered("panel", System, "p.html", name="test.elsewhere")

    def shown(user):
        return [(s.name, s.context) for s in extensions.panels_for(as_request(user), department)]

    assert shown(director) == [
        ("test.a", {"object": department, "name": department.name}),
        ("test.b", {"object": department}),
    ]
    assert shown(employee) == [("test.b", {"object": department})]


def test_the_generic_detail_page_renders_the_panels(registered, note_template, director_client):
    other = DepartmentFactory(name="Sales")
    registered(
        "panel",
        Department,
        note_template,
        name="test.note",
        context=lambda r, o: {"note": f"About {o.name}"},
    )
    page = director_client.get(f"/org/departments/{other.pk}/").content.decode()
    assert '<p class="note">About Sales</p>' in page
    assert page.index('id="fields-heading"') < page.index('<p class="note">')
    assert page.index('<p class="note">') < page.index('id="history"')


def page_of(client, system):
    response = client.get(f"/portfolio/systems/{system.pk}/")
    assert response.status_code == 200
    return response


def test_a_panel_on_a_kept_page_never_shows_one_user_s_data_to_another(
    registered, note_template, department
):
    """The system page is kept in the page cache; a panel that shows the user's own data
    (no ``vary``) is kept per user, so each user is served their own."""
    registered(
        "panel",
        System,
        note_template,
        name="test.mine",
        context=lambda r, o: {"note": f"Only for {r.user.username}"},
    )
    system = SystemFactory(name="Payroll")
    clients = {}
    for name in ("ann", "bob"):  # same role, same rights: only the panel tells them apart
        clients[name] = Client()
        clients[name].force_login(user_with_role(DIRECTOR, department, username=name))
    for round_ in range(2):  # the second round is served from what the first kept
        for name, client in clients.items():
            response = page_of(client, system)
            page = response.content.decode()
            other = "bob" if name == "ann" else "ann"
            assert f'<p class="note">Only for {name}</p>' in page
            assert f"Only for {other}" not in page
            kept = "core/cached_page.html" in [t.name for t in response.templates]
            assert kept == (round_ == 1)


def test_a_panel_with_vary_is_kept_per_what_it_varies_by(registered, note_template, department):
    """A panel that says what it depends on (``vary``) lets users alike share a kept page,
    and keeps users who differ apart."""
    registered(
        "panel",
        System,
        note_template,
        name="test.rights",
        permission="org.change_department",
        context=lambda r, o: {"note": "May change departments"},
        vary=lambda user: (),
    )
    system = SystemFactory(name="Payroll")
    ann, bob = Client(), Client()
    ann.force_login(user_with_role(DIRECTOR, department, username="ann"))
    bob.force_login(user_with_role(DIRECTOR, department, username="bob"))
    clerk = Client()
    clerk.force_login(user_with_role(EMPLOYEE, department, username="clerk"))
    assert "May change departments" in page_of(ann, system).content.decode()
    shared = page_of(bob, system)
    assert "core/cached_page.html" in [t.name for t in shared.templates]
    assert "May change departments" in shared.content.decode()
    assert "May change departments" not in page_of(clerk, system).content.decode()


def home_queries(client) -> tuple[int, str]:
    client.get("/")  # warm-up: per-process caches (and this week's meetings) are not measured
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/")
    assert response.status_code == 200
    return len(ctx.captured_queries), response.content.decode()


def test_the_home_page_s_queries_do_not_grow_with_the_tiles_rows(director, department):
    """Every tile of today's cockpit, filled with more rows than it shows, costs the same
    number of queries as with one row each."""
    today = timezone.localdate()
    client = Client()
    client.force_login(director)

    def add_rows(n):
        for _ in range(n):
            sales = DepartmentFactory()
            PersonFactory(department=sales)
            system = SystemFactory(lifecycle_stage="deployed")
            for rating in (1, 2, 3):
                FeedbackFactory(system=system, rating=rating, date=today)
            ContractFactory(system=system, end_date=today + timedelta(days=40), notice_days=30)
            meeting = OccurrenceFactory(
                series=SeriesFactory(start_date=date(2020, 1, 6), count=1),
                start=meeting_services.week_bounds(timezone.now())[0] + timedelta(hours=33),
            )
            ActionItemFactory(owner=director.person, occurrence=meeting, due_date=today)
            ActionItemFactory(
                owner=PersonFactory(department=sales), due_date=today - timedelta(days=2)
            )

    add_rows(1)
    few, page = home_queries(client)
    for heading in (
        "people",
        "stages",
        "renewals",
        "lowest-rated",
        "week-meetings",
        "my-actions",
        "overdue",
        "changes",
    ):
        assert f'id="{heading}-heading"' in page
    add_rows(12)
    many, page = home_queries(client)
    assert page.count('<li class="small d-flex') == 10  # my action items: the first ten
    assert many == few
