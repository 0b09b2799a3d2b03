"""The cash-flow grid: one table per alternative, saved all or nothing through the audited
services, read-only for those who may only read."""

from decimal import Decimal
from html.parser import HTMLParser

import pytest
from auditlog.models import LogEntry

from openmis.appraisal.grid import format_amount, parse_amount
from openmis.appraisal.models import Alternative, CashFlowLine
from openmis.appraisal.tests.factories import (
    AlternativeFactory,
    CashFlowLineFactory,
    EvaluationFactory,
)
from openmis.org.roles import ANALYST
from openmis.org.tests.factories import user_with_role

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


class _FormFields(HTMLParser):
    """What a browser would post from the form ``form_id``: enabled fields, checked boxes,
    selected options (submit buttons are left out: the test names the action)."""

    def __init__(self, form_id):
        super().__init__()
        self.form_id, self.inside, self.select = form_id, False, None
        self.fields: list[tuple[str, str]] = []
        self.inputs: list[dict] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and a.get("id") == self.form_id:
            self.inside = True
        if not self.inside or "disabled" in a:
            return
        if tag == "input":
            self.inputs.append(a)
            kind = a.get("type", "text")
            if kind in ("submit", "button") or (kind == "checkbox" and "checked" not in a):
                return
            self.fields.append((a["name"], a.get("value", "1" if kind == "checkbox" else "")))
        elif tag == "select":
            self.select, self.selected = a["name"], ""
        elif tag == "option" and self.select and "selected" in a:
            self.selected = a.get("value", "")

    def handle_endtag(self, tag):
        if tag == "select" and self.select:
            self.fields.append((self.select, self.selected))
            self.select = None
        if tag == "form":
            self.inside = False


def form_fields(html: str, form_id: str) -> dict[str, str]:
    parser = _FormFields(form_id)
    parser.feed(html)
    return dict(parser.fields)


@pytest.fixture
def evaluation(department):
    evaluation = EvaluationFactory(
        title="Laptops",
        department=department,
        horizon_years=3,
        discount_rate=Decimal("0.10"),
        draws=1000,
    )
    AlternativeFactory(evaluation=evaluation, name="Buy")
    lease = AlternativeFactory(evaluation=evaluation, name="Lease")
    for year in (1, 2, 3):
        CashFlowLineFactory(
            alternative=lease,
            year=year,
            amount=Decimal(-50),
            category="subscription",
            note="monthly fee",
            minimum=Decimal(-70),
            maximum=Decimal(-40),
        )
    CashFlowLineFactory(alternative=lease, year=0, amount=Decimal(-200), category="training")
    return evaluation


def alt(evaluation, name) -> Alternative:
    return evaluation.alternatives.get(name=name)


def grid_html(client, evaluation) -> str:
    response = client.get(f"/appraisal/evaluations/{evaluation.pk}/grid/", **HTMX)
    assert response.status_code == 200
    return response.content.decode()


def post(client, alternative, data, action="save"):
    return client.post(
        f"/appraisal/alternatives/{alternative.pk}/grid/", {**data, "action": action}, **HTMX
    )


def lines(alternative) -> list[tuple]:
    return sorted(
        (line.year, line.category, line.note, line.amount, line.minimum, line.maximum)
        for line in CashFlowLine.objects.filter(alternative=alternative)
    )


def snapshot(evaluation) -> list[tuple]:
    return sorted(
        CashFlowLine.objects.filter(alternative__evaluation=evaluation).values_list(
            "pk", "version", "year", "category", "note", "amount", "minimum", "maximum"
        )
    )


# --- numbers ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("-1000", Decimal("-1000")),
        ("300", Decimal(300)),
        ("\u22121 000,50", Decimal("-1000.50")),  # Polish: minus sign, space, decimal comma
        ("1,000.50", Decimal("1000.50")),
        ("12.5", Decimal("12.5")),
        ("+7", Decimal(7)),
    ],
)
def test_amounts_are_read_as_people_type_them(text, value):
    assert parse_amount(text) == value


