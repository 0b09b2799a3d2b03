"""The roles pages speak the reader's language: built-in role names and descriptions, and the
permissions a role grants, though all of them are stored in English by the migrations."""

import re

import pytest

from openmis.conftest import logged_in
from openmis.org.models import Role
from openmis.org.roles import DIRECTOR, EMPLOYEE

ENGLISH = re.compile(
    r"Can (view|add|change|delete) |Runs the MIS office|Reads what is shared|"
    r"\bMIS director\b|\bEmployee\b|\bGroup\b"
)


def text_of(response) -> str:
    """The visible text of a page; the edit form's text boxes hold the stored text, which
    the form edits as it is."""
    assert response.status_code == 200
    body = re.sub(
        r"<script.*?</script>|<head>.*?</head>|<textarea.*?</textarea>",
        " ",
        response.content.decode(),
        flags=re.S,
    )
    return re.sub(r"<[^>]+>", " ", body)


@pytest.mark.django_db
def test_roles_pages_show_no_english_under_polish(director):
    # Given the director reading in Polish
    client = logged_in(director)
    role = Role.objects.get(slug=DIRECTOR)
    urls = ["/org/roles/", f"/org/roles/{role.pk}/", f"/org/roles/{role.pk}/edit/"]
    for url in urls:
        # When a roles page is shown
        text = text_of(client.get(url, HTTP_ACCEPT_LANGUAGE="pl"))
        # Then neither the permissions nor the built-in roles are in English
        found = ENGLISH.search(text)
        assert found is None, f"{url}: {found[0]!r}"
    edit = text_of(client.get(urls[2], HTTP_ACCEPT_LANGUAGE="pl"))
    assert "Może dodawać: działy" in edit
    assert "Kieruje biurem MIS; może wszystko." in text_of(
        client.get(urls[1], HTTP_ACCEPT_LANGUAGE="pl")
    )


@pytest.mark.django_db
def test_permissions_and_roles_read_as_sentences_in_english(director):
    client = logged_in(director)
    role = Role.objects.get(slug=EMPLOYEE)
    edit = text_of(client.get(f"/org/roles/{role.pk}/edit/", HTTP_ACCEPT_LANGUAGE="en"))
    assert "Organization: Can add departments" in edit
    listing = text_of(client.get("/org/roles/", HTTP_ACCEPT_LANGUAGE="en"))
    assert "Reads what is shared with the organization." in listing


@pytest.mark.django_db
def test_a_rewritten_description_is_shown_as_written(director):
    role = Role.objects.get(slug=EMPLOYEE)
    role.description = "Nasz opis"
    role.save()
    client = logged_in(director)
    text = text_of(client.get(f"/org/roles/{role.pk}/", HTTP_ACCEPT_LANGUAGE="en"))
    assert "Nasz opis" in text
