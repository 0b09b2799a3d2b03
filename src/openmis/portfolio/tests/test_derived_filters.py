"""The contract list's ``notice`` filter and the project list's ``status`` filter are
conditions in the list's own SQL: they agree with the per-object rules
(:func:`services.notice_state`, :func:`services.project_status`) on every kind of row, the
list stays paginated by the database, its queries do not grow with its rows, and the
cockpit tiles count exactly what their links list."""

import html
import random
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from openmis.portfolio import services
from openmis.portfolio.models import Contract, DeploymentProject
from openmis.portfolio.tests.factories import (
    ContractFactory,
    MilestoneFactory,
    ProjectFactory,
    SystemFactory,
)

pytestmark = pytest.mark.django_db

TODAY = date(2026, 12, 7)
STATUSES = [s.value for s in DeploymentProject.Status]


def random_contracts(rng: random.Random, n: int, today: date) -> None:
    system = SystemFactory()
    for i in range(n):
        ContractFactory(
            title=f"C{i}",
            system=system,
            vendor__name=f"Vendor {i}",
            end_date=today + timedelta(days=rng.randint(-30, 400)),
            notice_days=rng.choice([0, 1, 30, 90, 120, 121, 365]),
        )


@pytest.mark.parametrize("seed", range(3))
def test_the_notice_filter_agrees_with_the_notice_state_of_each_contract(seed):
    rng = random.Random(seed)
    random_contracts(rng, 60, TODAY)
    # the edges too: the deadline today, at the last day of the window, and one day after
    ContractFactory(title="edge-today", end_date=TODAY + timedelta(days=30), notice_days=30)
    ContractFactory(title="edge-window", end_date=TODAY + timedelta(days=150), notice_days=30)
    ContractFactory(title="edge-after", end_date=TODAY + timedelta(days=151), notice_days=30)
    ContractFactory(title="edge-ends-today", end_date=TODAY, notice_days=10)
    contracts = list(Contract.objects.all())
    for state in [services.NOTICE_MISSED, services.NOTICE_UPCOMING]:
        expected = {c.title for c in contracts if services.notice_state(c, TODAY) == state}
        found = services.notice_filter(Contract.objects.all(), state, TODAY)
        assert {c.title for c in found} == expected
    upcoming = {c.title for c in services.notice_filter(Contract.objects.all(), "upcoming", TODAY)}
    assert {"edge-today", "edge-window"} <= upcoming
    assert "edge-after" not in upcoming
    missed = {c.title for c in services.notice_filter(Contract.objects.all(), "missed", TODAY)}
    assert "edge-ends-today" in missed
    # the soonest deadline first, as the renewals page lists them
    rows = services.contracts_by_notice(services.NOTICE_UPCOMING, today=TODAY)
    assert [c.notice_deadline for c in rows] == sorted(c.notice_deadline for c in rows)


def random_projects(rng: random.Random, n: int, today: date) -> None:
    system = SystemFactory()
    for i in range(n):
        budget = rng.choice([Decimal(0), Decimal(1000), Decimal(100000)])
        project = ProjectFactory(
            name=f"P{i}",
            system=system,
            budget=budget,
            spent=budget * Decimal(rng.choice([0, 10, 30, 50, 70, 95, 110])) / 100,
            start_date=today - timedelta(days=100),
            planned_go_live=today + timedelta(days=rng.choice([-5, 0, 1, 60])),
        )
        if rng.random() < 0.15:
            project.go_live = today - timedelta(days=3)
        elif rng.random() < 0.15:
            project.status_override = rng.choice(["on_track", "at_risk", "late"])
            project.override_reason = "Because."
        project.save()
        for _m in range(rng.choice([0, 0, 1, 2, 4])):
            due = today + timedelta(days=rng.choice([-10, -1, 0, 5, 30]))
            done = rng.random() < 0.5
            MilestoneFactory(project=project, due_date=due, done_date=due if done else None)


