"""Policies: transitions by role, a published text frozen (API and page), publishing minor and
material, the diff escaped, exceptions by date, who sees drafts, reminders and the panels."""

from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from openmis.conftest import ROLES, logged_in
from openmis.core.notifications import Notice
from openmis.governance import policies
from openmis.governance.models import Policy, PolicyException, PolicyVersion
from openmis.governance.models.policies import text_hash
from openmis.governance.tests.factories_policies import (
    PolicyExceptionFactory,
    PolicyFactory,
    PolicyVersionFactory,
    published_policy,
)
from openmis.org.roles import ANALYST, DIRECTOR, EMPLOYEE, LEADER, STAFF
from openmis.org.tests.factories import PersonFactory
from openmis.portfolio.tests.factories import SystemFactory

pytestmark = pytest.mark.django_db


def _version(state="draft", **kwargs) -> PolicyVersion:
    version = PolicyVersionFactory(**kwargs)
    PolicyVersion.objects.filter(pk=version.pk).update(state=state)
    version.refresh_from_db()
    return version


def _approved_policy(author=None, text="# Passwords\n\nTwelve characters.") -> Policy:
    policy = PolicyFactory()
    _version("approved", policy=policy, text=text, author=author)
    return policy


# ---------------------------------------------------------------- transitions by role

# who may apply each transition: the MIS office submits and publishes; approving needs the
# director's right (or being a listed approver); the other roles only read.
EXPECTED = {
    "submit": {DIRECTOR, STAFF},
    "approve": {DIRECTOR},
    "reject": {DIRECTOR},
    "retire": {DIRECTOR, STAFF},
}
START = {"submit": "draft", "approve": "in_review", "reject": "in_review", "retire": "published"}
END = {"submit": "in_review", "approve": "approved", "reject": "draft", "retire": "retired"}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", list(EXPECTED))
def test_transitions_by_role_through_the_api(role, name, make_user, api_client_for):
    user = make_user(role)
    version = _version(START[name])
    if role not in (DIRECTOR, STAFF):
        # a draft is shown to the policy's owner: make the reader its owner, so that the
        # refusal is of the role's rights, not of the row being hidden
        Policy.objects.filter(pk=version.policy_id).update(owner=user.person)
    response = api_client_for(user).post(
        f"/api/governance/policy-versions/{version.pk}/{name}/", {}, format="json"
    )
    version.refresh_from_db()
    if role in EXPECTED[name]:
        assert response.status_code == 200, response.content
        assert response.json()["state"] == END[name]
        assert version.state == END[name]
    else:
        assert response.status_code == 403
        assert version.state == START[name]


@pytest.mark.parametrize("role", ROLES)
def test_a_listed_approver_approves_whatever_the_role(role, make_user, api_client_for):
    user = make_user(role)
    version = _version("in_review")
    version.policy.approvers.add(user.person)
    response = api_client_for(user).post(
        f"/api/governance/policy-versions/{version.pk}/approve/", {}, format="json"
    )
    assert response.status_code == 200, response.content
    version.refresh_from_db()
    assert (version.state, version.approved_by) == ("approved", user.person)


def test_the_author_cannot_approve_their_own_version(make_user, api_client_for):
    director = make_user(DIRECTOR)
    version = _version("in_review", author=director.person)
    version.policy.approvers.add(director.person)
    response = api_client_for(director).post(
        f"/api/governance/policy-versions/{version.pk}/approve/", {}, format="json"
    )
    assert response.status_code == 403
    version.refresh_from_db()
    assert (version.state, version.approved_by) == ("in_review", None)


