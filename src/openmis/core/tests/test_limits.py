"""Limits that must hold on every endpoint: a deeply nested JSON body is a 400, not a 500."""

from __future__ import annotations

import pytest

from openmis.core.drf import MAX_JSON_DEPTH
from openmis.org.models import Department
from openmis.org.roles import ANALYST

pytestmark = pytest.mark.django_db

DEEP = "[" * 10_000 + "]" * 10_000


@pytest.mark.parametrize(
    "url", ["/api/org/departments/", "/api/bi/query/", "/api/appraisal/appraise/"]
)
def test_a_body_nested_10000_levels_deep_is_a_400_on_every_post_endpoint(
    url, director, make_user, api_client_for
):
    """Given the director (or an analyst, for BI), when a 10,000-level body is posted, then 400."""
    user = make_user(ANALYST) if "/bi/" in url else director
    before = Department.objects.count()

    response = api_client_for(user).post(url, DEEP, content_type="application/json")

    assert response.status_code == 400
    assert response.json() == {
        "detail": f"The JSON body is nested more than {MAX_JSON_DEPTH} levels deep."
    }
    assert Department.objects.count() == before


def test_a_body_just_over_the_depth_limit_is_refused_and_one_at_it_reaches_the_view(
    director, api_client_for
):
    """Depth 65 (it parses: under Python's recursion limit) is refused; depth 64 is validated."""
    api = api_client_for(director)

    def nested(lists: int) -> str:  # an object holding ``lists`` nested lists: depth lists + 1
        return '{"name": ' + "[" * lists + "]" * lists + "}"

    refused = api.post(
        "/api/org/departments/",
        nested(MAX_JSON_DEPTH),
        format=None,
        content_type="application/json",
    )
    validated = api.post(
        "/api/org/departments/", nested(MAX_JSON_DEPTH - 1), content_type="application/json"
    )

    assert refused.status_code == 400
    assert refused.json() == {
        "detail": f"The JSON body is nested more than {MAX_JSON_DEPTH} levels deep."
    }
    assert validated.status_code == 400
    assert "name" in validated.json()
