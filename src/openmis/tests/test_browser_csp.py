"""In a real headless Chromium: the Content-Security-Policy holds on every main page (no
violation, charts still drawn), and stored text reaches chart tooltips as text, never as HTML
(a system named like an ``<img onerror>`` runs nothing when its node is hovered).

Chromium and the browser contexts come from :mod:`openmis.tests.browser`.
"""

import time

import pytest

from openmis.appraisal.tests.factories import textbook
from openmis.bi.models import Card
from openmis.bi.tests import factories as bi
from openmis.org.roles import DIRECTOR
from openmis.org.tests.factories import DepartmentFactory, PersonFactory, user_with_role
from openmis.portfolio.tests.factories import DependencyFactory, SystemFactory
from openmis.tests.browser import BROWSER, force_log_in

pytestmark = BROWSER

PAYLOAD = '<img src=x onerror="window.__xss=1">'
# Every violation of the policy, as the page reports it (init scripts run before the page's
# own and are not subject to its policy).
WATCH_CSP = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
});
"""

# Inline scripts and on…= handlers on the page (a handler only breaks the policy when its
# event fires, so they are looked for, not waited for).
INLINE_CODE = """() => [...document.querySelectorAll("*")].flatMap((el) => [
  ...(el.matches("script:not([src]):not([type='application/json'])") ? [el.outerHTML] : []),
  ...[...el.attributes].filter((a) => /^on/i.test(a.name)).map((a) => `${el.tagName} ${a.name}`),
])"""


@pytest.fixture
def director(db):
    """An MIS director, with what the migrations grant that role (restored after every
    flush by the root conftest), so the pages are the ones a director sees."""
    department = DepartmentFactory(name="Marketing")
    PersonFactory.create_batch(3, department=department)
    return user_with_role(DIRECTOR, department, username="dir")


@pytest.fixture
def page(new_context, live_server, director):
    """A page logged in as the director (the session cookie of a forced login)."""
    context = new_context()
    force_log_in(context, director, live_server.url)
    context.add_init_script(WATCH_CSP)
    page = context.new_page()
    page.console_errors = []
    page.on("console", lambda m: m.type == "error" and page.console_errors.append(m.text))
    return page


def _node_position(page, index: int) -> tuple[float, float]:
    """Where node ``index`` of the dependency graph is on the page, once the force layout has
    settled (it moves while it runs)."""
    script = """(index) => {
      const el = document.getElementById("dependency-graph");
      const chart = window.echarts && echarts.getInstanceByDom(el);
      if (!chart) return null;
      const layout = chart.getModel().getSeriesByIndex(0).getData().getItemLayout(index);
      if (!layout) return null;
      const [x, y] = chart.convertToPixel({ seriesIndex: 0 }, layout);
      const box = el.getBoundingClientRect();
      return [box.left + x, box.top + y];
    }"""
    last = None
    for _ in range(50):
        where = page.evaluate(script, index)
        if where and last and abs(where[0] - last[0]) < 0.5 and abs(where[1] - last[1]) < 0.5:
            return where
        last = where
        time.sleep(0.2)
    raise AssertionError(f"the graph did not settle: {last}")


def test_a_system_named_like_html_shows_as_text_in_the_graph_tooltip(page):
    # Given a system whose name and whose dependency's data are HTML with a script handler
    system = SystemFactory(name=PAYLOAD)
    other = SystemFactory(name="Ledger")
    DependencyFactory(source=system, target=other, data_exchanged=PAYLOAD)
    # When the director hovers its node in the dependency graph
    page.goto(f"/portfolio/graph/?system={system.pk}")
    page.wait_for_selector("#dependency-graph canvas")
    nodes = page.evaluate(
        """() => echarts.getInstanceByDom(document.getElementById("dependency-graph"))
              .getOption().series[0].data.map((n) => n.name)"""
    )
    x, y = _node_position(page, nodes.index(PAYLOAD))
    page.mouse.move(x, y)
    tooltip = page.locator("#dependency-graph div", has_text=PAYLOAD).last
    tooltip.wait_for(state="visible")
    # Then the tooltip shows the name as literal text, and nothing ran
    assert PAYLOAD in tooltip.inner_text()
    assert page.locator("#dependency-graph img").count() == 0
    assert page.evaluate("window.__xss") is None
    # nor for the dependency's tooltip (what it exchanges)
    page.evaluate(
        """() => echarts.getInstanceByDom(document.getElementById("dependency-graph"))
            .dispatchAction({ type: "showTip", seriesIndex: 0, dataType: "edge", dataIndex: 0 })"""
    )
    page.locator("#dependency-graph div", has_text=PAYLOAD).last.wait_for()
    assert page.locator("#dependency-graph img").count() == 0
    assert page.evaluate("window.__xss") is None
    assert page.evaluate("window.__csp") == []


def test_main_pages_break_no_rule_of_the_policy_and_still_draw_their_charts(
    page, live_server, director
):
    # Given content for every kind of page: systems, a dashboard with a chart, an evaluation
    system = SystemFactory(name="CRM", business_owner=director.person.department)
    DependencyFactory(source=system, target=SystemFactory(name="ERP"), data_exchanged="orders")
    question = bi.question(owner=director)
    board = bi.dashboard(owner=director)
    Card.objects.create(dashboard=board, question=question, position=0)
    evaluation = textbook(director.person.department)
    pages = {
        "/": "#people-chart canvas",
        f"/portfolio/systems/{system.pk}/": None,
        f"/portfolio/graph/?system={system.pk}": "#dependency-graph canvas",
        "/portfolio/rationalisation/": None,
        f"/bi/questions/{question.pk}/": ".bi-chart canvas",
        f"/bi/dashboards/{board.pk}/": ".bi-chart canvas",
        f"/appraisal/evaluations/{evaluation.pk}/": "#chart-cumulative canvas",
        "/meetings/week/": None,
        "/meetings/calendar/": None,
        "/org/people/": None,
        "/api/docs/": "#swagger-ui .info",
    }
    for path, drawn in pages.items():
        # When the director opens each page (and hovers its first chart)
        response = page.goto(path)
        assert response.status == 200, path
        assert "script-src 'self'" in response.headers["content-security-policy"], path
        if drawn:
            page.wait_for_selector(drawn)
            if drawn.endswith("canvas"):
                box = page.locator(drawn).first.bounding_box()
                page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
                time.sleep(0.3)
        page.wait_for_load_state("networkidle")
        # Then nothing was refused by the policy, and no inline script or handler is left
        assert page.evaluate("window.__csp") == [], path
        assert page.evaluate(INLINE_CODE) == [], path
    assert page.console_errors == []
