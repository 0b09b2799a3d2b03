"""The analytics layer's errors reach a Polish user in Polish.

``openmis.analytics`` imports no Django: its messages go through ``openmis.analytics.i18n``,
into which the BI app plugs Django's ``gettext`` (``BiConfig.ready``). A message is translated
when it is raised, in the request's thread, where ``LocaleMiddleware`` activated the language
of the request (its language cookie, else its ``Accept-Language`` header).

Each test sends its request under ``translation.override("pl")`` as well, so the language the
middleware activates does not outlive the test.
"""

import pytest
from django.utils import translation
from django.utils.translation import gettext, ngettext

from openmis.bi import loading
from openmis.bi.models import ImportJob
from openmis.bi.tests import factories as f
from openmis.org.roles import ANALYST

pytestmark = pytest.mark.django_db

QUERY = "/api/bi/query/"
SQL = "/api/bi/sql/"


def pl(message: str, **params) -> str:
    """``message`` (an English msgid) as a Polish user reads it."""
    with translation.override("pl"):
        return gettext(message) % params if params else gettext(message)


def pl_plural(singular: str, plural: str, n: int, **params) -> str:
    """The Polish form of a plural message for ``n``."""
    with translation.override("pl"):
        return ngettext(singular, plural, n) % params


@pytest.fixture
def analyst(make_user):
    return make_user(ANALYST)


@pytest.fixture
def api(analyst, api_client_for):
    """An analyst's API client, with the sample orders loaded."""
    f.orders()
    return api_client_for(analyst)


def test_a_bad_query_spec_names_the_field_in_polish(api):
    # Given a spec bucketing a text column by month
    spec = {"dataset": "orders", "dimensions": [{"column": "region", "bucket": "month"}]}
    # When a Polish user sends it
    with translation.override("pl"):
        response = api.post(QUERY, spec, format="json", HTTP_ACCEPT_LANGUAGE="pl")
    # Then the field's error is in Polish
    assert response.status_code == 400
    expected = pl(
        'A time bucket needs a date or timestamp column; "%(column)s" is %(type)s.',
        column="region",
        type="string",
    )
    assert response.json() == {"dimensions[0].bucket": [expected]}
    assert "Przedział czasu" in expected


def test_a_bad_query_spec_is_in_english_for_an_english_user(api):
    spec = {"dataset": "orders", "dimensions": [{"column": "region", "bucket": "month"}]}
    with translation.override("pl"):
        response = api.post(QUERY, spec, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.json() == {
        "dimensions[0].bucket": [
            'A time bucket needs a date or timestamp column; "region" is string.'
        ]
    }


def test_a_refused_sql_query_gives_its_reason_in_polish(api):
    # When a Polish user sends SQL that writes
    with translation.override("pl"):
        response = api.post(
            SQL, {"sql": "DROP TABLE orders"}, format="json", HTTP_ACCEPT_LANGUAGE="pl"
        )
    # Then it is refused with the reason in Polish
    assert response.status_code == 400
    expected = pl(
        "Only SELECT queries can be run; this is a %(statement)s.", statement="DROP TABLE"
    )
    assert response.json() == {"detail": expected}
    assert "zapytania SELECT" in expected


def test_a_malformed_csv_import_records_its_error_in_polish(analyst, tmp_path):
    # Given the orders, and a file with a line wider than its header
    dataset = f.orders()
    path = tmp_path / "orders.csv"
    path.write_text(f.ORDERS_CSV + "7,North,completed,10.00,1,2024-03-20,1,x,y\n")
    # When a Polish user imports it (the job runs at once in tests)
    with translation.override("pl"):
        job = loading.start_import(analyst, dataset, path, file_name="orders.csv")
    # Then the job failed with its error, line and all, in Polish
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED
    expected = pl_plural(
        "Line %(line)d: expected %(expected)d column, found %(found)d.",
        "Line %(line)d: expected %(expected)d columns, found %(found)d.",
        7,
        line=8,
        expected=7,
        found=9,
    )
    assert (job.error, job.error_line) == (expected, 8)
    assert "oczekiwano" in expected


def test_a_background_import_writes_its_error_in_the_starters_language(analyst, tmp_path):
    # Given a job a Polish user queued, run later by the worker where English is active
    dataset = f.orders()
    path = tmp_path / "orders.csv"
    path.write_text(f.ORDERS_CSV + "7,North,completed,10.00,1,2024-03-20,1,x,y\n")
    job = ImportJob.objects.create(
        dataset=dataset, file_name="orders.csv", path=str(path), format="csv", language="pl"
    )
    # When the worker runs it
    with translation.override("en"):
        loading.run_import(job.pk, keep_file=True)
    # Then the error is in Polish all the same
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED
    assert job.error == pl_plural(
        "Line %(line)d: expected %(expected)d column, found %(found)d.",
        "Line %(line)d: expected %(expected)d columns, found %(found)d.",
        7,
        line=8,
        expected=7,
        found=9,
    )
