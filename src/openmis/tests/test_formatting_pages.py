"""The same object on its page and in the change log, for readers in two languages and two time
zones: each sees the moment in their own zone, written as their language writes it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.test import Client

from openmis.core.tables import ObjectTable
from openmis.org.models import Department
from openmis.org.roles import DIRECTOR
from openmis.org.tests.factories import DepartmentFactory, user_with_role

pytestmark = pytest.mark.django_db

CHANGED = dt.datetime(2026, 12, 7, 3, 50, tzinfo=dt.UTC)

CASES = [
    ("en", "Europe/Warsaw", "Dec 7, 2026, 4:50\u202fAM"),
    ("en", "America/New_York", "Dec 6, 2026, 10:50\u202fPM"),
    ("pl", "Europe/Warsaw", "7 gru 2026, 04:50"),
    ("pl", "America/New_York", "6 gru 2026, 22:50"),
]


@pytest.mark.parametrize(("language", "zone", "expected"), CASES)
def test_a_detail_page_shows_the_moment_in_the_readers_zone_and_language(language, zone, expected):
    home = DepartmentFactory(name="Head office")
    Department.objects.filter(pk=home.pk).update(updated=CHANGED)
    reader = user_with_role(DIRECTOR, home, username="reader")
    reader.person.time_zone = zone
    reader.person.save()
    client = Client()
    client.force_login(reader)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(f"/org/departments/{home.pk}/")
    assert response.status_code == 200
    assert f"<td>{expected} (" in response.content.decode()


@pytest.mark.parametrize(("language", "zone", "expected"), CASES)
def test_a_list_cell_shows_the_moment_in_the_readers_zone_and_language(
    rf, language, zone, expected
):
    import zoneinfo

    from django.contrib.auth.models import AnonymousUser
    from django.utils import timezone, translation

    from openmis.core import registry

    home = DepartmentFactory(name="Head office")
    Department.objects.filter(pk=home.pk).update(updated=CHANGED)
    object_type = registry.get(Department)
    columns = object_type.list_columns
    object_type.list_columns = [*columns, "updated"]  # a list showing when rows changed
    try:
        with translation.override(language), timezone.override(zoneinfo.ZoneInfo(zone)):
            request = rf.get("/")
            request.user = AnonymousUser()  # the table links only what the reader may open
            table = ObjectTable(object_type, Department.objects.all(), request)
            cells = next(iter(table.rows))
    finally:
        object_type.list_columns = columns
    assert cells[-1] == (expected, "")
