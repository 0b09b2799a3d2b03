"""In a real headless Chromium: the owner drags a card on a dashboard and it stays where it
was dropped after a reload; the arrow buttons move a card from the keyboard; a viewer gets no
handle and the layout endpoint refuses them."""

import re

import pytest
from playwright.sync_api import expect

from openmis.bi.models import Card, Dashboard, Question, Visibility
from openmis.bi.tests.test_browser_bi import _page_for, people
from openmis.tests.browser import BROWSER

__all__ = ["people"]  # the people of the BI browser test, a fixture of this module too

pytestmark = BROWSER

SCREENSHOT = "/tmp/bi_dashboard_arranging.png"  # noqa: S108  (a fixed place to look at it)


@pytest.fixture
def board(people):
    board = Dashboard.objects.create(
        title="Regional sales", owner=people["analyst"], visibility=Visibility.ORGANIZATION
    )
    first = Card.objects.create(dashboard=board, text="**First**", position=0, width=4)
    second = Card.objects.create(dashboard=board, text="**Second**", position=1, width=4)
    return board, first, second


def _place(page, card) -> dict:
    item = page.locator(f".grid-stack-item[gs-id='{card.pk}']")
    return {k: item.get_attribute(f"gs-{k}") for k in ("x", "y", "w", "h")}


def test_a_dropped_card_stays_where_it_was_dropped(new_context, board):
    dashboard, first, second = board
    page = _page_for(new_context, "ana")
    page.goto(f"/bi/dashboards/{dashboard.pk}/")
    page.click("#arrange")
    expect(page.locator("#dashboard[data-ready]")).to_have_count(1)
    grid = page.locator("#dashboard").bounding_box()
    column = grid["width"] / 12
    # When the analyst drags the first card by its title bar to the right end of the grid
    handle = page.locator(f".grid-stack-item[gs-id='{first.pk}'] .bi-drag-handle")
    box = handle.bounding_box()
    start_x, start_y = box["x"] + 20, box["y"] + box["height"] / 2
    with page.expect_response(re.compile(r"/api/bi/dashboards/\d+/layout/$")) as saved:
        page.mouse.move(start_x, start_y)
        page.mouse.down()
        for i in range(1, 11):
            page.mouse.move(start_x + i * 0.8 * column, start_y + 5)
        page.mouse.up()
    assert saved.value.status == 200
    expect(page.locator("#layout-status")).to_have_text("Layout saved.")
    dropped = _place(page, first)
    assert int(dropped["x"]) >= 6  # moved right, past the second card
    page.screenshot(path=SCREENSHOT, full_page=True)
    # Then after a reload it is where it was dropped
    page.reload()
    expect(page.locator("#dashboard[data-ready]")).to_have_count(1)
    assert _place(page, first) == dropped
    first.refresh_from_db()
    assert (first.grid_x, first.grid_y, first.width, first.height) == tuple(
        int(dropped[k]) for k in ("x", "y", "w", "h")
    )

    # When they move the second card down from the keyboard (its "Move down" button)
    before = int(_place(page, second)["y"])
    page.locator(f"#card-{second.pk}-place button[value=down]").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"arrange=1"))
    expect(page.locator("#dashboard[data-ready]")).to_have_count(1)
    # Then it is a row lower, and still arranging
    assert _place(page, second)["y"] == str(before + 1)
    second.refresh_from_db()
    assert second.grid_y == before + 1


def test_a_viewer_gets_no_handle_and_the_endpoint_refuses(new_context, live_server, board):
    dashboard, first, _second = board
    page = _page_for(new_context, "member")
    page.goto(f"/bi/dashboards/{dashboard.pk}/?arrange=1")
    expect(page.locator("#dashboard[data-ready]")).to_have_count(1)
    expect(page.locator("#arrange")).to_have_count(0)
    expect(page.locator(".bi-drag-handle")).to_have_count(0)
    expect(page.locator(".bi-steps")).to_have_count(0)
    expect(page.locator(".ui-resizable-handle:visible")).to_have_count(0)
    token = page.evaluate("JSON.parse(document.body.getAttribute('hx-headers'))['X-CSRFToken']")
    response = page.request.post(
        f"/api/bi/dashboards/{dashboard.pk}/layout/",
        data={"cards": [{"id": first.pk, "x": 8, "y": 0, "w": 4, "h": 4}]},
        headers={"X-CSRFToken": token, "Referer": live_server.url + "/"},
    )
    assert response.status == 403
    assert response.json() == {"detail": "Your role does not allow this."}
    first.refresh_from_db()
    assert first.grid_x is None


