"""Chart options of results with two groupings: one series per value of the second grouping
(one line per region), not one line over "2023-01-01 · East" labels."""

from hypothesis import given
from hypothesis import strategies as st

from openmis.bi import charts

RESULT = {
    "columns": ["order_date", "region", "revenue"],
    "rows": [
        ["2024-01-01", "North", 300.5],
        ["2024-01-01", "South", None],
        ["2024-02-01", "South", 350.25],
        ["2024-03-01", "North", 75.25],
        ["2024-03-01", "West", 25.0],
    ],
}


def test_a_line_chart_of_two_groupings_draws_one_line_per_region():
    option = charts.options("line", RESULT, dimensions=2)
    assert option["xAxis"]["data"] == ["2024-01-01", "2024-02-01", "2024-03-01"]
    assert [s["name"] for s in option["series"]] == ["North", "South", "West"]
    assert {s["type"] for s in option["series"]} == {"line"}
    by_name = {s["name"]: s["data"] for s in option["series"]}
    # A month without a row for a region has no point (null), not a zero
    assert by_name == {
        "North": [300.5, None, 75.25],
        "South": [None, 350.25, None],
        "West": [None, None, 25.0],
    }
    assert not any("·" in label for label in option["xAxis"]["data"])


def test_bar_and_area_charts_split_the_same_way():
    bar = charts.options("bar", RESULT, dimensions=2)
    assert [s["name"] for s in bar["series"]] == ["North", "South", "West"]
    assert {s["type"] for s in bar["series"]} == {"bar"}
    area = charts.options("area", RESULT, dimensions=2)
    assert all("areaStyle" in s for s in area["series"])


def test_several_measures_give_a_series_per_region_and_measure():
    result = {
        "columns": ["month", "region", "revenue", "orders"],
        "rows": [["2024-01", "North", 10, 1], ["2024-01", "South", 20, 2]],
    }
    option = charts.options("line", result, dimensions=2)
    assert [s["name"] for s in option["series"]] == [
        "North · revenue",
        "North · orders",
        "South · revenue",
        "South · orders",
    ]


def test_one_grouping_still_draws_a_series_per_measure():
    result = {"columns": ["region", "revenue"], "rows": [["North", 1], ["South", 2]]}
    option = charts.options("line", result, dimensions=1)
    assert [s["name"] for s in option["series"]] == ["revenue"]
    assert option["xAxis"]["data"] == ["North", "South"]


def test_the_series_are_bounded():
    rows = [["2024-01", f"r{i}", i] for i in range(charts.MAX_SERIES + 20)]
    option = charts.options("bar", {"columns": ["m", "r", "v"], "rows": rows}, dimensions=2)
    assert len(option["series"]) == charts.MAX_SERIES


cells = st.lists(
    st.tuples(st.sampled_from("abcd"), st.sampled_from(["x", "y", None]), st.integers()),
    max_size=30,
    unique_by=lambda row: (row[0], row[1]),
)


@given(cells)
def test_every_row_is_the_point_of_its_series_at_its_category(rows):
    option = charts.options("line", {"columns": ["c", "s", "v"], "rows": rows}, dimensions=2)
    if not rows:
        assert option is None
        return
    categories = option["xAxis"]["data"]
    series = {s["name"]: s["data"] for s in option["series"]}
    points = sum(1 for data in series.values() for v in data if v is not None)
    assert points == sum(1 for row in rows if row[2] is not None)
    for c, s, v in rows:
        assert series["—" if s is None else s][categories.index(c)] == v
