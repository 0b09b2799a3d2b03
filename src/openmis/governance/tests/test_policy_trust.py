"""The trust review of policies and exceptions: whoever changed a version's text never approves
it; exceptions are read only by those they concern; a published version's history keeps its
drafts from readers of published texts; versions follow their policy's visibility; a form
that fails validation writes nothing; every write of the policy pages is audited."""

import pytest
from auditlog.models import LogEntry
from django.contrib.auth.models import Permission

from openmis.conftest import logged_in
from openmis.core.services import save_object
from openmis.governance.forms_policies import PolicyVersionForm
from openmis.governance.models import PolicyVersion
from openmis.governance.tests.factories_policies import (
    PolicyExceptionFactory,
    PolicyFactory,
    PolicyVersionFactory,
    published_policy,
)
from openmis.org.models import Person, Role
from openmis.org.roles import DIRECTOR, EMPLOYEE, LEADER, STAFF
from openmis.org.tests.factories import DepartmentFactory, PersonFactory
from openmis.portfolio.tests.factories import SystemFactory

pytestmark = pytest.mark.django_db


def _in_review(**kwargs) -> PolicyVersion:
    version = PolicyVersionFactory(**kwargs)
    PolicyVersion.objects.filter(pk=version.pk).update(state="in_review")
    version.refresh_from_db()
    return version


def _approve(api, version):
    return api.post(f"/api/governance/policy-versions/{version.pk}/approve/", {}, format="json")


# ---------------------------------------------------------------- 1. editors never approve


def test_the_director_who_rewrote_a_draft_on_the_page_cannot_approve_it(make_user, api_client_for):
    director = make_user(DIRECTOR)
    version = PolicyVersionFactory(author=PersonFactory(), text="# Rule\n\nThe author's text.")
    response = logged_in(director).post(
        f"/governance/policy-versions/{version.pk}/edit/",
        {"text": "# Rule\n\nThe director's text.", "summary": "", "version": version.version},
    )
    assert response.status_code == 302, response.content
    PolicyVersion.objects.filter(pk=version.pk).update(state="in_review")
    response = _approve(api_client_for(director), version)
    assert response.status_code == 403
    version.refresh_from_db()
    assert (version.state, version.approved_by) == ("in_review", None)
    assert list(version.editors.all()) == [director]


def test_a_login_without_a_person_that_rewrote_a_draft_cannot_approve_it(make_user, api_client_for):
    director = make_user(DIRECTOR)
    Person.objects.filter(user=director).update(user=None)
    version = PolicyVersionFactory(author=PersonFactory())
    api = api_client_for(director)
    response = api.patch(
        f"/api/governance/policy-versions/{version.pk}/",
        {"text": "Rewritten through the API", "version": version.version},
        format="json",
    )
    assert response.status_code == 200, response.content
    PolicyVersion.objects.filter(pk=version.pk).update(state="in_review")
    assert _approve(api, version).status_code == 403
    assert PolicyVersion.objects.get(pk=version.pk).state == "in_review"
    # another director, who never touched the text, approves it
    other = make_user(DIRECTOR)
    assert _approve(api_client_for(other), version).status_code == 200


def test_an_approver_who_only_read_the_draft_still_approves(make_user, api_client_for):
    approver = make_user(EMPLOYEE)
    version = _in_review(author=PersonFactory())
    version.policy.approvers.add(approver.person)
    assert _approve(api_client_for(approver), version).status_code == 200


# ---------------------------------------------------------------- 2. who reads exceptions


@pytest.fixture
def exceptions_world(make_user):
    parent = DepartmentFactory(name="Operations")
    child = DepartmentFactory(name="Warehouse", parent=parent)
    tech = make_user(EMPLOYEE)
    system = SystemFactory(name="Scanner fleet", technical_owner=tech.person)
    policy = published_policy(title="Passwords")
    exempted = make_user(EMPLOYEE)
    requester, approver = make_user(EMPLOYEE), make_user(EMPLOYEE)
    rows = {
        "person": PolicyExceptionFactory(
            policy=policy,
            person=exempted.person,
            reason="Reason person",
            requested_by=requester.person,
            approver=approver.person,
        ),
        "department": PolicyExceptionFactory(
            policy=policy, person=None, department=child, reason="Reason department"
        ),
        "system": PolicyExceptionFactory(
            policy=policy, person=None, system=system, reason="Reason system"
        ),
    }
    users = {
        "exempted": exempted,
        "requester": requester,
        "approver": approver,
        "tech owner": tech,
        "leader above": make_user(LEADER, parent),
        "leader of the business owner": make_user(LEADER, system.business_owner),
        "other leader": make_user(LEADER),
        "other employee": make_user(EMPLOYEE),
        "staff": make_user(STAFF),
    }
    return policy, rows, users