@pytest.fixture
def filtered(people):
    from openmis.bi.tests import factories

    dataset = factories.orders()
    question = Question.objects.create(
        title="Orders by region",
        chart="bar",
        owner=people["analyst"],
        dataset=dataset,
        spec={"dataset": "orders", "measures": [{"agg": "count"}], "dimensions": ["region"]},
    )
    board = Dashboard.objects.create(
        title="Regional sales",
        owner=people["analyst"],
        visibility=Visibility.ORGANIZATION,
        filters=["region"],
    )
    Card.objects.create(dashboard=board, question=question, width=8)
    Card.objects.create(dashboard=board, text="Counts of **orders**.", width=4)
    return board


def test_a_filter_is_picked_from_a_dropdown_and_cleared(new_context, filtered):
    page = _page_for(new_context, "member")
    page.goto(f"/bi/dashboards/{filtered.pk}/")
    expect(page.locator("#dashboard-filters[data-ready]")).to_have_count(1)
    expect(page.locator("#dashboard .bi-chart canvas")).to_have_count(1)
    # When the reader opens the region filter's dropdown, its values are offered
    page.click("#dashboard-filters .ts-control")
    options = page.locator(".ts-dropdown .option")
    expect(options).to_have_text(["North", "South", "West"])
    # and picking one reloads the dashboard with the filter in its URL
    options.filter(has_text="North").click()
    page.wait_for_url(re.compile(r"\?v_region=North$"))
    expect(page.locator("#dashboard-filters .ts-control .item")).to_have_attribute(
        "data-value", "North"
    )
    expect(page.locator("#dashboard .bi-chart canvas")).to_have_count(1)
    # When they clear the filter, it is gone from the URL
    page.click("#filters-clear")
    page.wait_for_url(re.compile(rf"/bi/dashboards/{filtered.pk}/\?$"))
    expect(page.locator("#dashboard-filters .ts-control .item")).to_have_count(0)


@pytest.mark.parametrize("locale", ["en-US", "pl-PL"])
def test_screenshots(new_context, filtered, locale):
    lang = locale[:2]
    analyst = _page_for(new_context, "ana", locale)
    analyst.goto(f"/bi/dashboards/{filtered.pk}/?arrange=1&f_region=North")
    expect(analyst.locator("#dashboard .bi-chart canvas")).to_have_count(1)
    analyst.wait_for_timeout(1200)  # the bars grow in an animation
    analyst.screenshot(path=f"/tmp/dash-arranging-{lang}.png", full_page=True)  # noqa: S108
    viewer = _page_for(new_context, "member", locale)
    viewer.goto(f"/bi/dashboards/{filtered.pk}/")
    expect(viewer.locator("#dashboard .bi-chart canvas")).to_have_count(1)
    viewer.click("#dashboard-filters .ts-control")
    expect(viewer.locator(".ts-dropdown .option")).to_have_count(3)
    viewer.wait_for_timeout(1200)
    viewer.screenshot(path=f"/tmp/dash-viewer-filter-{lang}.png", full_page=True)  # noqa: S108


PEOPLE_CSV = """id,name
1,"Kowalski, Jan"
2,Kowalski
3,Jan
4,Nowak
5,1..2
"""


