"""Arranging a dashboard: the layout endpoint the drag and drop saves to, and the keyboard
(script-free) step buttons; both only for those who may change the dashboard."""

import pytest
from django.test import Client

from openmis.bi.models import Card, Dashboard, Visibility
from openmis.org.roles import ANALYST, EMPLOYEE

pytestmark = pytest.mark.django_db


@pytest.fixture
def analyst(make_user):
    return make_user(ANALYST)


@pytest.fixture
def viewer(make_user):
    return make_user(EMPLOYEE)


def client_of(user) -> Client:
    client = Client(enforce_csrf_checks=False)
    client.force_login(user)
    return client


@pytest.fixture
def board(analyst):
    board = Dashboard.objects.create(
        title="Sales", owner=analyst, visibility=Visibility.ORGANIZATION
    )
    for position, text in enumerate(["First", "Second"]):
        Card.objects.create(dashboard=board, text=text, position=position, width=4)
    return board


def places(board):
    return list(board.cards.order_by("pk").values_list("grid_x", "grid_y", "width", "height"))


def post_layout(client, board, cards):
    return client.post(
        f"/api/bi/dashboards/{board.pk}/layout/", {"cards": cards}, content_type="application/json"
    )


def test_the_owner_saves_where_each_card_sits(analyst, board):
    first, second = board.cards.order_by("pk")
    # When the owner drops the cards side by side, the second one wider and taller
    response = post_layout(
        client_of(analyst),
        board,
        [
            {"id": first.pk, "x": 0, "y": 0, "w": 4, "h": 4},
            {"id": second.pk, "x": 4, "y": 2, "w": 8, "h": 6},
        ],
    )
    # Then both places are kept
    assert response.status_code == 200
    assert response.json() == {"moved": 2}
    assert places(board) == [(0, 0, 4, 4), (4, 2, 8, 6)]
    # and the page puts each card there
    html = client_of(analyst).get(f"/bi/dashboards/{board.pk}/").content.decode()
    assert f'gs-id="{second.pk}" gs-x="4" gs-y="2" gs-w="8" gs-h="6"' in html


@pytest.mark.parametrize(
    ("card", "field"),
    [
        ({"x": 12, "y": 0, "w": 1, "h": 1}, "x"),
        ({"x": 0, "y": -1, "w": 1, "h": 1}, "y"),
        ({"x": 0, "y": 0, "w": 13, "h": 1}, "w"),
        ({"x": 0, "y": 0, "w": 4, "h": 0}, "h"),
        ({"x": "left", "y": 0, "w": 4, "h": 4}, "x"),
    ],
)
def test_a_place_off_the_grid_is_refused_with_its_field(analyst, board, card, field):
    first = board.cards.order_by("pk").first()
    before = places(board)
    response = post_layout(client_of(analyst), board, [{"id": first.pk, **card}])
    assert response.status_code == 400
    assert list(response.json()["cards"]["0"]) == [field]
    assert places(board) == before


def test_a_card_past_the_right_edge_or_of_another_dashboard_changes_nothing(analyst, board):
    first, second = board.cards.order_by("pk")
    other = Dashboard.objects.create(title="Other", owner=analyst)
    stranger = Card.objects.create(dashboard=other, text="Elsewhere")
    before = places(board)
    client = client_of(analyst)
    # A valid first place and a second that runs past the right edge: nothing is saved
    response = post_layout(
        client,
        board,
        [
            {"id": first.pk, "x": 2, "y": 0, "w": 4, "h": 4},
            {"id": second.pk, "x": 10, "y": 0, "w": 4, "h": 4},
        ],
    )
    assert response.status_code == 400
    assert response.json() == {
        f"cards.{second.pk}.x": ["The card goes past the right edge of the grid."]
    }
    # A card of another dashboard
    response = post_layout(client, board, [{"id": stranger.pk, "x": 0, "y": 0, "w": 4, "h": 4}])
    assert response.status_code == 400
    assert response.json() == {"cards": [f"Card {stranger.pk} is not on this dashboard."]}
    # Not JSON of the right shape
    assert post_layout(client, board, {"x": 1}).status_code == 400
    assert post_layout(client, board, []).status_code == 400
    assert places(board) == before
    assert Card.objects.get(pk=stranger.pk).grid_x is None


def test_a_viewer_may_not_arrange(viewer, board):
    first = board.cards.order_by("pk").first()
    before = places(board)
    client = client_of(viewer)
    # The viewer sees the dashboard without the arranging controls, even when asking for them
    html = client.get(f"/bi/dashboards/{board.pk}/?arrange=1").content.decode()
    assert 'id="arrange"' not in html
    assert "bi-drag-handle" not in html
    assert "data-arrange" not in html
    # and the endpoint and the step buttons refuse them
    response = post_layout(client, board, [{"id": first.pk, "x": 8, "y": 0, "w": 4, "h": 4}])
    assert response.status_code == 403
    assert response.json() == {"detail": "Your role does not allow this."}
    assert client.post(f"/bi/cards/{first.pk}/step/", {"step": "right"}).status_code == 403
    assert places(board) == before


def test_a_dashboard_not_shared_is_not_found(make_user, analyst):
    private = Dashboard.objects.create(title="Mine", owner=analyst)
    card = Card.objects.create(dashboard=private, text="x")
    response = post_layout(
        client_of(make_user(EMPLOYEE)), private, [{"id": card.pk, "x": 0, "y": 0, "w": 4, "h": 4}]
    )
    assert response.status_code == 404
    assert Card.objects.get(pk=card.pk).grid_x is None


def test_step_buttons_move_and_resize_a_card_one_cell(analyst, board):
    board.filters = ["region"]
    board.save()
    first = board.cards.order_by("pk").first()
    client = client_of(analyst)
    steps = ["right", "right", "down", "wider", "taller", "left", "up", "up", "narrower"]
    for step in steps:
        response = client.post(f"/bi/cards/{first.pk}/step/?v_region=North", {"step": step})
        assert response.status_code == 302
    # up past the top edge leaves the card on the first row
    first.refresh_from_db()
    assert (first.grid_x, first.grid_y, first.width, first.height) == (1, 0, 4, 5)
    # and the page comes back arranging, with the dashboard's filters, at the card
    assert response["Location"] == (
        f"/bi/dashboards/{board.pk}/?arrange=1&v_region=North#card-{first.pk}-place"
    )
    assert client.post(f"/bi/cards/{first.pk}/step/", {"step": "fly"}).status_code == 400


def test_the_arranging_page_offers_a_form_per_card(analyst, board):
    html = client_of(analyst).get(f"/bi/dashboards/{board.pk}/?arrange=1").content.decode()
    for card in board.cards.all():
        assert f'action="/bi/cards/{card.pk}/step/?"' in html
    assert html.count('name="step" value="wider"') == 2
    assert 'data-arrange="1"' in html
