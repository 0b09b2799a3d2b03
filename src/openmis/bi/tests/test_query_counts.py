"""Pages of the BI app make as many database queries for 10 items as for 2."""

import itertools

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from openmis.bi.models import Card, Column, Dataset, Question, RowRule, Share
from openmis.bi.tests import factories as f
from openmis.org.roles import ANALYST
from openmis.org.tests.factories import DepartmentFactory, user_with_role

pytestmark = pytest.mark.django_db

_n = itertools.count()


@pytest.fixture
def analyst():
    return user_with_role(ANALYST, DepartmentFactory(name="Sales"), username="ana")


@pytest.fixture
def client(analyst):
    client = Client()
    client.force_login(analyst)
    return client


def queries(client, url: str) -> int:
    """The queries of one request of ``url``: after a first request has warmed what a
    process keeps (content types...), with an empty cache (lists are cached whole)."""
    assert client.get(url).status_code == 200
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def add_cards(board, count: int, owner) -> None:
    for _ in range(count):
        question = f.question(owner=owner, department=board.department)
        Share.objects.create(question=question, department=board.department)
        Card.objects.create(dashboard=board, question=question, position=next(_n))
    Card.objects.create(dashboard=board, text=f"Note {next(_n)}", position=next(_n))


def add_datasets(count: int, department) -> None:
    for _ in range(count):
        dataset = Dataset.objects.create(
            name=f"set_{next(_n)}", title="Set", department=department, restricted=True
        )
        Column.objects.create(dataset=dataset, name="region", type="string")
        RowRule.objects.create(dataset=dataset, match=RowRule.Match.REGION, column="region")


def test_the_dashboard_page_does_not_query_per_card(client, analyst):
    # Given a dashboard of 2 question cards (and a text card)
    board = f.dashboard(owner=analyst, department=DepartmentFactory(name="Marketing"))
    Share.objects.create(dashboard=board, department=board.department)
    add_cards(board, 2, analyst)
    url = f"/bi/dashboards/{board.pk}/"
    few = queries(client, url)
    # When it grows to 10 question cards
    add_cards(board, 8, analyst)
    many = queries(client, url)
    # Then the page makes as many queries
    assert Card.objects.filter(dashboard=board).count() == 12
    assert many == few


def test_a_card_does_not_query_per_dataset_or_rule(client, analyst):
    # Given a card of a dashboard, with two other datasets in the warehouse
    card = f.card()
    card.dashboard.owner = analyst
    card.dashboard.save()
    department = DepartmentFactory(name="Finance")
    add_datasets(2, department)
    url = f"/bi/cards/{card.pk}/render/"
    few = queries(client, url)
    # When there are 10 more datasets, each with a row rule
    add_datasets(8, department)
    many = queries(client, url)
    # Then rendering the card makes as many queries
    assert many == few


def test_the_question_page_does_not_query_per_dataset_or_share(client, analyst):
    # Given a question shared twice, with two other datasets
    question = f.question(owner=analyst)
    department = DepartmentFactory(name="Finance")
    add_datasets(2, department)
    for _ in range(2):
        Share.objects.create(question=question, department=DepartmentFactory())
    url = f"/bi/questions/{question.pk}/"
    few = queries(client, url)
    # When there are 10 datasets and 10 shares
    add_datasets(8, department)
    for _ in range(8):
        Share.objects.create(question=question, department=DepartmentFactory())
    many = queries(client, url)
    # Then the page makes as many queries
    assert many == few


def test_the_questions_list_does_not_query_per_question(client, analyst):
    department = DepartmentFactory(name="Finance")
    for _ in range(2):
        f.question(owner=analyst, department=department)
    few = queries(client, "/bi/questions/")
    for _ in range(8):
        f.question(owner=analyst, department=department)
    many = queries(client, "/bi/questions/")
    assert Question.objects.count() == 10
    assert many == few


def test_the_datasets_list_does_not_query_per_dataset(client):
    # Given two datasets of a department
    department = DepartmentFactory(name="Finance")
    add_datasets(2, department)
    few = queries(client, "/bi/datasets/")
    # When there are ten, of different departments
    for _ in range(8):
        add_datasets(1, DepartmentFactory())
    many = queries(client, "/bi/datasets/")
    # Then the list makes as many queries
    assert Dataset.objects.count() == 10
    assert many == few


def test_shared_with_me_does_not_query_per_item(make_user, analyst):
    # Given a reader with two dashboards and two questions shared with them
    reader = make_user(ANALYST)
    client = Client()
    client.force_login(reader)

    def share_more(count):
        for _ in range(count):
            Share.objects.create(question=f.question(owner=analyst), user=reader)
            Share.objects.create(dashboard=f.dashboard(owner=analyst), user=reader)

    share_more(2)
    few = queries(client, "/bi/shared/")
    # When ten of each are shared
    share_more(8)
    many = queries(client, "/bi/shared/")
    # Then the page makes as many queries
    assert many == few