def test_a_value_with_a_comma_stays_one_value_and_a_capped_list_says_so(
    new_context, people, monkeypatch
):
    from openmis.bi import services
    from openmis.bi.tests import factories

    # Given a dashboard filtering people by name, and a picker listing 3 values at most
    monkeypatch.setattr(services, "VALUES_LIMIT", 3)
    dataset = factories.load_csv("people", PEOPLE_CSV)
    question = Question.objects.create(
        title="People",
        chart="table",
        owner=people["analyst"],
        dataset=dataset,
        spec={"dataset": "people", "measures": [{"agg": "count"}], "dimensions": ["name"]},
    )
    board = Dashboard.objects.create(
        title="People", owner=people["analyst"], visibility=Visibility.ORGANIZATION
    )
    board.filters = ["name"]
    board.save()
    Card.objects.create(dashboard=board, question=question, width=8)
    page = _page_for(new_context, "member")
    page.goto(f"/bi/dashboards/{board.pk}/")
    expect(page.locator("#dashboard-filters[data-ready]")).to_have_count(1)
    # When the reader opens the name filter's dropdown
    page.click("#dashboard-filters .ts-control")
    options = page.locator(".ts-dropdown .option")
    # Then it lists the first values and says there are more
    expect(options).to_have_text(["1..2", "Jan", "Kowalski"])
    note = page.locator(".ts-dropdown .bi-values-capped")
    expect(note).to_have_text("Showing the first 3 values — type to search")
    # and typing narrows the list, which is then whole
    page.keyboard.type("Kowalski")
    expect(options).to_have_text(["Kowalski", "Kowalski, Jan"])
    expect(note).to_have_count(0)
    # When they pick the value holding a comma
    options.filter(has_text="Kowalski, Jan").click()
    # Then the URL carries it as one value, and the card counts that one person
    page.wait_for_url(re.compile(r"\?v_name=Kowalski%2C\+Jan$"))
    expect(page.locator("#dashboard-filters .ts-control .item")).to_have_attribute(
        "data-value", "Kowalski, Jan"
    )
    expect(page.locator("#dashboard .bi-result tbody tr")).to_have_count(1)
    expect(page.locator("#dashboard .bi-result tbody td").first).to_have_text("Kowalski, Jan")
    # When they add "1..2" to it
    page.click("#dashboard-filters .ts-control input")
    page.keyboard.type("1..2")
    options.get_by_text("1..2", exact=True).click()
    # Then both travel, one parameter each, and the card holds both people
    page.wait_for_url(re.compile(r"\?v_name=Kowalski%2C\+Jan&v_name=1\.\.2$"))
    expect(page.locator("#dashboard .bi-result tbody tr")).to_have_count(2)


def test_a_shift_click_on_a_header_adds_a_sort_key(new_context, filtered):
    page = _page_for(new_context, "ana")
    page.goto("/bi/ask/?dataset=orders&m0_agg=count&d0_col=status&d1_col=region&chart=table")
    status = page.locator("th", has=page.locator("a.bi-sort", has_text="Status"))
    region = page.locator("th", has=page.locator("a.bi-sort", has_text="Region"))
    # When the analyst sorts by status, then shift-clicks the region's header
    status.locator("a").click()
    page.wait_for_url(re.compile(r"o0_col=status"))
    expect(status).to_have_attribute("aria-sort", "ascending")
    region.locator("a").click(modifiers=["Shift"])
    # Then the result is sorted by status, then region, and the headers say so
    page.wait_for_url(re.compile(r"o0_col=status.*o1_col=region"))
    expect(status).to_have_attribute("aria-sort", "ascending")
    expect(region).to_have_attribute("aria-sort", "ascending")
    expect(page.locator("th .bi-sort-rank")).to_have_text(["1", "2"])
    # When they press Shift+Enter on the region's header
    region.locator("a").focus()
    page.keyboard.press("Shift+Enter")
    # Then the region's key is reversed, in its place
    page.wait_for_url(re.compile(r"o1_col=region&o1_desc=1"))
    expect(region).to_have_attribute("aria-sort", "descending")
    expect(status).to_have_attribute("aria-sort", "ascending")
    assert len(page.context.pages) == 1  # and no new window opened
