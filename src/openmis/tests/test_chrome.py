"""The frame around every page (a system test: it looks at every app's menu): the sign-in page,
the menu, and what a refusal writes to the log."""

import logging

import pytest
from django.test import Client
from django.utils import translation

from openmis.bi.models import Card, Column, Dataset, Share
from openmis.conftest import logged_in
from openmis.core import registry
from openmis.org.models import Department
from openmis.org.roles import DIRECTOR, EMPLOYEE
from openmis.org.tests.factories import user_with_role

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("language", ["en", "pl"])
def test_the_sign_in_page_is_styled_and_invites_no_sign_up(language):
    """Accounts are made by the MIS office: the page must not send people to "Sign Up Closed"."""
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.cookies["django_language"] = language
    html = client.get("/accounts/login/").content.decode()
    assert "/accounts/signup/" not in html
    assert 'class="form-control' in html and "btn btn-primary" in html
    with translation.override(language):
        assert translation.gettext("Sign In") in html
        assert (
            translation.gettext(
                "No account yet? The MIS office creates accounts: ask them for one."
            )
            in html
        )


def test_a_wrong_password_shows_in_an_alert():
    user = user_with_role(EMPLOYEE, username="emma")
    response = Client().post("/accounts/login/", {"login": user.username, "password": "nope"})
    assert response.status_code == 200
    assert 'class="alert alert-danger"' in response.content.decode()


def test_a_refused_request_is_one_line_in_the_log(caplog, department):
    """A 403 is expected behaviour: who was refused what, on one line, no traceback (which
    buried the errors an administrator has to see)."""
    client = logged_in(user_with_role(EMPLOYEE, department, username="emma"))
    url = registry.get(Department).url("add")
    with caplog.at_level(logging.WARNING, logger="django.request"):
        assert client.get(url).status_code == 403
    [record] = [r for r in caplog.records if r.name == "django.request"]
    assert record.exc_info is None and not record.exc_text
    line = logging.Formatter().format(record)
    assert "\n" not in line
    assert url in line and "[user emma]" in line


def test_a_server_error_keeps_its_traceback(caplog):
    """Only refusals lose the traceback: a 500 must still say where it broke."""
    from openmis.core.logging import RefusalsOnOneLine

    try:
        raise RuntimeError("boom")
    except RuntimeError:
        import sys

        record = logging.LogRecord(
            "django.request",
            logging.ERROR,
            __file__,
            1,
            "Internal Server Error: /x",
            (),
            sys.exc_info(),
        )
    record.status_code = 500
    assert RefusalsOnOneLine().filter(record) and record.exc_info is not None


def test_the_reason_cannot_forge_a_second_log_line():
    from django.core.exceptions import PermissionDenied

    from openmis.core.logging import RefusalsOnOneLine

    exc = PermissionDenied("no\nFAKE 500 Internal Server Error")
    record = logging.LogRecord(
        "django.request",
        logging.WARNING,
        __file__,
        1,
        "Forbidden: %s",
        ("/x",),
        (PermissionDenied, exc, None),
    )
    record.status_code = 403
    RefusalsOnOneLine().filter(record)
    assert "\n" not in record.getMessage() and "FAKE 500" in record.getMessage()


def test_the_menu_lists_tasks_and_records_not_the_parts_of_other_objects(department):
    """A dataset's columns, a dashboard's cards and shares are reached through their dataset
    or dashboard: the BI menu lists what one sets out to do, then the records one looks for."""
    client = logged_in(user_with_role(DIRECTOR, department, username="boss"))
    html = client.get("/search/").content.decode()
    for model in (Column, Card, Share):
        assert f'href="{registry.get(model).url("list")}"' not in html
    assert f'href="{registry.get(Dataset).url("list")}"' in html
    # The parts keep their pages for those who follow a link to them.
    assert client.get(registry.get(Column).url("list")).status_code == 200
    # In BI's menu the tasks (ask a question) come before the records.
    menu = html[html.index('href="/bi/ask/') :]
    assert menu.index('href="/bi/ask/') < menu.index(f'href="{registry.get(Dataset).url("list")}"')
