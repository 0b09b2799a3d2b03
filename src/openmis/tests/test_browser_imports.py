"""End to end in a real headless Chromium: a Polish Excel "CSV" (Windows-1250, semicolons,
"12 000,50", 31.12.2026) uploaded through the import page is checked, previewed with the
encoding it was read in, and imported.

Chromium's settings, the login with TOTP and the built-in roles come from the core browser
test, :mod:`openmis.core.tests.test_browser`.
"""

import os
import re
from datetime import date
from decimal import Decimal

import pytest

# Playwright's sync API runs an event loop in the test thread; Django's ORM refuses to run
# from a thread with a running loop unless told it is safe (it is: no loop code touches it).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from playwright.sync_api import expect, sync_playwright

from openmis.core.tests.test_browser import (
    CHROMIUM,
    CHROMIUM_ARGS,
    PASSWORD,
    TIMEOUT_MS,
    TOTP_SECRET,
    _submit,
    _totp_code,
)
from openmis.org.roles import DIRECTOR
from openmis.org.tests.factories import user_with_role
from openmis.portfolio.models import Contract
from openmis.portfolio.tests.factories import VendorFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("browser"),
]

SCREENSHOT = "/tmp/files/import_preview_cp1250.png"  # noqa: S108  (to look at the layout)
POLISH_CSV = (
    "title;vendor;value;currency;start_date;end_date;notice_days\r\n"
    "Utrzymanie systemu kadrowego;Śląskie Zakłady Łączności;12 000,50;PLN;01.01.2026;"
    "31.12.2026;90\r\n"
    "Wsparcie źródeł danych;Śląskie Zakłady Łączności;1\u00a0234,00;PLN;2026-02-01;"
    "2027-01-31;30\r\n"
).encode("cp1250")


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def director_with_totp():
    """An MIS director with a known password and TOTP device (required for directors)."""
    from allauth.mfa.totp.internal.auth import TOTP

    # The role as the migrations grant it (the portfolio's own migration grants the contracts'
    # import; the root conftest restores it after every flush): not a superuser.
    user = user_with_role(DIRECTOR, username="director", email="director@example.com", totp=False)
    TOTP.activate(user, TOTP_SECRET)
    return user


def test_a_cp1250_csv_with_decimal_commas_imports_through_the_page(
    browser, live_server, director_with_totp, tmp_path
):
    # Given the vendor the file names, and the file as Polish Excel saves "CSV"
    VendorFactory(name="Śląskie Zakłady Łączności")
    path = tmp_path / "umowy.csv"
    path.write_bytes(POLISH_CSV)
    context = browser.new_context(
        base_url=live_server.url, locale="en-US", viewport={"width": 1400, "height": 900}
    )
    context.set_default_timeout(TIMEOUT_MS * 3)  # a shared machine may be slow
    page = context.new_page()
    page.goto("/accounts/login/")
    page.fill("input[name=login]", "director")
    page.fill("input[name=password]", PASSWORD)
    _submit(page)
    page.wait_for_url(re.compile(r"/accounts/2fa/authenticate/"))
    page.fill("input[name=code]", _totp_code())
    _submit(page)
    page.wait_for_url(f"{live_server.url}/")
    # When they upload it on the contracts' import page, the encoding left to detection
    page.goto("/portfolio/contracts/import/")
    expect(page.locator("#id_encoding")).to_have_value("")
    page.set_input_files("#id_file", str(path))
    page.click("#check-import")
    # Then the preview says the file is valid, read as Windows-1250, with its letters
    expect(page.locator("#import-preview")).to_contain_text("2 to create")
    expect(page.locator("#import-encoding")).to_have_text("Read as Windows-1250 text.")
    expect(page.locator("#import-preview-rows")).to_contain_text("Śląskie Zakłady Łączności")
    page.screenshot(path=SCREENSHOT, full_page=True)
    # When they import it
    page.click("#confirm-import")
    page.wait_for_url(re.compile(r"/portfolio/contracts/$"))
    # Then the contracts are written with their amounts and dates
    context.close()
    first = Contract.objects.get(title="Utrzymanie systemu kadrowego")
    assert (first.value, first.end_date) == (Decimal("12000.50"), date(2026, 12, 31))
    assert Contract.objects.get(title="Wsparcie źródeł danych").value == Decimal("1234.00")
