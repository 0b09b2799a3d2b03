"""The public REST API contract (/api/): tokens, errors, CRUD, locking, scope, import, export.

Every test reads given / when / then. A request that is refused also checks that the database
did not change.
"""

from __future__ import annotations

import csv
import io

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
    yield_hotp_counters_from_time,
)
from auditlog.models import LogEntry
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from knox.crypto import hash_token
from openpyxl import load_workbook
from rest_framework.test import APIClient

from openmis.core.models import ApiToken
from openmis.org.models import Department, Person, Role
from openmis.org.roles import DIRECTOR, LEADER, STAFF
from openmis.org.tests.factories import DepartmentFactory, PersonFactory

PASSWORD = "pw-for-tests-1"  # the password of every factory-made user
TOKEN_URL = "/api/auth/token/"
PEOPLE = "/api/org/people/"
DEPARTMENTS = "/api/org/departments/"
ROLES = "/api/org/roles/"

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Used TOTP codes and the installation settings live in the cache; start clean."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api(director, api_client_for):
    """A client authenticated as the MIS director by an API token."""
    return api_client_for(director)


def person_url(person) -> str:
    return f"{PEOPLE}{person.pk}/"


def department_url(department) -> str:
    return f"{DEPARTMENTS}{department.pk}/"


def snapshot(model):
    """Every row of ``model`` with all its values, to show that nothing changed."""
    return sorted(model.objects.values_list(), key=lambda row: row[0])


