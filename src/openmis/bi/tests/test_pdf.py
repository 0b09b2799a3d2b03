"""The PDF of a dashboard: drawn on the server for one reader, with their rows only."""

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.utils import translation
from pypdf import PdfReader

from openmis.bi import results
from openmis.bi.models import Card, Question, RowRule, Share
from openmis.bi.pdf.document import dashboard_pdf
from openmis.bi.pdf.markdown import markdown_blocks
from openmis.bi.tests import factories as f
from openmis.org.roles import ANALYST, LEADER
from openmis.org.tests.factories import DepartmentFactory, user_with_role

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2025, 3, 4, 12, 0, tzinfo=dt.UTC)  # 13:00 in Warsaw


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return text.replace("\xa0", " ")  # Polish thousands are grouped with a no-break space


def page_count(content: bytes) -> int:
    return len(PdfReader(io.BytesIO(content)).pages)


@pytest.fixture
def world():
    """Orders restricted by region: Sales North sees North, finance sees every region, and
    a dashboard of finance's is shared with Sales North (not with Operations)."""
    north = DepartmentFactory(name="Sales North", region="North")
    finance = DepartmentFactory(name="Finance")
    outsiders = DepartmentFactory(name="Operations")
    dataset = f.orders(restricted=True)
    RowRule.objects.create(dataset=dataset, match=RowRule.Match.REGION, column="region")
    RowRule.objects.create(dataset=dataset, department=finance, match=RowRule.Match.ALL)
    cfo = user_with_role(LEADER, finance, username="cfo", first_name="Ewa", last_name="Nowak")
    board = f.dashboard(owner=cfo)
    Share.objects.create(dashboard=board, department=north)
    return {
        "board": board,
        "north": user_with_role(ANALYST, north, username="north"),
        "finance": cfo,
        "outsider": user_with_role(ANALYST, outsiders, username="ops"),
    }


def add_card(board, chart="table", *, width=6, title=None, **spec) -> Card:
    """A card of ``board`` showing revenue by region (or ``spec``) as ``chart``."""
    question = f.question(owner=board.owner, visibility="organization", **spec)
    question.chart = chart
    question.title = title or question.title
    question.save()
    position = board.cards.count()
    return Card.objects.create(dashboard=board, question=question, position=position, width=width)


def test_the_pdf_has_the_header_the_cards_and_page_numbers(world):
    # Given a described dashboard with a chart and a table of revenue by region
    board = world["board"]
    board.description = "Revenue of every region."
    board.save()
    add_card(board, "bar", title="Revenue by region (chart)")
    add_card(board, "table", title="Revenue by region (table)")
    # When finance's PDF is rendered
    content = dashboard_pdf(board, world["finance"], now=NOW)
    # Then it is a PDF with the title, the description, the reader, the time in Warsaw, the
    # questions' titles in order and a page number
    text = pdf_text(content)
    assert content.startswith(b"%PDF-")
    lines = text.splitlines()
    assert lines[:3] == [
        board.title,
        "Revenue of every region.",
        "Prepared for Ewa Nowak on Mar 4, 2025, 1:00\u202fPM",
    ]
    assert text.index("Revenue by region (chart)") < text.index("Revenue by region (table)")
    assert "Page 1 of 1" in text
    assert PdfReader(io.BytesIO(content)).metadata.title == board.title


def test_two_readers_get_their_own_rows(world):
    # Given a table of revenue by region, on a dashboard shared with Sales North
    board = world["board"]
    add_card(board, "table", title="Revenue")
    # When finance and Sales North each render it
    finance = pdf_text(dashboard_pdf(board, world["finance"], now=NOW))
    north = pdf_text(dashboard_pdf(board, world["north"], now=NOW))
    # Then each PDF has the rows its reader's rules admit, and no others
    assert "North 375.75\nSouth 350.25\nWest 25" in finance
    assert "North 375.75" in north
    assert "South" not in north
    assert "350.25" not in north
    assert "Prepared for north on" in north


def test_a_reader_the_dashboard_is_not_shared_with_gets_nothing(world):
    # Given a dashboard not shared with Operations
    add_card(world["board"], "table")
    # When the outsider asks for its PDF
    # Then it is refused
    with pytest.raises(PermissionDenied):
        dashboard_pdf(world["board"], world["outsider"], now=NOW)


def test_polish_letters_and_the_polish_language_survive(world):
    # Given a dashboard with a Polish title, description and question, and a filter
    board = world["board"]
    board.title = "Sprzedaż w regionach — Łódź"
    board.description = "Zażółć gęślą jaźń: przychód według regionów."
    board.filters = ["region"]
    board.save()
    add_card(board, "bar", title="Przychód — ŚWIĘTOKRZYSKIE, źródło: żółć")
    # When it is rendered in Polish
    with translation.override("pl"):
        content = dashboard_pdf(board, world["finance"], now=NOW)
    # Then every letter is in the text, and the labels are Polish
    text = pdf_text(content)
    assert text.splitlines()[:2] == [
        "Sprzedaż w regionach — Łódź",
        "Zażółć gęślą jaźń: przychód według regionów.",
    ]
    assert "Przychód — ŚWIĘTOKRZYSKIE, źródło: żółć" in text
    assert "Filtry: —" in text
    assert "Strona 1 z 1" in text


