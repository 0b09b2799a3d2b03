"""Imports are checked in full, report each bad row and column, and write all rows or none."""

import io

import pytest
from openpyxl import Workbook

from openmis.core import registry
from openmis.core.imports import run_import
from openmis.org.models import Person
from openmis.org.roles import LEADER
from openmis.org.tests.factories import DepartmentFactory, PersonFactory, user_with_role

pytestmark = pytest.mark.django_db
HEADER = "first_name,last_name,email,department,job_title\n"


@pytest.fixture
def people():
    return registry.get(Person)


def xlsx(rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def errors(report):
    return [(e.row, e.column, e.message) for e in report.errors]


def test_valid_csv_creates_every_row(people, director, department):
    # Given a CSV of two people in an existing department
    content = (
        HEADER + "Ola,Nowak,ola@example.com,Marketing,Analyst\nJan,Kot,jan@example.com,Marketing,\n"
    ).encode()
    # When it is imported
    report = run_import(people, "people.csv", content, director, dry_run=False)
    # Then both are created, in that department
    assert errors(report) == []
    assert (report.created, report.updated) == (2, 0)
    created = Person.objects.filter(email__in=["ola@example.com", "jan@example.com"])
    assert sorted(created.values_list("email", "department__name")) == [
        ("jan@example.com", "Marketing"),
        ("ola@example.com", "Marketing"),
    ]


def test_dry_run_writes_nothing(people, director, department):
    before = Person.objects.count()
    content = (HEADER + "Ola,Nowak,ola@example.com,Marketing,Analyst\n").encode()
    report = run_import(people, "people.csv", content, director, dry_run=True)
    assert (report.created, report.errors) == (1, [])
    assert Person.objects.count() == before


def test_one_bad_row_names_row_and_column_and_nothing_is_written(people, director, department):
    before = Person.objects.count()
    content = (
        HEADER
        + "Ola,Nowak,ola@example.com,Marketing,Analyst\n"
        + "Jan,Kot,not-an-email,Nowhere,\n"
        + "Ewa,Lis,ewa@example.com,Marketing,\n"
    ).encode()
    report = run_import(people, "people.csv", content, director, dry_run=False)
    assert errors(report) == [
        (3, "department", "No department with name “Nowhere”."),
        (3, "email", "Enter a valid email address."),
    ]
    assert Person.objects.count() == before


def test_existing_natural_key_updates_instead_of_creating(people, director, department):
    person = PersonFactory(email="ola@example.com", department=department, job_title="Old")
    content = (HEADER + "Ola,Nowak,ola@example.com,Marketing,New title\n").encode()
    report = run_import(people, "people.csv", content, director, dry_run=False)
    person.refresh_from_db()
    assert (report.created, report.updated, person.job_title) == (0, 1, "New title")
    assert person.version == 2


def test_wrong_encoding_is_reported_with_its_line(people, director, department):
    # Given a Windows-1250 file read as the user said: UTF-8
    content = (HEADER + "Łucja,Żak,lucja@example.com,Marketing,\n").encode("cp1250")
    report = run_import(people, "people.csv", content, director, dry_run=True, encoding="utf-8")
    # Then the line of the first byte that is not UTF-8 is named
    assert len(report.errors) == 1
    assert report.errors[0].row == 2
    assert "not UTF-8" in report.errors[0].message


def test_missing_required_columns_are_named(people, director, department):
    content = b"first_name,email\nOla,ola@example.com\n"
    report = run_import(people, "people.csv", content, director, dry_run=True)
    assert errors(report) == [
        (1, "last_name", "This required column is missing."),
        (1, "department", "This required column is missing."),
    ]


def test_duplicate_keys_in_the_file_are_refused(people, director, department):
    before = Person.objects.count()
    content = (
        HEADER + "Ola,Nowak,ola@example.com,Marketing,\nOla,N,OLA@example.com,Marketing,\n"
    ).encode()
    report = run_import(people, "people.csv", content, director, dry_run=False)
    assert [(e.row, e.column) for e in report.errors] == [(3, "email")]
    assert "Duplicate of row 2" in report.errors[0].message
    assert Person.objects.count() == before


def test_ragged_row_is_refused(people, director, department):
    content = (HEADER + "Ola,Nowak,ola@example.com,Marketing,,extra\n").encode()
    report = run_import(people, "people.csv", content, director, dry_run=True)
    assert [(e.row, e.column) for e in report.errors] == [(2, None)]
    assert "6 values" in report.errors[0].message


def test_empty_file_is_refused(people, director):
    report = run_import(people, "people.csv", b"", director, dry_run=True)
    assert errors(report) == [(1, None, "The file is empty.")]


def test_huge_file_is_refused_before_parsing(people, director, settings):
    settings.OPENMIS_IMPORT_MAX_BYTES = 1024
    report = run_import(people, "people.csv", HEADER.encode() + b"x" * 2048, director, True)
    assert [(e.row, e.column) for e in report.errors] == [(None, None)]
    assert report.errors[0].message.startswith("The file is larger than the limit of")


def test_too_many_rows_is_refused(people, director, settings, department):
    settings.OPENMIS_IMPORT_MAX_ROWS = 2
    rows = "".join(f"A,B,p{i}@example.com,Marketing,\n" for i in range(3))
    report = run_import(people, "people.csv", (HEADER + rows).encode(), director, True)
    assert [e.message for e in report.errors] == [
        "The file has more than 2 rows; split it into smaller files."
    ]


def test_semicolon_separated_csv_from_excel(people, director, department):
    content = "\ufefffirst_name;last_name;email;department\nOla;Nowak;ola@example.com;Marketing\n"
    report = run_import(people, "people.csv", content.encode(), director, dry_run=False)
    assert (report.created, report.errors) == (1, [])


def test_xlsx_import_and_bad_value(people, director, department):
    content = xlsx(
        [
            ["first_name", "last_name", "email", "department", "active"],
            ["Ola", "Nowak", "ola@example.com", "Marketing", 1],
            ["Jan", "Kot", "jan@example.com", "Marketing", "maybe"],
        ]
    )
    before = Person.objects.count()
    report = run_import(people, "people.xlsx", content, director, dry_run=False)
    assert errors(report) == [(3, "active", "“maybe” is not a yes/no value (use true or false).")]
    assert Person.objects.count() == before


def test_corrupt_xlsx_is_refused(people, director):
    report = run_import(people, "people.xlsx", b"PK\x03\x04garbage", director, dry_run=True)
    assert errors(report) == [(None, None, "The file is not a valid XLSX workbook.")]


def test_leader_cannot_import_rows_of_another_department(people):
    home = DepartmentFactory(name="Home")
    DepartmentFactory(name="Away")
    leader = user_with_role(LEADER, home)
    before = Person.objects.count()
    content = (HEADER + "A,B,a@example.com,Home,\nC,D,c@example.com,Away,\n").encode()
    report = run_import(people, "people.csv", content, leader, dry_run=False)
    assert errors(report) == [
        (3, "department", "You may only import records of your own department.")
    ]
    assert Person.objects.count() == before


def test_import_is_audited_with_the_importing_user(people, director, department):
    from auditlog.context import set_actor
    from auditlog.models import LogEntry

    content = (HEADER + "Ola,Nowak,ola@example.com,Marketing,Analyst\n").encode()
    with set_actor(director):
        run_import(people, "people.csv", content, director, dry_run=False)
    person = Person.objects.get(email="ola@example.com")
    entry = LogEntry.objects.get_for_object(person).get()
    assert (entry.actor, entry.action) == (director, LogEntry.Action.CREATE)
    assert entry.changes_dict["email"] == ["None", "ola@example.com"]


def snapshot_of(person) -> dict:
    return dict(Person.objects.filter(pk=person.pk).values().get())


@pytest.mark.parametrize("dry_run", [True, False])
def test_leader_cannot_take_over_a_person_of_another_department_by_import(
    people, api_client_for, dry_run
):
    # Given the Marketing leader, and a person of Finance whom the API refuses them to change
    marketing = DepartmentFactory(name="Marketing")
    finance = PersonFactory(
        department=DepartmentFactory(name="Finance"), email="f@example.com", job_title="Clerk"
    )
    leader = user_with_role(LEADER, marketing)
    client = api_client_for(leader)
    before = snapshot_of(finance)
    assert client.patch(f"/api/org/people/{finance.pk}/", {"job_title": "X"}).status_code == 403
    # When they import a file naming that person, moving them to Marketing and editing them
    upload = io.BytesIO((HEADER + "F,G,f@example.com,Marketing,Marketer\n").encode())
    upload.name = "people.csv"
    response = client.post(
        "/api/org/people/import/", {"file": upload, "dry_run": dry_run}, format="multipart"
    )
    # Then the row is refused as the API refuses the change, and the person is unchanged
    assert response.status_code == 400
    assert response.json() == {
        "created": 0,
        "updated": 0,
        "encoding": "utf-8",
        "errors": [
            {
                "row": 2,
                "column": "department",
                "message": "You may only import records of your own department.",
            }
        ],
    }
    assert snapshot_of(finance) == before