def current_totp_code(secret: str) -> str:
    """The code an authenticator app shows now (the middle of allauth's tolerance window)."""
    counters = list(yield_hotp_counters_from_time())
    return format_hotp_value(hotp_value(secret, counters[len(counters) // 2]))


def csv_upload(text: str, name: str = "people.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def read_csv(response) -> list[list[str]]:
    content = b"".join(response.streaming_content).decode("utf-8")
    assert content.startswith("\ufeff")
    return list(csv.reader(io.StringIO(content[1:])))


# --- token -------------------------------------------------------------------------------------


def test_token_is_issued_for_the_right_password(make_user):
    # given a staff member without two-factor
    user = make_user(STAFF, username="staffer")
    # when they ask for a token
    response = APIClient().post(
        TOKEN_URL, {"username": "staffer", "password": PASSWORD}, format="json"
    )
    # then they get their token, and it authenticates them
    assert response.status_code == 200
    assert list(response.json()) == ["token"]
    assert ApiToken.objects.get(user=user).digest == hash_token(response.json()["token"])
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    assert client.get(PEOPLE).status_code == 200


def test_token_is_refused_for_a_wrong_password(make_user):
    # given a staff member
    user = make_user(STAFF, username="staffer")
    # when the password is wrong
    response = APIClient().post(
        TOKEN_URL, {"username": "staffer", "password": "not-the-password"}, format="json"
    )
    # then the answer is a 400 field error and no token exists
    assert response.status_code == 400
    assert response.json() == {
        "non_field_errors": ["Unable to log in with the given username and password."]
    }
    assert not ApiToken.objects.filter(user=user).exists()


def test_token_needs_the_two_factor_code_of_a_totp_account(make_user):
    # given an account with TOTP set up
    user = make_user(STAFF, username="secured")
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).count() == 1
    client = APIClient()
    # when the password alone is sent
    response = client.post(TOKEN_URL, {"username": "secured", "password": PASSWORD}, format="json")
    # then the code is asked for and no token is issued
    assert response.status_code == 400
    assert response.json() == {"otp": ["A two-factor code is required."]}
    assert not ApiToken.objects.filter(user=user).exists()
    # when a wrong code is sent
    valid = {format_hotp_value(hotp_value(secret, c)) for c in yield_hotp_counters_from_time()}
    wrong = next(code for code in ("000000", "111111", "222222", "333333") if code not in valid)
    response = client.post(
        TOKEN_URL, {"username": "secured", "password": PASSWORD, "otp": wrong}, format="json"
    )
    # then it is refused
    assert response.status_code == 400
    assert response.json() == {"otp": ["The two-factor code is not valid."]}
    assert not ApiToken.objects.filter(user=user).exists()
    # when the current code is sent
    response = client.post(
        TOKEN_URL,
        {"username": "secured", "password": PASSWORD, "otp": current_totp_code(secret)},
        format="json",
    )
    # then the token is issued
    assert response.status_code == 200
    assert list(response.json()) == ["token"]
    assert ApiToken.objects.get(user=user).digest == hash_token(response.json()["token"])


def test_token_is_refused_to_a_director_without_two_factor(make_user):
    # given an MIS director, who must use two-factor, without a TOTP authenticator
    user = make_user(DIRECTOR, username="newdir")
    Authenticator.objects.filter(user=user).delete()
    # when they ask for a token
    response = APIClient().post(
        TOKEN_URL, {"username": "newdir", "password": PASSWORD}, format="json"
    )
    # then they are told to set it up first, and get no token
    assert response.status_code == 403
    assert response.json() == {
        "detail": "Set up two-factor authentication in OpenMIS before using the API."
    }
    assert not ApiToken.objects.filter(user=user).exists()


def test_token_endpoint_locks_out_after_five_failed_logins(make_user):
    # given a staff member whose password was guessed wrong five times
    user = make_user(STAFF, username="target")
    client = APIClient()
    statuses = [
        client.post(
            TOKEN_URL, {"username": "target", "password": f"guess-{n}"}, format="json"
        ).status_code
        for n in range(5)
    ]
    # (the fifth failure itself is answered with the lock-out)
    assert statuses == [400, 400, 400, 400, 429]
    # when the right password is sent
    response = client.post(TOKEN_URL, {"username": "target", "password": PASSWORD}, format="json")
    # then the account is locked out: 429 with a JSON detail, and no token
    assert response.status_code == 429
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "detail": "Too many failed login attempts. Try again later or ask the MIS office."
    }
    assert not ApiToken.objects.filter(user=user).exists()


def test_token_request_without_fields_is_a_field_error():
    # given nothing; when the body is empty
    response = APIClient().post(TOKEN_URL, {}, format="json")
    # then both fields are named
    assert response.status_code == 400
    assert response.json() == {
        "username": ["This field is required."],
        "password": ["This field is required."],
    }


# --- errors ------------------------------------------------------------------------------------


def test_request_without_credentials_is_401_json(director):
    # given no credentials; when the list of people is read
    response = APIClient().get(PEOPLE)
    # then 401 with a JSON detail
    assert response.status_code == 401
    assert response.json() == {"detail": "Authentication credentials were not provided."}


def test_request_with_a_bad_token_is_401_json(director):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    response = client.get(PEOPLE)
    assert response.status_code == 401
    assert response.json() == {"detail": "Invalid token."}


def test_write_without_credentials_is_401_and_writes_nothing(department):
    before = snapshot(Person)
    response = APIClient().post(
        PEOPLE,
        {
            "first_name": "A",
            "last_name": "B",
            "email": "a@example.com",
            "department": department.pk,
        },
        format="json",
    )
    assert response.status_code == 401
    assert response.json() == {"detail": "Authentication credentials were not provided."}
    assert snapshot(Person) == before


def test_unsupported_method_is_405_json(api, department):
    # given a department; when it is sent a method the API does not have
    before = snapshot(Department)
    response = api.generic("TRACE", department_url(department))
    # then 405 JSON (not a server error), and nothing changed
    assert response.status_code == 405
    assert response.json() == {"detail": 'Method "TRACE" not allowed.'}
    assert snapshot(Department) == before


def test_unknown_object_is_404_json(api):
    # given no person 999999; when it is read
    response = api.get(f"{PEOPLE}999999/")
    # then 404 with a JSON detail
    assert response.status_code == 404
    assert response.json() == {"detail": "No Person matches the given query."}


def test_non_numeric_id_is_404_json(api):
    response = api.get(f"{PEOPLE}abc/")
    assert response.status_code == 404
    assert set(response.json()) == {"detail"}


def test_unknown_api_path_is_404_json(api):
    # given a path under /api/ that does not exist; when it is requested
    response = api.get("/api/org/unicorns/")
    # then 404 JSON, not an HTML page
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Not found."}


def test_bad_post_gives_field_errors_and_writes_nothing(api):
    # given the people as they are
    before = snapshot(Person)
    # when a person is posted without a last name, with a bad email and an unknown department
    response = api.post(
        PEOPLE,
        {"first_name": "Ola", "email": "not-an-email", "department": 999999},
        format="json",
    )
    # then each field is named with its message, and nobody was added
    assert response.status_code == 400
    assert response.json() == {
        "last_name": ["This field is required."],
        "email": ["Enter a valid email address."],
        "department": ['Invalid pk "999999" - object does not exist.'],
    }
    assert snapshot(Person) == before


def test_duplicate_email_is_a_field_error(api, director):
    before = snapshot(Person)
    response = api.post(
        PEOPLE,
        {
            "first_name": "Twin",
            "last_name": "Copy",
            "email": director.person.email,
            "department": director.person.department_id,
        },
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {"email": ["person with this email already exists."]}
    assert snapshot(Person) == before


def test_malformed_json_is_400(api):
    # given the people as they are
    before = snapshot(Person)
    # when the body is not valid JSON
    response = api.generic("POST", PEOPLE, '{"first_name": "Ola",', content_type="application/json")
    # then 400 with a JSON detail
    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"detail"}
    assert body["detail"].startswith("JSON parse error")
    assert snapshot(Person) == before


# --- CRUD --------------------------------------------------------------------------------------


def test_director_creates_reads_updates_and_deletes_a_department(api, director):
    # when the director creates a department under Marketing
    parent = director.person.department
    response = api.post(
        DEPARTMENTS, {"name": "Research", "code": "RS", "parent": parent.pk}, format="json"
    )
    # then it exists, version 1, with what was sent
    assert response.status_code == 201
    created = response.json()
    department = Department.objects.get(name="Research")
    assert created["id"] == department.pk
    assert created["display"] == "Research"
    assert created["code"] == "RS"
    assert created["parent"] == parent.pk
    assert created["version"] == 1
    # and it can be read back
    response = api.get(department_url(department))
    assert response.status_code == 200
    assert response.json()["name"] == "Research"
    # when it is changed with PATCH, then with PUT
    response = api.patch(department_url(department), {"region": "North"}, format="json")
    assert response.status_code == 200
    assert response.json()["region"] == "North"
    assert response.json()["version"] == 2
    response = api.put(
        department_url(department),
        {"name": "Research & Development", "code": "RD", "parent": None},
        format="json",
    )
    assert response.status_code == 200
    department.refresh_from_db()
    assert (department.name, department.code, department.parent_id) == (
        "Research & Development",
        "RD",
        None,
    )
    assert department.version == 3
    # when it is deleted
    response = api.delete(department_url(department))
    # then it is gone
    assert response.status_code == 204
    assert not Department.objects.filter(pk=department.pk).exists()


def test_director_creates_reads_updates_and_deletes_a_person(api, department, director):
    # when the director adds a person
    response = api.post(
        PEOPLE,
        {
            "first_name": "Ola",
            "last_name": "Nowak",
            "email": "ola.nowak@example.com",
            "department": department.pk,
            "manager": director.person.pk,
        },
        format="json",
    )
    # then the person exists with what was sent, and the change log names the director
    assert response.status_code == 201
    person = Person.objects.get(email="ola.nowak@example.com")
    assert response.json() == {
        "id": person.pk,
        "display": "Ola Nowak",
        "first_name": "Ola",
        "last_name": "Nowak",
        "email": "ola.nowak@example.com",
        "job_title": "",
        "department": department.pk,
        "manager": director.person.pk,
        "phone": "",
        "active": True,
        "time_zone": "",
        "language": "",
        "version": 1,
        "created": response.json()["created"],
        "updated": response.json()["updated"],
    }
    entry = LogEntry.objects.get_for_object(person).get()
    assert entry.action == LogEntry.Action.CREATE
    assert entry.actor == director
    # and it is read back alike
    assert api.get(person_url(person)).json()["email"] == "ola.nowak@example.com"
    # when their job title is changed
    response = api.patch(person_url(person), {"job_title": "Analyst"}, format="json")
    assert response.status_code == 200
    person.refresh_from_db()
    assert person.job_title == "Analyst"
    assert person.version == 2
    # when they are deleted
    response = api.delete(person_url(person))
    assert response.status_code == 204
    assert not Person.objects.filter(pk=person.pk).exists()


def test_department_with_people_cannot_be_deleted(api):
    # given a department with one person in it
    department = DepartmentFactory(name="Logistics")
    PersonFactory(department=department, first_name="Jan", last_name="Kowalski")
    # when it is deleted
    response = api.delete(department_url(department))
    # then 409 names who needs it, and it is still there
    assert response.status_code == 409
    assert response.json() == {
        "detail": "Logistics cannot be deleted: 1 other objects need it (Jan Kowalski)."
    }
    assert Department.objects.filter(pk=department.pk).exists()
    assert Person.objects.filter(department=department).count() == 1


# --- optimistic locking ------------------------------------------------------------------------


def test_stale_update_is_a_conflict(api, department):
    # given a person the client has read at version N
    person = PersonFactory(department=department, job_title="Clerk")
    response = api.get(person_url(person))
    version = response.json()["version"]
    assert version == 1
    # when it is changed from version N
    response = api.patch(
        person_url(person), {"job_title": "Senior clerk", "version": version}, format="json"
    )
    # then the change is saved as version N+1
    assert response.status_code == 200
    assert response.json()["version"] == version + 1
    assert response.json()["job_title"] == "Senior clerk"
    before = snapshot(Person)
    # when another change is sent from the same, now stale, version N
    response = api.patch(
        person_url(person),
        {"job_title": "Head clerk"},
        format="json",
        HTTP_IF_MATCH=str(version),
    )
    # then it is refused with 409 and the row is unchanged
    assert response.status_code == 409
    assert response.json() == {
        "detail": "Someone else changed this object while you were editing it (your copy is "
        "version 1, the saved one is 2). Reload it and make your change again."
    }
    assert snapshot(Person) == before
    person.refresh_from_db()
    assert (person.job_title, person.version) == ("Senior clerk", 2)


def test_stale_version_in_the_body_is_a_conflict(api, department):
    person = PersonFactory(department=department)
    api.patch(person_url(person), {"phone": "1"}, format="json")
    before = snapshot(Person)
    response = api.put(
        person_url(person),
        {
            "first_name": "X",
            "last_name": "Y",
            "email": person.email,
            "department": department.pk,
            "version": 1,
        },
        format="json",
    )
    assert response.status_code == 409
    assert snapshot(Person) == before


def test_current_version_in_if_match_succeeds(api, department):
    person = PersonFactory(department=department)
    response = api.patch(person_url(person), {"phone": "123"}, format="json", HTTP_IF_MATCH='W/"1"')
    assert response.status_code == 200
    assert response.json()["version"] == 2


def test_non_numeric_version_is_a_field_error(api, department):
    person = PersonFactory(department=department)
    before = snapshot(Person)
    response = api.patch(person_url(person), {"phone": "1", "version": "abc"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"version": ["A version must be a whole number."]}
    assert snapshot(Person) == before


def test_deleted_object_is_404_on_update(api, department):
    person = PersonFactory(department=department)
    person_id = person.pk
    person.delete()
    response = api.patch(f"{PEOPLE}{person_id}/", {"phone": "1"}, format="json")
    assert response.status_code == 404


# --- write scope -------------------------------------------------------------------------------


@pytest.fixture
def leader_setup(make_user, api_client_for):
    """A department leader of Sales (with a Sales sub-department) and another department."""
    sales = DepartmentFactory(name="Sales")
    north = DepartmentFactory(name="Sales North", parent=sales)
    other = DepartmentFactory(name="Finance")
    leader = make_user(LEADER, sales, username="leader")
    return {
        "client": api_client_for(leader),
        "sales": sales,
        "north": north,
        "other": other,
        "leader": leader,
    }


def test_leader_creates_and_changes_people_of_own_and_sub_departments(leader_setup):
    client, sales, north = leader_setup["client"], leader_setup["sales"], leader_setup["north"]
    # when the leader adds a person to their department and one to its sub-department
    for department, email in ((sales, "s1@example.com"), (north, "n1@example.com")):
        response = client.post(
            PEOPLE,
            {"first_name": "A", "last_name": "B", "email": email, "department": department.pk},
            format="json",
        )
        # then both are created
        assert response.status_code == 201, response.json()
        assert Person.objects.get(email=email).department == department
    # when they change a person of the sub-department, and move one between their departments
    person = PersonFactory(department=north)
    response = client.patch(person_url(person), {"job_title": "Lead"}, format="json")
    assert response.status_code == 200
    response = client.patch(person_url(person), {"department": sales.pk}, format="json")
    assert response.status_code == 200
    person.refresh_from_db()
    assert (person.job_title, person.department) == ("Lead", sales)


def test_leader_cannot_change_a_person_of_another_department(leader_setup):
    client, other = leader_setup["client"], leader_setup["other"]
    # given a person in a department the leader does not lead
    person = PersonFactory(department=other, job_title="Accountant")
    before = snapshot(Person)
    # when the leader changes them
    response = client.patch(person_url(person), {"job_title": "Boss"}, format="json")
    # then 403 and nothing changed
    assert response.status_code == 403
    assert response.json() == {"detail": "You may not change this person."}
    assert snapshot(Person) == before
    # and deleting is not theirs to do at all
    response = client.delete(person_url(person))
    assert response.status_code == 403
    assert snapshot(Person) == before


def test_leader_cannot_create_a_person_in_another_department(leader_setup):
    client, other = leader_setup["client"], leader_setup["other"]
    before = snapshot(Person)
    response = client.post(
        PEOPLE,
        {"first_name": "A", "last_name": "B", "email": "x@example.com", "department": other.pk},
        format="json",
    )
    assert response.status_code == 403
    assert response.json() == {"detail": "You may only change records of your own department."}
    assert snapshot(Person) == before


def test_leader_cannot_move_a_person_into_another_department(leader_setup):
    client, sales, other = leader_setup["client"], leader_setup["sales"], leader_setup["other"]
    # given a person of the leader's own department
    person = PersonFactory(department=sales)
    before = snapshot(Person)
    # when the leader moves them to a department they do not lead
    response = client.patch(person_url(person), {"department": other.pk}, format="json")
    # then 403 and nothing changed
    assert response.status_code == 403
    assert response.json() == {"detail": "You may only change records of your own department."}
    assert snapshot(Person) == before


def test_leader_cannot_write_departments(leader_setup):
    client, sales = leader_setup["client"], leader_setup["sales"]
    before = snapshot(Department)
    response = client.patch(department_url(sales), {"region": "South"}, format="json")
    assert response.status_code == 403
    response = client.post(DEPARTMENTS, {"name": "New"}, format="json")
    assert response.status_code == 403
    assert snapshot(Department) == before


# --- import ------------------------------------------------------------------------------------


def test_import_with_a_bad_row_writes_nothing(api, department):
    # given a file whose third spreadsheet row has a bad email and an unknown department
    before = snapshot(Person)
    upload = csv_upload(
        "first_name,last_name,email,department\n"
        "Ola,Nowak,ola@example.com,Marketing\n"
        "Jan,Kos,not-an-email,Nowhere\n"
    )
    # when it is imported
    response = api.post(f"{PEOPLE}import/", {"file": upload}, format="multipart")
    # then 400 names row, column and message of each problem, and nothing was written
    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"created", "updated", "errors", "encoding"}
    assert body["errors"] == [
        {"row": 3, "column": "department", "message": "No department with name “Nowhere”."},
        {"row": 3, "column": "email", "message": "Enter a valid email address."},
    ]
    assert snapshot(Person) == before


def test_import_with_a_bad_email_names_row_and_column(api, department):
    before = snapshot(Person)
    upload = csv_upload(
        "first_name,last_name,email,department\n"
        "Ola,Nowak,ola@example.com,Marketing\n"
        "Jan,Kos,not-an-email,Marketing\n"
    )
    response = api.post(f"{PEOPLE}import/", {"file": upload}, format="multipart")
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"row": 3, "column": "email", "message": "Enter a valid email address."}
    ]
    assert snapshot(Person) == before


