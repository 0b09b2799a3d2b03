"""The header's search box holds what the user searched for, never a list's query string."""

import re

import pytest

from openmis.conftest import logged_in

BOX = re.compile(r'<input id="global-search"[^>]*value="([^"]*)"')


def box_value(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return BOX.search(response.content.decode()).group(1)


@pytest.mark.django_db
def test_the_search_box_is_empty_on_a_sorted_paged_list(director):
    # Given a list sorted by name on its second page
    client = logged_in(director)
    # When it is shown, then the search box is empty
    assert box_value(client, "/org/people/?page=2&sort=last_name") == ""
    assert box_value(client, "/org/departments/?q=Mark") == ""


@pytest.mark.django_db
def test_the_search_box_shows_the_search_on_the_search_page(director):
    client = logged_in(director)
    assert box_value(client, "/search/?q=Payroll") == "Payroll"
