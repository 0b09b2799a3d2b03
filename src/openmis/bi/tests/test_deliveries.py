"""Scheduled deliveries: the schedule in each recipient's time zone (with clock changes), who
receives a subscription, what they receive (with *their* rights, never the sender's), that a
slot goes out once, and the subscription pages."""

import datetime as dt
import io
import sys
import types
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client, TestCase
from django.utils import timezone

from openmis.bi import deliveries
from openmis.bi.models import Card, Delivery, RowRule, Share, Subscription
from openmis.bi.schedule import next_due, recipients_of
from openmis.bi.tests import factories as f
from openmis.core import notifications
from openmis.core.models import Notice
from openmis.org.models import Person
from openmis.org.roles import ANALYST, DIRECTOR, EMPLOYEE, LEADER
from openmis.org.tests.factories import DepartmentFactory, PersonFactory, user_with_role

pytestmark = pytest.mark.django_db

WARSAW = "Europe/Warsaw"
NEW_YORK = "America/New_York"


def utc(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=dt.UTC)


CREATED = dt.datetime(2026, 5, 1, tzinfo=dt.UTC)


def in_zone(user, name: str):
    user.person.time_zone = name
    user.person.save()
    return user


def subscribe(
    target,
    *,
    fmt="csv",
    frequency="daily",
    at=dt.time(7, 0),
    recipients=(),
    departments=(),
    created=CREATED,
    owner=None,
    **fields,
) -> Subscription:
    """A subscription to ``target`` (a question or a dashboard), created at ``created``."""
    kind = "question" if target.__class__.__name__ == "Question" else "dashboard"
    subscription = Subscription.objects.create(
        **{kind: target},
        format=fmt,
        frequency=frequency,
        time=at,
        owner=owner,
        **fields,
    )
    subscription.recipients.set(recipients)
    subscription.departments.set(departments)
    Subscription.objects.filter(pk=subscription.pk).update(created=created)
    subscription.refresh_from_db()
    return subscription


