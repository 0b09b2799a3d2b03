"""The per-request memo: computed once inside a request, never outside one, never stale."""

from __future__ import annotations

import pytest

from openmis.core import caching
from openmis.org.models import Department

calls: list[int] = []


@caching.per_request
def _departments_named(name: str) -> int:
    calls.append(1)
    return Department.objects.filter(name=name).count()


@pytest.fixture(autouse=True)
def _reset_calls():
    calls.clear()


@pytest.mark.django_db
def test_a_scope_computes_a_value_once():
    with caching.request_scope():
        assert _departments_named("Finance") == 0
        assert _departments_named("Finance") == 0
    assert calls == [1]


@pytest.mark.django_db
def test_outside_a_scope_nothing_is_memoised():
    _departments_named("Finance")
    _departments_named("Finance")
    assert calls == [1, 1]


@pytest.mark.django_db
def test_a_write_inside_the_scope_forgets_the_memo():
    with caching.request_scope():
        assert _departments_named("Finance") == 0
        Department.objects.create(name="Finance")
        assert _departments_named("Finance") == 1
    assert calls == [1, 1]


@pytest.mark.django_db
def test_a_model_instance_is_keyed_by_its_primary_key(department):
    seen = []

    @caching.per_request
    def name_of(dept):
        seen.append(dept.pk)
        return dept.name

    with caching.request_scope():
        name_of(department)
        name_of(Department.objects.get(pk=department.pk))
    assert seen == [department.pk]


@pytest.mark.django_db
def test_the_memo_ends_with_the_request(client):
    client.get("/health/")
    assert caching._memo.get() is None


# --- the shared cache: generations per app -------------------------------------------------------


def _counted(value):
    made = []

    def fn():
        made.append(1)
        return value

    return fn, made


@pytest.mark.django_db
def test_a_change_to_a_person_drops_a_value_that_depends_on_org(department):
    from openmis.org.models import Person

    person = Person.objects.create(first_name="Ada", last_name="Nowak", department=department)
    fn, made = _counted("people")
    caching.get_or_set(("v",), fn, depends_on=("org",))
    caching.get_or_set(("v",), fn, depends_on=("org",))
    assert made == [1]
    person.last_name = "Kowalska"
    person.save()
    caching.get_or_set(("v",), fn, depends_on=("org",))
    assert made == [1, 1]


@pytest.mark.django_db
def test_a_bump_with_no_label_drops_everything():
    fn, made = _counted(1)
    caching.get_or_set(("v",), fn, depends_on=("portfolio",))
    caching.bump()
    caching.get_or_set(("v",), fn, depends_on=("portfolio",))
    assert made == [1, 1]


@pytest.mark.django_db
def test_a_rolled_back_write_moves_no_generation(department):
    from django.db import transaction

    before = caching.generations()
    with pytest.raises(RuntimeError), transaction.atomic():
        department.name = "Renamed"
        department.save()
        raise RuntimeError
    caching._generations.set(None)
    assert caching.generations() == before


@pytest.mark.django_db
def test_installation_and_token_writes_move_nothing(director):
    from openmis.core import tokens
    from openmis.core.models import Installation

    before = caching.generations()
    installation = Installation.current()
    installation.demo_mode = not installation.demo_mode
    installation.save()
    tokens.issue(director, "script")
    caching._generations.set(None)
    assert caching.generations() == before


def test_the_process_cache_keeps_the_most_recently_used():
    kept = caching.ProcessCache(maxsize=2)
    made = []
    for key in ["a", "b", "a", "c", "a", "b"]:
        kept.get_or_set(key, lambda key=key: made.append(key) or key.upper())
    # "b" was the least recently used when "c" came, so it is made again at the end
    assert made == ["a", "b", "c", "b"]
    assert len(kept) == 2


# --- pages ---------------------------------------------------------------------------------------


def _queries_on(client, url, table):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return [q for q in queries.captured_queries if f'"{table}"' in q["sql"]]


@pytest.mark.django_db
def test_a_person_change_shows_on_the_people_list_at_once(director, department):
    from openmis.conftest import logged_in
    from openmis.org.models import Person

    person = Person.objects.create(first_name="Ada", last_name="Nowak", department=department)
    client = logged_in(director)
    assert "Nowak" in client.get("/org/people/").content.decode()
    person.last_name = "Kowalska"
    person.save()
    page = client.get("/org/people/").content.decode()
    assert "Kowalska" in page and "Nowak" not in page
