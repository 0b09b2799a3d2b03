"""Triage of feedback (issue #14, item 1): the workflow's moves for every role, through the API
and the pages; the API's refusals; the triage queue's actions, all or none; merged duplicates
keeping their givers; an improvement done answering its feedback; the service level in
working days and the cockpit tile that lists what missed it."""

from datetime import timedelta
from importlib import import_module

import pytest
from django.apps import apps as django_apps
from django.core import mail
from django.test import Client, RequestFactory
from django.utils import timezone

from openmis.core import workdays
from openmis.feedback import services, tiles, workflow
from openmis.feedback.models import Feedback, FeedbackStatusChange, Improvement
from openmis.feedback.tests.factories import FeedbackFactory, ImprovementFactory
from openmis.org.roles import ANALYST, DIRECTOR, EMPLOYEE, LEADER, STAFF
from openmis.org.tests.factories import DepartmentFactory, PersonFactory, user_with_role
from openmis.portfolio.tests.factories import SystemFactory

ROLES = [DIRECTOR, STAFF, LEADER, ANALYST, EMPLOYEE]
TRIAGERS = {DIRECTOR, STAFF}
TRIAGE_URL = "/api/feedback/feedback/{}/triage/"


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def _payload(status, original=None):
    """A request the workflow's other rules accept: a reason, and an original for duplicates."""
    body = {"status": status, "reason": "Out of scope"}
    if status == workflow.DUPLICATE:
        body["duplicate_of"] = original.pk
    return body


# --- the transition table for every role ------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_every_move_of_the_table_for_every_role(role, department, api_client_for):
    # Given a user of the role and an original to merge into
    user = user_with_role(role, department, totp=False)
    api = api_client_for(user)
    original = FeedbackFactory(department=department)
    for from_status in workflow.STATUSES:
        for to_status in workflow.STATUSES:
            item = FeedbackFactory(department=department, status=from_status)
            # When the user asks for the move
            response = api.post(
                TRIAGE_URL.format(item.pk), _payload(to_status, original), format="json"
            )
            item.refresh_from_db()
            moves = FeedbackStatusChange.objects.filter(feedback=item)
            if role not in TRIAGERS:
                # Then only the MIS office may triage: nothing changes
                assert response.status_code == 403, (role, from_status, to_status)
                assert (item.status, moves.count()) == (from_status, 0)
            elif to_status in workflow.TRANSITIONS[from_status]:
                # Then an allowed move is made and recorded
                assert response.status_code == 200, (from_status, to_status, response.json())
                assert response.json()["status"] == to_status
                assert item.status == to_status
                change = moves.get()
                assert (change.from_status, change.to_status, change.changed_by) == (
                    from_status,
                    to_status,
                    user,
                )
            else:
                # Then any other is refused, naming the moves allowed from where it stands
                assert response.status_code == 400, (from_status, to_status)
                assert response.json()["allowed"] == list(workflow.TRANSITIONS[from_status])
                assert (item.status, moves.count()) == (from_status, 0)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_the_triage_queue_is_the_mis_offices(role, department):
    FeedbackFactory(department=department, text="Export hangs")
    response = client_for(user_with_role(role, department)).get("/feedback/triage/?status=new")
    assert response.status_code == (200 if role in TRIAGERS else 403)
    if role in TRIAGERS:
        assert "Export hangs" in response.content.decode()


# --- the API's answers ------------------------------------------------------------------------


@pytest.fixture
def staff_api(department, api_client_for):
    return api_client_for(user_with_role(STAFF, department))


@pytest.mark.django_db
def test_declining_needs_a_reason(staff_api):
    item = FeedbackFactory()
    response = staff_api.post(TRIAGE_URL.format(item.pk), {"status": "declined"}, format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["reason"]
    item.refresh_from_db()
    assert item.status == "new"


@pytest.mark.django_db
def test_a_duplicate_names_another_visible_item_and_makes_no_circle(staff_api):
    first, second = FeedbackFactory(), FeedbackFactory()
    url = TRIAGE_URL.format(first.pk)
    # Without an original, with itself, with one that does not exist, with a word
    for body, field in [
        ({"status": "duplicate"}, "duplicate_of"),
        ({"status": "duplicate", "duplicate_of": first.pk}, "duplicate_of"),
        ({"status": "duplicate", "duplicate_of": 999999}, "duplicate_of"),
        ({"status": "duplicate", "duplicate_of": "second"}, "duplicate_of"),
        ({"status": "merged"}, "status"),
        ({}, "status"),
    ]:
        response = staff_api.post(url, body, format="json")
        assert response.status_code == 400, body
        assert field in response.json(), body
    # When the second is merged into the first, the first cannot be merged into the second
    assert (
        staff_api.post(
            TRIAGE_URL.format(second.pk), {"status": "duplicate", "duplicate_of": first.pk}
        ).status_code
        == 200
    )
    response = staff_api.post(url, {"status": "duplicate", "duplicate_of": second.pk})
    assert response.status_code == 400
    assert "circle" in response.json()["duplicate_of"][0]
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status, second.duplicate_of) == ("new", "duplicate", first)