SEES = {
    "exempted": {"person"},
    "requester": {"person"},
    "approver": {"person"},
    "tech owner": {"system"},
    "leader above": {"department"},
    "leader of the business owner": {"system"},
    "other leader": set(),
    "other employee": set(),
    "staff": {"person", "department", "system"},
}


@pytest.mark.parametrize("who", list(SEES))
def test_exceptions_are_read_only_by_those_they_concern(who, exceptions_world, api_client_for):
    policy, rows, users = exceptions_world
    user, expected = users[who], {rows[k].pk for k in SEES[who]}
    listed = api_client_for(user).get("/api/governance/policy-exceptions/").json()["results"]
    assert {row["id"] for row in listed} == expected
    client = logged_in(user)
    for key, row in rows.items():
        status = client.get(f"/governance/policy-exceptions/{row.pk}/").status_code
        assert (status == 200) == (key in SEES[who]), (key, status)
    page = client.get(f"/governance/policies/{policy.pk}/").content.decode()
    for key, row in rows.items():
        assert (row.reason in page) == (key in SEES[who]), key
    found = client.get("/search/", {"q": "Passwords"}).content.decode()
    for key, row in rows.items():
        assert (f"/governance/policy-exceptions/{row.pk}/" in found) == (key in SEES[who]), key


def test_the_policy_page_lists_no_exceptions_without_the_right_to_view_them(make_user):
    policy = published_policy()
    exempted = make_user(EMPLOYEE)
    PolicyExceptionFactory(policy=policy, person=exempted.person, reason="Own laptop")
    client = logged_in(exempted)
    assert "Own laptop" in client.get(f"/governance/policies/{policy.pk}/").content.decode()
    group = Role.objects.get(slug=EMPLOYEE).group
    group.permissions.remove(Permission.objects.get(codename="view_policyexception"))
    page = logged_in(exempted).get(f"/governance/policies/{policy.pk}/").content.decode()
    assert "Own laptop" not in page


def test_the_exception_list_is_a_fixed_number_of_queries(make_user):
    leader = make_user(LEADER)
    policy = published_policy()
    client = logged_in(leader)

    def count():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/governance/policy-exceptions/").status_code == 200
        return len(ctx.captured_queries)

    PolicyExceptionFactory(policy=policy, person=None, department=leader.person.department)
    few = count()
    for _ in range(6):
        PolicyExceptionFactory(policy=policy, person=None, department=leader.person.department)
    assert count() <= few


# ---------------------------------------------------------------- 3. drafts in the history


def _published_after_drafts():
    """A policy whose published version went through two draft texts, saved by the MIS
    office through the audited path."""
    staff_policy = PolicyFactory(title="Backups")
    version = PolicyVersion(policy=staff_policy, text="Secret first wording")
    save_object(version)
    version.text = "Second draft wording"
    save_object(version)
    version.text = "Final wording"
    save_object(version)
    PolicyVersion.objects.filter(pk=version.pk).update(state="published")
    return staff_policy, version


