"""Reading a page writes nothing: the home page of every role, with data that pages used to
bring up to date while they were read (meetings not yet materialised, open points of a meeting
that ended)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from openmis.conftest import ROLES
from openmis.meetings.models import AgendaItem
from openmis.meetings.tests.factories import AgendaItemFactory, OccurrenceFactory, SeriesFactory
from openmis.org.tests.factories import user_with_role

pytestmark = pytest.mark.django_db

WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")


def writes_of(client: HttpClient, url: str) -> tuple[int, list[str]]:
    """The status of ``GET url`` and the SQL statements it ran that write."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return response.status_code, [
        q["sql"] for q in queries.captured_queries if q["sql"].lstrip().upper().startswith(WRITES)
    ]


def signed_in(user) -> HttpClient:
    """A client of ``user`` past its session's first request, which marks the session as
    checked for two-factor once per login (the one write a reading request may make)."""
    client = HttpClient()
    client.force_login(user)
    assert client.get("/search/").status_code == 200
    return client


def test_the_home_page_writes_nothing_for_any_role(department):
    # given a series nobody materialised with a meeting that ended yesterday (an open point)
    # and the next one
    series = SeriesFactory(department=department, start_date=timezone.localdate())
    held = OccurrenceFactory(series=series, start=timezone.now() - timedelta(days=1))
    AgendaItemFactory(occurrence=held, status="open")
    OccurrenceFactory(series=series, start=timezone.now() + timedelta(days=3))
    clients = {role: signed_in(user_with_role(role, department)) for role in ROLES}
    # when each role reads the home page, then it answers and writes nothing
    found = {role: writes_of(client, "/") for role, client in clients.items()}
    assert found == {role: (200, []) for role in ROLES}
    series.refresh_from_db()
    assert (series.materialised_on, AgendaItem.objects.count()) == (None, 1)