EXPECTED = {
    "table": "North 375.75",
    "bar": "375.75",
    "line": "375.75",
    "area": "375.75",
    "pie": "375.75 (50.0 %)",
    "scatter": "North",
    "number": "-93% against the previous period (350.25)",
    "pivot": "North 375.75",
}


@pytest.mark.parametrize("chart", Question.Chart.values)
def test_every_chart_type_renders(world, chart):
    # Given a card of revenue by region shown as ``chart``
    board = world["board"]
    add_card(board, chart, title=f"Revenue as {chart}")
    # When finance's PDF is rendered
    text = pdf_text(dashboard_pdf(board, world["finance"], now=NOW))
    # Then the card is there with its figures
    assert f"Revenue as {chart}" in text
    assert EXPECTED[chart] in text


def test_a_pivot_crosses_two_dimensions(world):
    # Given revenue by region and status as a pivot table
    board = world["board"]
    add_card(board, "pivot", dimensions=["region", "status"])
    # When rendered
    text = pdf_text(dashboard_pdf(board, world["finance"], now=NOW))
    # Then the statuses are columns and the regions rows
    assert "Region / Status completed cancelled\nNorth 375.75\nSouth 300 50.25\nWest 25" in text


@pytest.mark.parametrize("chart", Question.Chart.values)
def test_an_empty_result_says_so(world, chart):
    # Given a card whose filter admits no row
    board = world["board"]
    nothing = [{"column": "region", "op": "=", "value": "Nowhere"}]
    add_card(board, chart, title="Nothing", filters=nothing)
    # When rendered
    text = pdf_text(dashboard_pdf(board, world["finance"], now=NOW))
    # Then the card says it has no rows
    assert "Nothing\n" in text
    assert "No rows" in text


def test_a_failing_card_shows_its_error_and_the_others_still_render(world):
    # Given a card asking for a column the dataset does not have, and a good card
    board = world["board"]
    add_card(board, "bar", title="Broken", measures=[{"agg": "sum", "column": "nope"}])
    add_card(board, "table", title="Fine")
    # When rendered
    text = pdf_text(dashboard_pdf(board, world["finance"], now=NOW))
    # Then the broken card shows why, and the other card its rows
    assert 'Broken\nDataset "orders" has no column "nope".' in text
    assert "North 375.75" in text


def test_dashboard_filters_narrow_the_numbers(world):
    # Given a dashboard filtered by region and status, with a table of revenue by region
    board = world["board"]
    board.filters = ["region", "status"]
    board.save()
    add_card(board, "table", title="Revenue")
    # When finance renders it for the South's completed orders
    text = pdf_text(
        dashboard_pdf(board, world["finance"], {"region": "South", "status": "completed"}, now=NOW)
    )
    # Then the header names the filters and the table has the South's completed revenue only
    assert "Filters: region: South · status: completed" in text
    assert "South 300" in text
    assert "350.25" not in text
    assert "North" not in text


def test_several_measures_get_a_legend(world):
    # Given revenue, units and orders by region as grouped bars and as lines
    board = world["board"]
    measures = [
        {"agg": "sum", "column": "amount", "as": "revenue"},
        {"agg": "sum", "column": "quantity", "as": "units"},
        {"agg": "count", "as": "orders"},
    ]
    add_card(board, "bar", width=12, title="Bars", measures=measures)
    add_card(board, "line", width=12, title="Lines", measures=measures)
    # When rendered
    text = pdf_text(dashboard_pdf(board, world["finance"], now=NOW))
    # Then both charts name their series
    assert text.count("Revenue Units Orders") == 2


def test_negative_and_missing_values_single_categories_and_long_labels_render():
    # Given a small dataset with a loss, a missing amount, one long region name, and a reader
    user = user_with_role(LEADER, DepartmentFactory(name="Finance"), username="cfo")
    long_name = "Region with a name far too long to fit under its bar in any chart"
    f.load_csv(
        "results",
        f"region,profit\nNorth,100\nSouth,-40\nWest,\n{long_name},5\n",
    )
    board = f.dashboard(owner=user)
    spec = {
        "dataset": "results",
        "measures": [{"agg": "sum", "column": "profit", "as": "profit"}],
        "dimensions": ["region"],
        "order_by": [{"column": "region"}],
    }
    single = {**spec, "filters": [{"column": "region", "op": "=", "value": "North"}]}
    for position, (chart, query) in enumerate(
        [(c, spec) for c in ("bar", "line", "area", "pie", "scatter")]
        + [(c, single) for c in ("bar", "line", "pie")]
    ):
        question = Question.objects.create(
            title=f"Profit {position}", spec=query, chart=chart, owner=user
        )
        Card.objects.create(dashboard=board, question=question, position=position)
    # When rendered
    content = dashboard_pdf(board, user, now=NOW)
    # Then every card is drawn: the loss below the zero line, the long name shortened
    text = pdf_text(content)
    assert all(f"Profit {n}" in text for n in range(8))
    assert "-40" in text
    assert long_name not in text
    assert "Region with a name" in text
    assert "…" in text
    assert results.run_question(user, question)["rows"] == [["North", 100]]


