"""Procedures: steps edited inline on the procedure's form, shown in order on its page and
printed in its PDF, for those who may read it."""

import io

import pytest
from pypdf import PdfReader

from openmis.conftest import logged_in
from openmis.governance.models import Procedure, ProcedureStep
from openmis.org import roles
from openmis.org.models import Role
from openmis.org.tests.factories import PersonFactory, user_with_role
from openmis.portfolio.tests.factories import SystemFactory

pytestmark = pytest.mark.django_db


def _management(total: int, initial: int = 0) -> dict:
    return {
        "steps-TOTAL_FORMS": str(total),
        "steps-INITIAL_FORMS": str(initial),
        "steps-MIN_NUM_FORMS": "0",
        "steps-MAX_NUM_FORMS": "1000",
    }


def _procedure_with_steps():
    procedure = Procedure.objects.create(title="Zażółć gęślą jaźń", owner=PersonFactory())
    staff = Role.objects.get(slug=roles.STAFF)
    crm = SystemFactory(name="CRM")
    first = ProcedureStep.objects.create(
        procedure=procedure, number=1, text="Zablokuj konto", responsible_role=staff
    )
    second = ProcedureStep.objects.create(
        procedure=procedure, number=2, text="Odbierz licencję", system=crm
    )
    return procedure, first, second


def test_a_procedure_is_created_with_its_steps_on_one_form():
    # Given MIS staff and an owner
    client = logged_in(user_with_role(roles.STAFF))
    owner = PersonFactory()
    role = Role.objects.get(slug=roles.LEADER)
    # When they fill in the procedure and two of the three step rows, the second first
    response = client.post(
        "/governance/procedures/add/",
        {
            "title": "Offboarding",
            "description": "When someone **leaves**.",
            "owner": owner.pk,
            **_management(3),
            "steps-0-number": "2",
            "steps-0-text": "Take back the laptop",
            "steps-0-responsible_role": role.pk,
            "steps-1-number": "1",
            "steps-1-text": "Disable the accounts",
            "steps-2-number": "",
            "steps-2-text": "",
        },
    )
    # Then the procedure is saved with its steps, in the order of their numbers
    assert response.status_code == 302, response.content.decode()[:2000]
    procedure = Procedure.objects.get()
    assert [(s.number, s.text, s.responsible_role) for s in procedure.steps.all()] == [
        (1, "Disable the accounts", None),
        (2, "Take back the laptop", role),
    ]
    page = client.get(procedure.get_absolute_url()).content.decode()
    assert page.index("Disable the accounts") < page.index("Take back the laptop")
    assert "<strong>leaves</strong>" in page
    # and the description appears once, rendered: not also as its Markdown source in "Details"
    details = page[page.index('<table class="table table-sm">') :]
    assert "**leaves**" not in details[: details.index("</table>")]