def test_import_without_a_required_column_is_a_header_error(api, department):
    before = snapshot(Person)
    upload = csv_upload("first_name,email,department\nOla,ola@example.com,Marketing\n")
    response = api.post(f"{PEOPLE}import/", {"file": upload}, format="multipart")
    assert response.status_code == 400
    assert response.json() == {
        "created": 0,
        "updated": 0,
        "errors": [
            {"row": 1, "column": "last_name", "message": "This required column is missing."}
        ],
        "encoding": "utf-8",
    }
    assert snapshot(Person) == before


def test_import_dry_run_writes_nothing(api, department):
    # given a good file of two new people
    before = snapshot(Person)
    log_entries = LogEntry.objects.count()
    upload = csv_upload(
        "first_name,last_name,email,department\n"
        "Ola,Nowak,ola@example.com,Marketing\n"
        "Jan,Kos,jan@example.com,Marketing\n"
    )
    # when it is checked with dry_run
    response = api.post(f"{PEOPLE}import/", {"file": upload, "dry_run": "true"}, format="multipart")
    # then it reports two would be created, and none were
    assert response.status_code == 200
    assert response.json() == {"created": 2, "updated": 0, "errors": [], "encoding": "utf-8"}
    assert snapshot(Person) == before
    assert LogEntry.objects.count() == log_entries


