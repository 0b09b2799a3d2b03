"""The question builder: any number of measures, groupings and filters, rows added and removed
without JavaScript, readable column labels, sorting by a click on a header, and a saved
question that opens back in the builder with its spec (SQL ones in the SQL editor)."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.http import QueryDict
from django.test import Client
from hypothesis import given, settings
from hypothesis import strategies as st

from openmis.analytics.spec import parse_spec
from openmis.bi import builder, services
from openmis.bi.models import Column, Question
from openmis.bi.tests import factories as f
from openmis.org.roles import ANALYST
from openmis.org.tests.factories import DepartmentFactory, user_with_role

# --- the form's fields and the spec, both ways (no database) ----------------------------------

names = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=12)
plain = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=12)
aggs = st.sampled_from(["sum", "avg", "min", "max", "count_distinct", "median"])
buckets = st.sampled_from(["day", "week", "month", "quarter", "year"])
units = buckets


@st.composite
def measures(draw):
    measure = {"agg": draw(st.sampled_from(["count", "sum", "avg", "min", "max", "median"]))}
    if measure["agg"] != "count" or draw(st.booleans()):
        measure["column"] = draw(names)
    if draw(st.booleans()):
        measure["as"] = draw(names)
    return measure


@st.composite
def dimensions(draw):
    column = draw(names)
    bucket = draw(st.none() | buckets)
    alias = draw(st.none() | names)
    if bucket is None and alias is None:
        return column
    dim = {"column": column}
    if bucket:
        dim["bucket"] = bucket
    if alias:
        dim["as"] = alias
    return dim


@st.composite
def filters(draw):
    column = draw(names)
    op = draw(
        st.sampled_from(
            [
                *("=", "!=", "<", ">=", "contains", "starts_with", "in", "not_in", "between"),
                *("is_null", "not_null", "last", "this", "previous"),
            ]
        )
    )
    flt = {"column": column, "op": op}
    if op in ("in", "not_in"):
        flt["value"] = draw(st.lists(plain, min_size=1, max_size=5))
    elif op == "between":
        flt["value"] = draw(st.lists(plain, min_size=2, max_size=2))
    elif op == "last":
        flt["value"] = draw(st.integers(min_value=1, max_value=100_000))
        flt["unit"] = draw(units)
    elif op in ("this", "previous"):
        flt["unit"] = draw(units)
    elif op not in ("is_null", "not_null"):
        flt["value"] = draw(plain)
    return flt


@st.composite
def specs(draw):
    spec = {"dataset": draw(names)}
    ms = draw(st.lists(measures(), max_size=8))
    ds = draw(st.lists(dimensions(), max_size=5))
    if ms:
        spec["measures"] = ms
    if ds:
        spec["dimensions"] = ds
    if not ms and not ds:
        spec["fields"] = draw(st.lists(names, min_size=1, max_size=6))
    fs = draw(st.lists(filters(), max_size=8))
    if fs:
        spec["filters"] = fs
    orders = draw(st.lists(st.fixed_dictionaries({"column": names, "desc": st.booleans()})))
    if orders:
        spec["order_by"] = orders[:4]
    limit = draw(st.none() | st.integers(min_value=1, max_value=1_000_000))
    if limit is not None:
        spec["limit"] = limit
    return spec


def _submitted(params: QueryDict) -> QueryDict:
    """The fields as the server receives them after a browser submits the form."""
    return QueryDict(params.urlencode())


@settings(max_examples=300, deadline=None)
@given(specs())
def test_a_spec_opened_in_the_builder_gives_back_the_same_spec(spec):
    # Given any spec the builder can express, when it fills the form and the form is submitted
    params = _submitted(builder.to_params(builder.from_spec(spec)))
    # Then the form asks for the same spec
    assert builder.to_spec(builder.read_form(params)) == spec


@settings(max_examples=200, deadline=None)
@given(specs(), names)
def test_a_shift_click_adds_one_sort_key_and_keeps_the_round_trip(spec, column):
    # Given any spec in the builder, when a header is shift-clicked
    params = _submitted(builder.to_params(builder.from_spec(spec)))
    after = builder.to_spec(builder.read_form(QueryDict(builder.sorted_also(params, column))))
    # Then the spec is the same but for its sort keys: the column's own key reversed in its
    # place, or the column added last, ascending
    before = spec.get("order_by", [])
    keys = [o["column"] for o in before]
    if column in keys:
        i = keys.index(column)
        expected = [
            *before[:i],
            {"column": column, "desc": not before[i]["desc"]},
            *before[i + 1 :],
        ]
    else:
        expected = [*before, {"column": column, "desc": False}]
    assert after == {**spec, "order_by": expected}
    # and that spec, opened in the builder again, gives itself back
    again = _submitted(builder.to_params(builder.from_spec(after)))
    assert builder.to_spec(builder.read_form(again)) == after


@given(st.lists(plain, max_size=6))
def test_filter_values_written_as_text_read_back_exactly(values):
    assert builder.split_values(builder.join_values(values)) == values


def test_typed_lists_read_as_a_person_writes_them():
    assert builder.split_values("North, South ,, West") == ["North", "South", "West"]
    assert builder.split_values('"Smith, J.", "say ""hi"""') == ["Smith, J.", 'say "hi"']
    assert builder.to_spec(
        builder.read_form({"dataset": "o", "f0_col": "d", "f0_op": "between", "f0_val": "1..5"})
    )["filters"] == [{"column": "d", "op": "between", "value": ["1", "5"]}]