@pytest.mark.parametrize("text", ["abc", "1e3", "NaN", "Infinity", "1-2", "--5", "1,000"])
def test_what_is_not_a_plain_number_is_refused(text):
    with pytest.raises(ValueError, match="number"):
        parse_amount(text)


def test_amounts_are_shown_plainly():
    assert [format_amount(v) for v in (Decimal("-1000.00"), Decimal("12.50"), None)] == [
        "-1000",
        "12.50",
        "",
    ]


# --- reading ------------------------------------------------------------------------------


def test_the_page_loads_the_grid_and_the_grid_shows_every_line(director_client, evaluation):
    page = director_client.get(f"/appraisal/evaluations/{evaluation.pk}/").content.decode()
    assert f'hx-get="/appraisal/evaluations/{evaluation.pk}/grid/"' in page

    html = grid_html(director_client, evaluation)
    lease = alt(evaluation, "Lease")
    fields = form_fields(html, f"grid-{lease.pk}")
    # Two rows: the subscription (years 1-3, with ranges) and the training (year 0)
    assert fields["r0-category"] == "subscription"
    assert fields["r0-note"] == "monthly fee"
    assert [fields[f"r0-{y}"] for y in range(4)] == ["", "-50", "-50", "-50"]
    assert [fields[f"r0-{y}-min"] for y in (1, 2, 3)] == ["-70"] * 3
    assert [fields[f"r0-{y}-max"] for y in (1, 2, 3)] == ["-40"] * 3
    assert fields["r1-category"] == "training"
    assert [fields[f"r1-{y}"] for y in range(4)] == ["-200", "", "", ""]
    assert fields["horizon"] == "3"
    # Buy has no lines yet: one blank row to start from, ranges hidden (and not sent)
    buy_fields = form_fields(html, f"grid-{alt(evaluation, 'Buy').pk}")
    assert buy_fields["r0-category"] == ""
    assert "r0-0-min" not in buy_fields
    assert 'id="grid-add-alternative"' in html


def test_lines_sharing_category_note_and_year_get_rows_of_their_own(director_client, evaluation):
    lease = alt(evaluation, "Lease")
    CashFlowLineFactory(alternative=lease, year=0, amount=Decimal(-30), category="training")
    fields = form_fields(grid_html(director_client, evaluation), f"grid-{lease.pk}")
    assert (fields["r1-0"], fields["r2-0"]) == ("-200", "-30")
    assert fields["r2-category"] == "training"


def test_a_viewer_sees_the_figures_without_any_input(client, evaluation, department):
    viewer = user_with_role(ANALYST, department)
    client.force_login(viewer)
    html = grid_html(client, evaluation)
    lease = alt(evaluation, "Lease")
    assert f'id="grid-{lease.pk}"' in html
    assert "<input" not in html and "<select" not in html and "<form" not in html
    assert ">-200<" in html  # the training line, read-only
    assert "-70 … -40" in html  # a range
    assert "No cash flows yet." in html  # Buy


# --- saving -------------------------------------------------------------------------------


def test_saving_a_grid_creates_the_lines_of_its_cells(director_client, director, evaluation):
    buy = alt(evaluation, "Buy")
    data = form_fields(grid_html(director_client, evaluation), f"grid-{buy.pk}")
    data.update({"r0-category": "other", "r0-note": "purchase and savings"})
    data.update({"r0-0": "-1000", "r0-1": "300", "r0-2": "400", "r0-3": "500"})
    data.update(
        {"r5-category": "licences", "r5-note": "", "r5-ids": "", "r5-0": "-120,50"}
        | {"r5-0-min": "-150", "r5-0-max": "-100"}
        | {f"r5-{y}": "" for y in (1, 2, 3)}
    )
    response = post(director_client, buy, data)
    assert response.status_code == 200
    assert response["HX-Refresh"] == "true"
    D = Decimal
    assert lines(buy) == [
        (0, "licences", "", D("-120.50"), D(-150), D(-100)),
        (0, "other", "purchase and savings", D(-1000), None, None),
        (1, "other", "purchase and savings", D(300), None, None),
        (2, "other", "purchase and savings", D(400), None, None),
        (3, "other", "purchase and savings", D(500), None, None),
    ]
    # Audited, by the user who saved
    entries = LogEntry.objects.get_for_objects(CashFlowLine.objects.filter(alternative=buy))
    assert entries.count() == 5
    assert {(e.action, e.actor_id) for e in entries} == {(LogEntry.Action.CREATE, director.pk)}
    # And the results follow: the page now shows the NPV of -1000, 300, 400, 500 at 10 %...
    page = director_client.get(f"/appraisal/evaluations/{evaluation.pk}/")
    results = {a["name"]: a for a in page.context["results"]["alternatives"]}
    assert results["Buy"]["npv"] == pytest.approx(-21.0368 - 120.5, abs=1e-3)


