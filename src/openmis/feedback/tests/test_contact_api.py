"""Feedback given by a client's contact, through the API: read, written, validated against
the feedback's client, and refused like a missing one when the caller may not see contacts."""

import pytest

from openmis.feedback.models import Feedback
from openmis.meetings.tests.factories import ClientContactFactory, ClientFactory
from openmis.org.roles import EMPLOYEE
from openmis.org.tests.factories import user_with_role
from openmis.portfolio.tests.factories import SystemFactory

pytestmark = pytest.mark.django_db


def _feedback(system, department, **changes):
    return {
        "system": system.pk,
        "department": department.pk,
        "kind": "problem",
        "rating": 2,
        "people_affected": 5,
        "hours_per_month": "3",
        "text": "Search takes a minute.",
        "date": "2026-01-10",
    } | changes


def test_feedback_api_reads_and_writes_the_giving_contact(director, api_client_for, department):
    system = SystemFactory()
    buyer = ClientContactFactory(name="Anna Buyer")
    api = api_client_for(director)
    response = api.post(
        "/api/feedback/feedback/", _feedback(system, department, contact=buyer.pk), format="json"
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["contact"], body["client"]) == (buyer.pk, buyer.client_id)
    assert api.get(f"/api/feedback/feedback/{body['id']}/").json()["contact"] == buyer.pk
    # a contact of another client than the feedback's: 400 on the field
    other = ClientFactory()
    response = api.post(
        "/api/feedback/feedback/",
        _feedback(system, department, contact=buyer.pk, client=other.pk),
        format="json",
    )
    assert (response.status_code, list(response.json())) == (400, ["contact"])
    assert Feedback.objects.count() == 1


def test_a_contact_the_caller_may_not_see_is_refused_like_a_missing_one(api_client_for, department):
    employee = user_with_role(EMPLOYEE, department)
    system = SystemFactory()
    buyer = ClientContactFactory()
    api = api_client_for(employee)
    hidden = api.post(
        "/api/feedback/feedback/", _feedback(system, department, contact=buyer.pk), format="json"
    )
    missing = api.post(
        "/api/feedback/feedback/",
        _feedback(system, department, contact=buyer.pk + 999),
        format="json",
    )
    assert (hidden.status_code, missing.status_code) == (400, 400)
    assert list(hidden.json()) == ["contact"]
    assert hidden.json()["contact"][0].replace(str(buyer.pk), "N") == missing.json()["contact"][
        0
    ].replace(str(buyer.pk + 999), "N")
    assert not Feedback.objects.filter(contact=buyer).exists()
