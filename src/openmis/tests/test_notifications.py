"""Notifications: a notice is written in its recipient's language and time zone, kept, sent
from the task queue after commit, retried when the mail server fails, sent once per key, and
shown to its recipient only (page and API); the reminder commands are built on it."""

from datetime import UTC, date, datetime, timedelta
from io import StringIO
from smtplib import SMTPException

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.translation import gettext_lazy

from openmis.conftest import logged_in
from openmis.core import notifications
from openmis.core.models import CacheGeneration, Notice
from openmis.core.notifications import Recipient, notify, send_due
from openmis.org.roles import DIRECTOR, EMPLOYEE, STAFF
from openmis.org.tests.factories import PersonFactory, user_with_role

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 12, 7, 7, 30, tzinfo=UTC)
PING = "tests.ping"


class BrokenBackend(BaseEmailBackend):
    """A mail server that refuses everything."""

    def send_messages(self, messages):
        raise SMTPException("451 try again later")


@pytest.fixture(autouse=True)
def ping_kind(monkeypatch):
    """A kind of notice declared for these tests only."""
    monkeypatch.setitem(notifications._kinds, PING, notifications.Kind(PING, "Ping"))


@pytest.fixture
def clock(monkeypatch):
    """A clock the test moves: ``clock.now`` is what ``timezone.now()`` returns."""

    class Clock:
        now = T0

    monkeypatch.setattr(timezone, "now", lambda: Clock.now)
    return Clock


def ping(recipient, **kwargs):
    """A test notice: subject and body as template text, about ``when``."""
    return notify(
        recipient,
        PING,
        kwargs.pop("subject", "{% load i18n %}{% translate 'Thank you for your feedback.' %}"),
        kwargs.pop("body", "At {{ when }}"),
        {"when": T0},
        **kwargs,
    )


# --- language and time zone ----------------------------------------------------------------


def test_each_recipient_reads_it_in_their_language_and_time_zone(
    settings, django_capture_on_commit_callbacks
):
    # Given an installation in UTC, a Polish person in Warsaw and one who set neither
    settings.TIME_ZONE = "UTC"
    ola = PersonFactory(email="ola@example.com", language="pl", time_zone="Europe/Warsaw")
    jan = PersonFactory(email="jan@example.com")
    # When each is notified of the same moment
    with django_capture_on_commit_callbacks(execute=True):
        for person in (ola, jan):
            ping(person)
    # Then Ola reads Polish and Warsaw time, Jan the defaults
    by_address = {m.to[0]: m for m in mail.outbox}
    assert (by_address["ola@example.com"].subject, by_address["ola@example.com"].body) == (
        "Dziękujemy za opinię.",
        "At 7 gru 2026, 08:30",
    )
    assert (by_address["jan@example.com"].subject, by_address["jan@example.com"].body) == (
        "Thank you for your feedback.",
        "At Dec 7, 2026, 7:30\u202fAM",
    )
    assert sorted(Notice.objects.values_list("email", "language", "time_zone")) == [
        ("jan@example.com", "en", "UTC"),
        ("ola@example.com", "pl", "Europe/Warsaw"),
    ]
    # and the language active before is active again
    assert str(gettext_lazy("Thank you for your feedback.")) == "Thank you for your feedback."


def test_a_login_is_written_to_in_its_persons_language_and_a_language_may_be_imposed(
    django_capture_on_commit_callbacks,
):
    user = user_with_role(EMPLOYEE)
    user.person.language = "pl"
    user.person.save()
    with django_capture_on_commit_callbacks(execute=True):
        mine = ping(user)
        english = ping(Recipient(email="x@example.com"), language="en")
    assert (mine.recipient, mine.email, mine.subject) == (
        user,
        user.email,
        "Dziękujemy za opinię.",
    )
    assert (english.recipient, english.subject) == (None, "Thank you for your feedback.")