def test_a_transition_from_the_wrong_state_names_the_state(make_user, api_client_for):
    director = make_user(DIRECTOR)
    version = _version("draft")
    response = api_client_for(director).post(
        f"/api/governance/policy-versions/{version.pk}/approve/", {}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {
        "state": [f"Version {version.number} is Draft; this needs it In review."]
    }
    version.refresh_from_db()
    assert version.state == "draft"


def test_transitions_on_the_page(make_user):
    director = make_user(DIRECTOR)
    version = _version("draft")
    client = logged_in(director)
    page = client.get(f"/governance/policy-versions/{version.pk}/")
    assert page.status_code == 200
    assert 'id="transition-submit"' in page.content.decode()
    response = client.post(f"/governance/policy-versions/{version.pk}/submit/")
    assert response.status_code == 302
    version.refresh_from_db()
    assert version.state == "in_review"
    client.post(f"/governance/policy-versions/{version.pk}/reject/", {"reason": "Too vague"})
    version.refresh_from_db()
    assert (version.state, version.summary) == ("draft", "Rejected: Too vague")


def test_the_buttons_come_before_the_long_text(make_user):
    """The reviewer sees what they can do without scrolling past the whole text."""
    director = make_user(DIRECTOR)
    version = _version("draft", text="Line\n\n" * 200)
    page = logged_in(director).get(f"/governance/policy-versions/{version.pk}/").content.decode()
    assert page.index('id="transition-submit"') < page.index('id="version-text"')
    policy = published_policy()
    page = logged_in(director).get(f"/governance/policies/{policy.pk}/").content.decode()
    assert page.index('id="new-draft"') < page.index('id="policy-text"')


# ---------------------------------------------------------------- publishing


@pytest.mark.parametrize("change", ["minor", "material"])
def test_publish_freezes_the_text_and_retires_the_previous_version(
    change, make_user, api_client_for
):
    director = make_user(DIRECTOR)
    policy = published_policy(review_interval=6)
    old = policy.versions.get()
    new = _version("approved", policy=policy, text="# Rule\n\nNew text.")
    response = api_client_for(director).post(
        f"/api/governance/policies/{policy.pk}/publish/", {"change": change}, format="json"
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["id"], body["state"], body["change"]) == (new.pk, "published", change)
    assert body["sha256"] == text_hash("# Rule\n\nNew text.")
    old.refresh_from_db()
    new.refresh_from_db()
    assert (old.state, new.state, new.change) == ("retired", "published", change)
    assert new.published_at is not None
    policy.refresh_from_db()
    assert policy.current_version == new
    assert policy.next_review == policies.add_months(timezone.localdate(), 6)


def test_publish_without_an_approved_version_names_the_state(make_user, api_client_for):
    director = make_user(DIRECTOR)
    version = _version("in_review")
    response = api_client_for(director).post(
        f"/api/governance/policies/{version.policy_id}/publish/",
        {"change": "minor"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {
        "state": [
            f"The policy has no approved version to publish: version {version.number} is In review."
        ]
    }
    version.refresh_from_db()
    assert (version.state, version.sha256) == ("in_review", "")


def test_publish_needs_a_change_size(make_user, api_client_for):
    director = make_user(DIRECTOR)
    policy = _approved_policy()
    response = api_client_for(director).post(
        f"/api/governance/policies/{policy.pk}/publish/", {"change": "huge"}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()) == ["change"]
    assert policy.versions.get().state == "approved"


@pytest.mark.parametrize("role", [LEADER, ANALYST, EMPLOYEE])
def test_only_the_mis_office_publishes(role, make_user, api_client_for):
    user = make_user(role)
    policy = _approved_policy()
    policy.owner = user.person
    policy.save()
    response = api_client_for(user).post(
        f"/api/governance/policies/{policy.pk}/publish/", {"change": "minor"}, format="json"
    )
    assert response.status_code == 403
    assert policy.versions.get().state == "approved"


def test_publish_on_the_page(make_user):
    director = make_user(DIRECTOR)
    policy = _approved_policy()
    client = logged_in(director)
    assert client.get(f"/governance/policies/{policy.pk}/publish/").status_code == 200
    response = client.post(f"/governance/policies/{policy.pk}/publish/", {"change": "material"})
    assert response.status_code == 302
    version = policy.versions.get()
    assert (version.state, version.change) == ("published", "material")
    page = client.get(f"/governance/policies/{policy.pk}/").content.decode()
    assert f'<code id="policy-hash">{version.sha256}</code>' in page


# ---------------------------------------------------------------- immutability


@pytest.mark.parametrize("method", ["patch", "put"])
def test_a_published_version_is_refused_through_the_api(method, make_user, api_client_for):
    director = make_user(DIRECTOR)
    policy = published_policy()
    version = policy.versions.get()
    text, digest = version.text, version.sha256
    call = getattr(api_client_for(director), method)
    response = call(
        f"/api/governance/policy-versions/{version.pk}/",
        {"policy": policy.pk, "text": "Changed!", "summary": "x", "version": version.version},
        format="json",
    )
    assert response.status_code == 409
    assert "never changes" in response.json()["detail"]
    version.refresh_from_db()
    assert (version.text, version.sha256, version.summary) == (text, digest, "")
    assert policy.versions.count() == 1


def test_the_model_refuses_a_new_text_on_a_published_version():
    from openmis.core.services import ConflictError

    version = published_policy().versions.get()
    version.text = "Changed"
    with pytest.raises(ConflictError):
        version.save()
    version.refresh_from_db()
    assert version.text != "Changed"


def test_saving_over_a_published_version_on_the_page_keeps_the_text_as_a_draft(make_user):
    director = make_user(DIRECTOR)
    policy = published_policy()
    version = policy.versions.get()
    text, digest = version.text, version.sha256
    client = logged_in(director)
    response = client.post(
        f"/governance/policy-versions/{version.pk}/edit/",
        {"text": "# Rule\n\nMy better text.", "summary": "Clearer", "version": version.version},
    )
    draft = policy.versions.get(number=2)
    assert response.status_code == 302
    assert response["Location"] == f"/governance/policy-versions/{draft.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "Your text was kept as a new draft, version 2." in page
    version.refresh_from_db()
    assert (version.text, version.sha256, version.state) == (text, digest, "published")
    assert (draft.text, draft.state, draft.author) == (
        "# Rule\n\nMy better text.",
        "draft",
        director.person,
    )
    assert policy.current_version == version  # the old version stays live


def test_editing_an_approved_draft_sends_it_back_to_draft():
    version = _version("approved", approved_by=PersonFactory())
    version.text = "Edited after approval"
    version.save()
    version.refresh_from_db()
    assert (version.state, version.approved_by) == ("draft", None)


def test_a_new_draft_starts_from_the_text_in_force(make_user):
    director = make_user(DIRECTOR)
    policy = published_policy()
    response = logged_in(director).post(f"/governance/policies/{policy.pk}/new-draft/")
    draft = policy.versions.get(number=2)
    assert response.status_code == 302
    assert response["Location"] == f"/governance/policy-versions/{draft.pk}/edit/"
    assert (draft.text, draft.state, draft.author) == (
        policy.versions.get(number=1).text,
        "draft",
        director.person,
    )


def test_only_one_version_is_prepared_at_a_time(make_user, api_client_for):
    director = make_user(DIRECTOR)
    version = _version("draft")
    response = api_client_for(director).post(
        "/api/governance/policy-versions/",
        {"policy": version.policy_id, "text": "Another"},
        format="json",
    )
    assert response.status_code == 400
    assert version.policy.versions.count() == 1


def test_a_version_written_through_the_api_is_the_callers(make_user, api_client_for):
    director = make_user(DIRECTOR)
    policy = published_policy()
    response = api_client_for(director).post(
        "/api/governance/policy-versions/",
        {"policy": policy.pk, "text": "Next", "state": "published", "author": 999},
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["number"], body["state"], body["author"]) == (2, "draft", director.person.pk)


# ---------------------------------------------------------------- diff


def test_the_diff_escapes_html(make_user):
    director = make_user(DIRECTOR)
    policy = PolicyFactory()
    old = _version("retired", policy=policy, text="Line one\n<b>bold</b>\nkeep")
    new = _version("draft", policy=policy, text="Line one\n<script>alert(1)</script>\nkeep")
    response = logged_in(director).get(
        f"/governance/policies/{policy.pk}/diff/?from={old.pk}&to={new.pk}"
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;b&gt;bold&lt;/b&gt;" in page
    assert "<b>bold</b>" not in page


def test_diff_lines():
    old, new = PolicyVersion(text="a\nb\nc"), PolicyVersion(text="a\nB\nc")
    assert [(line.kind, line.text) for line in policies.diff(old, new)] == [
        ("hunk", "@@ -1,3 +1,3 @@"),
        ("context", "a"),
        ("remove", "b"),
        ("add", "B"),
        ("context", "c"),
    ]


def test_the_diff_shows_only_versions_the_reader_sees(make_user):
    employee = make_user(EMPLOYEE)
    policy = published_policy()
    draft = _version("draft", policy=policy, text="Secret draft")
    response = logged_in(employee).get(
        f"/governance/policies/{policy.pk}/diff/?from={policy.versions.get(number=1).pk}"
        f"&to={draft.pk}"
    )
    assert response.status_code == 200
    assert "Secret draft" not in response.content.decode()


# ---------------------------------------------------------------- exceptions


def test_exception_activity_by_date():
    today = date(2026, 6, 15)
    lapsed = PolicyExceptionFactory(expires=today - timedelta(days=1))
    last_day = PolicyExceptionFactory(expires=today)
    later = PolicyExceptionFactory(expires=today + timedelta(days=30))
    assert set(PolicyException.objects.active_on(today)) == {last_day, later}
    assert set(PolicyException.objects.active_on(today + timedelta(days=1))) == {later}
    assert (lapsed.active_on(today), last_day.active_on(today), later.active_on(today)) == (
        False,
        True,
        True,
    )
    assert (
        PolicyExceptionFactory(expires=timezone.localdate() - timedelta(days=1)).is_active is False
    )
    assert PolicyExceptionFactory(expires=timezone.localdate()).is_active is True


def test_an_exception_exempts_exactly_one_subject_and_not_by_its_requester():
    from django.core.exceptions import ValidationError

    person = PersonFactory()
    both = PolicyExceptionFactory.build(
        policy=PolicyFactory(), person=person, system=SystemFactory()
    )
    with pytest.raises(ValidationError, match="exactly one"):
        both.full_clean()
    own = PolicyExceptionFactory.build(
        policy=PolicyFactory(), person=PersonFactory(), requested_by=person, approver=person
    )
    with pytest.raises(ValidationError) as caught:
        own.full_clean()
    assert caught.value.message_dict["approver"] == [
        "The person who asked for the exception cannot approve it."
    ]


def test_exceptions_are_listed_on_the_policy_page(make_user):
    director = make_user(DIRECTOR)
    policy = published_policy()
    PolicyExceptionFactory(policy=policy, reason="Old scanner", expires=date(2020, 1, 1))
    page = logged_in(director).get(f"/governance/policies/{policy.pk}/").content.decode()
    assert "Old scanner" in page
    assert "(expired)" in page
    assert "Old scanner · valid until" in page  # not "scanner; valid" after a full stop


# ---------------------------------------------------------------- who sees drafts


def _drafted():
    """A published policy with a draft, and a policy only in draft."""
    published = published_policy(title="Published rule")
    _version("draft", policy=published, text="Draft of the published rule")
    unpublished = PolicyFactory(title="Unpublished rule")
    _version("draft", policy=unpublished, text="Only a draft")
    return published, unpublished


@pytest.mark.parametrize("role", ROLES)
def test_drafts_are_seen_by_the_mis_office_only(role, make_user, api_client_for):
    user = make_user(role)
    published, unpublished = _drafted()
    sees_drafts = role in (DIRECTOR, STAFF)
    client, api = logged_in(user), api_client_for(user)
    draft = published.versions.get(state="draft")

    titles = {row["title"] for row in api.get("/api/governance/policies/").json()["results"]}
    assert titles == ({"Published rule", "Unpublished rule"} if sees_drafts else {"Published rule"})
    states = {row["state"] for row in api.get("/api/governance/policy-versions/").json()["results"]}
    assert states == ({"published", "draft"} if sees_drafts else {"published"})
    assert api.get(f"/api/governance/policy-versions/{draft.pk}/").status_code == (
        200 if sees_drafts else 404
    )
    assert api.get(f"/api/governance/policies/{unpublished.pk}/").status_code == (
        200 if sees_drafts else 404
    )
    listing = client.get("/governance/policies/").content.decode()
    assert ("Unpublished rule" in listing) is sees_drafts
    assert "Published rule" in listing
    exported = client.get("/governance/policy-versions/export/?format=csv")
    export = b"".join(exported.streaming_content).decode()
    assert ("Draft of the published rule" in export) is sees_drafts
    found = api.get("/api/governance/policy-versions/?q=Draft+of+the").json()["results"]
    assert [row["id"] for row in found] == ([draft.pk] if sees_drafts else [])
    searched = client.get("/search/?q=Draft+of+the").content.decode()
    assert ("Published rule, version 2" in searched) is sees_drafts
    page = client.get(f"/governance/policy-versions/{draft.pk}/")
    assert page.status_code in ((200,) if sees_drafts else (403, 404))


@pytest.mark.parametrize("role", [LEADER, ANALYST, EMPLOYEE])
@pytest.mark.parametrize("relation", ["owner", "approver"])
def test_owners_and_approvers_see_their_drafts(role, relation, make_user, api_client_for):
    user = make_user(role)
    _published, unpublished = _drafted()
    if relation == "owner":
        Policy.objects.filter(pk=unpublished.pk).update(owner=user.person)
    else:
        unpublished.approvers.add(user.person)
    api = api_client_for(user)
    assert api.get(f"/api/governance/policies/{unpublished.pk}/").status_code == 200
    draft = unpublished.versions.get()
    assert api.get(f"/api/governance/policy-versions/{draft.pk}/").json()["text"] == "Only a draft"


def test_anonymous_sees_nothing():
    published_policy()
    assert Client().get("/api/governance/policies/").status_code == 401


# ---------------------------------------------------------------- reviews


def test_review_reminders_are_sent_once_per_review_date(make_user):
    today = date(2026, 3, 1)
    owner = PersonFactory(email="owner@example.com")
    due = PolicyFactory(title="Backups", owner=owner, next_review=today + timedelta(days=10))
    PolicyFactory(title="Later", next_review=today + timedelta(days=60))
    PolicyFactory(title="Overdue", next_review=today - timedelta(days=3))
    assert policies.send_review_reminders(today) == 2
    assert policies.send_review_reminders(today) == 0
    notices = Notice.objects.filter(kind=policies.REVIEW_REMINDER).order_by("subject")
    assert [n.email for n in notices if n.object_id == due.pk] == ["owner@example.com"]
    assert "Backups" in notices.get(object_id=due.pk).subject


def test_the_daily_command_reminds(capsys):
    PolicyFactory(next_review=timezone.localdate())
    call_command("send_policy_reminders")
    assert capsys.readouterr().out.strip() == "1 policy review reminder(s) sent."
    assert Notice.objects.filter(kind=policies.REVIEW_REMINDER).count() == 1


def test_the_one_daily_command_runs_reviews_acknowledgements_and_training(capsys):
    from openmis.governance.tests.factories_training import EnrolmentFactory

    PolicyFactory(next_review=timezone.localdate())
    person = PersonFactory(manager=PersonFactory(email="boss@example.com"))
    overdue = EnrolmentFactory(person=person, due_date=timezone.localdate() - timedelta(days=1))
    call_command("governance_daily")
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0] == "1 policy review reminder(s) sent."
    assert lines[1].startswith("0 person(s) asked")
    assert lines[2].startswith("0 enrolment(s) created")
    assert Notice.objects.filter(kind=policies.REVIEW_REMINDER).count() == 1
    assert Notice.objects.filter(object_id=overdue.pk, kind="governance.training_overdue").exists()
    # the deprecated aliases run their part only, and nothing is sent twice
    call_command("send_policy_reminders")
    call_command("governance_training_daily")
    out = capsys.readouterr().out.strip().splitlines()
    assert out[0] == "0 policy review reminder(s) sent."
    assert out[1].startswith("0 enrolment(s) created") and "0 escalation(s)" in out[1]
    assert Notice.objects.filter(kind=policies.REVIEW_REMINDER).count() == 1


def test_the_old_daily_commands_are_marked_deprecated():
    from django.core.management import load_command_class

    for name in ("send_policy_reminders", "governance_training_daily"):
        assert load_command_class("openmis.governance", name).help.startswith("Deprecated")


@pytest.mark.parametrize("role", ROLES)
def test_the_review_due_page_is_the_mis_offices(role, make_user):
    user = make_user(role)
    PolicyFactory(title="Overdue rule", next_review=timezone.localdate() - timedelta(days=1))
    PolicyFactory(title="Far rule", next_review=timezone.localdate() + timedelta(days=200))
    response = logged_in(user).get("/governance/policies/review-due/")
    if role in (DIRECTOR, STAFF):
        page = response.content.decode()
        assert response.status_code == 200
        assert "Overdue rule" in page
        assert "Far rule" not in page
        # a way back to the policies, like every other page
        crumb = '<li class="breadcrumb-item"><a href="/governance/policies/">Policies</a></li>'
        assert crumb in page
    else:
        assert response.status_code == 403


def test_recording_a_review_moves_the_date(make_user):
    director = make_user(DIRECTOR)
    policy = PolicyFactory(next_review=date(2020, 1, 1), review_interval=12)
    logged_in(director).post(f"/governance/policies/{policy.pk}/reviewed/")
    policy.refresh_from_db()
    assert policy.next_review == policies.add_months(timezone.localdate(), 12)


def test_the_policy_page_names_the_next_review_once(make_user):
    policy = published_policy(title="Backups")
    Policy.objects.filter(pk=policy.pk).update(next_review=date(2031, 5, 17))
    page = logged_in(make_user(EMPLOYEE)).get(f"/governance/policies/{policy.pk}/")
    text = page.content.decode()
    assert text.count("Next review") == 1
    assert 'id="policy-review"' in text


def test_add_months_clamps_to_the_months_end():
    assert policies.add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert policies.add_months(date(2026, 11, 15), 14) == date(2028, 1, 15)


# ---------------------------------------------------------------- panels


@pytest.mark.parametrize("role", ROLES)
def test_the_system_page_lists_its_policies(role, make_user):
    user = make_user(role)
    system = SystemFactory(name="Salesforce")
    published_policy(title="CRM acceptable use").systems.add(system)
    unpublished = PolicyFactory(title="CRM draft rule")
    unpublished.systems.add(system)
    page = logged_in(user).get(f"/portfolio/systems/{system.pk}/").content.decode()
    assert "CRM acceptable use" in page
    assert ("CRM draft rule" in page) is (role in (DIRECTOR, STAFF))


@pytest.mark.parametrize("role", ROLES)
def test_the_home_tile_of_reviews_due(role, make_user):
    user = make_user(role)
    PolicyFactory(title="Overdue rule", next_review=timezone.localdate() - timedelta(days=1))
    page = logged_in(user).get("/").content.decode()
    assert ('id="policy-reviews-heading"' in page) is (role in (DIRECTOR, STAFF))
    if role in (DIRECTOR, STAFF):
        assert "Overdue rule" in page


def test_a_published_version_is_never_deleted(make_user, api_client_for):
    director = make_user(DIRECTOR)
    version = published_policy().versions.get()
    response = api_client_for(director).delete(f"/api/governance/policy-versions/{version.pk}/")
    assert response.status_code == 403
    assert PolicyVersion.objects.filter(pk=version.pk).exists()
    page = logged_in(director).post(f"/governance/policy-versions/{version.pk}/delete/")
    assert page.status_code == 403
    assert PolicyVersion.objects.filter(pk=version.pk).exists()


def test_deleting_a_published_policy_warns(make_user):
    director = make_user(DIRECTOR)
    policy = published_policy()
    page = logged_in(director).get(f"/governance/policies/{policy.pk}/delete/").content.decode()
    assert "1 published or retired version will be deleted with it" in page


def test_the_system_panel_queries_do_not_grow_with_policies(make_user):
    from django.db import connection
    from django.test import RequestFactory
    from django.test.utils import CaptureQueriesContext

    from openmis.governance import policy_panels

    employee = make_user(EMPLOYEE)
    system = SystemFactory()
    request = RequestFactory().get("/")
    request.user = employee

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            policy_panels.system_policies(request, system)
        return len(queries)

    published_policy().systems.add(system)
    few = count()
    for _ in range(8):
        published_policy().systems.add(system)
    assert count() == few


def test_the_exception_list_filters_those_that_apply_on_a_day(make_user, api_client_for):
    director = make_user(DIRECTOR)
    policy = published_policy()
    PolicyExceptionFactory(policy=policy, expires=date(2026, 5, 31))
    applies = PolicyExceptionFactory(policy=policy, expires=date(2026, 6, 30))
    response = api_client_for(director).get(
        "/api/governance/policy-exceptions/?active_on=2026-06-01"
    )
    assert [row["id"] for row in response.json()["results"]] == [applies.pk]


def test_a_published_versions_summary_does_not_change_on_the_page(make_user):
    director = make_user(DIRECTOR)
    version = published_policy().versions.get()
    response = logged_in(director).post(
        f"/governance/policy-versions/{version.pk}/edit/",
        {"text": version.text, "summary": "Rewritten history", "version": version.version},
    )
    assert response.status_code == 400
    assert f"Version {version.number} is Published: it never changes." in response.content.decode()
    version.refresh_from_db()
    assert (version.summary, version.policy.versions.count()) == ("", 1)


def test_the_policy_page_shows_the_text_in_force_sanitised_while_a_draft_is_written(make_user):
    employee = make_user(EMPLOYEE)
    policy = PolicyFactory()
    live = _version("published", policy=policy, text="# Live\n\n<script>alert(1)</script>ok")
    _version("draft", policy=policy, text="Secret next draft")
    page = logged_in(employee).get(f"/governance/policies/{policy.pk}/").content.decode()
    assert "<h1>Live</h1>" in page
    assert "<script>alert(1)</script>" not in page
    assert "Secret next draft" not in page
    assert f"version {live.number}" in page
