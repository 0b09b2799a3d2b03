"""A question's result reads the same way on its page and in a dashboard's PDF: headings in
words, months as periods, numbers grouped, in the reader's language; the PDF's date in the
reader's time zone."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from openmis.bi import presentation
from openmis.bi.models import Card, Question
from openmis.bi.pdf.document import dashboard_pdf
from openmis.bi.tests import factories as f
from openmis.bi.tests.test_pdf import pdf_text
from openmis.org.roles import ANALYST
from openmis.org.tests.factories import DepartmentFactory, user_with_role

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2025, 3, 4, 12, 0, tzinfo=dt.UTC)  # 13:00 in Warsaw, 07:00 in New York
SALES_CSV = """id,region,amount,order_date
1,North,12345.50,2024-01-05
2,North,20000.00,2024-01-20
3,South,1000000.00,2024-02-03
"""
SPEC = {
    "dataset": "sales",
    "measures": [{"agg": "sum", "column": "amount"}],
    "dimensions": [{"column": "order_date", "bucket": "month"}],
    "order_by": [{"column": "order_date"}],
}


@pytest.fixture
def reader():
    user = user_with_role(ANALYST, DepartmentFactory(name="Sales"), username="reader")
    dataset = f.load_csv("sales", SALES_CSV)
    question = Question.objects.create(
        title="Sales by month", spec=SPEC, chart="table", dataset=dataset, owner=user
    )
    return user, question


def in_zone(user, zone: str):
    user.person.time_zone = zone
    user.person.save()


def _pl(message: str, **values) -> str:
    """A heading in Polish as the catalog has it (new wording is translated with the
    catalog's next update; the numbers and months around it are CLDR's)."""
    with translation.override("pl"):
        return translation.gettext(message) % values


EXPECTED = {
    "en": ["Order date (month)", "Sum of amount", "Jan 2024", "32,345.50", "Feb 2024", "1,000,000"],
    "pl": [
        "Order date (miesiąc)",
        _pl("Sum of %(column)s", column="amount"),
        "sty 2024",
        "32\u00a0345,50",
        "lut 2024",
        "1\u00a0000\u00a0000",
    ],
}


@pytest.mark.parametrize("language", ["en", "pl"])
def test_the_question_page_shows_words_periods_and_grouped_numbers(reader, language):
    user, question = reader
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(question.get_absolute_url())
    assert response.status_code == 200
    table = response.context["table"]
    assert table["columns"] == EXPECTED[language][:2]
    assert table["rows"] == [EXPECTED[language][2:4], EXPECTED[language][4:6]]
    page = response.content.decode()
    for text in EXPECTED[language]:
        assert f">{text}<" in page, text
    assert "sum_amount" not in page.split("<script", 1)[0]


@pytest.mark.parametrize(
    ("language", "zone", "prepared"),
    [
        ("en", "Europe/Warsaw", "Mar 4, 2025, 1:00\u202fPM"),
        ("en", "America/New_York", "Mar 4, 2025, 7:00\u202fAM"),
        ("pl", "Europe/Warsaw", "4 mar 2025, 13:00"),
        ("pl", "America/New_York", "4 mar 2025, 07:00"),
    ],
)
def test_the_dashboard_pdf_writes_the_same_in_the_readers_language_and_zone(
    reader, language, zone, prepared
):
    user, question = reader
    in_zone(user, zone)
    board = f.dashboard(owner=user)
    Card.objects.create(dashboard=board, question=question, position=0, width=12)
    with translation.override(language):
        text = pdf_text(dashboard_pdf(board, user, now=NOW))
    assert prepared.replace("\u00a0", " ") in text
    for expected in EXPECTED[language][2:]:
        assert expected.replace("\u00a0", " ") in text, expected


def test_a_chart_keeps_the_raw_values_it_drills_into(reader):
    _user, question = reader
    result = {"columns": ["order_date", "sum_amount"], "rows": [["2024-01-01", 32345.5]]}
    with translation.override("pl"):
        drawn = presentation.for_chart(result, question.spec)
    assert drawn["columns"] == ["Order date (miesiąc)", _pl("Sum of %(column)s", column="amount")]
    assert drawn["rows"] == [["sty 2024", 32345.5]]  # the browser groups the number
    assert drawn["keys"] == ["2024-01-01"]
