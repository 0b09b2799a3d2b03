"""End to end in a real headless Chromium: log in, switch to Polish, create, import, export,
log out.

Expected messages are looked up in the Polish catalog with ``gettext`` (the live server runs
in this process, so it uses the same catalog): the assertions are exact and hold whatever the
translators chose, while ``Pulpit`` pins one translation that must exist.
"""

import csv
import io
import os
import re
import time
from importlib import import_module

import pytest

# Playwright's sync API runs an event loop in the test thread; Django's ORM refuses to run
# from a thread with a running loop unless told it is safe (it is: no loop code touches it).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from django.apps import apps
from django.contrib.auth.models import Permission
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext
from playwright.sync_api import expect, sync_playwright

from openmis.org.models import Department, Person, Role
from openmis.org.roles import DIRECTOR, create_builtin_roles
from openmis.org.tests.factories import user_with_role

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("browser"),
]

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PASSWORD = "pw-for-tests-1"  # what openmis.org.tests.factories.UserFactory sets
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
TIMEOUT_MS = 10_000
SCREENSHOT = "/tmp/people_list.png"  # noqa: S108  (a fixed place to look at the layout)


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url,
        accept_downloads=True,
        locale="en-US",
        viewport={"width": 1400, "height": 900},
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    yield page
    context.close()


def _ensure_builtin_roles():
    """Recreate the roles the data migration made, if a transactional test flushed them."""
    if Role.objects.filter(slug=DIRECTOR).exists():
        return
    create_builtin_roles(apps)
    matrix = import_module("openmis.org.migrations.0002_builtin_roles").MATRIX
    for slug, grants in matrix.items():
        group = Role.objects.get(slug=slug).group
        for label, actions in grants.items():
            app_label, model = label.split(".")
            group.permissions.add(
                *Permission.objects.filter(
                    content_type__app_label=app_label,
                    codename__in=[f"{a}_{model}" for a in actions.split()],
                )
            )


@pytest.fixture
def director_with_totp():
    """An MIS director with a known password and TOTP device (required for directors)."""
    from allauth.mfa.totp.internal.auth import TOTP

    _ensure_builtin_roles()
    user = user_with_role(DIRECTOR, username="director", email="director@example.com", totp=False)
    TOTP.activate(user, TOTP_SECRET)
    return user