def test_import_creates_and_updates_rows_and_audits_them(api, director, department):
    # given an existing person and a file with them changed and one new person
    existing = PersonFactory(department=department, email="jan@example.com", job_title="Clerk")
    upload = csv_upload(
        "first_name,last_name,email,department,job_title\n"
        "Ola,Nowak,ola@example.com,Marketing,Analyst\n"
        "Jan,Kos,jan@example.com,Marketing,Head clerk\n"
    )
    # when it is imported
    response = api.post(f"{PEOPLE}import/", {"file": upload}, format="multipart")
    # then one row is created and one updated
    assert response.status_code == 200
    assert response.json() == {"created": 1, "updated": 1, "errors": [], "encoding": "utf-8"}
    ola = Person.objects.get(email="ola@example.com")
    assert (ola.first_name, ola.last_name, ola.department, ola.job_title) == (
        "Ola",
        "Nowak",
        department,
        "Analyst",
    )
    existing.refresh_from_db()
    assert existing.job_title == "Head clerk"
    # and the audit log names the API user as the actor of both changes
    created = LogEntry.objects.get_for_object(ola).get()
    assert (created.action, created.actor) == (LogEntry.Action.CREATE, director)
    updated = LogEntry.objects.get_for_object(existing).filter(action=LogEntry.Action.UPDATE).get()
    assert updated.actor == director


