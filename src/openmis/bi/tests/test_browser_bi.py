"""End to end in a real headless Chromium: an analyst uploads a CSV, builds a chart, puts it
on a dashboard and shares the dashboard with a department; a member of that department sees
it, with the rows their rules admit, and an outsider gets a friendly 403.

Chromium, the browser contexts and the log-in come from :mod:`openmis.tests.browser`.
"""

import re

import pytest
from playwright.sync_api import expect

from openmis.bi.models import Dashboard, Dataset, Question
from openmis.org.roles import ANALYST, EMPLOYEE
from openmis.org.tests.factories import DepartmentFactory, user_with_role
from openmis.tests.browser import BROWSER, TIMEOUT_MS, log_in, submit

pytestmark = BROWSER

SCREENSHOT = "/tmp/bi_dashboard.png"  # noqa: S108  (a fixed place to look at the layout)
CSV = """region,product,amount,order_date
North,Laptop,1200.50,2024-01-05
North,Monitor,300.00,2024-01-20
South,Laptop,999.99,2024-02-03
West,Docking station,150.25,2024-02-14
"""


@pytest.fixture
def people(db):
    """An analyst in Sales, a member of Sales North, and an outsider in Operations."""
    north = DepartmentFactory(name="Sales North", region="North")
    return {
        "analyst": user_with_role(ANALYST, DepartmentFactory(name="Sales"), username="ana"),
        "member": user_with_role(EMPLOYEE, north, username="member"),
        "outsider": user_with_role(EMPLOYEE, DepartmentFactory(name="Operations"), username="out"),
        "north": north,
    }


def _page_for(new_context, username, locale="en-US"):
    """A page in a fresh browser context in ``locale``, ``username`` logged in."""
    page = new_context(locale=locale).new_page()
    log_in(page, username)
    return page


def test_analyst_shares_a_dashboard_with_a_department(new_context, people, tmp_path):
    page = _page_for(new_context, "ana")

    # Given a new dataset, when the analyst uploads a CSV to it
    page.goto("/bi/datasets/add/")
    page.fill("input[name=name]", "sales")
    page.fill("input[name=title]", "Sales lines")
    submit(page)
    page.wait_for_url(re.compile(r"/bi/datasets/\d+/$"))
    upload = tmp_path / "sales.csv"
    upload.write_text(CSV, encoding="utf-8")
    page.set_input_files("#upload-file", str(upload))
    page.click("#upload-form button[type=submit]")
    # Then the columns the warehouse infers are shown before anything loads
    expect(page.locator("#preview-columns tbody tr")).to_have_count(4)
    expect(page.locator("#preview-columns select").nth(3)).to_have_value("date")
    expect(page.locator("#preview-rows tbody tr")).to_have_count(4)
    assert Dataset.objects.get(name="sales").row_count == 0
    # and when they load it, the import's page reports the rows loaded
    page.click("#load-file")
    expect(page.locator(".import-status")).to_have_text("Done")
    expect(page.locator("#import-progress")).to_contain_text("Loaded. The dataset now has 4 rows.")
    assert Dataset.objects.get(name="sales").row_count == 4

    # When they build revenue by region as a bar chart and save it
    page.goto("/bi/ask/?dataset=sales")
    page.select_option("select[name=m0_agg]", "sum")
    page.select_option("select[name=m0_col]", "amount")
    page.select_option("select[name=d0_col]", "region")
    page.select_option("#b-chart", "bar")
    page.click("#b-run")
    expect(page.locator("#builder-result .bi-chart canvas")).to_have_count(1)
    expect(page.locator("#builder-result table.bi-result tbody tr")).to_have_count(3)
    page.fill("#q-title", "Revenue by region")
    page.click("#save-question button[type=submit]")
    page.wait_for_url(re.compile(r"/bi/questions/\d+/$"))
    question = Question.objects.get(title="Revenue by region")
    assert question.spec["dimensions"] == ["region"]

    # And put it on a new dashboard
    page.goto("/bi/dashboards/add/")
    page.fill("input[name=title]", "Regional sales")
    submit(page)
    page.wait_for_url(re.compile(r"/bi/dashboards/\d+/$"))
    dashboard = Dashboard.objects.get(title="Regional sales")
    page.goto(f"/bi/cards/add/?dashboard={dashboard.pk}&question={question.pk}")
    submit(page)
    page.wait_for_url(re.compile(r"/bi/cards/\d+/$"))
    page.goto(f"/bi/dashboards/{dashboard.pk}/")
    expect(page.locator("#dashboard .bi-chart canvas")).to_have_count(1)

    # And share it with Sales North
    page.select_option("#share-target", f"department:{people['north'].pk}")
    page.click("#share-form button[type=submit]")
    expect(page.locator("#shares")).to_contain_text("Sales North")

    # Then a member of Sales North finds it under "Shared with me" and sees the chart
    member = _page_for(new_context, "member")
    member.goto("/bi/shared/")
    member.click("#shared-dashboards a", timeout=TIMEOUT_MS)
    expect(member.locator("h1")).to_have_text("Regional sales")
    expect(member.locator("#dashboard .bi-chart canvas")).to_have_count(1)
    member.wait_for_timeout(1500)  # the bars grow in an animation
    member.screenshot(path=SCREENSHOT, full_page=True)

    # And an outsider who opens the link gets a friendly 403
    outsider = _page_for(new_context, "out")
    response = outsider.goto(f"/bi/dashboards/{dashboard.pk}/")
    assert response.status == 403
    expect(outsider.locator("main")).to_contain_text("has not been shared with you")


