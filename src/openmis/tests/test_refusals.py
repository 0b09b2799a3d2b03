"""A refusal names the action in words, in the reader's language, on pages and in the API."""

import pytest

from openmis.conftest import logged_in
from openmis.core import registry
from openmis.org.roles import EMPLOYEE


@pytest.fixture
def system(db):
    from openmis.portfolio.tests.factories import SystemFactory

    return SystemFactory(name="Payroll")


@pytest.mark.django_db
def test_the_403_page_says_what_may_not_be_done(make_user, department, system):
    # Given an employee, who may read systems but not change them
    client = logged_in(make_user(EMPLOYEE, department))
    url = registry.get(system).url("edit", system)
    # When they open the edit page of a system, in English and in Polish
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    polish = client.get(url, HTTP_ACCEPT_LANGUAGE="pl")
    # Then the refusal says so in words, not with the permission's code
    assert english.status_code == 403 and polish.status_code == 403
    assert "You may not change this system." in english.content.decode()
    assert "Nie możesz zmieniać tego obiektu (system)." in polish.content.decode()


@pytest.mark.django_db
def test_the_api_refusal_says_what_may_not_be_done(make_user, department, system, api_client_for):
    client = api_client_for(make_user(EMPLOYEE, department))
    response = client.patch(
        f"/api/portfolio/systems/{system.pk}/", {"name": "Other"}, format="json"
    )
    assert response.status_code == 403
    assert response.json() == {"detail": "You may not change systems."}
    system.refresh_from_db()
    assert system.name == "Payroll"