def test_saving_updates_changed_cells_and_deletes_emptied_ones_and_removed_rows(
    director_client, evaluation
):
    lease = alt(evaluation, "Lease")
    training = CashFlowLine.objects.get(alternative=lease, category="training")
    year1 = CashFlowLine.objects.get(alternative=lease, category="subscription", year=1)
    untouched = CashFlowLine.objects.get(alternative=lease, category="subscription", year=2)
    data = form_fields(grid_html(director_client, evaluation), f"grid-{lease.pk}")
    data["r0-1"] = "-55"  # change
    data["r0-3"] = data["r0-3-min"] = data["r0-3-max"] = ""  # empty the cell: delete
    data["r0-note"] = "monthly fee"
    for key in [k for k in data if k.startswith("r1-")]:  # the training row was deleted
        del data[key]
    response = post(director_client, lease, data)
    assert response.status_code == 200, response.content.decode()
    D = Decimal
    assert lines(lease) == [
        (1, "subscription", "monthly fee", D(-55), D(-70), D(-40)),
        (2, "subscription", "monthly fee", D(-50), D(-70), D(-40)),
    ]
    assert not CashFlowLine.objects.filter(pk=training.pk).exists()
    year1.refresh_from_db()
    untouched_now = CashFlowLine.objects.get(pk=untouched.pk)
    assert (year1.pk, year1.version) == (year1.pk, 2)  # the same row, changed
    assert untouched_now.version == untouched.version  # unchanged cells are not rewritten


def test_changing_the_category_or_note_of_a_row_changes_its_lines(director_client, evaluation):
    lease = alt(evaluation, "Lease")
    before = set(CashFlowLine.objects.filter(alternative=lease).values_list("pk", flat=True))
    data = form_fields(grid_html(director_client, evaluation), f"grid-{lease.pk}")
    data.update({"r0-category": "support", "r0-note": "vendor support"})
    assert post(director_client, lease, data).status_code == 200
    assert set(CashFlowLine.objects.filter(alternative=lease).values_list("pk", flat=True)) == (
        before
    )
    assert set(
        CashFlowLine.objects.filter(alternative=lease, year__gte=1).values_list("category", "note")
    ) == {("support", "vendor support")}


def test_an_unchanged_grid_writes_nothing(director_client, evaluation):
    lease = alt(evaluation, "Lease")
    before = snapshot(evaluation)
    data = form_fields(grid_html(director_client, evaluation), f"grid-{lease.pk}")
    response = post(director_client, lease, data)
    assert response.status_code == 200
    assert "HX-Refresh" not in response
    assert "Nothing to save" in response.content.decode()
    assert snapshot(evaluation) == before