def test_a_published_versions_history_hides_its_drafts_from_readers_of_published_texts(
    make_user,
):
    _policy, version = _published_after_drafts()
    employee, staff = make_user(EMPLOYEE), make_user(STAFF)
    page = logged_in(employee).get(f"/governance/policy-versions/{version.pk}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Final wording" in text  # the published text itself
    assert "Secret first wording" not in text
    assert "Second draft wording" not in text
    office = logged_in(staff).get(f"/governance/policy-versions/{version.pk}/").content.decode()
    assert "Secret first wording" in office
    assert "Second draft wording" in office


def test_the_policy_owner_reads_the_drafts_in_the_history(make_user):
    policy, version = _published_after_drafts()
    owner = make_user(EMPLOYEE)
    policy.owner = owner.person
    policy.save()
    page = logged_in(owner).get(f"/governance/policy-versions/{version.pk}/").content.decode()
    assert "Secret first wording" in page


def test_the_diff_never_shows_a_draft_to_a_reader_of_published_texts(make_user):
    policy = published_policy()
    draft = PolicyVersionFactory(policy=policy, text="Unapproved draft line")
    published = policy.versions.get(number=1)
    employee = make_user(EMPLOYEE)
    page = logged_in(employee).get(
        f"/governance/policies/{policy.pk}/diff/", {"from": published.pk, "to": draft.pk}
    )
    assert "Unapproved draft line" not in page.content.decode()


# ---------------------------------------------------------------- 4. versions follow the policy


def _retired_only():
    policy = PolicyFactory(title="Withdrawn rule")
    version = PolicyVersionFactory(policy=policy, text="Withdrawn wording")
    PolicyVersion.objects.filter(pk=version.pk).update(state="retired")
    return policy, version


def test_versions_of_a_policy_the_reader_cannot_see_are_nowhere(make_user, api_client_for):
    policy, version = _retired_only()
    employee = make_user(EMPLOYEE)
    client = logged_in(employee)
    assert client.get(f"/governance/policies/{policy.pk}/").status_code in (403, 404)
    api = api_client_for(employee)
    listed = api.get("/api/governance/policy-versions/").json()["results"]
    assert version.pk not in {row["id"] for row in listed}
    assert api.get(f"/api/governance/policy-versions/{version.pk}/").status_code == 404
    assert client.get(f"/governance/policy-versions/{version.pk}/").status_code in (403, 404)
    found = client.get("/search/", {"q": "Withdrawn"}).content.decode()
    assert f"/governance/policy-versions/{version.pk}/" not in found
    assert f"/governance/policies/{policy.pk}/" not in found
    exported = client.get("/governance/policy-versions/export/", {"format": "csv"})
    assert exported.status_code == 200
    assert b"Withdrawn wording" not in b"".join(exported.streaming_content)
    assert client.get(f"/governance/policies/{policy.pk}/diff/").status_code == 404
    # the MIS office still sees it
    staff = api_client_for(make_user(STAFF))
    assert staff.get(f"/api/governance/policy-versions/{version.pk}/").status_code == 200


# ---------------------------------------------------------------- 5. validation writes nothing


def test_a_form_failing_validation_over_a_published_version_writes_nothing(make_user):
    director = make_user(DIRECTOR)
    policy = published_policy()
    version = policy.versions.get()
    response = logged_in(director).post(
        f"/governance/policy-versions/{version.pk}/edit/",
        {"text": "# Rule\n\nNew text.", "summary": "x" * 301, "version": version.version},
    )
    assert response.status_code == 400
    assert policy.versions.count() == 1


def test_validating_a_version_form_writes_nothing(make_user):
    director = make_user(DIRECTOR)
    version = published_policy().versions.get()
    form = PolicyVersionForm(
        {"text": "Another text", "summary": "Clearer"}, instance=version, user=director
    )
    form.is_valid()
    assert PolicyVersion.objects.count() == 1


# ---------------------------------------------------------------- 6. audited writes


def test_a_version_form_saved_directly_is_audited_with_its_author(make_user):
    director = make_user(DIRECTOR)
    policy = PolicyFactory()
    form = PolicyVersionForm({"policy": policy.pk, "text": "First", "summary": ""}, user=director)
    assert form.is_valid(), form.errors
    version = form.save()
    entry = LogEntry.objects.get_for_object(version).get()
    assert entry.actor == director
    assert list(version.editors.all()) == [director]


def test_a_login_that_rewrote_a_draft_by_import_cannot_approve_it(make_user, api_client_for):
    from openmis.core import registry
    from openmis.core.imports.runner import run_import

    director = make_user(DIRECTOR)
    version = PolicyVersionFactory(author=PersonFactory(), policy=PolicyFactory(title="Keys"))
    content = f"id,policy,text,summary\n{version.pk},Keys,Imported text,\n".encode()
    report = run_import(registry.get(PolicyVersion), "v.csv", content, director, dry_run=False)
    assert not report.errors, report.errors
    version.refresh_from_db()
    assert version.text == "Imported text"
    PolicyVersion.objects.filter(pk=version.pk).update(state="in_review")
    assert _approve(api_client_for(director), version).status_code == 403
    assert LogEntry.objects.get_for_object(version).filter(actor=director).exists()


def test_the_migration_finds_the_editors_of_existing_versions_in_the_history(make_user):
    from importlib import import_module

    from django.apps import apps

    migration = import_module("openmis.governance.migrations.0013_policy_version_editors")
    staff, director = make_user(STAFF), make_user(DIRECTOR)
    version = PolicyVersion(policy=PolicyFactory(), text="First")
    save_object(version, staff)
    version.summary = "Only the summary"
    save_object(version, director)  # not the text: not an editor
    version.editors.clear()  # as before the migration
    migration.editors_from_history(apps, None)
    assert list(version.editors.all()) == [staff]


def test_a_refused_exception_says_who_reads_exceptions(make_user):
    row = PolicyExceptionFactory(policy=published_policy())
    response = logged_in(make_user(EMPLOYEE)).get(f"/governance/policy-exceptions/{row.pk}/")
    assert response.status_code == 403
    assert "A policy exception is shown only to the MIS office" in response.content.decode()