def test_steps_swap_numbers_and_are_deleted_on_the_form():
    procedure, first, second = _procedure_with_steps()
    client = logged_in(user_with_role(roles.STAFF))
    response = client.post(
        f"/governance/procedures/{procedure.pk}/edit/",
        {
            "title": procedure.title,
            "owner": procedure.owner_id,
            "version": procedure.version,
            **_management(3, initial=2),
            "steps-0-id": first.pk,
            "steps-0-number": "2",
            "steps-0-text": first.text,
            "steps-1-id": second.pk,
            "steps-1-number": "1",
            "steps-1-text": second.text,
            "steps-2-number": "3",
            "steps-2-text": "Archive the mailbox",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert list(procedure.steps.values_list("text", flat=True)) == [
        "Odbierz licencję",
        "Zablokuj konto",
        "Archive the mailbox",
    ]
    # And a step ticked for deletion goes
    second.refresh_from_db()
    procedure.refresh_from_db()
    response = client.post(
        f"/governance/procedures/{procedure.pk}/edit/",
        {
            "title": procedure.title,
            "owner": procedure.owner_id,
            "version": procedure.version,
            **_management(1, initial=1),
            "steps-0-id": second.pk,
            "steps-0-number": "1",
            "steps-0-text": second.text,
            "steps-0-DELETE": "on",
        },
    )
    assert response.status_code == 302
    assert list(procedure.steps.values_list("text", flat=True)) == [
        "Zablokuj konto",
        "Archive the mailbox",
    ]


def test_two_steps_with_one_number_are_refused_and_nothing_changes():
    procedure, first, second = _procedure_with_steps()
    client = logged_in(user_with_role(roles.STAFF))
    response = client.post(
        f"/governance/procedures/{procedure.pk}/edit/",
        {
            "title": "Renamed",
            "owner": procedure.owner_id,
            "version": procedure.version,
            **_management(2, initial=2),
            "steps-0-id": first.pk,
            "steps-0-number": "1",
            "steps-0-text": "Changed",
            "steps-1-id": second.pk,
            "steps-1-number": "1",
            "steps-1-text": second.text,
        },
    )
    assert response.status_code == 400
    assert "Step 1 appears twice" in response.content.decode()
    procedure.refresh_from_db()
    assert procedure.title == "Zażółć gęślą jaźń"
    assert list(procedure.steps.values_list("number", "text")) == [
        (1, "Zablokuj konto"),
        (2, "Odbierz licencję"),
    ]


@pytest.mark.parametrize(
    ("role", "may_edit"),
    [
        (roles.DIRECTOR, True),
        (roles.STAFF, True),
        (roles.LEADER, False),
        (roles.ANALYST, False),
        (roles.EMPLOYEE, False),
        (None, False),
    ],
)
def test_who_may_edit_the_steps(role, may_edit):
    procedure, first, _second = _procedure_with_steps()
    response = logged_in(user_with_role(role)).post(
        f"/governance/procedures/{procedure.pk}/edit/",
        {
            "title": procedure.title,
            "owner": procedure.owner_id,
            "version": procedure.version,
            **_management(1, initial=1),
            "steps-0-id": first.pk,
            "steps-0-number": "1",
            "steps-0-text": "Rewritten",
        },
    )
    assert response.status_code == (302 if may_edit else 403)
    first.refresh_from_db()
    assert first.text == ("Rewritten" if may_edit else "Zablokuj konto")


@pytest.mark.parametrize(
    ("role", "may_read"),
    [
        (roles.DIRECTOR, True),
        (roles.STAFF, True),
        (roles.LEADER, True),
        (roles.ANALYST, True),
        (roles.EMPLOYEE, True),
        (None, False),
    ],
)
def test_the_pdf_holds_the_steps_in_order_for_readers(role, may_read):
    procedure, _first, _second = _procedure_with_steps()
    response = logged_in(user_with_role(role)).get(f"/governance/procedures/{procedure.pk}/pdf/")
    if not may_read:
        assert response.status_code == 403
        return
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Zażółć gęślą jaźń" in text
    assert text.index("Zablokuj konto") < text.index("Odbierz licencję")
    assert "MIS staff" in text and "CRM" in text


def test_the_pdf_needs_a_login():
    procedure, _first, _second = _procedure_with_steps()
    from django.test import Client

    response = Client().get(f"/governance/procedures/{procedure.pk}/pdf/")
    assert response.status_code == 302
    assert "/login" in response["Location"] or "accounts" in response["Location"]


def test_every_field_of_the_steps_form_has_a_label():
    """A screen reader names each box of the steps table (its column and row)."""
    procedure, _first, _second = _procedure_with_steps()
    page = logged_in(user_with_role(roles.STAFF)).get(
        f"/governance/procedures/{procedure.pk}/edit/"
    )
    html = page.content.decode()
    for name in ("number", "text", "responsible_role", "system"):
        assert f'<label class="visually-hidden" for="id_steps-0-{name}">' in html
    assert '<label class="visually-hidden" for="id_steps-0-DELETE">Delete step 1</label>' in html
    assert "(row 1)</label>" in html
