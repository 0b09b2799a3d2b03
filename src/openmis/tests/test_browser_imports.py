"""End to end in a real headless Chromium: a Polish Excel "CSV" (Windows-1250, semicolons,
"12 000,50", 31.12.2026) uploaded through the import page is checked, previewed with the
encoding it was read in, and imported.

Chromium, the director with TOTP and the log-in come from :mod:`openmis.tests.browser`.
"""

import re
from datetime import date
from decimal import Decimal

from playwright.sync_api import expect

from openmis.portfolio.models import Contract
from openmis.portfolio.tests.factories import VendorFactory
from openmis.tests.browser import BROWSER, TIMEOUT_MS, log_in

pytestmark = BROWSER

SCREENSHOT = "/tmp/files/import_preview_cp1250.png"  # noqa: S108  (to look at the layout)
POLISH_CSV = (
    "title;vendor;value;currency;start_date;end_date;notice_days\r\n"
    "Utrzymanie systemu kadrowego;Śląskie Zakłady Łączności;12 000,50;PLN;01.01.2026;"
    "31.12.2026;90\r\n"
    "Wsparcie źródeł danych;Śląskie Zakłady Łączności;1\u00a0234,00;PLN;2026-02-01;"
    "2027-01-31;30\r\n"
).encode("cp1250")


def test_a_cp1250_csv_with_decimal_commas_imports_through_the_page(
    new_context, director_with_totp, tmp_path
):
    # (The director's role as the migrations grant it: the portfolio's own migration grants
    # the contracts' import; the root conftest restores it after every flush. Not a superuser.)
    # Given the vendor the file names, and the file as Polish Excel saves "CSV"
    VendorFactory(name="Śląskie Zakłady Łączności")
    path = tmp_path / "umowy.csv"
    path.write_bytes(POLISH_CSV)
    context = new_context(timeout_ms=TIMEOUT_MS * 3)  # a shared machine may be slow
    page = context.new_page()
    log_in(page, "director", totp=True)
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