def test_rows_are_added_and_removed_by_the_forms_buttons():
    params = QueryDict("dataset=o&m0_agg=count&m3_agg=sum&m3_col=amount&m7_agg=max&m7_col=id")
    # Indexes with gaps are read in order
    assert [m["agg"] for m in builder.read_form(params).measures] == ["count", "sum", "max"]
    # "remove" drops the row it names; "add" appends an empty one
    removed = builder.read_form(QueryDict(params.urlencode() + "&remove=m3&add=d"))
    assert [m["agg"] for m in removed.measures] == ["count", "max"]
    assert removed.dimensions == [{"col": "", "bucket": "", "as": ""}]


def test_the_form_takes_no_more_rows_than_its_bound():
    many = "&".join(f"m{i}_agg=count" for i in range(builder.MAX_ROWS + 30))
    assert len(builder.read_form(QueryDict(many + "&add=m")).measures) == builder.MAX_ROWS


# --- the page ---------------------------------------------------------------------------------

pytestmark_db = pytest.mark.django_db


@pytest.fixture
def analyst():
    f.orders()
    return user_with_role(ANALYST, DepartmentFactory(name="Sales"), username="ana")


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytestmark_db
def test_the_builder_answers_five_measures_three_groupings_and_four_filters(analyst):
    params = {
        "dataset": "orders",
        **{f"m{i}_agg": agg for i, agg in enumerate(["count", "sum", "avg", "min", "max"])},
        **{f"m{i}_col": "amount" for i in range(1, 5)},
        "d0_col": "region",
        "d1_col": "status",
        "d2_col": "order_date",
        "d2_bucket": "month",
        "f0_col": "amount",
        "f0_op": ">",
        "f0_val": "10",
        "f1_col": "region",
        "f1_op": "in",
        "f1_val": "North, South",
        "f2_col": "status",
        "f2_op": "!=",
        "f2_val": "refunded",
        "f3_col": "order_date",
        "f3_op": "between",
        "f3_val": "2024-01-01, 2024-12-31",
    }
    response = _client(analyst).get("/bi/ask/", params)
    assert response.status_code == 200
    result = response.context["result"]
    assert len(result["columns"]) == 8
    assert {row[0] for row in result["rows"]} == {"North", "South"}


@pytestmark_db
def test_add_a_grouping_without_javascript(analyst):
    response = _client(analyst).get(
        "/bi/ask/", {"dataset": "orders", "d0_col": "region", "add": "d"}
    )
    assert [row["col"] for _i, row in response.context["dimension_rows"]] == ["region", ""]
    page = response.content.decode()
    assert 'name="d1_col"' in page


@pytestmark_db
def test_columns_are_offered_by_their_labels_not_their_types(analyst):
    Column.objects.filter(dataset__name="orders", name="amount").update(label="Order value")
    page = _client(analyst).get("/bi/ask/", {"dataset": "orders"}).content.decode()
    assert '<option value="amount">Order value</option>' in page
    assert "(decimal" not in page
    assert "(int64)" not in page


def _headers(response) -> dict:
    return {h.column: h for h in response.context["header_links"]}


@pytestmark_db
def test_a_click_on_a_header_sorts_and_a_second_click_reverses(analyst):
    client = _client(analyst)
    base = {"dataset": "orders", "m0_agg": "sum", "m0_col": "amount", "d0_col": "region"}
    response = client.get("/bi/ask/", base)
    ascending = client.get("/bi/ask/" + _headers(response)["sum_amount"].link)
    rows = ascending.context["result"]["rows"]
    assert [r[1] for r in rows] == sorted(r[1] for r in rows)
    assert _headers(ascending)["sum_amount"].state == "ascending"
    assert 'aria-sort="ascending"' in ascending.content.decode()
    link = _headers(ascending)["sum_amount"].link
    descending = client.get("/bi/ask/" + link)
    rows = descending.context["result"]["rows"]
    assert [r[1] for r in rows] == sorted((r[1] for r in rows), reverse=True)
    query = parse_qs(urlsplit(link).query)
    assert query["m0_agg"] == ["sum"] and query["d0_col"] == ["region"]


