"""Threshold alerts: an e-mail on each crossing of the limit (never twice in a row), each
recipient judged on the rows *their* rights admit, and unusable values reported."""

import tempfile
from io import StringIO
from pathlib import Path

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client, TestCase
from django.utils import timezone

from openmis.bi import alerts, loading
from openmis.bi.models import Alert, AlertState, ImportJob, RowRule, Share
from openmis.bi.tests import factories as f
from openmis.core import notifications
from openmis.core.models import Notice
from openmis.org.roles import ANALYST, DIRECTOR
from openmis.org.tests.factories import DepartmentFactory, user_with_role

pytestmark = pytest.mark.django_db

TOTAL = {
    "measures": [{"agg": "sum", "column": "amount", "as": "revenue"}],
    "dimensions": [],
    "order_by": [],
}


@pytest.fixture
def world():
    """Orders restricted by region: finance sees all (751.00), North 375.75, South 350.25."""
    north = DepartmentFactory(name="Sales North", region="North")
    south = DepartmentFactory(name="Sales South", region="South")
    finance = DepartmentFactory(name="Finance")
    dataset = f.orders(restricted=True)
    RowRule.objects.create(dataset=dataset, match=RowRule.Match.REGION, column="region")
    RowRule.objects.create(dataset=dataset, department=finance, match=RowRule.Match.ALL)
    owner = user_with_role(ANALYST, finance, username="cfo", email="cfo@example.com")
    return {
        "dataset": dataset,
        "owner": owner,
        "north": user_with_role(ANALYST, north, username="anna", email="anna@example.com"),
        "south": user_with_role(ANALYST, south, username="bob", email="bob@example.com"),
        "question": f.question(owner=owner, visibility="organization", **TOTAL),
    }


def reload(dataset, rows: list[tuple[str, float]]):
    """Replace the orders with one order per ``(region, amount)``."""
    lines = ["id,region,status,amount,quantity,order_date,customer_id"]
    lines += [
        f"{i},{region},completed,{amount},1,2024-01-05,1"
        for i, (region, amount) in enumerate(rows, 1)
    ]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "orders.csv"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        assert loading.import_now(dataset, path).status == ImportJob.Status.DONE


def alert(world, *, owner=None, recipients=(), condition="above", threshold=400, **fields):
    item = Alert.objects.create(
        question=fields.pop("question", world["question"]),
        column=fields.pop("column", "revenue"),
        condition=condition,
        threshold=threshold,
        owner=owner,
        **fields,
    )
    item.recipients.set(recipients)
    return item