def test_import_needs_a_file(api):
    response = api.post(f"{PEOPLE}import/", {"dry_run": "true"}, format="multipart")
    assert response.status_code == 400
    assert response.json() == {"file": ["No file was submitted."]}


def test_import_is_refused_without_add_and_change_permission(make_user, api_client_for):
    client = api_client_for(make_user("analyst"))
    before = snapshot(Person)
    upload = csv_upload("first_name,last_name,email,department\nA,B,ab@example.com,Marketing\n")
    response = client.post(f"{PEOPLE}import/", {"file": upload}, format="multipart")
    assert response.status_code == 403
    assert snapshot(Person) == before


# --- export ------------------------------------------------------------------------------------


@pytest.fixture
def two_departments(department):
    """Marketing (which holds the director) with two more people, and IT with one."""
    it = DepartmentFactory(name="IT")
    PersonFactory(department=department, first_name="Ola", last_name="Nowak", email="o@ex.com")
    PersonFactory(department=department, first_name="Jan", last_name="Adamski", email="j@ex.com")
    PersonFactory(department=it, first_name="Ewa", last_name="Zielinska", email="e@ex.com")
    return department, it


def test_export_csv_of_a_department(api, two_departments):
    marketing, _it = two_departments
    # when the people of Marketing are exported as CSV
    response = api.get(f"{PEOPLE}export/", {"format": "csv", "department": marketing.pk})
    # then the file has the header and only Marketing's people, in list order
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="people.csv"'
    rows = read_csv(response)
    assert rows[0] == [
        "id",
        "first_name",
        "last_name",
        "email",
        "job_title",
        "department",
        "manager",
        "phone",
        "active",
        "time_zone",
        "language",
    ]
    expected = Person.objects.filter(department=marketing).order_by("last_name", "first_name")
    assert [row[3] for row in rows[1:]] == [p.email for p in expected]
    assert {row[5] for row in rows[1:]} == {"Marketing"}
    assert len(rows) == 1 + 3