@pytest.mark.django_db
def test_an_unknown_item_is_a_404(staff_api):
    response = staff_api.post(TRIAGE_URL.format(999999), {"status": "acknowledged"})
    assert response.status_code == 404
    assert "detail" in response.json()


@pytest.mark.django_db
def test_the_schema_publishes_the_status_and_the_triage_endpoint(director_client):
    schema = director_client.get("/api/schema/?format=json").json()
    feedback = schema["components"]["schemas"]["Feedback"]["properties"]
    assert feedback["status"]["readOnly"] is True
    triage = schema["paths"]["/api/feedback/feedback/{id}/triage/"]["post"]
    assert set(triage["responses"]) >= {"200", "400"}
    request = schema["components"]["schemas"]["TriageRequest"]["properties"]
    assert set(request) == {"status", "reason", "duplicate_of", "version"}


@pytest.mark.django_db
def test_the_feedback_page_shows_the_history(director_client, director):
    item = FeedbackFactory(text="Login is slow")
    services.triage(item, "acknowledged", director)
    services.triage(item, "declined", director, "Fixed by the new VPN")
    page = director_client.get(item.get_absolute_url()).content.decode()
    assert 'id="triage-history"' in page
    assert "Fixed by the new VPN" in page
    assert [c.to_status for c in item.status_changes.all()] == ["declined", "acknowledged"]


# --- the queue's actions, all or none --------------------------------------------------------


@pytest.mark.django_db
def test_a_bulk_action_moves_all_or_none_and_names_the_refused_rows(department):
    client = client_for(user_with_role(STAFF, department))
    fresh = [FeedbackFactory(text=f"Fresh {n}") for n in range(2)]
    answered = FeedbackFactory(status="acknowledged", text="Already seen")
    # When the staff acknowledge the three together
    response = client.post(
        "/feedback/triage/",
        {"feedback": [f.pk for f in [*fresh, answered]], "status": "acknowledged"},
        follow=True,
    )
    # Then nothing changed, and the answered one is named
    texts = [str(m) for m in response.context["messages"]]
    assert texts[0].startswith("Nothing was changed: 1 of the chosen items")
    assert texts[1].startswith(f"#{answered.pk} Already seen:")
    assert list(Feedback.objects.order_by("pk").values_list("status", flat=True)) == [
        "new",
        "new",
        "acknowledged",
    ]
    assert FeedbackStatusChange.objects.count() == 0
    # When they acknowledge the two fresh ones, both move
    response = client.post(
        "/feedback/triage/",
        {"feedback": [f.pk for f in fresh], "status": "acknowledged"},
        follow=True,
    )
    assert [str(m) for m in response.context["messages"]] == [
        "2 feedback items are now “Acknowledged”."
    ]
    assert FeedbackStatusChange.objects.filter(to_status="acknowledged").count() == 2
    assert set(Feedback.objects.values_list("status", flat=True)) == {"acknowledged"}


@pytest.mark.django_db
def test_a_bulk_decline_needs_a_reason_and_a_bulk_merge_an_original(department):
    client = client_for(user_with_role(DIRECTOR, department))
    original, a, b = FeedbackFactory(), FeedbackFactory(), FeedbackFactory()
    client.post("/feedback/triage/", {"feedback": [a.pk, b.pk], "status": "declined"})
    assert set(Feedback.objects.values_list("status", flat=True)) == {"new"}
    client.post(
        "/feedback/triage/",
        {"feedback": [a.pk, b.pk], "status": "duplicate", "duplicate_of": original.pk},
    )
    assert list(original.duplicates.order_by("pk")) == [a, b]


@pytest.mark.django_db
@pytest.mark.parametrize("rows", [4, 49])  # and the original: 5 and 50 rows
def test_the_queue_reads_a_page_in_a_fixed_number_of_queries(
    rows, department, django_assert_max_num_queries
):
    client = client_for(user_with_role(STAFF, department))
    client.get("/feedback/triage/?status=new")  # the session and permissions, cached
    original = FeedbackFactory()
    for n in range(rows):
        FeedbackFactory(
            status="duplicate" if n % 2 else "new",
            duplicate_of=original if n % 2 else None,
            client=None,
        )
    with django_assert_max_num_queries(20):
        response = client.get("/feedback/triage/?status=new&status=duplicate")
    assert len(response.context["page"].object_list) == rows + 1


# --- merged duplicates and the improvement that answers them ---------------------------------


