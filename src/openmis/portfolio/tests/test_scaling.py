"""The system page and the dependency graph at scale: the impact search is an exact
breadth-first search, the queries of each page do not grow with the number of dependencies
or feedback items, and the cached sections and graphs follow every change and permission."""

import random
import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from openmis.feedback.models import Feedback
from openmis.feedback.tests.factories import FeedbackFactory
from openmis.org.roles import ANALYST
from openmis.org.tests.factories import user_with_role
from openmis.portfolio import services, views
from openmis.portfolio.models import Dependency, System
from openmis.portfolio.tests.factories import DependencyFactory, SystemFactory

pytestmark = pytest.mark.django_db


def reference_dependents(edges, start, depth):
    """``[(id, distance)]`` by a plain breadth-first search over all the edges in memory."""
    distance = {start: 0}
    frontier = [start]
    for level in range(1, depth + 1):
        nxt = sorted({t for s, t in edges if s in frontier} - distance.keys())
        distance.update(dict.fromkeys(nxt, level))
        frontier = nxt
    return sorted(((pk, d) for pk, d in distance.items() if pk != start), key=lambda x: x[::-1])


@pytest.mark.parametrize("seed", range(4))
def test_impact_is_the_shortest_distance_within_the_depth(seed, monkeypatch):
    rng = random.Random(seed)
    systems = [s.pk for s in SystemFactory.create_batch(25)]
    edges = {tuple(rng.sample(systems, 2)) for _ in range(45)}
    Dependency.objects.bulk_create(Dependency(source_id=s, target_id=t) for s, t in edges)
    monkeypatch.setattr(services, "_IN_BATCH", 3)  # several queries per level as well
    for pk in systems[:8]:
        system = System(pk=pk)
        for depth in (1, 2, services.IMPACT_DEPTH):
            expected = reference_dependents(edges, pk, depth)
            assert services.dependent_ids(system, depth) == expected


def test_impact_lists_the_nearest_and_counts_all():
    hub = SystemFactory(name="Hub")
    near = [SystemFactory(name=f"Near {n}") for n in range(3)]
    far = SystemFactory(name="Far")
    for system in near:
        DependencyFactory(source=hub, target=system)
    DependencyFactory(source=near[0], target=far)
    nearest, total = services.impact(hub, limit=2)
    assert ([(s.name, d) for s, d in nearest], total) == ([("Near 0", 1), ("Near 1", 1)], 4)
    DependencyFactory(source=far, target=SystemFactory(name="Farther"))
    assert services.impact(hub, limit=2)[1] == 5  # a new generation: searched again


def count_queries(client, url, cold):
    client.get(url)  # per-process caches (templates, URL resolvers) are not what is measured
    if cold:
        cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries.captured_queries)


def grow(system, dependencies, feedback):
    """Give ``system`` ``dependencies`` systems feeding it and as many fed by it (a star, so the
    impact search has the same depth at every size), and ``feedback`` feedback items."""
    for _ in range(dependencies - system.fed_by.count()):
        DependencyFactory(source=SystemFactory(), target=system)
    for _ in range(dependencies - system.feeds.count()):
        DependencyFactory(source=system, target=SystemFactory())
    today = timezone.localdate()
    for n in range(feedback - Feedback.objects.filter(system=system).count()):
        FeedbackFactory(
            system=system, rating=1 + n % 5, date=today - timedelta(days=n % 400), text=f"{n}"
        )


@pytest.mark.parametrize("cold", [False, True], ids=["cached", "cold"])
def test_system_page_and_graph_queries_do_not_grow_with_rows(cold, director_client):
    system = SystemFactory(name="Hub")
    urls = [f"/portfolio/systems/{system.pk}/", f"/portfolio/graph/data/?system={system.pk}"]
    grow(system, 3, 5)
    small = [count_queries(director_client, url, cold) for url in urls]
    grow(system, 80, 150)
    large = [count_queries(director_client, url, cold) for url in urls]
    assert large == small


