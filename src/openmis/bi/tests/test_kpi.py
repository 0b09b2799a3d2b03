"""A single-number card compares like with like: while a period runs, its value so far against
the same days of the previous period, not against the whole previous period."""

import datetime as dt

import ibis.backends.sql.dialects  # noqa: F401  (before any SQL: see test_api.py)
import pytest
from django.test import Client
from django.utils import timezone

from openmis.bi import results
from openmis.bi.models import Card, Dashboard, Question
from openmis.bi.tests import factories as f
from openmis.org.roles import ANALYST

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 12, 7)
SALES_CSV = """order_date,amount
2026-11-01,10
2026-11-05,20
2026-11-07,30
2026-11-20,1000
2026-12-02,40
2026-12-06,50
2026-12-20,999
"""


@pytest.fixture
def analyst(make_user):
    return make_user(ANALYST)


def revenue_per(bucket, owner, chart="number") -> Question:
    dataset = f.load_csv("sales", SALES_CSV)
    return Question.objects.create(
        title="Revenue this month",
        chart=chart,
        owner=owner,
        dataset=dataset,
        spec={
            "dataset": "sales",
            "measures": [{"agg": "sum", "column": "amount", "as": "revenue"}],
            "dimensions": [{"column": "order_date", "bucket": bucket, "as": "period"}],
            "order_by": [{"column": "period"}],
        },
    )


def test_month_to_date_is_compared_with_the_same_days_of_last_month(analyst):
    question = revenue_per("month", analyst)
    result = results.run_question(analyst, question)
    # Given whole months of 1060 (November) and 1089 (December, a sale dated the 20th)
    assert [row[-1] for row in result["rows"]] == [1060, 1089]
    # When the card's number is worked out on 7 December
    number = results.period_to_date(analyst, question, result, today=TODAY)
    # Then 1-7 December (40 + 50) is set against 1-7 November (10 + 20 + 30): +50 %
    assert number == {
        "value": 90,
        "previous": 60,
        "change": 0.5,
        "window": (dt.date(2026, 12, 1), TODAY),
        "previous_window": (dt.date(2026, 11, 1), dt.date(2026, 11, 7)),
    }


def test_a_period_that_is_over_is_compared_whole_with_the_one_before(analyst):
    question = revenue_per("month", analyst)
    result = results.run_question(analyst, question)
    # In January the last row (December) is over: the rows are compared as they are
    assert results.period_to_date(analyst, question, result, today=dt.date(2027, 1, 3)) is None
    # and a question not grouped by one time bucket has no period to date
    question.spec = {**question.spec, "dimensions": ["order_date"]}
    assert results.period_to_date(analyst, question, result, today=TODAY) is None


def test_the_dashboard_card_says_which_days_it_compares(analyst, monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: TODAY)
    question = revenue_per("month", analyst)
    board = Dashboard.objects.create(title="Sales", owner=analyst)
    card = Card.objects.create(dashboard=board, question=question)
    client = Client()
    client.force_login(analyst)
    html = client.get(f"/bi/cards/{card.pk}/render/").content.decode()
    assert '<div class="display-6 bi-number">90</div>' in html
    dash = "\N{EN DASH}"
    assert (
        f"50% against the same days of the previous period, Nov. 1, 2026 {dash} Nov. 7, 2026 (60)"
        in html
    )
    assert f"So far: Dec. 1, 2026 {dash} Dec. 7, 2026" in html
