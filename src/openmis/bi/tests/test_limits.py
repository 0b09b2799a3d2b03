"""Limits of the BI app that must hold: the result cache is bounded by bytes, exports stream,
imports point to the line at fault."""

from __future__ import annotations

import pytest

from openmis.bi.tests import factories as f
from openmis.org.roles import ANALYST

pytestmark = pytest.mark.django_db

QUERY = "/api/bi/query/"


@pytest.fixture
def api(make_user, api_client_for):
    """An analyst's API client, with the sample orders loaded."""
    f.orders()
    return api_client_for(make_user(ANALYST))


def test_a_result_over_the_cache_byte_limit_is_not_cached_and_a_small_one_is(api, settings):
    # Given a cache limit of 150 bytes: all six orders (raw rows) are over it, a count is not
    settings.BI_RESULT_CACHE_MAX_BYTES = 150
    rows = {"dataset": "orders", "fields": ["id", "region", "status", "amount"]}
    count = {"dataset": "orders", "measures": [{"agg": "count"}]}
    # When each is asked twice
    big = [api.post(QUERY, rows, format="json").json() for _ in range(2)]
    small = [api.post(QUERY, count, format="json").json() for _ in range(2)]
    # Then the large result is computed again (the same rows), the small one is served cached
    assert len(big[0]["rows"]) == 6
    assert [answer["cached"] for answer in big] == [False, False]
    assert big[1]["rows"] == big[0]["rows"]
    assert [answer["cached"] for answer in small] == [False, True]