def test_a_contract_reminder_to_a_polish_owner_is_in_polish(django_capture_on_commit_callbacks):
    from openmis.portfolio import services
    from openmis.portfolio.tests.factories import ContractFactory

    today = date(2026, 12, 7)
    owner = PersonFactory(email="ola@example.com", language="pl")
    contract = ContractFactory(
        title="Hosting", owner=owner, end_date=today + timedelta(days=100), notice_days=90
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_renewal_reminders(today) == 1
    assert [m.subject for m in mail.outbox] == ["Umowa „Hosting”: termin wypowiedzenia 2026-12-17"]
    assert "Umowa nie odnawia się automatycznie." in mail.outbox[0].body
    notice = Notice.objects.get()
    assert (notice.kind, notice.content_type.model, notice.object_id) == (
        "portfolio.contract_reminder",
        "contract",
        contract.pk,
    )


# --- the queue, failures and retries --------------------------------------------------------


def test_a_notice_is_queued_and_sent_once_the_transaction_commits(
    clock, django_capture_on_commit_callbacks
):
    person = PersonFactory(email="ola@example.com")
    generations = dict(CacheGeneration.objects.values_list("label", "value"))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notice = ping(person, obj=person)
    # Before the commit: kept, queued, nothing sent
    notice.refresh_from_db()
    assert (notice.status, notice.attempts, notice.sent_at, mail.outbox) == ("queued", 0, None, [])
    # After it: the queue sends it
    for callback in callbacks:
        callback()
    notice.refresh_from_db()
    assert (notice.status, notice.attempts, notice.sent_at, notice.last_error) == (
        "sent",
        1,
        T0,
        "",
    )
    assert [(m.to, m.extra_headers) for m in mail.outbox] == [
        (["ola@example.com"], {"Auto-Submitted": "auto-generated"})
    ]
    assert (notice.content_type.model, notice.object_id) == ("person", person.pk)
    # A second job for the same notice sends nothing more
    assert notifications.deliver(notice.pk) is None
    assert len(mail.outbox) == 1
    # and no cached page had to be thrown away for it
    assert dict(CacheGeneration.objects.values_list("label", "value")) == generations


def test_a_notice_of_a_rolled_back_transaction_is_neither_kept_nor_sent(
    django_capture_on_commit_callbacks,
):
    person = PersonFactory()
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        ping(person)
        raise RuntimeError("the change failed")
    assert (Notice.objects.count(), mail.outbox) == (0, [])


def test_a_failed_send_is_retried_with_longer_waits_then_marked_failed(
    settings, clock, django_capture_on_commit_callbacks
):
    # Given a mail server that refuses everything
    settings.EMAIL_BACKEND = "openmis.tests.test_notifications.BrokenBackend"
    with django_capture_on_commit_callbacks(execute=True):
        notice = ping(PersonFactory())
    # Then the first try failed, and the next waits a minute
    notice.refresh_from_db()
    assert (notice.status, notice.attempts, notice.last_error, notice.next_attempt) == (
        "queued",
        1,
        "SMTPException: 451 try again later",
        T0 + timedelta(minutes=1),
    )
    # Nothing is due before then
    clock.now = T0 + timedelta(seconds=59)
    assert send_due() == 0
    # Each later try waits four times longer, and after the fifth the notice has failed
    waits = []
    while notice.status == "queued":
        clock.now = notice.next_attempt
        assert send_due() == 1
        before = notice.next_attempt
        notice.refresh_from_db()
        if notice.next_attempt:
            waits.append(notice.next_attempt - before)
    assert waits == [timedelta(minutes=4), timedelta(minutes=16), timedelta(minutes=64)]
    assert (notice.status, notice.attempts, notice.next_attempt, notice.sent_at) == (
        "failed",
        notifications.MAX_ATTEMPTS,
        None,
        None,
    )
    clock.now += timedelta(days=1)
    assert send_due() == 0
    assert mail.outbox == []


def test_a_retry_succeeds_once_the_mail_server_is_back(
    settings, clock, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "openmis.tests.test_notifications.BrokenBackend"
    with django_capture_on_commit_callbacks(execute=True):
        notice = ping(PersonFactory(email="ola@example.com"))
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    clock.now = T0 + timedelta(minutes=1)
    call_command("send_notices", stdout=(out := StringIO()))
    assert out.getvalue() == "1 notice(s) due put on the queue.\n"
    notice.refresh_from_db()
    assert (notice.status, notice.attempts, notice.sent_at) == ("sent", 2, clock.now)
    assert notice.last_error == "SMTPException: 451 try again later"  # what happened before
    assert [m.to for m in mail.outbox] == [["ola@example.com"]]


def test_a_queue_that_can_wait_gets_the_retry_at_its_time(
    settings, clock, django_capture_on_commit_callbacks
):
    from django_tasks import default_task_backend

    # Given the queue of the worker, which holds jobs until their time (here: a list)
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    settings.EMAIL_BACKEND = "openmis.tests.test_notifications.BrokenBackend"
    with django_capture_on_commit_callbacks(execute=True):
        notice = ping(PersonFactory())
    assert [(r.args, r.task.run_after) for r in default_task_backend.results] == [
        ([notice.pk], None)
    ]
    # When the worker's try fails
    assert notifications.deliver(notice.pk) == "queued"
    # Then the next try is queued for its time
    assert [(r.args, r.task.run_after) for r in default_task_backend.results] == [
        ([notice.pk], None),
        ([notice.pk], T0 + timedelta(minutes=1)),
    ]
    # and a job that comes early sends nothing
    assert notifications.deliver(notice.pk) == "queued"
    notice.refresh_from_db()
    assert notice.attempts == 1


def test_a_kind_may_attach_files_built_when_the_mail_leaves(
    monkeypatch, django_capture_on_commit_callbacks
):
    def report(notice):
        return [(f"report-{notice.language}.csv", b"a,b\n1,2\n", "text/csv")]

    kind = notifications.Kind("tests.report", "Report", attachments=report)
    monkeypatch.setitem(notifications._kinds, kind.code, kind)
    with django_capture_on_commit_callbacks(execute=True):
        notify(PersonFactory(language="pl"), kind.code, "Raport", "W załączniku.")
    assert mail.outbox[0].attachments == [("report-pl.csv", "a,b\n1,2\n", "text/csv")]


# --- once per key ---------------------------------------------------------------------------


def test_the_same_key_notifies_once(django_capture_on_commit_callbacks):
    person = PersonFactory()
    other = PersonFactory()
    with django_capture_on_commit_callbacks(execute=True):
        first = ping(person, obj=other, key="2026-12-07")
        again = ping(person, obj=other, key="2026-12-07")
        next_day = ping(person, obj=other, key="2026-12-08")
        about_another = ping(person, obj=person, key="2026-12-07")
        without_key = [ping(person, obj=other), ping(person, obj=other)]
    assert again is None
    assert None not in [first, next_day, about_another, *without_key]
    assert Notice.objects.count() == len(mail.outbox) == 5


def test_nothing_is_kept_for_someone_without_an_address_or_an_undeclared_kind():
    assert ping(Recipient(email="")) is None
    with pytest.raises(LookupError):
        notify(Recipient(email="x@example.com"), "tests.unknown", "s", "b")
    with pytest.raises(TypeError):
        notify(object(), PING, "s", "b")
    assert Notice.objects.count() == 0


def test_reminder_commands_run_twice_notify_once(django_capture_on_commit_callbacks):
    from openmis.meetings.models import ActionItem
    from openmis.meetings.tests.factories import ActionItemFactory
    from openmis.portfolio.models import Contract
    from openmis.portfolio.tests.factories import ContractFactory

    # Given an owner with a login, a contract whose notice deadline is near, an item due today
    user = user_with_role(EMPLOYEE)
    today = timezone.localdate()
    contract = ContractFactory(
        owner=user.person, end_date=today + timedelta(days=100), notice_days=90
    )
    ActionItemFactory(owner=user.person, title="Sign the memo", due_date=today)
    # When both commands run, and run again after their own markers were lost
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_reminders", stdout=StringIO())
        call_command("send_action_reminders", stdout=StringIO())
        Contract.objects.update(reminded_for=None)
        ActionItem.objects.update(reminded_on=None)
        call_command("send_reminders", stdout=StringIO())
        call_command("send_action_reminders", stdout=StringIO())
    # Then each notified the owner once, on their page, about the contract and the person
    notices = Notice.objects.order_by("kind")
    assert [(n.kind, n.recipient, n.status, n.content_type.model) for n in notices] == [
        ("meetings.action_reminder", user, "sent", "person"),
        ("portfolio.contract_reminder", user, "sent", "contract"),
    ]
    assert [n.object_id for n in notices] == [user.person.pk, contract.pk]
    assert "- Sign the memo, due" in notices[0].body
    assert len(mail.outbox) == 2


def test_a_status_change_notifies_in_the_language_of_the_feedback(
    director, django_capture_on_commit_callbacks
):
    from openmis.feedback import services
    from openmis.feedback.tests.factories import FeedbackFactory, ImprovementFactory

    ola = PersonFactory(email="ola@example.com")  # no language of her own
    improvement = ImprovementFactory(title="Faster search")
    improvement.feedback.add(FeedbackFactory(system=improvement.system, author=ola, language="pl"))
    with django_capture_on_commit_callbacks(execute=True):
        services.change_status(improvement, "planned", director)
    notice = Notice.objects.get()
    assert (notice.kind, notice.language, notice.object_id, notice.status) == (
        "feedback.status_change",
        "pl",
        improvement.pk,
        "sent",
    )
    assert notice.subject == "Ulepszenie „Faster search” ma teraz status: Zaplanowane"


# --- what the user sees ---------------------------------------------------------------------


@pytest.fixture
def two_users(clock, django_capture_on_commit_callbacks):
    """Two employees, Anna in New York, each sent two notices."""
    anna = user_with_role(EMPLOYEE, username="anna")
    anna.person.time_zone = "America/New_York"
    anna.person.save()
    bob = user_with_role(EMPLOYEE, username="bob")
    with django_capture_on_commit_callbacks(execute=True):
        for user in (anna, bob):
            ping(user, subject=f"First for {user.username}")
            ping(user, subject=f"Second for {user.username}", body="Line one\nLine two")
    return anna, bob


def test_the_user_sees_what_was_sent_to_them_and_nothing_else(two_users):
    anna, _bob = two_users
    client = logged_in(anna)
    response = client.get("/accounts/notifications/")
    assert response.status_code == 200
    rows = [(n.subject, n.kind_label, n.status) for n in response.context["page"]]
    assert rows == [("Second for anna", "Ping", "sent"), ("First for anna", "Ping", "sent")]
    page = response.content.decode()
    assert 'id="notices-link"' in page  # in the user menu
    assert "Dec 7, 2026, 2:30\u202fAM" in page  # 07:30 UTC in New York
    assert "for bob" not in page
    # Everyone's is not hers to see: the scope is ignored
    response = client.get("/accounts/notifications/?scope=all")
    assert [n.subject for n in response.context["page"]] == ["Second for anna", "First for anna"]
    assert response.context["everyone"] is False
    # The body on click; Bob's notice is not found
    own = Notice.objects.get(subject="Second for anna")
    response = client.get(f"/accounts/notifications/{own.pk}/")
    assert f'href="/accounts/notifications/{own.pk}/"' in page
    assert 'id="notice-body">Line one\nLine two</pre>' in response.content.decode()
    other = Notice.objects.get(subject="Second for bob")
    assert client.get(f"/accounts/notifications/{other.pk}/").status_code == 404
    # Logged out: to the login page
    assert Client().get("/accounts/notifications/").status_code == 302


def test_the_api_lists_the_callers_own_notices(two_users, api_client_for):
    anna, _bob = two_users
    api = api_client_for(anna)
    body = api.get("/api/core/notices/").json()
    assert body["count"] == 2
    assert [r["subject"] for r in body["results"]] == ["Second for anna", "First for anna"]
    first = body["results"][1]
    own = Notice.objects.get(subject="First for anna")
    assert first == {
        "id": own.pk,
        "kind": PING,
        "kind_label": "Ping",
        "subject": "First for anna",
        "body": "At Dec 7, 2026, 2:30\u202fAM",
        "language": "en",
        "time_zone": "America/New_York",
        "created": "2026-12-07T08:30:00+01:00",
        "status": "sent",
        "attempts": 1,
        "sent_at": "2026-12-07T08:30:00+01:00",
        "about": None,
        "object_id": None,
    }
    other = Notice.objects.get(subject="First for bob")
    assert api.get(f"/api/core/notices/{other.pk}/").status_code == 404
    assert api.get(f"/api/core/notices/{own.pk}/").json()["subject"] == "First for anna"
    assert api.get("/api/core/notices/?status=failed").json()["count"] == 0
    assert api.get("/api/core/notices/?status=bogus").status_code == 400
    assert api_client_for(None).get("/api/core/notices/").status_code == 401


@pytest.mark.parametrize("role", [DIRECTOR, STAFF])
def test_the_mis_office_sees_everyones_notices_and_filters_them(role, two_users):
    anna, _bob = two_users
    client = logged_in(user_with_role(role))
    response = client.get("/accounts/notifications/?scope=all")
    assert response.context["everyone"] is True
    assert [n.subject for n in response.context["page"]] == [
        "Second for bob",
        "First for bob",
        "Second for anna",
        "First for anna",
    ]
    response = client.get(f"/accounts/notifications/?scope=all&recipient={anna.email}")
    assert [n.subject for n in response.context["page"]] == ["Second for anna", "First for anna"]
    response = client.get("/accounts/notifications/?scope=all&kind=tests.ping&status=failed")
    assert list(response.context["page"]) == []
    other = Notice.objects.get(subject="First for bob")
    response = client.get(f"/accounts/notifications/{other.pk}/")
    assert response.status_code == 200
    assert "Attempts" in response.content.decode()
    # Their own list is still only theirs
    assert list(client.get("/accounts/notifications/").context["page"]) == []


def test_the_list_costs_the_same_queries_for_few_and_many_notices(
    two_users, django_capture_on_commit_callbacks
):
    anna, _bob = two_users
    client = logged_in(anna)
    client.get("/accounts/notifications/")  # warm the session and the caches

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/accounts/notifications/").status_code == 200
        return len(captured)

    few = queries()
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(20):
            ping(anna, subject=f"More {n}")
    assert queries() == few