@pytestmark_db
def test_a_shift_click_on_a_header_adds_a_sort_key(analyst):
    # Given a result by status and region, sorted by status
    client = _client(analyst)
    base = {
        "dataset": "orders",
        "m0_agg": "count",
        "d0_col": "status",
        "d1_col": "region",
        "o0_col": "status",
    }
    sorted_once = client.get("/bi/ask/", base)
    # When region is added to the sort (a shift-click), then reversed (a second one)
    by_both = client.get("/bi/ask/" + _headers(sorted_once)["region"].add_link)
    reversed_region = client.get("/bi/ask/" + _headers(by_both)["region"].add_link)
    # Then the rows are ordered by status, then by region, each way asked
    rows = [r[:2] for r in by_both.context["result"]["rows"]]
    assert rows == sorted(rows)
    rows = [r[:2] for r in reversed_region.context["result"]["rows"]]
    assert rows == sorted(sorted(rows, key=lambda r: r[1], reverse=True), key=lambda r: r[0])
    # And the headers say the keys' order and directions
    headers = _headers(reversed_region)
    assert [(h.state, h.rank) for h in headers.values()] == [
        ("ascending", 1),
        ("descending", 2),
        ("none", 0),
    ]
    html = reversed_region.content.decode()
    assert 'aria-sort="descending"' in html and "(sort key 2)" in html
    # And a plain click sorts by one column again
    alone = client.get("/bi/ask/" + headers["region"].link)
    assert alone.context["form"].orders == [{"col": "region", "desc": ""}]


@pytestmark_db
def test_a_saved_question_opens_back_in_the_builder_and_saves_its_changes(analyst):
    question = f.question(owner=analyst)
    client = _client(analyst)
    # The question's page links to the builder
    assert (
        f"/bi/ask/?question={question.pk}"
        in client.get(question.get_absolute_url()).content.decode()
    )
    response = client.get("/bi/ask/", {"question": question.pk})
    assert response.status_code == 200
    # The form asks for the question's own spec (the same once parsed), shown as its chart
    catalog = services.reader_context(analyst).catalog
    assert (
        parse_spec(builder.to_spec(response.context["form"]), catalog).to_dict()
        == parse_spec(question.spec, catalog).to_dict()
    )
    assert response.context["chart"] == "bar"
    # When the analyst adds a filter and saves the changes
    state = dict(response.context["state"])
    state.update({"f0_col": "region", "f0_op": "=", "f0_val": "North", "save": "update"})
    state["title"] = question.title
    saved = client.post("/bi/ask/", state)
    assert saved.status_code == 302
    question.refresh_from_db()
    assert question.spec["filters"] == [{"column": "region", "op": "=", "value": "North"}]
    assert Question.objects.count() == 1


@pytestmark_db
def test_a_sql_question_opens_in_the_sql_editor(analyst):
    question = f.question(owner=analyst)
    Question.objects.filter(pk=question.pk).update(spec={}, sql="SELECT region FROM orders")
    client = _client(analyst)
    response = client.get("/bi/ask/", {"question": question.pk})
    assert response.status_code == 302
    editor = client.get(response["Location"])
    assert editor.context["sql"] == "SELECT region FROM orders"


@pytestmark_db
def test_a_question_the_reader_may_not_open_is_not_found_in_the_builder(analyst):
    other = user_with_role(ANALYST, DepartmentFactory(name="Other"), username="other")
    question = f.question(owner=other)
    assert _client(analyst).get("/bi/ask/", {"question": question.pk}).status_code == 404
    assert _client(analyst).get("/bi/sql/", {"question": question.pk}).status_code == 404


@pytestmark_db
def test_a_question_shared_for_viewing_is_saved_as_a_new_one_not_changed(analyst):
    from openmis.bi.models import Share

    owner = user_with_role(ANALYST, DepartmentFactory(name="Other"), username="owner")
    question = f.question(owner=owner)
    Share.objects.create(question=question, user=analyst, level=Share.Level.VIEW)
    client = _client(analyst)
    response = client.get("/bi/ask/", {"question": question.pk})
    assert response.context["may_update"] is False
    assert 'id="b-update"' not in response.content.decode()
    state = dict(response.context["state"])
    refused = client.post("/bi/ask/", {**state, "save": "update", "title": "Mine"})
    assert refused.status_code == 403
    question.refresh_from_db()
    assert question.title.startswith("Revenue by region")
    saved = client.post("/bi/ask/", {**state, "save": "new", "title": "Mine"})
    assert saved.status_code == 302
    assert Question.objects.get(title="Mine").owner == analyst