def test_export_xlsx_of_a_department(api, two_departments):
    _marketing, it = two_departments
    response = api.get(f"{PEOPLE}export/", {"format": "xlsx", "department": it.pk})
    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response["Content-Disposition"] == 'attachment; filename="people.xlsx"'
    sheet = load_workbook(io.BytesIO(response.getvalue()), read_only=True).worksheets[0]
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0][:4] == ["ID", "First name", "Last name", "Email"]
    assert len(rows) == 2
    assert rows[1][1:4] == ["Ewa", "Zielinska", "e@ex.com"]
    assert rows[1][5] == "IT"


def test_export_without_credentials_is_401_json(two_departments):
    # given no credentials; when an export is asked for
    response = APIClient().get(f"{PEOPLE}export/", {"format": "csv"})
    # then the error is JSON, not a CSV file
    assert response.status_code == 401
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Authentication credentials were not provided."}


def test_export_in_an_unknown_format_is_404_json(api):
    response = api.get(f"{PEOPLE}export/", {"format": "pdf"})
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert set(response.json()) == {"detail"}


# --- filters and ordering ----------------------------------------------------------------------


def test_list_is_paginated(api, two_departments):
    response = api.get(PEOPLE, {"page_size": 2})
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 4
    assert len(body["results"]) == 2
    assert body["previous"] is None
    assert body["next"] == "http://testserver/api/org/people/?page=2&page_size=2"


