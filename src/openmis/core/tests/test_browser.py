"""End to end in a real headless Chromium: log in, switch to Polish, create, import, export,
log out.

Expected messages are looked up in the Polish catalog with ``gettext`` (the live server runs
in this process, so it uses the same catalog): the assertions are exact and hold whatever the
translators chose, while ``Pulpit`` pins one translation that must exist.
"""

import csv
import io
import re

import pytest
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext
from playwright.sync_api import expect

from openmis.org.models import Department, Person
from openmis.tests.browser import BROWSER, log_in, submit

pytestmark = BROWSER

SCREENSHOT = "/tmp/people_list.png"  # noqa: S108  (a fixed place to look at the layout)


def pl(message: str, **params) -> str:
    """``message`` as the Polish UI shows it."""
    with translation.override("pl"):
        # Lazy values (verbose names) are rendered here, while Polish is active.
        values = {k: str(v) if isinstance(v, Promise) else v for k, v in params.items()}
        return gettext(message) % values if params else gettext(message)


def test_director_walks_through_org_management(page, director_with_totp, tmp_path):
    # Given an MIS director account with a password and a TOTP authenticator
    # When they log in through the real login form, and give their code
    log_in(page, "director", totp=True)
    # Then they land on the cockpit, in English
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
    submit(page)
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
    submit(page)
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
def test_the_top_bar_fits_1280_pixels(new_context, live_server, director_with_totp, language):
    """The MIS director, who sees every menu, on a 1280 px screen in either language: the bar
    does not overflow the page, no entry wraps onto two lines and the language selector shows
    its whole word (it used to read "Engli" and "Change log" took two lines at 1440 px)."""
    context = new_context(viewport={"width": 1280, "height": 800})
    context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    page = context.new_page()
    log_in(page, "director", totp=True)
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