@pytest.mark.parametrize("seed", range(3))
def test_the_status_filter_agrees_with_the_status_of_each_project(seed):
    rng = random.Random(seed)
    random_projects(rng, 70, TODAY)
    projects = list(DeploymentProject.objects.prefetch_related("milestones"))
    derived = {p.name: services.project_status(p, TODAY)[0] for p in projects}
    assert set(derived.values()) == set(STATUSES)  # every branch is exercised
    for status in STATUSES:
        found = services.projects_in_status(DeploymentProject.objects.all(), [status], TODAY)
        assert sorted(p.name for p in found) == sorted(
            name for name, s in derived.items() if s == status
        )
    both = services.projects_in_status(DeploymentProject.objects.all(), ["late", "at_risk"], TODAY)
    assert sorted(p.name for p in both) == sorted(
        name for name, s in derived.items() if s in ("late", "at_risk")
    )


def test_burning_the_budget_faster_than_the_milestones_is_at_risk():
    """Just past the 20-point margin is at risk; at it is on track (as project_status says)."""
    today = timezone.localdate()
    at_margin = ProjectFactory(name="at margin", budget=Decimal(1000), spent=Decimal(700))
    past_margin = ProjectFactory(name="past margin", budget=Decimal(1000), spent=Decimal(710))
    for project in (at_margin, past_margin):
        MilestoneFactory(project=project, done_date=today - timedelta(days=1))
        MilestoneFactory(project=project)
    at_risk = services.projects_in_status(DeploymentProject.objects.all(), ["at_risk"])
    assert [p.name for p in at_risk] == ["past margin"]
    assert services.project_status(past_margin)[0] == "at_risk"
    assert services.project_status(at_margin)[0] == "on_track"


def late_contracts(start: int, n: int) -> None:
    today = timezone.localdate()
    system = SystemFactory()
    for i in range(start, start + n):
        ContractFactory(
            title=f"Late {i:03}",
            system=system,
            vendor__name=f"V{i}",
            end_date=today + timedelta(days=10),
            notice_days=30,
        )


def late_projects(start: int, n: int) -> None:
    today = timezone.localdate()
    system = SystemFactory()
    for i in range(start, start + n):
        project = ProjectFactory(name=f"Late {i:03}", system=system)
        MilestoneFactory(project=project, due_date=today - timedelta(days=2))
        MilestoneFactory(project=project, due_date=today + timedelta(days=2))


def queries_of(client, url: str) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), response.content.decode()


@pytest.mark.parametrize(
    ("url", "make"),
    [
        ("/portfolio/contracts/?notice=missed", late_contracts),
        ("/portfolio/projects/?status=late&status=at_risk", late_projects),
    ],
)
def test_a_filtered_list_pages_in_sql_and_its_queries_do_not_grow_with_its_rows(
    director_client, django_assert_max_num_queries, url, make
):
    make(0, 5)
    few, page = queries_of(director_client, url)
    assert re.search(r"\b5 results\b", page)

    make(5, 45)
    with django_assert_max_num_queries(few) as captured:
        response = director_client.get(url + "&per_page=20")
    page = response.content.decode()
    assert re.search(r"\b50 results\b", page)
    assert page.count("Late 0") == 20  # one page of 20 rows, not all 50
    # no query lists the primary keys of the matching rows: the filter is SQL, not Python
    assert not any(re.search(r"IN \((%s|\d+), ", q["sql"]) for q in captured.captured_queries)
    assert any("LIMIT 20" in q["sql"] for q in captured.captured_queries)


def test_the_cockpit_tiles_count_what_their_links_list(director_client):
    rng = random.Random(7)
    random_contracts(rng, 40, timezone.localdate())
    random_projects(rng, 40, timezone.localdate())
    home = director_client.get("/").content.decode()
    counts = []
    for path in [
        "/portfolio/contracts/?notice=missed",
        "/portfolio/contracts/?notice=upcoming",
        "/portfolio/projects/?status=at_risk&status=late",
    ]:
        shown = re.search(rf'href="{re.escape(html.escape(path))}" data-count="(\d+)"', home)
        assert shown, path
        listed = director_client.get(path).context["table"].paginator.count
        assert int(shown[1]) == listed
        counts.append(listed)
    assert 0 not in counts  # each tile has rows to count