def test_quick_search(api, two_departments):
    response = api.get(PEOPLE, {"q": "nowa"})
    assert response.status_code == 200
    assert [p["email"] for p in response.json()["results"]] == ["o@ex.com"]


def test_filter_by_department(api, two_departments):
    _marketing, it = two_departments
    response = api.get(PEOPLE, {"department": it.pk})
    assert response.status_code == 200
    assert response.json()["count"] == 1
    assert [p["email"] for p in response.json()["results"]] == ["e@ex.com"]


def test_ordering_by_last_name_descending(api, two_departments):
    response = api.get(PEOPLE, {"ordering": "-last_name"})
    assert response.status_code == 200
    names = [p["last_name"] for p in response.json()["results"]]
    assert names == sorted(Person.objects.values_list("last_name", flat=True), reverse=True)
    assert names[0] == "Zielinska"


def test_default_ordering_is_by_last_name(api, two_departments):
    response = api.get(PEOPLE)
    names = [p["last_name"] for p in response.json()["results"]]
    assert names == sorted(names)


def test_unreadable_yes_no_filter_is_a_field_error(api, two_departments):
    # given people who are all active; when ?active= has a value that is not yes or no
    response = api.get(PEOPLE, {"active": "maybe"})
    # then it is refused rather than ignored (which would list everyone)
    assert response.status_code == 400
    assert response.json() == {
        "active": ["Select a valid choice. maybe is not one of the available choices."]
    }
    assert api.get(PEOPLE, {"active": "false"}).json()["count"] == 0
    assert api.get(PEOPLE, {"active": "true"}).json()["count"] == 4