@pytest.mark.parametrize(
    ("cell", "value", "message"),
    [
        ("r0-2", "abc", "Enter a number."),
        ("r0-2", "1,000", "without thousands separators"),
        ("r0-2-min", "-45", "The minimum is above the most likely amount."),
        ("r0-2-max", "-60", "The maximum is below the most likely amount."),
        ("r0-2-max", "", "Give both a minimum and a maximum, or neither."),
        ("r0-2", "12.345", "no more than 2 decimal places"),
    ],
)
def test_a_bad_cell_is_refused_with_its_message_and_nothing_is_written(
    director_client, evaluation, cell, value, message
):
    lease = alt(evaluation, "Lease")
    before = snapshot(evaluation)
    data = form_fields(grid_html(director_client, evaluation), f"grid-{lease.pk}")
    data["r0-1"] = "-99"  # a good change in the same post...
    data["r1-0"] = ""  # ...and a good deletion
    data[cell] = value
    response = post(director_client, lease, data)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert "Nothing was saved" in html
    assert "HX-Refresh" not in response
    assert snapshot(evaluation) == before  # all or nothing
    # The answer is the table as typed, the bad cell marked, so nothing typed is lost
    fields = form_fields(html, f"grid-{lease.pk}")
    assert (fields["r0-1"], fields[cell]) == ("-99", value)
    assert 'aria-invalid="true"' in html


def test_amounts_without_a_category_are_refused(director_client, evaluation):
    buy = alt(evaluation, "Buy")
    data = form_fields(grid_html(director_client, evaluation), f"grid-{buy.pk}")
    data["r0-0"] = "-10"
    response = post(director_client, buy, data)
    assert response.status_code == 400
    assert "Choose a category." in response.content.decode()
    assert not CashFlowLine.objects.filter(alternative=buy).exists()


def test_a_range_without_an_amount_is_refused(director_client, evaluation):
    buy = alt(evaluation, "Buy")
    data = form_fields(grid_html(director_client, evaluation), f"grid-{buy.pk}")
    data.update({"r0-category": "hardware", "r0-0-min": "-5", "r0-0-max": "-1"})
    response = post(director_client, buy, data)
    assert response.status_code == 400
    assert "Give the most likely amount as well." in response.content.decode()
    assert not CashFlowLine.objects.filter(alternative=buy).exists()


def test_a_line_changed_by_someone_else_meanwhile_is_a_conflict(director_client, evaluation):
    lease = alt(evaluation, "Lease")
    data = form_fields(grid_html(director_client, evaluation), f"grid-{lease.pk}")
    other = CashFlowLine.objects.get(alternative=lease, category="training")
    other.amount = Decimal(-250)
    other.save()  # someone else, after the table was drawn
    before = snapshot(evaluation)
    for edit in ({"r0-1": "-60"}, {"r1-0": ""}):  # change a line, or delete the changed one
        response = post(director_client, lease, {**data, **edit})
        assert response.status_code == 409
        assert "Someone else changed" in response.content.decode()
        assert snapshot(evaluation) == before


def test_a_stale_horizon_or_a_foreign_line_is_refused(director_client, evaluation):
    lease, buy = alt(evaluation, "Lease"), alt(evaluation, "Buy")
    data = form_fields(grid_html(director_client, evaluation), f"grid-{lease.pk}")
    before = snapshot(evaluation)
    assert post(director_client, lease, {**data, "horizon": "5"}).status_code == 409
    # Lines of Lease posted as if they were Buy's: nothing of Lease may move
    assert post(director_client, buy, data).status_code == 409
    assert snapshot(evaluation) == before


def test_a_table_too_big_for_one_request_is_refused_without_a_crash(director_client, evaluation):
    # Django reads at most DATA_UPLOAD_MAX_NUMBER_FIELDS (1000) fields; the page then keeps the
    # draft and says that nothing was saved (see _grid_assets.html)
    buy = alt(evaluation, "Buy")
    data = form_fields(grid_html(director_client, evaluation), f"grid-{buy.pk}")
    for i in range(300):
        data.update({f"r{i}-category": "other", f"r{i}-ids": "", f"r{i}-0": "1", f"r{i}-1": "2"})
    response = post(director_client, buy, data)
    assert response.status_code == 400
    assert not CashFlowLine.objects.filter(alternative=buy).exists()


