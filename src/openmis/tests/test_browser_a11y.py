"""In a real headless Chromium: the main pages meet WCAG 2.1 AA as axe-core checks it, in
English and Polish, for the roles that use them; and the main flows work with the keyboard
alone (menus, forms, htmx buttons, the language selector).

axe-core comes from npm (``node_modules/axe-core``, a dev dependency; never served by the
application) and is injected into each page after it loads. The contexts bypass the page's
Content-Security-Policy only so that this injected script may run; the policy itself is checked
by :mod:`openmis.tests.test_browser_csp`.

Chromium and the browser contexts come from :mod:`openmis.tests.browser`.
"""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

import openmis
from openmis.appraisal.tests.factories import DecisionFactory, textbook
from openmis.bi.models import Card, Dataset, Question
from openmis.bi.tests import factories as bi
from openmis.feedback.models import Feedback
from openmis.feedback.tests.factories import FeedbackFactory, ImprovementFactory
from openmis.meetings.tests.factories import (
    ActionItemFactory,
    AgendaItemFactory,
    OccurrenceFactory,
    OutcomeFactory,
    SeriesFactory,
)
from openmis.org.models import Person
from openmis.org.roles import ANALYST, DIRECTOR, EMPLOYEE, LEADER
from openmis.org.tests.factories import DepartmentFactory, PersonFactory, user_with_role
from openmis.portfolio.tests.factories import DependencyFactory, SystemFactory
from openmis.tests.browser import BROWSER, PASSWORD, force_log_in

pytestmark = BROWSER

