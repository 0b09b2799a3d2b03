"""The number of queries of every list (page, htmx fragment, API, export) does not grow with
the number of rows: measured at 10 rows of each registered model and again at a page and a
half of rows (75, so the first page is full and a second one exists).

A query made per row shows as at least 40 more queries at once; more rows would prove nothing
more and took half the suite's time (1,000 rows of each of 40 types, each made with its
relations).
"""

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from openmis.core import registry
from openmis.core.tests.samples import all_samples
from openmis.org.tests.factories import DepartmentFactory

pytestmark = pytest.mark.django_db
TYPES = [ot.label for ot in registry.all_types()]
LARGE = settings.REST_FRAMEWORK["PAGE_SIZE"] * 3 // 2


def grow_to(label, department, n):
    ot = registry.get(label)
    make = all_samples()[label]["make"]
    while ot.model._default_manager.count() < n:
        make(department)


def count_queries(client, url, **headers):
    client.get(url, **headers)  # warm-up: per-process caches are not what is measured
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, **headers)
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


@pytest.mark.parametrize("label", TYPES)
def test_list_queries_do_not_grow_with_rows(label, director, api_client_for):
    ot = registry.get(label)
    department = DepartmentFactory(name="Owner")
    client = Client()
    client.force_login(director)
    api = api_client_for(director)
    urls = {
        "page": (client, ot.url("list"), {}),
        "page sorted by last column": (client, ot.url("list") + f"?sort={ot.list_columns[-1]}", {}),
        "htmx fragment": (
            client,
            ot.url("list"),
            {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "object-results"},
        ),
        "api": (api, f"/api/{ot.app_label}/{ot.slug}/?page_size=1000", {}),
        "export": (client, ot.url("export") + "?format=csv", {}),
    }
    grow_to(label, department, 10)
    small = {name: count_queries(c, url, **h) for name, (c, url, h) in urls.items()}
    grow_to(label, department, LARGE)
    large = {name: count_queries(c, url, **h) for name, (c, url, h) in urls.items()}
    assert large == small