def test_lines_beyond_the_horizon_are_not_shown_and_not_lost(director_client, evaluation):
    lease = alt(evaluation, "Lease")
    beyond = CashFlowLineFactory(alternative=lease, year=3, amount=Decimal(1), category="other")
    CashFlowLine.objects.filter(pk=beyond.pk).update(year=7)  # the horizon was cut meanwhile
    html = grid_html(director_client, evaluation)
    assert "1 cash-flow line lies beyond the horizon" in html
    data = form_fields(html, f"grid-{lease.pk}")
    data["r0-1"] = "-51"
    assert post(director_client, lease, data).status_code == 200
    assert CashFlowLine.objects.filter(pk=beyond.pk, year=7).exists()


def test_adding_and_deleting_rows_changes_only_the_draft(director_client, evaluation):
    lease = alt(evaluation, "Lease")
    before = snapshot(evaluation)
    data = form_fields(grid_html(director_client, evaluation), f"grid-{lease.pk}")
    data["r0-1"] = "-65"
    response = post(director_client, lease, data, action="add_row")
    assert response.status_code == 200
    added = form_fields(response.content.decode(), f"grid-{lease.pk}")
    assert (added["r0-1"], added["r2-category"], added["r2-0"]) == ("-65", "", "")
    response = post(director_client, lease, added, action="delete:1")
    kept = form_fields(response.content.decode(), f"grid-{lease.pk}")
    assert "r1-category" not in kept and "r2-category" in kept
    assert snapshot(evaluation) == before
    # Saving the draft then deletes the training line and changes year 1
    assert post(director_client, lease, kept).status_code == 200
    assert not CashFlowLine.objects.filter(alternative=lease, category="training").exists()
    assert CashFlowLine.objects.get(alternative=lease, year=1).amount == Decimal(-65)


def test_without_htmx_a_save_redirects_to_the_evaluation(director_client, evaluation):
    buy = alt(evaluation, "Buy")
    data = form_fields(grid_html(director_client, evaluation), f"grid-{buy.pk}")
    data.update({"r0-category": "hardware", "r0-0": "-5"})
    response = director_client.post(f"/appraisal/alternatives/{buy.pk}/grid/", data)
    assert response.status_code == 302
    assert response["Location"] == f"/appraisal/evaluations/{evaluation.pk}/"
    assert lines(buy) == [(0, "hardware", "", Decimal(-5), None, None)]
    page = director_client.get(f"/appraisal/evaluations/{evaluation.pk}/grid/")
    assert page.status_code == 200
    assert "<h1" in page.content.decode()  # a page of its own


# --- alternatives -------------------------------------------------------------------------


def test_an_alternative_is_added_by_name(director_client, evaluation):
    url = f"/appraisal/evaluations/{evaluation.pk}/grid/alternatives/"
    response = director_client.post(url, {"name": " Keep ", "is_status_quo": "1"}, **HTMX)
    assert response.status_code == 200
    assert response["HX-Refresh"] == "true"
    keep = Alternative.objects.get(evaluation=evaluation, name="Keep")
    assert keep.is_status_quo
    assert LogEntry.objects.get_for_object(keep).count() == 1
    for name, message in (("Keep", "already has an alternative of that name"), ("", "a name")):
        response = director_client.post(url, {"name": name}, **HTMX)
        assert response.status_code == 400
        assert message in response.content.decode()
    assert evaluation.alternatives.count() == 3


# --- permissions --------------------------------------------------------------------------


def test_a_viewer_may_not_post_anything(client, director_client, evaluation, department):
    lease = alt(evaluation, "Lease")
    data = form_fields(grid_html(director_client, evaluation), f"grid-{lease.pk}")
    data["r0-1"] = "-1"
    before = snapshot(evaluation)
    client.force_login(user_with_role(ANALYST, department))
    for action in ("save", "add_row", "delete:0"):
        assert post(client, lease, data, action=action).status_code == 403
    url = f"/appraisal/evaluations/{evaluation.pk}/grid/alternatives/"
    assert client.post(url, {"name": "Sneaky"}, **HTMX).status_code == 403
    assert snapshot(evaluation) == before
    assert evaluation.alternatives.count() == 2


def test_anonymous_users_are_sent_to_log_in(client, evaluation):
    lease = alt(evaluation, "Lease")
    response = client.post(f"/appraisal/alternatives/{lease.pk}/grid/", {"action": "save"})
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