def test_cached_sections_follow_every_change(director_client):
    system = SystemFactory(name="ERP", users=10)
    url = f"/portfolio/systems/{system.pk}/"
    page = director_client.get(url).content.decode()
    assert "Nothing depends on it." in page
    assert director_client.get(url).content.decode().count("ERP") == page.count("ERP")  # cached

    bank = SystemFactory(name="Bank")
    DependencyFactory(source=system, target=bank, data_exchanged="Payments")
    page = director_client.get(url).content.decode()
    assert "Bank</a> — Payments" in page and "Nothing depends on it." not in page

    FeedbackFactory(system=system, rating=4, date=timezone.localdate())
    response = director_client.get(url)
    assert response.context["feedback_section"]["count"] == 1

    services.move_to_stage(system, "evaluating", timezone.localdate())
    page = director_client.get(url).content.decode()
    assert 'id="lifecycle">Lifecycle <span class="badge text-bg-primary">Evaluating' in page

    bank.name = "Central bank"
    bank.save()
    assert "Central bank" in director_client.get(url).content.decode()


def test_cached_sections_follow_the_users_permissions(director_client, department):
    system = SystemFactory()
    url = f"/portfolio/systems/{system.pk}/"
    analyst = Client()
    analyst.force_login(user_with_role(ANALYST, department))
    director_page = director_client.get(url).content.decode()
    assert 'id="add-feedback"' in director_page and 'id="stage-form"' in director_page
    analyst_page = analyst.get(url).content.decode()
    assert 'id="system-feedback"' in analyst_page  # analysts read feedback
    assert 'id="add-feedback"' not in analyst_page  # but do not give it
    assert 'id="stage-form"' not in analyst_page and 'name="stage"' not in analyst_page
    assert 'id="add-feedback"' in director_client.get(url).content.decode()


def test_the_stage_form_carries_this_requests_csrf_token(director_client):
    system = SystemFactory()
    url = f"/portfolio/systems/{system.pk}/"
    director_client.get(url)  # the sections are cached now
    response = director_client.get(url)
    token = response.context["csrf_token"]
    assert f'name="csrfmiddlewaretoken" value="{token}"' in response.content.decode()


def test_long_dependency_lists_link_to_the_full_list(director_client, monkeypatch):
    monkeypatch.setattr(views, "DEPENDENCIES_SHOWN", 3)
    system = SystemFactory(name="Hub")
    for n in range(5):
        DependencyFactory(source=system, target=SystemFactory(name=f"Fed {n}"))
    DependencyFactory(source=SystemFactory(name="Feeder"), target=system)
    page = director_client.get(f"/portfolio/systems/{system.pk}/").content.decode()
    feeds = re.search(r'<ul class="small" id="feeds">(.*?)</ul>', page).group(1)
    fed_by = re.search(r'<ul class="small" id="fed-by">(.*?)</ul>', page).group(1)
    assert [f"Fed {n}<" in feeds for n in range(5)] == [True, True, True, False, False]
    assert "Feeder<" in fed_by
    assert "The first 3 of 5 are listed;" in page
    assert f'href="/portfolio/dependencies/?source={system.pk}">see them all' in page
    assert f'href="/portfolio/dependencies/?target={system.pk}">see them all' not in page


def test_the_cached_graph_follows_new_dependencies(director_client):
    erp, bank, dwh = (SystemFactory(name=n) for n in ["ERP", "Bank", "DWH"])
    DependencyFactory(source=erp, target=bank)
    url = f"/portfolio/graph/data/?system={erp.pk}"
    assert sorted(n["name"] for n in director_client.get(url).json()["nodes"]) == ["Bank", "ERP"]
    DependencyFactory(source=bank, target=dwh)
    graph = director_client.get(url).json()
    assert sorted(n["name"] for n in graph["nodes"]) == ["Bank", "DWH", "ERP"]
    assert {(link["source"], link["target"]) for link in graph["links"]} == {
        (str(erp.pk), str(bank.pk)),
        (str(bank.pk), str(dwh.pk)),
    }
    whole = director_client.get("/portfolio/graph/data/").json()
    assert len(whole["nodes"]) == 3 and len(whole["links"]) == 2