AXE = Path(openmis.__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
# Longer than the core tests' 10 s: each page is loaded, settled and then walked by axe, and
# the first pages also compile every template and warm the warehouse connection.
TIMEOUT_MS = 30_000
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
RUN_AXE = """(tags) => axe.run(document, {
    runOnly: {type: "tag", values: tags}, resultTypes: ["violations"],
  })
  .then((r) => r.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.helpUrl,
    targets: v.nodes.map((n) => n.target.join(" ")),
  })))"""
# Lines of a BI dataset long enough for its result table to scroll (more than 24rem of rows).
LINES_CSV = "line,region,amount\n" + "".join(
    f"{n},{('North', 'South', 'West')[n % 3]},{n * 10}.50\n" for n in range(1, 41)
)


@pytest.fixture
def site():
    """Content for every kind of page: people, systems with a dependency, feedback and an
    improvement, a meeting with agenda, outcome and an overdue action, an evaluation with a
    decision, and BI questions (a chart and a long table) on a dashboard.

    Built per test, not per module: every test using ``live_server`` is transactional, and
    pytest-django empties the database after each one.
    """
    marketing = DepartmentFactory(name="Marketing", code="MKT")
    sales = DepartmentFactory(name="Sales", code="SAL")
    users = {
        "director": user_with_role(DIRECTOR, marketing, username="director"),
        "leader": user_with_role(LEADER, marketing, username="leader", email="lead@example.com"),
        "employee": user_with_role(EMPLOYEE, marketing, username="employee"),
        "analyst": user_with_role(ANALYST, sales, username="analyst"),
    }
    PersonFactory.create_batch(3, department=marketing)
    employee = Person.objects.get(user=users["employee"])
    system = SystemFactory(name="CRM", business_owner=marketing)
    DependencyFactory(source=system, target=SystemFactory(name="ERP"), data_exchanged="orders")
    feedback = FeedbackFactory(system=system, department=marketing, text="Search is slow")
    ImprovementFactory(system=system, title="Faster search")
    series = SeriesFactory(
        title="Marketing weekly",
        department=marketing,
        organiser=Person.objects.get(user=users["leader"]),
    )
    occurrence = OccurrenceFactory(series=series)
    AgendaItemFactory(occurrence=occurrence, title="Budget")
    OutcomeFactory(occurrence=occurrence, text="Keep the CRM")
    ActionItemFactory(
        occurrence=occurrence, owner=employee, due_date=timezone.localdate() - timedelta(days=3)
    )
    evaluation = textbook(marketing)
    DecisionFactory(evaluation=evaluation, chosen=evaluation.alternatives.first())
    analyst = users["analyst"]
    chart = bi.question(owner=analyst)
    chart.chart = Question.Chart.BAR
    chart.save(update_fields=["chart"])
    bi.load_csv("lines", LINES_CSV)
    table = Question.objects.create(
        title="All lines",
        spec={"dataset": "lines", "fields": ["line", "region", "amount"]},
        dataset=Dataset.objects.get(name="lines"),
        owner=analyst,
    )
    board = bi.dashboard(owner=analyst)
    Card.objects.create(dashboard=board, question=chart, position=0)
    Card.objects.create(dashboard=board, question=table, position=1)
    return {
        "users": users,
        "system": system,
        "person": employee,
        "feedback": feedback,
        "series": series,
        "occurrence": occurrence,
        "evaluation": evaluation,
        "question": table,
        "chart": chart,
        "dashboard": board,
    }


def _context(new_context, live_server, language, user=None):
    """A browser context in ``language``, logged in as ``user`` (a forced login's session)."""
    context = new_context(
        timeout_ms=TIMEOUT_MS,
        bypass_csp=True,  # axe is injected as a script tag; see the module's docstring
    )
    context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    if user is not None:
        force_log_in(context, user, live_server.url)
    return context


def _violations(page) -> list[dict]:
    """What axe finds against WCAG 2.1 A and AA on the page as it is now."""
    page.add_script_tag(path=str(AXE))
    return page.evaluate(RUN_AXE, WCAG_AA)


def _report(found: dict) -> str:
    lines = []
    for (who, language, path), violations in found.items():
        lines.append(f"{path} as {who} in {language}:")
        for v in violations:
            lines.append(f"  {v['id']} ({v['impact']}) {v['help']}")
            lines.extend(f"    {target}" for target in v["targets"])
    return "\n".join(lines)


def _pages(site) -> dict[str, list[str]]:
    """The pages each role is checked on: what that role uses every day."""
    return {
        None: ["/accounts/login/"],
        "employee": [
            "/",
            "/org/people/",
            f"/org/people/{site['person'].pk}/",
            "/portfolio/systems/",
            f"/portfolio/systems/{site['system'].pk}/",
            "/feedback/feedback/",
            f"/feedback/feedback/{site['feedback'].pk}/",
            "/feedback/feedback/add/",
        ],
        "director": [
            "/",
            "/meetings/series/",
            f"/meetings/series/{site['series'].pk}/",
            f"/meetings/occurrences/{site['occurrence'].pk}/",
            "/appraisal/evaluations/",
            f"/appraisal/evaluations/{site['evaluation'].pk}/",
            f"/portfolio/systems/{site['system'].pk}/edit/",
            "/changelog/",
        ],
        "analyst": [
            "/",
            "/bi/questions/",
            f"/bi/questions/{site['question'].pk}/",
            f"/bi/questions/{site['chart'].pk}/",
            f"/bi/dashboards/{site['dashboard'].pk}/",
            "/bi/ask/",
        ],
    }


def test_main_pages_have_no_wcag_aa_violation_in_either_language(new_context, live_server, site):
    assert AXE.is_file(), f"{AXE} is missing: `make install` installs axe-core (npm, dev)"
    found = {}
    for language in ("en", "pl"):
        for who, paths in _pages(site).items():
            # Given the role's session in the language
            user = site["users"][who] if who else None
            context = _context(new_context, live_server, language, user)
            page = context.new_page()
            try:
                for path in paths:
                    # When they open the page, and what it loads with htmx has arrived
                    response = page.goto(path)
                    assert response.status == 200, (path, who, response.status)
                    page.wait_for_load_state("networkidle")
                    expect(page.locator("html")).to_have_attribute("lang", language)
                    # Then axe finds nothing against WCAG 2.1 AA
                    violations = _violations(page)
                    if violations:
                        found[(who or "anonymous", language, path)] = violations
            finally:
                context.close()
    assert not found, "WCAG 2.1 AA violations:\n" + _report(found)


def _tab_to(page, selector: str, *, backwards: bool = False, limit: int = 80):
    """Press Tab (or Shift+Tab) until the focus is on ``selector`` (a Playwright selector);
    fail if it never gets there, i.e. the element cannot be reached with the keyboard."""
    key = "Shift+Tab" if backwards else "Tab"
    target = page.locator(selector).first
    for _ in range(limit):
        if target.evaluate("(e) => e === document.activeElement"):
            return
        page.keyboard.press(key)
    raise AssertionError(f"{selector} is not reachable with {key} in {limit} presses")


def _focused(page) -> str:
    return page.evaluate(
        "() => { const e = document.activeElement; return e.id || e.textContent.trim(); }"
    )


def test_the_main_flows_work_with_the_keyboard_alone(new_context, live_server, site):
    context = new_context(timeout_ms=TIMEOUT_MS)
    page = context.new_page()
    try:
        # Given the sign-in page, when the leader types their name and password and presses Enter
        page.goto("/accounts/login/")
        _tab_to(page, "input[name=login]")
        page.keyboard.type("leader")
        _tab_to(page, "input[name=password]")
        page.keyboard.type(PASSWORD)
        page.keyboard.press("Enter")
        # Then they are on the cockpit
        page.wait_for_url(f"{live_server.url}/")
        expect(page.locator("#user-menu")).to_have_text("leader")

        # When they open the Feedback menu with Enter, step into it and close it with Escape
        page.keyboard.press("Tab")  # the skip link comes first
        expect(page.locator("a[href='#main']")).to_be_focused()
        toggle = "#nav .dropdown-toggle"
        feedback_menu = page.locator(toggle, has_text="Feedback")
        _tab_to(page, f"{toggle}:text-is('Feedback')")
        page.keyboard.press("Enter")
        expect(feedback_menu).to_have_attribute("aria-expanded", "true")
        page.keyboard.press("ArrowDown")
        first_item = feedback_menu.locator("xpath=..").locator(".dropdown-item").first
        expect(first_item).to_be_focused()
        page.keyboard.press("Escape")
        expect(feedback_menu).to_have_attribute("aria-expanded", "false")
        expect(feedback_menu).to_be_focused()
        # and open it again and follow its "Feedback" entry with Enter
        page.keyboard.press("Enter")
        entry = feedback_menu.locator("xpath=..").locator(
            "a.dropdown-item[href='/feedback/feedback/']"
        )
        for _ in range(10):
            if entry.evaluate("(e) => e === document.activeElement"):
                break
            page.keyboard.press("ArrowDown")
        expect(entry).to_be_focused()
        page.keyboard.press("Enter")
        page.wait_for_url(f"{live_server.url}/feedback/feedback/")

        # When they sort the list by a column header (an htmx link) with Enter
        header = page.locator("#object-results th a").first
        _tab_to(page, "#object-results th a")
        page.keyboard.press("Enter")
        # Then the list is sorted in place, the page is not reloaded
        expect(page.locator("#object-results th[aria-sort]")).to_have_count(1)
        expect(header).to_be_attached()

        # When they add feedback with the form, by keyboard only: type, choose, submit
        _tab_to(page, "#add-object")
        page.keyboard.press("Enter")
        page.wait_for_url(f"{live_server.url}/feedback/feedback/add/")
        _tab_to(page, "#id_system-ts-control")  # the system picker's search box
        page.keyboard.type("CRM")
        expect(page.locator("#id_system-ts-dropdown .option", has_text="CRM").first).to_be_visible()
        page.keyboard.press("Enter")  # takes the option found
        expect(page.locator("#id_system-ts-control").locator("xpath=..")).to_contain_text("CRM")
        _tab_to(page, "#id_text")
        page.keyboard.type("Reports take a minute to open")
        _tab_to(page, "main form[method=post] button[type=submit]")
        page.keyboard.press("Enter")
        # Then the feedback exists, on the system they chose
        page.wait_for_url(re.compile(r"/feedback/feedback/\d+/$"))
        created = Feedback.objects.get(text="Reports take a minute to open")
        assert created.system == site["system"]

        # When, on the meeting they organise, they preview the minutes with an htmx button
        page.goto(f"/meetings/occurrences/{site['occurrence'].pk}/")
        _tab_to(page, "#minutes-form textarea")
        page.keyboard.type("**Budget** agreed")
        _tab_to(page, "#preview-minutes")
        page.keyboard.press("Space")
        # Then the preview shows the rendered Markdown
        expect(page.locator("#minutes-preview strong")).to_have_text("Budget")

        # When they open their user menu with Space and close it with Escape
        _tab_to(page, "#user-menu", backwards=True)
        page.keyboard.press("Space")
        expect(page.locator("#logout")).to_be_visible()
        page.keyboard.press("Escape")
        expect(page.locator("#logout")).to_be_hidden()
        expect(page.locator("#user-menu")).to_be_focused()

        # When they move to the language selector and choose Polish with the arrow key
        _tab_to(page, "#language", backwards=True)
        with page.expect_navigation():
            page.keyboard.press("ArrowDown")
        # Then the page is in Polish, and the focus can reach the content again
        expect(page.locator("html")).to_have_attribute("lang", "pl")
        _tab_to(page, "#minutes-form textarea")
        assert _focused(page) == "id_minutes"
    finally:
        context.close()


def test_a_chart_is_drilled_into_from_its_table_with_the_keyboard(new_context, live_server, site):
    """A click on a bar opens the rows behind it; the result table under the chart offers the
    same as links, for those who do not use a mouse."""
    context = _context(new_context, live_server, "en", site["users"]["analyst"])
    page = context.new_page()
    try:
        # Given the analyst's bar chart of revenue by region
        page.goto(f"/bi/questions/{site['chart'].pk}/")
        # When they open the table under it with Enter and follow the row of the South region
        _tab_to(page, "#question-result summary")
        page.keyboard.press("Enter")
        _tab_to(page, "#question-result table a:text-is('South')")
        page.keyboard.press("Enter")
        # Then they see the orders of the South region
        page.wait_for_url(re.compile(r"/bi/questions/\d+/drill/\?value=South$"))
        expect(page.locator("#drill-result table.bi-result tbody tr")).to_have_count(2)
    finally:
        context.close()


# Rules switched off on the API docs page, each for one element of Swagger UI's own markup that
# neither our template, a stylesheet nor Swagger UI's configuration can reach (its bundle renders
# it). Rule -> the axe targets it is off for; every other rule and element is checked.
API_DOCS_EXCEPTIONS: dict[str, set[str]] = {
    # An enum or boolean parameter's <select> ("--", "true", "false") has no label: Swagger UI
    # writes the parameter's name in the next column, not in a <label> or an aria-label.
    "select-name": {".parameters-col_description > select"},
}


def test_the_api_docs_page_has_no_wcag_aa_violation(new_context, live_server, db):
    # Given a reader of the API documentation (it is public: no session)
    context = _context(new_context, live_server, "en")
    page = context.new_page()
    try:
        # When they open the docs and Swagger UI has drawn the operations
        response = page.goto("/api/docs/")
        assert response.status == 200
        operations = page.locator(".swagger-ui .opblock")
        expect(operations.first).to_be_visible(timeout=60_000)  # the schema is built first
        page.wait_for_load_state("networkidle")
        found = {("anonymous", "en", "/api/docs/"): _violations(page)}
        # and when they open the first operation to read its parameters and responses
        operations.first.locator(".opblock-summary-control").click()
        expect(page.locator(".swagger-ui .opblock.is-open .responses-wrapper")).to_be_visible()
        found[("anonymous", "en", "/api/docs/ (an operation open)")] = _violations(page)
    finally:
        context.close()
    remaining = {}
    for key, violations in found.items():
        kept = []
        for v in violations:
            allowed = API_DOCS_EXCEPTIONS.get(v["id"], [])
            targets = [t for t in v["targets"] if t not in allowed]
            if targets:
                kept.append({**v, "targets": targets})
        if kept:
            remaining[key] = kept
    # Then axe finds nothing against WCAG 2.1 AA but the listed exceptions
    assert not remaining, "WCAG 2.1 AA violations:\n" + _report(remaining)