def send_due(now):
    """Run the sender; its e-mails leave once its transaction commits, as in production."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return deliveries.send_due(now)


def attachment(message):
    assert len(message.attachments) == 1
    return message.attachments[0]


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def world():
    """Orders restricted by region; a finance owner who sees all, North in Warsaw and South
    in New York who see their own region."""
    north = DepartmentFactory(name="Sales North", region="North")
    south = DepartmentFactory(name="Sales South", region="South")
    finance = DepartmentFactory(name="Finance")
    dataset = f.orders(restricted=True)
    RowRule.objects.create(dataset=dataset, match=RowRule.Match.REGION, column="region")
    RowRule.objects.create(dataset=dataset, department=finance, match=RowRule.Match.ALL)
    owner = user_with_role(ANALYST, finance, username="cfo", email="cfo@example.com")
    anna = user_with_role(ANALYST, north, username="anna", email="anna@example.com")
    bob = user_with_role(ANALYST, south, username="bob", email="bob@example.com")
    return {
        "owner": owner,
        "north": in_zone(anna, WARSAW),
        "south": in_zone(bob, NEW_YORK),
        "question": f.question(owner=owner, visibility="organization"),
    }


# --- the schedule -------------------------------------------------------------------------------


def person_in(zone: str):
    return PersonFactory(time_zone=zone)


def schedule(frequency="daily", at=dt.time(7, 0), **fields) -> Subscription:
    return Subscription(frequency=frequency, time=at, format="csv", **fields)


@pytest.mark.parametrize(
    ("zone", "after", "expected"),
    [
        # An ordinary day: 07:00 CEST is 05:00 UTC, 07:00 EDT is 11:00 UTC.
        (WARSAW, utc(2026, 5, 11, 4, 0), utc(2026, 5, 11, 5, 0)),
        (NEW_YORK, utc(2026, 5, 11, 4, 0), utc(2026, 5, 11, 11, 0)),
        # Strictly after: at the slot itself, the next one is the following day's.
        (WARSAW, utc(2026, 5, 11, 5, 0), utc(2026, 5, 12, 5, 0)),
        # Clocks go forward (Warsaw 29 March, New York 8 March): one hour earlier in UTC.
        (WARSAW, utc(2026, 3, 28, 6, 0), utc(2026, 3, 29, 5, 0)),
        (NEW_YORK, utc(2026, 3, 7, 12, 0), utc(2026, 3, 8, 11, 0)),
        # Clocks go back (Warsaw 25 October, New York 1 November): one hour later in UTC.
        (WARSAW, utc(2026, 10, 24, 5, 0), utc(2026, 10, 25, 6, 0)),
        (NEW_YORK, utc(2026, 10, 31, 11, 0), utc(2026, 11, 1, 12, 0)),
    ],
)
def test_daily_slots_are_at_the_recipients_local_time(zone, after, expected):
    assert next_due(schedule(), person_in(zone), after) == expected


def test_a_local_time_skipped_by_the_clocks_moves_to_the_first_instant_after_the_gap():
    # Given a daily delivery at 02:30, a time that does not exist on spring-forward days
    subscription = schedule(at=dt.time(2, 30))
    # Then it goes at 03:00 local time, when the clocks jump from 02:00 to 03:00
    warsaw = next_due(subscription, person_in(WARSAW), utc(2026, 3, 28, 12))
    new_york = next_due(subscription, person_in(NEW_YORK), utc(2026, 3, 7, 12))
    assert warsaw == utc(2026, 3, 29, 1, 0)
    assert warsaw.astimezone(ZoneInfo(WARSAW)).strftime("%H:%M %Z") == "03:00 CEST"
    assert new_york == utc(2026, 3, 8, 7, 0)
    assert new_york.astimezone(ZoneInfo(NEW_YORK)).strftime("%H:%M %Z") == "03:00 EDT"
    # And the day after at 02:30 again
    assert next_due(subscription, person_in(WARSAW), warsaw) == utc(2026, 3, 30, 0, 30)


def test_a_local_time_repeated_by_the_clocks_goes_at_its_first_occurrence():
    # Given a daily delivery at 01:30 in New York, twice on 1 November 2026 (EDT, then EST)
    subscription = schedule(at=dt.time(1, 30))
    person = person_in(NEW_YORK)
    # Then it goes once, at 01:30 EDT, and the next day at 01:30 EST
    first = next_due(subscription, person, utc(2026, 10, 31, 12))
    assert first == utc(2026, 11, 1, 5, 30)
    assert next_due(subscription, person, first) == utc(2026, 11, 2, 6, 30)
    # Likewise 02:30 in Warsaw on 25 October 2026 (CEST, then CET)
    subscription = schedule(at=dt.time(2, 30))
    assert next_due(subscription, person_in(WARSAW), utc(2026, 10, 24, 12)) == utc(
        2026, 10, 25, 0, 30
    )


@pytest.mark.parametrize(
    ("zone", "weekday", "after", "expected"),
    [
        # Monday 07:00 in Warsaw, asked on Wednesday 13 May: Monday 18 May.
        (WARSAW, 0, utc(2026, 5, 13, 9, 0), utc(2026, 5, 18, 5, 0)),
        # Sunday 07:00 in New York, the week clocks go forward (Sunday 8 March).
        (NEW_YORK, 6, utc(2026, 3, 2, 9, 0), utc(2026, 3, 8, 11, 0)),
        # Sunday 07:00 in Warsaw, the week clocks go back (Sunday 25 October).
        (WARSAW, 6, utc(2026, 10, 20, 9, 0), utc(2026, 10, 25, 6, 0)),
        # Asked on Monday after the slot: the next Monday.
        (WARSAW, 0, utc(2026, 5, 18, 5, 1), utc(2026, 5, 25, 5, 0)),
    ],
)
def test_weekly_slots(zone, weekday, after, expected):
    subscription = schedule("weekly", weekday=weekday)
    assert next_due(subscription, person_in(zone), after) == expected


@pytest.mark.parametrize(
    ("zone", "day", "at", "after", "expected"),
    [
        # The 28th at 07:00 in New York: 12:00 UTC in February (EST), 11:00 in March (EDT).
        (NEW_YORK, 28, dt.time(7, 0), utc(2026, 2, 1), utc(2026, 2, 28, 12, 0)),
        (NEW_YORK, 28, dt.time(7, 0), utc(2026, 2, 28, 12, 0), utc(2026, 3, 28, 11, 0)),
        # The 1st at 00:30 in Warsaw: still the 31st of December in UTC.
        (WARSAW, 1, dt.time(0, 30), utc(2026, 12, 2), utc(2026, 12, 31, 23, 30)),
        # The 1st at 07:00 in Warsaw, asked on the 1st after it went: next month's.
        (WARSAW, 1, dt.time(7, 0), utc(2026, 6, 1, 5, 0), utc(2026, 7, 1, 5, 0)),
    ],
)
def test_monthly_slots(zone, day, at, after, expected):
    subscription = schedule("monthly", at=at, day_of_month=day)
    assert next_due(subscription, person_in(zone), after) == expected


def test_the_installations_time_zone_when_the_recipient_has_none():
    # Given a user without a person, and a person without a time zone (the installation's
    # time zone is Europe/Warsaw)
    from django.contrib.auth import get_user_model

    no_person = user_with_role(EMPLOYEE)
    no_person.person.delete()
    no_person = get_user_model().objects.get(pk=no_person.pk)
    subscription = schedule()
    after = utc(2026, 5, 11)
    # Then both get their e-mail at 07:00 in Warsaw
    assert next_due(subscription, no_person, after) == utc(2026, 5, 11, 5)
    assert next_due(subscription, person_in(""), after) == utc(2026, 5, 11, 5)
    assert next_due(subscription, user_with_role(EMPLOYEE), after) == utc(2026, 5, 11, 5)


def test_a_naive_time_is_refused():
    with pytest.raises(ValueError, match="aware"):
        next_due(schedule(), person_in(WARSAW), dt.datetime(2026, 5, 11))


# --- recipients ---------------------------------------------------------------------------------


def test_department_recipients_resolve_to_the_members_of_sub_departments(world):
    # Given Sales with Sales East below it and Sales East-1 below that
    sales = DepartmentFactory(name="Sales")
    east = DepartmentFactory(name="Sales East", parent=sales)
    east_one = DepartmentFactory(name="Sales East-1", parent=east)
    head = user_with_role(LEADER, sales, username="head")
    member = user_with_role(EMPLOYEE, east_one, username="member")
    gone = user_with_role(EMPLOYEE, east, username="gone", is_active=False)
    user_with_role(EMPLOYEE, DepartmentFactory(name="Elsewhere"), username="other")
    PersonFactory(department=east)  # no login
    # And a subscription to East, with Anna and the member also named
    subscription = subscribe(
        world["question"], recipients=[world["north"], member], departments=[east]
    )
    # Then the recipients are the named ones, then the logins below East, each once
    assert recipients_of(subscription) == [world["north"], member]
    subscription.departments.add(sales)
    assert recipients_of(subscription) == [world["north"], member, head]
    assert gone not in recipients_of(subscription)


# --- sending ------------------------------------------------------------------------------------


def test_recipients_in_different_time_zones_get_it_at_their_own_local_seven(world):
    # Given a daily subscription at 07:00 for Anna (Warsaw) and Bob (New York)
    subscription = subscribe(
        world["question"],
        recipients=[world["north"], world["south"]],
        created=utc(2026, 5, 10, 12, 0),
    )
    # When the sender runs through the morning (every few minutes, from cron)
    runs = {
        now: send_due(now)
        for now in (
            utc(2026, 5, 11, 4, 59),  # 06:59 in Warsaw
            utc(2026, 5, 11, 5, 3),  # 07:03 in Warsaw
            utc(2026, 5, 11, 10, 58),  # 06:58 in New York
            utc(2026, 5, 11, 11, 0),  # 07:00 in New York
            utc(2026, 5, 11, 11, 5),
        )
    }
    # Then each got one e-mail, at their own 07:00
    none = {"sent": 0, "skipped": 0, "failed": 0}
    one = {"sent": 1, "skipped": 0, "failed": 0}
    assert list(runs.values()) == [none, one, none, one, none]
    assert [m.to for m in mail.outbox] == [["anna@example.com"], ["bob@example.com"]]
    assert [
        (d.recipient.username, d.due, d.status) for d in subscription.deliveries.order_by("due")
    ] == [
        ("anna", utc(2026, 5, 11, 5, 0), "sent"),
        ("bob", utc(2026, 5, 11, 11, 0), "sent"),
    ]
    title = world["question"].title
    assert mail.outbox[0].subject == f"{title} — Daily"
    # written in each one's language and time zone, as every page writes a moment
    assert "as of May 11, 2026, 7:00\u202fAM (Europe/Warsaw)" in mail.outbox[0].body
    assert "as of May 11, 2026, 7:00\u202fAM (America/New_York)" in mail.outbox[1].body
    assert f"/bi/questions/{world['question'].pk}/" in mail.outbox[0].body


def test_the_e_mail_is_written_in_the_recipients_language_and_time_zone(world):
    # Given Bob (New York) reads Polish, Anna (Warsaw) English
    Person.objects.filter(user=world["south"]).update(language="pl")
    subscribe(
        world["question"],
        recipients=[world["north"], world["south"]],
        created=utc(2026, 5, 10, 12, 0),
    )
    # When both daily e-mails go out at their own 07:00
    send_due(utc(2026, 5, 11, 5, 3))
    send_due(utc(2026, 5, 11, 11, 0))
    # Then each says when in their own words and zone
    bodies = {m.to[0]: m.body for m in mail.outbox}
    assert "May 11, 2026, 7:00\u202fAM (Europe/Warsaw)" in bodies["anna@example.com"]
    assert "11 maj 2026, 07:00 (America/New_York)" in bodies["bob@example.com"]


def test_each_recipients_csv_holds_only_the_rows_they_may_see(world):
    # Given finance's revenue by region, which finance sees for every region
    question = world["question"]
    in_zone(world["south"], WARSAW)
    subscribe(question, recipients=[world["north"], world["south"]], owner=world["owner"])
    # When the delivery goes out
    assert send_due(utc(2026, 5, 11, 5, 0)) == {"sent": 2, "skipped": 0, "failed": 0}
    # Then each recipient's file has their own region only, not the owner's view
    files = {m.to[0]: attachment(m) for m in mail.outbox}
    name, content, mime = files["anna@example.com"]
    assert name.endswith("-2026-05-11.csv")
    assert mime == "text/csv"
    assert content.splitlines() == ["region,revenue", "North,375.75"]
    assert files["bob@example.com"][1].splitlines() == ["region,revenue", "South,350.25"]
    assert Delivery.objects.get(recipient=world["north"]).detail == f"{name} sent (1 row)."


def test_a_recipient_the_question_is_not_shared_with_gets_nothing(world):
    # Given a private question of finance, shared with Anna only, and Bob also subscribed
    question = f.question(owner=world["owner"])
    Share.objects.create(question=question, user=world["north"])
    in_zone(world["south"], WARSAW)
    subscription = subscribe(question, recipients=[world["north"], world["south"]])
    # When the delivery goes out
    counts = send_due(utc(2026, 5, 11, 5, 0))
    # Then Anna gets her rows and Bob nothing, with the reason recorded
    assert counts == {"sent": 1, "skipped": 1, "failed": 0}
    assert [m.to for m in mail.outbox] == [["anna@example.com"]]
    skipped = subscription.deliveries.get(recipient=world["south"])
    assert (skipped.status, skipped.detail) == (
        "skipped",
        "Not shared with this recipient: nothing was sent.",
    )


def test_a_recipient_whose_role_may_not_open_questions_gets_nothing(world):
    # Given a published question, and a recipient without any role
    nobody = user_with_role(None, DepartmentFactory(name="Guests"), username="guest")
    subscription = subscribe(world["question"], recipients=[nobody])
    # When the delivery goes out
    counts = send_due(utc(2026, 5, 11, 5, 0))
    # Then nothing is sent, and why is recorded
    assert counts == {"sent": 0, "skipped": 1, "failed": 0}
    assert mail.outbox == []
    assert subscription.deliveries.get().detail == (
        "The recipient's role does not allow opening it: nothing was sent."
    )


def test_running_twice_at_the_same_time_sends_once(world):
    subscription = subscribe(world["question"], recipients=[world["north"]])
    now = utc(2026, 5, 11, 5, 0)
    assert send_due(now) == {"sent": 1, "skipped": 0, "failed": 0}
    assert send_due(now) == {"sent": 0, "skipped": 0, "failed": 0}
    assert send_due(now + dt.timedelta(minutes=5)) == {
        "sent": 0,
        "skipped": 0,
        "failed": 0,
    }
    assert len(mail.outbox) == 1
    assert subscription.deliveries.count() == 1


def test_a_concurrent_sender_that_took_the_slot_first_wins(world, monkeypatch):
    # Given another sender records the delivery after this one looked for it
    subscription = subscribe(world["question"], recipients=[world["north"]])
    due = utc(2026, 5, 11, 5, 0)
    real = deliveries.recipients_of

    def racing(sub, **kwargs):
        Delivery.objects.create(subscription=sub, recipient=world["north"], due=due, status="sent")
        return real(sub, **kwargs)

    monkeypatch.setattr(deliveries, "recipients_of", racing)
    # When this sender goes on
    counts = send_due(due)
    # Then the unique delivery row stops it: nothing is sent twice
    assert counts == {"sent": 0, "skipped": 0, "failed": 0}
    assert mail.outbox == []
    assert subscription.deliveries.count() == 1


def test_a_missed_slot_is_caught_up_within_a_day_but_not_later(world):
    # Given a weekly subscription on Mondays at 07:00 (05:00 UTC) and no run since
    subscribe(world["question"], frequency="weekly", weekday=0, recipients=[world["north"]])
    # When the sender runs again on Tuesday after 07:00, the slot is more than a day old
    late = send_due(utc(2026, 5, 12, 5, 1))
    # But on Tuesday before 07:00, it is less than a day old
    in_time = send_due(utc(2026, 5, 12, 4, 59))
    # Then only the timely run sends Monday's delivery
    assert late == {"sent": 0, "skipped": 0, "failed": 0}
    assert in_time == {"sent": 1, "skipped": 0, "failed": 0}
    assert Delivery.objects.get().due == utc(2026, 5, 11, 5, 0)


def test_no_slot_from_before_the_subscription_existed(world):
    subscribe(world["question"], recipients=[world["north"]], created=utc(2026, 5, 11, 6, 0))
    assert send_due(utc(2026, 5, 11, 8, 0)) == {"sent": 0, "skipped": 0, "failed": 0}
    assert send_due(utc(2026, 5, 12, 5, 0)) == {"sent": 1, "skipped": 0, "failed": 0}


def test_paused_subscriptions_send_nothing(world):
    subscribe(world["question"], recipients=[world["north"]], active=False)
    assert send_due(utc(2026, 5, 11, 5, 0)) == {"sent": 0, "skipped": 0, "failed": 0}


def test_an_xlsx_attachment_opens_with_the_header(world):
    from openpyxl import load_workbook

    subscribe(world["question"], fmt="xlsx", recipients=[world["north"]])
    send_due(utc(2026, 5, 11, 5, 0))
    name, content, mime = attachment(mail.outbox[0])
    assert name.endswith(".xlsx")
    assert mime == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = load_workbook(io.BytesIO(content)).active
    assert list(sheet.iter_rows(values_only=True)) == [("region", "revenue"), ("North", 375.75)]


def shared_board(world):
    board = f.dashboard(owner=world["owner"])
    Card.objects.create(dashboard=board, question=world["question"])
    Share.objects.create(dashboard=board, user=world["north"])
    return board


def test_a_dashboard_delivery_attaches_a_pdf(world):
    # Given a dashboard shared with Anna (the real PDF renderer)
    board = shared_board(world)
    subscription = subscribe(board, fmt="pdf", frequency="weekly", weekday=0)
    subscription.recipients.set([world["north"]])
    # When Monday's delivery goes out
    counts = send_due(utc(2026, 5, 11, 5, 0))
    # Then she gets the PDF
    assert counts == {"sent": 1, "skipped": 0, "failed": 0}, subscription.deliveries.get().detail
    name, content, mime = attachment(mail.outbox[0])
    assert name.endswith("-2026-05-11.pdf")
    assert mime == "application/pdf"
    assert content.startswith(b"%PDF")
    assert mail.outbox[0].subject == f"{board.title} — Weekly"


def test_a_dashboard_pdf_is_made_with_the_recipients_rights(world, monkeypatch):
    # Given a dashboard shared with Anna, and not with Bob
    board = shared_board(world)
    made = []

    def dashboard_pdf(dashboard, user, filters=None, *, now=None):
        made.append((dashboard, user, now))
        return b"%PDF-1.7 for " + user.username.encode()

    monkeypatch.setitem(
        sys.modules, "openmis.bi.pdf.document", types.SimpleNamespace(dashboard_pdf=dashboard_pdf)
    )
    in_zone(world["south"], WARSAW)
    subscribe(board, fmt="pdf", recipients=[world["north"], world["south"]], owner=world["owner"])
    # When the delivery goes out
    now = utc(2026, 5, 11, 5, 1)
    counts = send_due(now)
    # Then the PDF is rendered for Anna as Anna, never as its owner, and Bob gets nothing
    assert counts == {"sent": 1, "skipped": 1, "failed": 0}
    assert made == [(board, world["north"], now)]
    assert attachment(mail.outbox[0])[1] == b"%PDF-1.7 for anna"


def test_a_failing_query_is_recorded_and_the_others_still_go_out(world):
    # Given a question whose dataset is gone, subscribed before a working one
    broken = f.question(owner=world["owner"], visibility="organization", dataset="gone")
    first = subscribe(broken, recipients=[world["north"]])
    subscribe(world["question"], recipients=[world["north"]])
    # When the deliveries go out
    counts = send_due(utc(2026, 5, 11, 5, 0))
    # Then the broken one is recorded as failed with why (its file is built as the e-mail
    # leaves, which is tried again later), and the other one is sent
    assert counts == {"sent": 2, "skipped": 0, "failed": 0}
    failed = first.deliveries.get()
    assert failed.status == "failed"
    assert failed.detail == 'Unknown dataset "gone".'
    assert failed.notice.status == "queued"
    assert [m.subject for m in mail.outbox] == [f"{world['question'].title} — Daily"]


def test_a_refused_e_mail_is_recorded_as_failed(world, monkeypatch):
    subscription = subscribe(world["question"], recipients=[world["north"]])

    def refuse(self, fail_silently=False):
        raise ConnectionRefusedError("mail server down")

    with monkeypatch.context() as patch:
        patch.setattr("django.core.mail.EmailMessage.send", refuse)
        assert send_due(utc(2026, 5, 11, 5, 0)) == {"sent": 1, "skipped": 0, "failed": 0}
    # The e-mail was refused: the history says so, and core tries it again later
    delivery = subscription.deliveries.select_related("notice").get()
    assert delivery.shown_status == "queued"
    assert "mail server down" in delivery.shown_detail
    assert mail.outbox == []
    # When the mail server is back, the retry sends it, with its file built anew
    Notice.objects.filter(pk=delivery.notice_id).update(next_attempt=timezone.now())
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert notifications.deliver(delivery.notice_id) == "sent"
    delivery = subscription.deliveries.select_related("notice").get()
    assert (delivery.shown_status, delivery.shown_detail) == (
        "sent",
        f"{attachment(mail.outbox[0])[0]} sent (1 row).",
    )


def test_the_command_sends_what_is_due_and_prints_counts(world):
    # Given a daily subscription at the current minute of Anna's clock
    now = timezone.now()
    local = now.astimezone(ZoneInfo(WARSAW))
    subscribe(
        world["question"],
        recipients=[world["north"]],
        at=local.time().replace(second=0, microsecond=0),
        created=now - dt.timedelta(hours=2),
    )
    out = StringIO()
    # When cron runs the command twice
    for _run in range(2):
        with TestCase.captureOnCommitCallbacks(execute=True):
            call_command("send_deliveries", stdout=out)
    # Then it sent once and said so
    assert out.getvalue().splitlines() == [
        "1 delivery(ies) sent, 0 skipped, 0 failed.",
        "0 delivery(ies) sent, 0 skipped, 0 failed.",
    ]
    assert [m.to for m in mail.outbox] == [["anna@example.com"]]


# --- pages --------------------------------------------------------------------------------------


def test_the_subscription_page_shows_recipients_and_their_next_delivery(world, monkeypatch):
    # Given a weekly subscription on Mondays at 07:00 for Anna, Bob and the owner (no zone)
    subscription = subscribe(
        world["question"],
        frequency="weekly",
        weekday=0,
        recipients=[world["north"], world["south"], world["owner"]],
        owner=world["owner"],
    )
    Delivery.objects.create(
        subscription=subscription,
        recipient=world["north"],
        due=utc(2026, 5, 4, 5, 0),
        status="failed",
        detail="mail server down",
    )
    monkeypatch.setattr(timezone, "now", lambda: utc(2026, 5, 6, 12, 0))
    # When the owner opens it
    response = client_for(world["owner"]).get(f"/bi/subscriptions/{subscription.pk}/")
    # Then each recipient is listed with their zone and next delivery in their own time
    assert response.status_code == 200
    rows = [
        (r["user"].username, r["zone"], r["next"].isoformat(), r["receives"])
        for r in response.context["recipient_rows"]
    ]
    assert rows == [
        ("cfo", "Europe/Warsaw", "2026-05-11T07:00:00+02:00", True),
        ("anna", "Europe/Warsaw", "2026-05-11T07:00:00+02:00", True),
        ("bob", "America/New_York", "2026-05-11T07:00:00-04:00", True),
    ]
    page = response.content.decode()
    assert "America/New_York</td><td>May 11, 2026, 7:00\u202fAM</td>" in page
    assert "Weekly on Monday at 07:00 (local time)" in page
    assert "mail server down" in page
    assert [d.detail for d in response.context["deliveries"]] == ["mail server down"]


def test_the_subscription_page_warns_of_a_recipient_who_will_get_nothing(world):
    question = f.question(owner=world["owner"])
    subscription = subscribe(question, recipients=[world["north"]], owner=world["owner"])
    response = client_for(world["owner"]).get(f"/bi/subscriptions/{subscription.pk}/")
    assert [r["receives"] for r in response.context["recipient_rows"]] == [False]
    assert "Not shared with them: nothing will be sent." in response.content.decode()


def test_the_overview_lists_everything_for_the_mis_office_and_own_or_received_for_others(world):
    # Given subscriptions of finance: one to Anna, one to Bob's department, one to nobody
    south = world["south"].person.department
    to_anna = subscribe(world["question"], recipients=[world["north"]], owner=world["owner"])
    to_south = subscribe(world["question"], departments=[south], owner=world["owner"])
    to_nobody = subscribe(world["question"], owner=world["owner"])
    director = user_with_role(DIRECTOR, DepartmentFactory(name="MIS"), username="dir")
    # When each opens the overview
    pages = {
        who: client_for(user).get("/bi/subscriptions/overview/")
        for who, user in [
            ("director", director),
            ("owner", world["owner"]),
            ("anna", world["north"]),
            ("bob", world["south"]),
        ]
    }
    # Then the director sees all, the owner their own, each recipient what they receive
    listed = {
        who: [row["subscription"] for row in page.context["rows"]] for who, page in pages.items()
    }
    assert listed == {
        "director": [to_anna, to_south, to_nobody],
        "owner": [to_anna, to_south, to_nobody],
        "anna": [to_anna],
        "bob": [to_south],
    }
    # And the recipients are resolved to people
    recipients = [
        [u.username for u in row["recipients"]] for row in pages["director"].context["rows"]
    ]
    assert recipients == [["anna"], ["bob"], []]
    assert pages["director"].context["everything"] is True
    assert pages["anna"].context["everything"] is False
    assert "Every subscription of the organization." in pages["director"].content.decode()


def test_the_overview_needs_the_view_permission(world):
    nobody = user_with_role(None, username="norole")
    assert client_for(nobody).get("/bi/subscriptions/overview/").status_code == 403


def test_only_the_owner_and_the_mis_office_may_change_a_subscription(world):
    # Given Anna's subscription, which Bob (an analyst too) also receives
    subscription = subscribe(
        world["question"], recipients=[world["north"], world["south"]], owner=world["north"]
    )
    director = user_with_role(DIRECTOR, DepartmentFactory(name="MIS"), username="dir")
    url = f"/bi/subscriptions/{subscription.pk}/edit/"
    # Then Bob may see it but not edit it; Anna and the director may
    assert (
        client_for(world["south"]).get(f"/bi/subscriptions/{subscription.pk}/").status_code == 200
    )
    assert client_for(world["south"]).get(url).status_code == 403
    assert client_for(world["north"]).get(url).status_code == 200
    assert client_for(director).get(url).status_code == 200


# --- the e-mails are core notices ---------------------------------------------------------------


def in_polish(user):
    user.person.language = "pl"
    user.person.save()
    return user


def test_a_delivery_is_written_in_the_recipients_language(world):
    # Given a daily subscription for Anna, who reads Polish, and Bob, who reads English
    in_polish(world["north"])
    in_zone(world["south"], WARSAW)
    subscribe(world["question"], recipients=[world["north"], world["south"]])
    # When it goes out
    send_due(utc(2026, 5, 11, 5, 0))
    # Then Anna's e-mail is in Polish and Bob's in English, each with their own file
    title = world["question"].title
    by_address = {m.to[0]: m for m in mail.outbox}
    anna, bob = by_address["anna@example.com"], by_address["bob@example.com"]
    assert anna.subject == f"{title} — Codziennie"
    assert "Dzień dobry" in anna.body
    assert "11 maj 2026, 07:00 (Europe/Warsaw)" in anna.body
    assert bob.subject == f"{title} — Daily"
    assert attachment(anna)[1].splitlines() == ["region,revenue", "North,375.75"]


def test_each_recipient_has_a_notice_and_sees_it_among_their_notifications(world):
    # Given a subscription for the owner, Anna and Bob
    in_zone(world["south"], WARSAW)
    recipients = [world["owner"], world["north"], world["south"]]
    subscription = subscribe(world["question"], recipients=recipients, owner=world["owner"])
    # When it goes out
    send_due(utc(2026, 5, 11, 5, 0))
    # Then there is a sent notice about the subscription per recipient, linked to its delivery
    notices = Notice.objects.filter(kind=deliveries.DELIVERY).order_by("recipient_id")
    assert [(n.recipient, n.email, n.status) for n in notices] == [
        (world["owner"], "cfo@example.com", "sent"),
        (world["north"], "anna@example.com", "sent"),
        (world["south"], "bob@example.com", "sent"),
    ]
    assert {(n.content_type.model, n.object_id) for n in notices} == {
        ("subscription", subscription.pk)
    }
    assert {n.bi_delivery.subscription for n in notices} == {subscription}
    # And Anna finds hers on her notifications page, and Bob's is not there
    page = client_for(world["north"]).get("/accounts/notifications/").content.decode()
    assert page.count(f"{world['question'].title} — Daily") == 1
    # And the owner's history of the subscription links the e-mail sent to them
    page = client_for(world["owner"]).get(f"/bi/subscriptions/{subscription.pk}/")
    assert page.status_code == 200
    mine = notices.get(recipient=world["owner"])
    assert f'href="/accounts/notifications/{mine.pk}/"' in page.content.decode()
    assert f"/accounts/notifications/{notices.get(recipient=world['north']).pk}/" not in (
        page.content.decode()
    )
    response = client_for(world["north"]).get("/api/core/notices/")
    assert [(n["kind"], n["about"], n["object_id"]) for n in response.json()["results"]] == [
        ("bi.delivery", "bi.subscription", subscription.pk)
    ]


def test_a_second_run_for_the_same_slot_sends_nothing_twice(world):
    # Given a delivery that went out
    subscription = subscribe(world["question"], recipients=[world["north"]])
    now = utc(2026, 5, 11, 5, 0)
    assert send_due(now) == {"sent": 1, "skipped": 0, "failed": 0}
    # When its record is lost and the sender runs again for the same slot
    subscription.deliveries.all().delete()
    again = send_due(now + dt.timedelta(minutes=3))
    # Then the notice's key stops it: one notice, one e-mail
    assert again == {"sent": 0, "skipped": 1, "failed": 0}
    assert Notice.objects.filter(kind=deliveries.DELIVERY).count() == 1
    assert len(mail.outbox) == 1
    assert subscription.deliveries.get().status == "skipped"
    # And the next day's slot is a new e-mail
    assert send_due(now + dt.timedelta(days=1)) == {"sent": 1, "skipped": 0, "failed": 0}
    assert len(mail.outbox) == 2


def test_the_file_is_built_as_the_recipient_when_the_e_mail_leaves_and_again_on_a_retry(world):
    # Given deliveries queued for Anna (North) and the owner (every region), not yet sent
    subscription = subscribe(
        world["question"], recipients=[world["north"], world["owner"]], owner=world["owner"]
    )
    assert deliveries.send_due(utc(2026, 5, 11, 5, 0)) == {"sent": 2, "skipped": 0, "failed": 0}
    assert {d.status for d in subscription.deliveries.all()} == {"queued"}
    assert mail.outbox == []
    # When the e-mails leave
    for delivery in subscription.deliveries.all():
        with TestCase.captureOnCommitCallbacks(execute=True):
            assert notifications.deliver(delivery.notice_id) == "sent"
    # Then each file holds the rows of its recipient's row rules only
    files = {m.to[0]: attachment(m)[1].splitlines() for m in mail.outbox}
    assert files["anna@example.com"] == ["region,revenue", "North,375.75"]
    assert files["cfo@example.com"][1:] == ["North,375.75", "South,350.25", "West,25.0"]
    # And building it again (as a retry does) gives Anna hers again, nothing stored meanwhile
    notice = subscription.deliveries.get(recipient=world["north"]).notice
    [(name, content, mime)] = deliveries.delivery_files(notice)
    assert name.endswith("-2026-05-11.csv")
    assert content.splitlines() == [b"region,revenue", b"North,375.75"]
    assert mime == "text/csv"


def test_a_recipient_who_lost_access_before_the_e_mail_left_gets_no_file(world):
    # Given a delivery queued for Anna of a question shared with her
    question = f.question(owner=world["owner"])
    share = Share.objects.create(question=question, user=world["north"])
    subscription = subscribe(question, recipients=[world["north"]])
    deliveries.send_due(utc(2026, 5, 11, 5, 0))
    # When the share is withdrawn before the e-mail leaves
    share.delete()
    with TestCase.captureOnCommitCallbacks(execute=True):
        status = notifications.deliver(subscription.deliveries.get().notice_id)
    # Then nothing is sent, and why is recorded
    assert status == "queued"
    assert mail.outbox == []
    delivery = subscription.deliveries.get()
    assert (delivery.status, delivery.detail) == (
        "skipped",
        "Not shared with this recipient: nothing was sent.",
    )
