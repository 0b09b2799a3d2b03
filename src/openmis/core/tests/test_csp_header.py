"""The Content-Security-Policy header: built once per process from the settings for the
responses that change nothing of it, and by django-csp for the rest (per-view policies)."""

from __future__ import annotations

import pytest
from csp.utils import build_policy
from django.test import Client

pytestmark = pytest.mark.django_db


def parts(header: str) -> set[str]:
    return set(header.split("; "))


def test_every_answer_carries_the_sites_policy(director_client, api_client_for, director):
    # Given the site's policy as django-csp builds it from the settings
    expected = build_policy()
    assert "default-src 'self'" in expected and "frame-ancestors 'none'" in expected
    # When a page, the API, the health probe and a page that does not exist answer
    answers = [
        director_client.get("/"),
        api_client_for(director).get("/api/org/people/"),
        Client().get("/health/"),
        director_client.get("/no-such-page/"),
    ]
    # Then each carries that policy, and no report-only policy (none is configured)
    for response in answers:
        assert response["Content-Security-Policy"] == expected
        assert "Content-Security-Policy-Report-Only" not in response


def test_a_views_own_policy_still_applies(director_client):
    # Given the API documentation, whose one inline <style> its view's policy allows
    response = director_client.get("/api/docs/")
    # Then its header is the site's policy with that exception, not the site's policy
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == build_policy(
        update={"style-src": ["'unsafe-inline'"]}
    )
    assert "style-src 'self' 'unsafe-inline'" in response["Content-Security-Policy"]


def test_a_changed_policy_setting_is_what_the_next_answer_carries(settings):
    # Given an answer under the site's policy
    assert "img-src 'self' data:" in Client().get("/health/")["Content-Security-Policy"]
    # When the policy settings change (a report-only policy added, images from anywhere)
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"default-src": ["'self'"], "img-src": ["*"]}}
    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = {
        "DIRECTIVES": {"default-src": ["'none'"], "report-uri": "/csp-report/"},
        "EXCLUDE_URL_PREFIXES": ["/health/"],
    }
    # Then the next answers carry the new policies, report-only one where it is not excluded
    health = Client().get("/health/")
    assert parts(health["Content-Security-Policy"]) == {"default-src 'self'", "img-src *"}
    assert "Content-Security-Policy-Report-Only" not in health
    login = Client().get("/accounts/login/")
    assert parts(login["Content-Security-Policy-Report-Only"]) == {
        "default-src 'none'",
        "report-uri /csp-report/",
    }