def test_bad_filter_value_is_a_field_error(api, two_departments):
    response = api.get(PEOPLE, {"department": "abc"})
    assert response.status_code == 400
    assert set(response.json()) == {"department"}


# --- roles -------------------------------------------------------------------------------------


def test_director_creates_a_role_with_permissions(api):
    # when the director creates a role that may read people
    response = api.post(
        ROLES,
        {"name": "Auditors", "scope": "all", "permissions": ["org.view_person"]},
        format="json",
    )
    # then the role exists with exactly that permission
    assert response.status_code == 201
    body = response.json()
    assert body["name"] == "Auditors"
    assert body["scope"] == "all"
    assert body["permissions"] == ["org.view_person"]
    role = Role.objects.get(group__name="Auditors")
    assert body["id"] == role.pk
    assert [p.codename for p in role.group.permissions.all()] == ["view_person"]
    # and reading it back lists them too
    assert api.get(f"{ROLES}{role.pk}/").json()["permissions"] == ["org.view_person"]


def test_role_with_an_unknown_permission_is_refused(api):
    groups = snapshot(Group)
    roles = snapshot(Role)
    response = api.post(
        ROLES,
        {"name": "Wizards", "scope": "all", "permissions": ["org.fly_person"]},
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {"permissions": ["Unknown permissions: org.fly_person"]}
    assert snapshot(Group) == groups
    assert snapshot(Role) == roles


def test_role_name_must_be_unique(api):
    roles = snapshot(Role)
    response = api.post(ROLES, {"name": "mis director", "scope": "all"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"name": ["A role with this name exists already."]}
    assert snapshot(Role) == roles


def test_role_permissions_can_be_changed(api):
    role = Role.objects.create(group=Group.objects.create(name="Readers"))
    response = api.patch(
        f"{ROLES}{role.pk}/",
        {"name": "Readers of people", "permissions": ["org.view_person", "org.view_department"]},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["permissions"] == ["org.view_department", "org.view_person"]
    role.refresh_from_db()
    assert role.group.name == "Readers of people"


@pytest.mark.parametrize(
    ("path", "name"),
    [
        (PEOPLE, "department"),  # a reference
        ("/api/governance/policies/", "systems"),  # a many-to-many reference
    ],
)
def test_a_filter_by_an_id_no_database_holds_is_a_field_error(api, path, name):
    # an id beyond 64 bits is no object: SQLite cannot even compare with it (it was a 500)
    huge = str(2**63)
    response = api.get(path, {name: huge})
    assert response.status_code == 400
    assert response.json() == {
        name: [f"Select a valid choice. {huge} is not one of the available choices."]
    }
    assert api.get(path, {name: str(2**63 - 1)}).status_code in (200, 400)