def _totp_code() -> str:
    """The director's current code, taken early enough in its period to stay valid."""
    from allauth.mfa import app_settings
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    period = app_settings.TOTP_PERIOD
    left = period - time.time() % period
    if left < 3:  # the server accepts only the current period's code (no tolerance)
        time.sleep(left + 0.1)
    return format_hotp_value(hotp_value(TOTP_SECRET, int(time.time()) // period))


def pl(message: str, **params) -> str:
    """``message`` as the Polish UI shows it."""
    with translation.override("pl"):
        # Lazy values (verbose names) are rendered here, while Polish is active.
        values = {k: str(v) if isinstance(v, Promise) else v for k, v in params.items()}
        return gettext(message) % values if params else gettext(message)


def _submit(page):
    """Click the submit button of the page's main form (labels are translated)."""
    page.locator("main form[method=post] button[type=submit]").first.click()


def test_director_walks_through_org_management(page, live_server, director_with_totp, tmp_path):
    # Given an MIS director account with a password and a TOTP authenticator
    # When they log in through the real login form, and give their code
    page.goto("/accounts/login/")
    page.fill("input[name=login]", "director")
    page.fill("input[name=password]", PASSWORD)
    _submit(page)
    page.wait_for_url(re.compile(r"/accounts/2fa/authenticate/"))
    page.fill("input[name=code]", _totp_code())
    _submit(page)
    # Then they land on the cockpit, in English
    page.wait_for_url(f"{live_server.url}/")
    expect(page.locator("#user-menu")).to_have_text("director")
    expect(page.locator("h1")).to_have_text("Cockpit")

    # When they switch the UI to Polish with the navbar's language selector
    with page.expect_navigation():
        page.select_option("select#language", "pl")
    # Then the page is Polish: the language attribute and selector, user-menu strings that
    # Django's own catalogs translate already, and the project's own word for the cockpit
    expect(page.locator("html")).to_have_attribute("lang", "pl")
    expect(page.locator("select#language option:checked")).to_have_text("Polski")
    page.click("#user-menu")
    for english, selector in (
        ("Change password", "a[href='/accounts/password/change/']"),
        ("Log out", "#logout"),
    ):
        assert pl(english) != english  # Django's own Polish catalogs translate both
        expect(page.locator(selector)).to_have_text(pl(english))
    page.keyboard.press("Escape")
    expect(page.locator("#logout")).to_be_hidden()
    expect(page.locator(".navbar-brand")).to_have_attribute("title", "Pulpit")
    expect(page.locator("#nav .navbar-nav .nav-link").first).to_have_text("Organizacja")
    expect(page.locator("h1")).to_have_text("Pulpit")

    # When they create a department: list page, Add, fill in, Save
    page.goto("/org/departments/")
    page.click("#add-object")
    page.fill("#id_name", "Logistics")
    page.fill("#id_code", "LOG")
    page.fill("#id_region", "North")
    _submit(page)
    # Then they see its detail page
    page.wait_for_url(re.compile(r"/org/departments/\d+/$"))
    expect(page.locator("h1")).to_have_text("Logistics")
    expect(page.locator("[role=alert]")).to_have_text(pl("Created %(object)s.", object="Logistics"))
    department = Department.objects.get(name="Logistics")
    assert (department.code, department.region) == ("LOG", "North")

    # When they add a person in that department the same way
    page.goto("/org/people/")
    page.click("#add-object")
    page.fill("#id_first_name", "Ada")
    page.fill("#id_last_name", "Nowak")
    page.fill("#id_email", "ada.nowak@example.com")
    page.fill("#id_job_title", "Planner")
    page.select_option("#id_department", label="Logistics")
    _submit(page)
    # Then they see the person's detail page, linked to the department
    page.wait_for_url(re.compile(r"/org/people/\d+/$"))
    expect(page.locator("h1")).to_have_text("Ada Nowak")
    expect(page.locator("main table a", has_text="Logistics")).to_have_attribute(
        "href", f"/org/departments/{department.pk}/"
    )
    assert Person.objects.get(email="ada.nowak@example.com").department == department
    people_before = Person.objects.count()
    assert people_before == 2  # the director's own record and Ada

    # When they import a CSV whose third row names an unknown department
    bad_csv = (
        "first_name,last_name,email,department,job_title\n"
        "Jan,Kowalski,jan.kowalski@example.com,Logistics,Driver\n"
        "Ewa,Zielinska,ewa.zielinska@example.com,Nowhere,Dispatcher\n"
    )
    page.goto("/org/people/")
    page.click("main a[href='/org/people/import/']")
    page.wait_for_url(re.compile(r"/org/people/import/$"))
    page.set_input_files(
        "input[name=file]",
        files=[{"name": "people.csv", "mimeType": "text/csv", "buffer": bad_csv.encode()}],
    )
    page.click("#check-import")
    # Then the error table names row 3 and the department column, and nothing was imported
    rows = page.locator("#import-error-table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first.locator("td")).to_have_text(
        [
            "3",
            "department",
            pl(
                "No %(model)s with %(field)s “%(value)s”.",
                model=Department._meta.verbose_name,
                field="name",
                value="Nowhere",
            ),
        ]
    )
    expect(page.locator("#import-preview")).to_have_count(0)
    assert Person.objects.count() == people_before

    # When they fix the file and upload it again
    good_csv = bad_csv.replace("Nowhere", "Logistics")
    page.set_input_files(
        "input[name=file]",
        files=[{"name": "people.csv", "mimeType": "text/csv", "buffer": good_csv.encode()}],
    )
    page.click("#check-import")
    # Then a preview says what will happen (and how the file was read), still without writing
    expect(page.locator("#import-preview")).to_contain_text(
        pl(
            "The file is valid: %(created)s to create, %(updated)s to update.",
            created=2,
            updated=0,
        )
    )
    expect(page.locator("#import-encoding")).to_have_text(
        pl("Read as %(encoding)s text.", encoding="UTF-8")
    )
    expect(page.locator("#import-error-table")).to_have_count(0)
    assert Person.objects.count() == people_before

    # When they confirm
    page.click("#confirm-import")
    # Then they are back on the list, with the success message and the new people
    page.wait_for_url(re.compile(r"/org/people/$"))
    expect(page.locator("[role=alert]")).to_have_text(
        pl("Import done: %(created)d created, %(updated)d updated.", created=2, updated=0)
    )
    table = page.locator("#object-results table")
    for email in ("jan.kowalski@example.com", "ewa.zielinska@example.com"):
        expect(table.locator("td", has_text=email)).to_have_text(email)
    assert Person.objects.count() == people_before + 2
    assert set(Person.objects.filter(department=department).values_list("email", flat=True)) == {
        "ada.nowak@example.com",
        "jan.kowalski@example.com",
        "ewa.zielinska@example.com",
    }
    page.screenshot(path=SCREENSHOT, full_page=True)

    # When they export the list as CSV
    with page.expect_download() as download_info:
        page.click("#export-csv")
    download = download_info.value
    # Then the file holds every person, the imported ones with their department
    assert download.suggested_filename == "people.csv"
    download.save_as(tmp_path / "people.csv")
    text = (tmp_path / "people.csv").read_text(encoding="utf-8-sig")
    records = {r["email"]: r for r in csv.DictReader(io.StringIO(text))}
    assert set(records) == {
        "director@example.com",
        "ada.nowak@example.com",
        "jan.kowalski@example.com",
        "ewa.zielinska@example.com",
    }
    assert records["jan.kowalski@example.com"]["department"] == "Logistics"
    assert records["ewa.zielinska@example.com"]["job_title"] == "Dispatcher"

    # When they log out from the user menu
    page.click("#user-menu")
    expect(page.locator("#logout")).to_have_text(pl("Log out"))
    page.click("#logout")
    # Then they are on the login page, logged out
    page.wait_for_url(re.compile(r"/accounts/login/"))
    expect(page.locator("input[name=login]")).to_be_visible()
    expect(page.locator("#user-menu")).to_have_count(0)


@pytest.mark.parametrize("language", ["en", "pl"])
def test_the_top_bar_fits_1280_pixels(browser, live_server, director_with_totp, language):
    """The MIS director, who sees every menu, on a 1280 px screen in either language: the bar
    does not overflow the page, no entry wraps onto two lines and the language selector shows
    its whole word (it used to read "Engli" and "Change log" took two lines at 1440 px)."""
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 800})
    context.set_default_timeout(TIMEOUT_MS)
    context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    page = context.new_page()
    try:
        page.goto("/accounts/login/")
        page.fill("input[name=login]", "director")
        page.fill("input[name=password]", PASSWORD)
        _submit(page)
        page.fill("input[name=code]", _totp_code())
        _submit(page)
        page.wait_for_url(f"{live_server.url}/")
        expect(page.locator("html")).to_have_attribute("lang", language)
        measured = page.evaluate(
            """() => {
              const bar = document.querySelector("nav.navbar");
              const select = document.querySelector("#language");
              const links = [...document.querySelectorAll(".navbar .nav-link")];
              const one = links[0].getBoundingClientRect().height;
              return {
                page: document.documentElement.scrollWidth,
                bar: bar.scrollWidth,
                wrapped: links.filter(a => a.getBoundingClientRect().height > one * 1.5)
                  .map(a => a.textContent),
                select: [select.scrollWidth, select.clientWidth],
                entries: links.length,
              };
            }"""
        )
        assert measured["entries"] >= 6, page.locator("nav").inner_text()  # every menu is there
        assert measured["page"] <= 1280 and measured["bar"] <= 1280, measured
        assert measured["wrapped"] == [], measured
        assert measured["select"][0] <= measured["select"][1], measured
    finally:
        context.close()