def test_a_long_table_shows_its_first_twenty_rows():
    # Given a table of 23 rows
    user = user_with_role(LEADER, DepartmentFactory(name="Finance"), username="cfo")
    f.load_csv("numbers", "n,square\n" + "".join(f"{n},{n * n * 1000}\n" for n in range(1, 24)))
    board = f.dashboard(owner=user)
    spec = {"dataset": "numbers", "fields": ["n", "square"], "order_by": [{"column": "n"}]}
    question = Question.objects.create(title="Squares", spec=spec, chart="table", owner=user)
    Card.objects.create(dashboard=board, question=question, width=12)
    # When rendered
    text = pdf_text(dashboard_pdf(board, user, now=NOW))
    # Then twenty rows are shown, with thousands separators, and the rest counted
    assert "20 400,000\nand 3 more rows" in text
    assert "21 441,000" not in text


def test_text_cards_are_plain_paragraphs_and_many_cards_flow_over_pages(world):
    # Given a Markdown text card and ten wide charts
    board = world["board"]
    Card.objects.create(
        dashboard=board,
        text="# Notes\n\nThis is **bold**, _slanted_ and a [link](https://example.com).",
        width=12,
    )
    for n in range(10):
        add_card(board, "bar", width=12, title=f"Chart {n}")
    # When rendered
    content = dashboard_pdf(board, world["finance"], now=NOW)
    # Then the text has no markup, and the cards go on over several numbered pages
    text = pdf_text(content)
    assert "Notes\nThis is bold, slanted and a link." in text
    assert page_count(content) == 6
    assert "Page 6 of 6" in text
    assert text.index("Chart 0") < text.index("Chart 9")


def test_an_empty_dashboard_says_it_has_no_cards(world):
    text = pdf_text(dashboard_pdf(world["board"], world["finance"], now=NOW))
    assert "No cards yet." in text


def test_markdown_is_read_as_plain_blocks():
    source = (
        "## Sales *this* month\n\nFirst line\nsecond `line` with ![a chart](x.png).\n\n"
        "- one\n* __two__\n1. three\n\n> quoted\n\n---\n```\ncode *kept*\n```\n"
        "| a | b |\n|---|---|\n| 1 | 2 |\nsnake_case_name and 2 * 3 * 4"
    )
    assert markdown_blocks(source) == [
        ("heading", "Sales this month"),
        ("paragraph", "First line second line with a chart."),
        ("item", "• one"),
        ("item", "• two"),
        ("item", "1. three"),
        ("paragraph", "quoted"),
        ("paragraph", "code *kept*"),
        ("paragraph", "a   b"),
        ("paragraph", "1   2"),
        ("paragraph", "snake_case_name and 2 * 3 * 4"),
    ]


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def test_the_download_is_the_viewers_pdf_with_the_pages_filters(world):
    # Given a dashboard with a region filter and a table, shared with Sales North
    board = world["board"]
    board.filters = ["status"]
    board.save()
    add_card(board, "table", title="Revenue")
    # When Sales North downloads it filtered to completed orders
    response = client_for(world["north"]).get(
        f"/bi/dashboards/{board.pk}/pdf/", {"f_status": "completed"}
    )
    # Then it is their PDF: North's completed revenue only
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="dashboard-{board.pk}.pdf"'
    assert response.content.startswith(b"%PDF-")
    text = pdf_text(response.content)
    assert "Filters: status: completed" in text
    assert "North 375.75" in text
    assert "South" not in text


def test_the_download_is_refused_to_an_outsider_and_leaks_nothing(world):
    # Given a dashboard not shared with Operations
    board = world["board"]
    add_card(board, "table", title="Secret revenue")
    # When an outsider asks for its PDF, or for one that does not exist
    response = client_for(world["outsider"]).get(f"/bi/dashboards/{board.pk}/pdf/")
    missing = client_for(world["outsider"]).get(f"/bi/dashboards/{board.pk + 1000}/pdf/")
    # Then both are a friendly 403 with no PDF in it
    for refused in (response, missing):
        assert refused.status_code == 403
        assert not refused.content.startswith(b"%PDF")
        assert "has not been shared with you" in refused.content.decode()
        assert "Secret revenue" not in refused.content.decode()