@pytest.mark.django_db(transaction=False)
def test_merging_keeps_every_giver_and_done_answers_them_all(
    director, django_capture_on_commit_callbacks
):
    system = SystemFactory()
    dept = DepartmentFactory()
    ola = PersonFactory(email="ola@example.com", department=dept)
    jan = PersonFactory(email="jan@example.com", department=dept)
    original = FeedbackFactory(system=system, department=dept, author=ola)
    repeated = FeedbackFactory(system=system, department=dept, author=jan, language="pl")
    # Given the second item merged into the first, which an improvement groups
    services.triage(repeated, "duplicate", director, duplicate_of=original)
    improvement = ImprovementFactory(system=system)
    improvement.feedback.add(original)
    assert services.feedback_givers(improvement) == [
        ("jan@example.com", "pl"),
        ("ola@example.com", "en"),
    ]
    # When the improvement is done
    with django_capture_on_commit_callbacks(execute=True):
        services.change_status(improvement, Improvement.Status.DONE, director)
    # Then both items are answered, the merge is kept, and both givers are told
    original.refresh_from_db()
    repeated.refresh_from_db()
    assert (original.status, repeated.status) == ("answered", "answered")
    assert repeated.duplicate_of == original
    assert sorted(m.to[0] for m in mail.outbox) == ["jan@example.com", "ola@example.com"]
    answer = repeated.status_changes.first()
    assert (answer.from_status, answer.to_status, answer.improvement) == (
        "duplicate",
        "answered",
        improvement,
    )


@pytest.mark.django_db
def test_done_leaves_declined_feedback_declined(director):
    item = FeedbackFactory(status="declined", status_reason="Not ours")
    improvement = ImprovementFactory(system=item.system)
    improvement.feedback.add(item)
    services.change_status(improvement, Improvement.Status.DONE, director)
    item.refresh_from_db()
    assert (item.status, item.status_reason) == ("declined", "Not ours")


@pytest.mark.django_db
def test_the_migration_derives_status_from_the_improvements():
    system = SystemFactory()
    done, open_, declined = (
        ImprovementFactory(system=system, status=s) for s in ("done", "in_progress", "declined")
    )
    in_done, in_open, in_declined, in_both, alone = (
        FeedbackFactory(system=system) for _ in "12345"
    )
    done.feedback.add(in_done, in_both)
    open_.feedback.add(in_open)
    declined.feedback.add(in_declined, in_both)
    import_module("openmis.feedback.migrations.0004_triage").derive_statuses(django_apps, None)
    statuses = dict(Feedback.objects.values_list("pk", "status"))
    assert [statuses[f.pk] for f in (in_done, in_open, in_declined, in_both, alone)] == [
        "answered",
        "planned",
        "declined",
        "answered",
        "new",
    ]


# --- the service level (working days: openmis.core.tests.test_workdays) ---------------------


@pytest.mark.django_db
def test_the_cockpit_tile_counts_the_list_it_links_to(director, api_client_for, settings):
    settings.FEEDBACK_ACKNOWLEDGE_DAYS = 5
    today = timezone.localdate()
    last = workdays.overdue_on_or_before(today, 5, settings.OPENMIS_HOLIDAY_COUNTRY)
    late = [FeedbackFactory(date=last - timedelta(days=n), text=f"Late {n}") for n in range(3)]
    FeedbackFactory(date=last + timedelta(days=1), text="In time")
    FeedbackFactory(date=last - timedelta(days=9), status="acknowledged", text="Acknowledged")
    request = RequestFactory().get("/")
    request.user = director
    tile = tiles.missed_acknowledgement(request)
    window = tile["feedback"]
    assert window.count == 3
    assert [f.text for f in window.rows] == [f.text for f in reversed(late)]
    query = window.url.split("?", 1)[1]
    listed = api_client_for(director).get(f"/api/feedback/feedback/?{query}").json()
    assert listed["count"] == window.count
    page = client_for(director).get("/").content.decode()
    assert 'id="missed-ack"' in page


@pytest.mark.django_db
def test_no_service_level_tile_without_triage(department):
    user = user_with_role(LEADER, department)
    request = RequestFactory().get("/")
    request.user = user
    FeedbackFactory(date=timezone.localdate() - timedelta(days=30))
    assert tiles.missed_acknowledgement(request) is None


@pytest.mark.django_db
@pytest.mark.parametrize("role", [STAFF, LEADER, EMPLOYEE])
def test_the_feedback_page_triages_with_the_same_permission_as_the_api(role, department):
    item = FeedbackFactory(department=department)
    client = client_for(user_with_role(role, department))
    page = client.get(item.get_absolute_url()).content.decode()
    assert ('id="triage-form"' in page) is (role in TRIAGERS)
    response = client.post(
        f"/feedback/feedback/{item.pk}/triage/", {"status": "acknowledged", "version": 1}
    )
    item.refresh_from_db()
    if role in TRIAGERS:
        assert response.status_code == 302
        assert item.status == "acknowledged"
    else:
        assert response.status_code == 403
        assert (item.status, item.status_changes.count()) == ("new", 0)
    assert (
        client.post("/feedback/feedback/999999/triage/", {"status": "acknowledged"}).status_code
        == 404
    )