def check_alerts():
    """Check the alerts; their e-mails leave once the check commits, as in production."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return alerts.check_alerts()


def states(item) -> dict:
    return {
        s.recipient.username: (s.triggered, s.value)
        for s in AlertState.objects.filter(alert=item).select_related("recipient")
    }


def counts(checked=0, sent=0, skipped=0, failed=0, problems=()):
    return {
        "checked": checked,
        "sent": sent,
        "skipped": skipped,
        "failed": failed,
        "problems": list(problems),
    }


def test_a_crossing_sends_one_e_mail_and_a_new_crossing_another(world):
    # Given Anna's alert when her revenue goes above 400 (she sees North: 375.75)
    item = alert(world, owner=world["north"])
    title = world["question"].title
    # When it is checked below the limit, then after new data takes it above
    below = check_alerts()
    reload(world["dataset"], [("North", 300), ("North", 200.5), ("South", 900)])
    crossing = check_alerts()
    # Then the crossing sends one e-mail
    assert below == counts(checked=1)
    assert crossing == counts(checked=1, sent=1)
    assert [m.to for m in mail.outbox] == [["anna@example.com"]]
    assert mail.outbox[0].subject == f"Alert: {title} — revenue is above 400"
    assert f"“revenue” of “{title}” is now 500.5: it went above the limit of 400" in (
        mail.outbox[0].body
    )
    assert f"/bi/questions/{world['question'].pk}/" in mail.outbox[0].body
    assert states(item) == {"anna": (True, 500.5)}
    # And staying above sends nothing more
    assert check_alerts() == counts(checked=1)
    assert len(mail.outbox) == 1
    # And going below, then above again, sends a second one
    reload(world["dataset"], [("North", 399)])
    assert check_alerts() == counts(checked=1)
    assert states(item) == {"anna": (False, 399.0)}
    reload(world["dataset"], [("North", 401)])
    assert check_alerts() == counts(checked=1, sent=1)
    assert len(mail.outbox) == 2
    assert states(item) == {"anna": (True, 401.0)}


def test_each_recipient_is_judged_on_their_own_rows(world):
    # Given finance's alert above 360, for Anna (North: 375.75) and Bob (South: 350.25)
    item = alert(
        world, owner=world["owner"], recipients=[world["north"], world["south"]], threshold=360
    )
    # When it is checked
    result = check_alerts()
    # Then the owner (all rows: 751) and Anna are told, Bob is not
    assert result == counts(checked=3, sent=2)
    assert sorted(m.to[0] for m in mail.outbox) == ["anna@example.com", "cfo@example.com"]
    anna = next(m for m in mail.outbox if m.to == ["anna@example.com"])
    assert "is now 375.75" in anna.body
    assert states(item) == {
        "cfo": (True, 751.0),
        "anna": (True, 375.75),
        "bob": (False, 350.25),
    }


def test_an_alert_below_the_limit(world):
    item = alert(
        world, condition="below", threshold=360, recipients=[world["north"], world["south"]]
    )
    assert check_alerts() == counts(checked=2, sent=1)
    assert [m.to for m in mail.outbox] == [["bob@example.com"]]
    assert mail.outbox[0].subject == f"Alert: {world['question'].title} — revenue is below 360"
    assert states(item) == {"anna": (False, 375.75), "bob": (True, 350.25)}


def test_an_unknown_column_is_reported_without_an_e_mail(world):
    # Given an alert on a column the result does not have
    item = alert(world, owner=world["north"], column="profit")
    # When it is checked
    result = check_alerts()
    # Then nobody is told, and the state and the report say why
    assert result == counts(
        checked=1,
        problems=[f"Alert {item.pk}, anna: The result has no column “profit” (it has: revenue)."],
    )
    assert mail.outbox == []
    assert states(item) == {"anna": (False, None)}


def test_a_result_without_rows_is_not_a_crossing(world):
    question = f.question(
        owner=world["owner"],
        visibility="organization",
        filters=[{"column": "region", "op": "=", "value": "Nowhere"}],
    )
    item = alert(world, owner=world["north"], question=question)
    assert check_alerts() == counts(
        checked=1, problems=[f"Alert {item.pk}, anna: The result has no rows."]
    )
    assert states(item) == {"anna": (False, None)}


def test_the_value_in_the_last_row_is_watched(world):
    # Given revenue by region (North 375.75, South 350.25, West 25.00), West last
    question = f.question(owner=world["owner"], visibility="organization")
    item = alert(world, owner=world["owner"], question=question, condition="below", threshold=30)
    assert check_alerts() == counts(checked=1, sent=1)
    assert states(item) == {"cfo": (True, 25.0)}


def test_a_recipient_who_cannot_see_the_question_is_skipped(world):
    # Given a private question of finance, shared with Anna only
    question = f.question(owner=world["owner"], **TOTAL)
    Share.objects.create(question=question, user=world["north"])
    item = alert(
        world, question=question, recipients=[world["north"], world["south"]], threshold=100
    )
    # When it is checked
    result = check_alerts()
    # Then Bob is skipped: nothing is computed for him with anyone else's rights
    assert result == counts(checked=1, sent=1, skipped=1)
    assert [m.to for m in mail.outbox] == [["anna@example.com"]]
    assert states(item) == {"anna": (True, 375.75)}


def test_a_refused_e_mail_is_retried_at_the_next_check(world, monkeypatch):
    item = alert(world, owner=world["north"], threshold=100)

    def refuse(self, fail_silently=False):
        raise ConnectionRefusedError("mail server down")

    with monkeypatch.context() as patch:
        patch.setattr("django.core.mail.EmailMessage.send", refuse)
        assert check_alerts() == counts(checked=1, sent=1)
    # The e-mail was refused: core keeps it and tries it again later (not the next check)
    notice = Notice.objects.get(kind=alerts.ALERT)
    assert (notice.status, notice.attempts) == ("queued", 1)
    assert "mail server down" in notice.last_error
    assert states(item) == {"anna": (True, 375.75)}
    assert check_alerts() == counts(checked=1)
    assert mail.outbox == []
    Notice.objects.filter(pk=notice.pk).update(next_attempt=timezone.now())
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert notifications.deliver(notice.pk) == "sent"
    assert len(mail.outbox) == 1


def test_paused_alerts_are_not_checked(world):
    alert(world, owner=world["north"], threshold=100, active=False)
    assert check_alerts() == counts()
    assert mail.outbox == []


def test_the_command_checks_and_prints_counts(world):
    # Given an alert that has crossed for Anna and one on an unknown column for Bob
    alert(world, owner=world["north"], threshold=100)
    broken = alert(world, owner=world["south"], column="profit")
    out, err = StringIO(), StringIO()
    # When cron runs the command twice
    with TestCase.captureOnCommitCallbacks(execute=True):
        call_command("check_alerts", stdout=out, stderr=err)
    with TestCase.captureOnCommitCallbacks(execute=True):
        call_command("check_alerts", stdout=out)
    # Then the first run told Anna, the second nobody; the problem is reported
    assert out.getvalue().splitlines() == [
        "2 alert check(s), 1 e-mail(s) sent, 0 skipped, 0 failed.",
        "2 alert check(s), 0 e-mail(s) sent, 0 skipped, 0 failed.",
    ]
    assert err.getvalue() == (
        f"Alert {broken.pk}, bob: The result has no column “profit” (it has: revenue).\n"
    )
    assert [m.to for m in mail.outbox] == [["anna@example.com"]]


def test_only_the_owner_and_the_mis_office_may_change_an_alert(world):
    item = alert(world, owner=world["north"], recipients=[world["south"]])
    director = user_with_role(DIRECTOR, DepartmentFactory(name="MIS"), username="dir")

    def status(user, url):
        client = Client()
        client.force_login(user)
        return client.get(url).status_code

    url = f"/bi/alerts/{item.pk}/"
    assert status(world["south"], url) == 200
    assert status(world["south"], f"{url}edit/") == 403
    assert status(world["owner"], url) == 403  # neither owns nor receives it
    assert status(world["north"], f"{url}edit/") == 200
    assert status(director, f"{url}edit/") == 200


def test_an_alert_is_a_notice_in_the_recipients_language_sent_once_per_crossing(world):
    # Given Anna, who reads Polish, and her alert above 100 (she sees 375.75)
    world["north"].person.language = "pl"
    world["north"].person.save()
    item = alert(world, owner=world["north"], threshold=100)
    # When it is checked twice
    assert check_alerts() == counts(checked=1, sent=1)
    assert check_alerts() == counts(checked=1)
    # Then one notice about the alert was sent, in Polish
    [notice] = Notice.objects.filter(kind=alerts.ALERT)
    assert (notice.recipient, notice.object_id, notice.status) == (world["north"], item.pk, "sent")
    assert notice.content_type.model == "alert"
    title = world["question"].title
    assert [m.subject for m in mail.outbox] == [f"Alert: {title} — revenue powyżej 100"]
    assert "wynosi teraz 375.75" in mail.outbox[0].body
    # And a new crossing is a new notice
    reload(world["dataset"], [("North", 50)])
    check_alerts()
    reload(world["dataset"], [("North", 150)])
    assert check_alerts() == counts(checked=1, sent=1)
    assert Notice.objects.filter(kind=alerts.ALERT).count() == 2
