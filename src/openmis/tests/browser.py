"""What every browser test shares: one headless Chromium per test process, a fresh browser
context (its own cookies) per test on pytest-django's live server, and the steps of logging in
and of choosing in a searchable picker.

Registered as a pytest plugin by the root conftest (``pytest_plugins``), so its fixtures reach
every test module; a test module imports its helpers and constants from here. It uses core and
org only, so the tests of core may use it too (the ``lower-tests`` import contract).

Chromium is launched the first time a test of the process asks for ``browser`` and closed at the
end of the session: with pytest-xdist, once per worker. Playwright's sync API marks its event loop
as running in the test thread while it is started; ``browser`` marks it so only around each
browser test, so the other tests of the process run in a plain synchronous thread as before
(Django's ORM and asgiref refuse to run where a loop runs).
"""

import asyncio
import os
import re
import time

import pytest

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
VIEWPORT = {"width": 1400, "height": 900}

# The marks of a browser test module: ``pytestmark = BROWSER``. Transactional, as the live
# server reads the database from another thread; the xdist group keeps every browser test on
# one worker with ``--dist loadgroup`` (``make test``), so one Chromium serves them all.
BROWSER = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("browser"),
]


class _Chromium:
    """The process's Playwright and Chromium, and Playwright's event loop."""

    def __init__(self):
        from playwright.sync_api import sync_playwright

        self._manager = sync_playwright()
        self.playwright = self._manager.__enter__()
        # The loop of Playwright's sync API, marked as running in this thread by its start.
        self.loop = asyncio._get_running_loop() or self._manager._loop
        self.browser = self.playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )

    def close(self):
        asyncio._set_running_loop(self.loop)
        try:
            self.browser.close()
        finally:
            self._manager.__exit__(None, None, None)


@pytest.fixture(scope="session")
def _chromium():
    """Chromium, launched once per test process (per xdist worker) when a test first needs it."""
    chromium = _Chromium()
    asyncio._set_running_loop(None)  # running only around a browser test: see ``browser``
    yield chromium
    chromium.close()


@pytest.fixture
def browser(_chromium):
    """The process's Chromium, for this test.

    While the test runs, Playwright's loop is marked as running in this thread (its sync API
    expects it) and Django's ORM is told that it may run here all the same (no loop code
    touches it); afterwards the thread is a plain synchronous one again for the next tests.
    """
    unsafe = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    asyncio._set_running_loop(_chromium.loop)
    yield _chromium.browser
    asyncio._set_running_loop(None)
    if unsafe is None:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = unsafe


@pytest.fixture
def new_context(browser, live_server):
    """``new_context(timeout_ms=TIMEOUT_MS, **options)``: a fresh browser context on the live
    server, in American English at 1400 by 900 pixels unless ``options`` (Playwright's) say
    otherwise, with no cookie of another test or context; closed at the end of the test."""
    contexts = []

    def make(*, timeout_ms=TIMEOUT_MS, **options):
        context = browser.new_context(
            **{"base_url": live_server.url, "locale": "en-US", "viewport": VIEWPORT, **options}
        )
        contexts.append(context)
        context.set_default_timeout(timeout_ms)
        return context

    yield make
    for context in contexts:
        context.close()  # (again, for a context the test closed: nothing happens)


@pytest.fixture
def page(new_context):
    """A page in a fresh browser context (see ``new_context``), downloads accepted."""
    return new_context(accept_downloads=True).new_page()


@pytest.fixture
def director_with_totp(db):
    """An MIS director, ``director``, with the password of the factories and a TOTP
    authenticator of ``TOTP_SECRET`` (directors must have one), the role as the migrations
    grant it (the root conftest restores the grants after every flush)."""
    from openmis.org.roles import DIRECTOR
    from openmis.org.tests.factories import user_with_role

    user = user_with_role(DIRECTOR, username="director", email="director@example.com", totp=False)
    return with_totp(user)


def with_totp(user):
    """``user``, with a TOTP authenticator of ``TOTP_SECRET`` (``totp_code`` gives its code)."""
    from allauth.mfa.totp.internal.auth import TOTP

    TOTP.activate(user, TOTP_SECRET)
    return user


def totp_code() -> str:
    """The current code of a ``TOTP_SECRET`` authenticator, taken early enough in its period
    to stay valid."""
    from allauth.mfa import app_settings
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    period = app_settings.TOTP_PERIOD
    left = period - time.time() % period
    if left < 3:  # the server accepts only the current period's code (no tolerance)
        time.sleep(left + 0.1)
    return format_hotp_value(hotp_value(TOTP_SECRET, int(time.time()) // period))


def submit(page):
    """Click the submit button of the page's main form (labels are translated)."""
    page.locator("main form[method=post] button[type=submit]").first.click()


def log_in(page, username, *, totp=False):
    """Log ``username`` in through the real login form (the factories' password), then with
    their TOTP code if ``totp``, and wait for the cockpit."""
    page.goto("/accounts/login/")
    page.fill("input[name=login]", username)
    page.fill("input[name=password]", PASSWORD)
    submit(page)
    if totp:
        page.wait_for_url(re.compile(r"/accounts/2fa/authenticate/"))
        page.fill("input[name=code]", totp_code())
        submit(page)
    page.wait_for_url(re.compile(r"^https?://[^/]+/$"))


def force_log_in(context, user, url):
    """Give ``context`` the session of a forced login of ``user`` on the live server at
    ``url`` (no login form, no TOTP)."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": url}])


def pick(page, field, text):
    """Choose ``text`` in the searchable picker of form field ``field`` by typing it."""
    from playwright.sync_api import expect

    page.click(f"#id_{field}-ts-control")
    page.keyboard.type(text)
    expect(page.locator(".ts-dropdown .option.active").filter(visible=True)).to_contain_text(text)
    page.keyboard.press("Enter")
    expect(page.locator(f"#id_{field} option:checked")).to_contain_text(text)
