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