def _series_names(page, selector: str) -> list[str]:
    return page.evaluate(
        """(selector) => {
            const chart = echarts.getInstanceByDom(document.querySelector(selector));
            return chart.getOption().series.map((s) => s.name);
        }""",
        selector,
    )


def test_a_two_grouping_line_chart_draws_a_line_per_region_and_reopens(new_context, people):
    from openmis.bi.tests import factories

    factories.orders()
    page = _page_for(new_context, "ana")
    # When the analyst builds revenue by month and region as a line chart
    page.goto("/bi/ask/?dataset=orders")
    page.select_option("select[name=m0_agg]", "sum")
    page.select_option("select[name=m0_col]", "amount")
    page.select_option("select[name=d0_col]", "order_date")
    page.select_option("select[name=d0_bucket]", "month")
    page.click("#b-add-d")  # a second grouping row
    page.select_option("select[name=d1_col]", "region")
    page.select_option("#b-chart", "line")
    page.click("#b-run")
    page.wait_for_url(re.compile(r"d1_col=region"))  # the form swapped in place (htmx)
    chart = "#builder-result .bi-chart"
    expect(page.locator(f"{chart} canvas")).to_have_count(1)
    # Then it draws one line per region, over the months
    assert _series_names(page, chart) == ["North", "South", "West"]
    page.wait_for_timeout(1200)  # the lines draw in an animation; only for the screenshot
    page.screenshot(path="/tmp/bi_two_groupings.png", full_page=True)  # noqa: S108
    # When they save it and open it back in the builder from the question's page
    page.fill("#q-title", "Revenue by month and region")
    page.click("#b-save-new")
    page.wait_for_url(re.compile(r"/bi/questions/\d+/$"))
    assert Question.objects.get(title="Revenue by month and region").spec["dimensions"] == [
        {"column": "order_date", "bucket": "month"},
        "region",
    ]
    assert _series_names(page, "#question-result .bi-chart") == ["North", "South", "West"]
    page.click("#open-in-builder")
    # Then the builder holds the question's groupings and chart, and draws the same lines
    expect(page.locator("select[name=d0_col]")).to_have_value("order_date")
    expect(page.locator("select[name=d0_bucket]")).to_have_value("month")
    expect(page.locator("select[name=d1_col]")).to_have_value("region")
    expect(page.locator("#b-chart")).to_have_value("line")
    expect(page.locator(f"{chart} canvas")).to_have_count(1)
    assert _series_names(page, chart) == ["North", "South", "West"]

    # When they filter the regions by typing part of a name in the value picker
    page.select_option("select[name=f0_col]", "region")
    page.select_option("select[name=f0_op]", "in")
    page.locator("#b-filters .ts-control input").fill("nor")
    page.locator("#b-filters .ts-dropdown .option", has_text="North").click()
    expect(page.locator("input[name=f0_val]")).to_have_value("North")
    page.click("#b-run")
    page.wait_for_url(re.compile(r"f0_val=North"))
    # Then only North's line is left
    expect(page.locator(f"{chart} canvas")).to_have_count(1)
    assert _series_names(page, chart) == ["North"]
