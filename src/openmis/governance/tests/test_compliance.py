"""The compliance view: figures of a department (with sub-departments), a system and a person
(acknowledged, declined, pending, overdue, exempt, an expired exception reopening a gap,
training completed and expired), who sees what, the evidence workbook as of a day (typed
cells, no formula, later answers and versions left out), bad input, constant queries."""

from datetime import datetime, time, timedelta
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from openmis.conftest import logged_in
from openmis.core.formatting import format_date
from openmis.governance import acknowledgements, compliance
from openmis.governance.models import Acknowledgement, Audience, Campaign, PolicyVersion
from openmis.governance.models.policies import text_hash
from openmis.governance.tests.factories_policies import (
    PolicyExceptionFactory,
    PolicyFactory,
    PolicyVersionFactory,
)
from openmis.governance.tests.factories_training import (
    CertificateFactory,
    CourseFactory,
    EnrolmentFactory,
)
from openmis.org.models import Person
from openmis.org.roles import DIRECTOR, EMPLOYEE, LEADER
from openmis.org.tests.factories import DepartmentFactory, PersonFactory, user_with_role
from openmis.portfolio.models import SystemAccess
from openmis.portfolio.tests.factories import SystemFactory

pytestmark = pytest.mark.django_db

State = Acknowledgement.State


def _days(n: int):
    return timezone.localdate() + timedelta(days=n)


def _moment(n: int):
    """Noon ``n`` days from today, in the installation's time zone."""
    return timezone.make_aware(datetime.combine(_days(n), time(12)))


def _publish(policy, on, text="# Passwords\n\nUse long ones.", change="material"):
    """Publish a new version of ``policy`` on day ``on`` (the earlier one retired)."""
    policy.versions.filter(state="published").update(state="retired")
    version = PolicyVersionFactory(policy=policy, text=text)
    PolicyVersion.objects.filter(pk=version.pk).update(
        state="published",
        change=change,
        sha256=text_hash(text),
        published_at=timezone.make_aware(datetime.combine(on, time(9))),
    )
    version = PolicyVersion.objects.get(pk=version.pk)
    return version, acknowledgements.start_campaign(version, on)


def _answer(campaign, person, state, days_ago, version=None):
    fields = {"state": state, "answered_at": _moment(-days_ago)}
    if state == State.ACCEPTED:
        version = version or campaign.policy_version
        fields |= {
            "acknowledged_version": version,
            "acknowledged_number": version.number,
            "acknowledged_sha256": version.sha256,
        }
    else:
        fields["reason"] = "Too strict"
    campaign.acknowledgements.filter(person=person).update(**fields)


def _user_of(person, role=EMPLOYEE):
    user = user_with_role(role, totp=False)
    Person.objects.filter(user=user).delete()
    Person.objects.filter(pk=person.pk).update(user=user)
    return user


@pytest.fixture
def world():
    """Sales (Anna acknowledged, Bartek declined, Celina pending, Dawid overdue, Ewa exempt)
    and Sales North below it (Filip, whose exception expired); Olga in Support. Anna, Bartek
    and Celina use the CRM, whose course Anna passed, Bartek's certificate expired and
    Celina is late for."""
    sales = DepartmentFactory(name="Sales")
    north = DepartmentFactory(name="Sales North", parent=sales)
    support = DepartmentFactory(name="Support")
    people = {
        name: PersonFactory(first_name=name, last_name="Doe", department=sales)
        for name in ("Anna", "Bartek", "Celina", "Dawid", "Ewa")
    }
    people["Filip"] = PersonFactory(first_name="Filip", last_name="Doe", department=north)
    people["Olga"] = PersonFactory(first_name="Olga", last_name="Other", department=support)
    crm = SystemFactory(name="CRM")
    for name in ("Anna", "Bartek", "Celina"):
        SystemAccess.objects.create(person=people[name], system=crm, valid_from=_days(-60))
    audience = Audience.objects.create(name="Sales and Support")
    audience.departments.set([sales, support])
    policy = PolicyFactory(title="Passwords", audience=audience, department=sales)
    policy.systems.add(crm)
    PolicyExceptionFactory(policy=policy, person=people["Ewa"], expires=_days(30))
    filips = PolicyExceptionFactory(policy=policy, person=people["Filip"], expires=_days(30))
    version, campaign = _publish(policy, _days(-20))
    _answer(campaign, people["Anna"], State.ACCEPTED, 10)
    _answer(campaign, people["Bartek"], State.DECLINED, 5)
    campaign.acknowledgements.filter(person=people["Celina"]).update(due_date=_days(5))
    campaign.acknowledgements.filter(person=people["Dawid"]).update(due_date=_days(-1))
    campaign.acknowledgements.filter(person=people["Bartek"]).update(due_date=_days(5))
    # both were granted before the campaign; Filip's expired yesterday: no longer holds
    type(filips).objects.filter(policy=policy).update(created=_moment(-25))
    type(filips).objects.filter(pk=filips.pk).update(expires=_days(-1))

    course = CourseFactory(title="CRM basics")
    course.systems.add(crm)
    anna = EnrolmentFactory(person=people["Anna"], course=course, due_date=_days(30))
    CertificateFactory(enrolment=anna, issued_on=_days(-10), valid_until=_days(300))
    bartek = EnrolmentFactory(person=people["Bartek"], course=course, due_date=_days(30))
    CertificateFactory(enrolment=bartek, issued_on=_days(-400), valid_until=_days(-1))
    EnrolmentFactory(person=people["Celina"], course=course, due_date=_days(-1))
    fire = CourseFactory(title="Fire safety", validity_months=None)
    ewa = EnrolmentFactory(person=people["Ewa"], course=fire, due_date=_days(30))
    CertificateFactory(enrolment=ewa, issued_on=_days(-10), valid_until=None)
    return {
        "sales": sales,
        "north": north,
        "support": support,
        "people": people,
        "crm": crm,
        "policy": policy,
        "version": version,
        "campaign": campaign,
        "course": course,
        "fire": fire,
        "director": user_with_role(DIRECTOR),
    }


def _counts(result):
    return {
        line.policy.title: {**line.counts, "reopened": line.reopened} for line in result.policies
    }


def _training(result):
    return {c.course.title: (c.assigned, c.completed, c.expired, c.overdue) for c in result.courses}


def test_a_department_counts_its_people_and_those_below_it(world):
    subject = compliance.Subject(compliance.DEPARTMENT, world["sales"])
    result = compliance.figures(world["director"], subject)
    assert result.people == 6
    assert _counts(result) == {
        "Passwords": {
            "accepted": 1,
            "declined": 1,
            "pending": 3,  # Celina, Dawid (overdue) and Filip, whose exception expired
            "overdue": 1,
            "exempt": 1,
            "reopened": 1,
        }
    }
    assert result.policies[0].rate == pytest.approx(1 / 5)
    assert result.policies[0].version == world["version"]
    assert _training(result) == {"CRM basics": (3, 1, 1, 1), "Fire safety": (1, 1, 0, 0)}
    gaps = {(g.person.first_name, g.kind, g.state) for g in result.gaps}
    assert gaps == {
        ("Bartek", "policy", "declined"),
        ("Bartek", "course", "expired"),
        ("Celina", "policy", "pending"),
        ("Celina", "course", "overdue"),
        ("Dawid", "policy", "overdue"),
        ("Filip", "policy", "reopened"),
    }
    assert [e.person.first_name for e in result.exceptions] == ["Ewa"]
    totals = result.totals
    assert (totals["rate"], totals["completion"]) == (pytest.approx(0.2), pytest.approx(0.5))


def test_the_daily_round_turns_the_reopened_exemption_into_a_plain_pending_row(world):
    acknowledgements.refresh_campaign(world["campaign"])
    subject = compliance.Subject(compliance.DEPARTMENT, world["sales"])
    result = compliance.figures(world["director"], subject)
    counts = _counts(result)["Passwords"]
    assert (counts["pending"], counts["exempt"], counts["reopened"]) == (3, 1, 0)


def test_a_system_counts_its_users_its_policies_and_its_courses(world):
    subject = compliance.Subject(compliance.SYSTEM, world["crm"])
    result = compliance.figures(world["director"], subject)
    assert result.people == 3
    counts = _counts(result)["Passwords"]
    assert (counts["accepted"], counts["declined"], counts["pending"], counts["exempt"]) == (
        1,
        1,
        1,
        0,
    )
    assert _training(result) == {"CRM basics": (3, 1, 1, 1)}  # not the fire-safety course


def test_the_drill_down_narrows_the_gaps(world):
    client = logged_in(world["director"])
    url = f"/governance/compliance/departments/{world['sales'].pk}/"
    response = client.get(url, {"policy": world["policy"].pk, "state": "overdue"})
    assert response.status_code == 200
    assert [g.person.first_name for g in response.context["result"].gaps] == ["Dawid"]
    html = response.content.decode()
    assert f"/governance/compliance/people/{world['people']['Dawid'].pk}/" in html
    response = client.get(url, {"course": world["course"].pk, "state": "expired"})
    assert [g.person.first_name for g in response.context["result"].gaps] == ["Bartek"]
    response = client.get(url, {"state": "nonsense", "policy": "x"})
    assert response.status_code == 200 and len(response.context["result"].gaps) == 6


def test_the_pages_show_rates_in_the_readers_language(world):
    client = logged_in(world["director"])
    client.cookies["django_language"] = "pl"
    response = client.get(
        f"/governance/compliance/departments/{world['sales'].pk}/", HTTP_ACCEPT_LANGUAGE="pl"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "20%" in html.replace("\xa0", "") and "50%" in html.replace("\xa0", "")
    assert format_date(timezone.localdate(), "pl") in html  # "on 7 gru 2026"


def test_the_system_department_and_person_pages_have_a_compliance_section(world):
    client = logged_in(world["director"])
    for url, target in (
        (f"/portfolio/systems/{world['crm'].pk}/", "systems"),
        (f"/org/departments/{world['sales'].pk}/", "departments"),
        (f"/org/people/{world['people']['Anna'].pk}/", "people"),
    ):
        html = client.get(url).content.decode()
        assert 'id="compliance-panel"' in html, url
        assert f"/governance/compliance/{target}/" in html
    campaign = client.get(f"/governance/campaigns/{world['campaign'].pk}/").content.decode()
    assert f"/governance/compliance/departments/{world['sales'].pk}/" in campaign


# ---------------------------------------------------------------- who sees what


def test_a_leader_of_another_department_sees_none_of_our_people(world):
    leader = user_with_role(LEADER, world["support"])
    subject = compliance.Subject(compliance.DEPARTMENT, world["sales"])
    result = compliance.figures(leader, subject)
    assert sum(line.asked + line.counts["exempt"] for line in result.policies) == 0
    assert all(c.assigned == 0 for c in result.courses) and result.gaps == []
    client = logged_in(leader)
    assert (
        client.get(f"/governance/compliance/people/{world['people']['Anna'].pk}/").status_code
        == 403
    )
    # their own department: Olga
    own = compliance.figures(leader, compliance.Subject(compliance.DEPARTMENT, world["support"]))
    assert [g.person.first_name for g in own.gaps] == ["Olga"]


def test_a_leader_of_the_department_sees_its_people(world):
    leader = user_with_role(LEADER, world["sales"])
    result = compliance.figures(leader, compliance.Subject(compliance.DEPARTMENT, world["sales"]))
    assert _counts(result)["Passwords"]["accepted"] == 1
    response = logged_in(leader).get(
        f"/governance/compliance/people/{world['people']['Dawid'].pk}/"
    )
    assert response.status_code == 200


def test_an_employee_sees_only_their_own_compliance_page(world):
    anna = world["people"]["Anna"]
    client = logged_in(_user_of(anna))
    response = client.get(f"/governance/compliance/people/{anna.pk}/")
    assert response.status_code == 200
    result = response.context["result"]
    assert _counts(result)["Passwords"]["accepted"] == 1
    assert _training(result) == {"CRM basics": (1, 1, 0, 0)}
    assert (
        client.get(f"/governance/compliance/people/{world['people']['Bartek'].pk}/").status_code
        == 403
    )
    assert client.get(f"/governance/compliance/departments/{world['sales'].pk}/").status_code == 403
    assert client.get(f"/governance/compliance/systems/{world['crm'].pk}/").status_code == 403
    assert client.get("/governance/compliance/").status_code == 403
    assert client.get("/governance/compliance/evidence.xlsx?as_of=2026-01-01").status_code == 403
    assert client.get("/governance/compliance/people/999999/").status_code == 404


def test_the_api_returns_the_figures_of_one_subject(world, api_client_for):
    response = api_client_for(world["director"]).get(
        f"/api/governance/compliance/?department={world['sales'].pk}"
    )
    assert response.status_code == 200
    data = response.json()
    assert data["subject"] == {
        "kind": "department",
        "id": world["sales"].pk,
        "display": "Sales",
    }
    (line,) = data["policies"]
    assert (line["acknowledged"], line["asked"], line["exempt"], line["reopened"]) == (1, 5, 1, 1)
    assert line["rate"] == pytest.approx(0.2)
    assert {g["state"] for g in data["gaps"]} == {
        "declined",
        "expired",
        "pending",
        "overdue",
        "reopened",
    }
    anna = _user_of(world["people"]["Anna"])
    client = api_client_for(anna)
    assert (
        client.get(f"/api/governance/compliance/?person={world['people']['Anna'].pk}").status_code
        == 200
    )
    assert (
        client.get(f"/api/governance/compliance/?person={world['people']['Bartek'].pk}").status_code
        == 403
    )
    assert client.get(f"/api/governance/compliance/?system={world['crm'].pk}").status_code == 403


@pytest.mark.parametrize(
    "query, field",
    [
        ("", "non_field_errors"),
        ("?department=abc", "department"),
        ("?department=1&person=2", "non_field_errors"),
    ],
)
def test_the_api_refuses_a_bad_subject_with_a_field_error(world, api_client_for, query, field):
    response = api_client_for(world["director"]).get(f"/api/governance/compliance/{query}")
    assert response.status_code == 400
    assert field in response.json()


# ---------------------------------------------------------------- evidence as of a day


def test_evidence_is_reconstructed_as_of_the_day(world):
    people, policy = world["people"], world["policy"]
    # a material version published three days ago is absent from the evidence of a week ago
    v2, campaign2 = _publish(policy, _days(-3), text="# Passwords\n\nVersion two.")
    _answer(campaign2, people["Celina"], State.ACCEPTED, 1)
    week_ago = {r.person.first_name: r for r in compliance.evidence(world["director"], _days(-7))}
    assert {r.version.pk for r in week_ago.values()} == {world["version"].pk}
    assert {n: r.state for n, r in week_ago.items()} == {
        "Anna": "acknowledged",  # ten days ago
        "Bartek": "pending",  # declined five days ago: not yet then
        "Celina": "pending",
        "Dawid": "pending",  # his due date (yesterday) had not passed then
        "Ewa": "exempt",
        "Filip": "exempt",  # his exception still applied then
        "Olga": "pending",
    }
    today = {r.person.first_name: r for r in compliance.evidence(world["director"], _days(0))}
    assert {r.version.pk for r in today.values()} == {v2.pk}
    assert today["Celina"].state == "acknowledged"
    assert today["Anna"].state == "pending"  # a material change asks everyone again
    assert today["Filip"].state == "pending"
    # narrowed to a department (with sub-departments) and to a system's users
    north = compliance.evidence(world["director"], _days(-7), department=world["sales"])
    assert "Olga" not in {r.person.first_name for r in north}
    users = compliance.evidence(world["director"], _days(-7), system=world["crm"])
    assert sorted(r.person.first_name for r in users) == ["Anna", "Bartek", "Celina"]


def test_evidence_of_a_day_before_any_campaign_is_empty(world):
    assert compliance.evidence(world["director"], _days(-30)) == []


def test_evidence_counts_only_what_the_reader_sees(world):
    leader = user_with_role(LEADER, world["support"])
    rows = compliance.evidence(leader, _days(0))
    assert [r.person.first_name for r in rows] == ["Olga"]


def test_the_evidence_workbook_has_typed_cells_and_no_formula(world):
    from openpyxl import load_workbook

    people = world["people"]
    Person.objects.filter(pk=people["Anna"].pk).update(first_name="=cmd|' /C calc'!A0")
    response = logged_in(world["director"]).get(
        "/governance/compliance/evidence.xlsx",
        {"as_of": _days(0).isoformat(), "department": world["sales"].pk},
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(BytesIO(response.content))
    sheet = book.worksheets[0]
    rows = list(sheet.iter_rows(min_row=2))
    by_name = {row[3].value: row for row in rows}
    anna = by_name["'=cmd|' /C calc'!A0 Doe"]
    assert anna[3].data_type == "s"
    assert anna[6].value == "Acknowledged"
    assert anna[1].value == world["version"].number and anna[1].data_type == "n"
    assert anna[7].value == world["version"].number
    assert anna[8].value == world["version"].sha256
    assert isinstance(anna[9].value, datetime)  # acknowledged at, a date cell
    assert anna[10].is_date and anna[10].value.date() == _days(-20)
    assert len(rows) == 6  # Sales and Sales North, not Olga


@pytest.mark.parametrize("as_of", ["2026-13-45", "yesterday", "", "2999-01-01"])
def test_a_bad_day_is_a_form_error_not_a_crash(world, as_of):
    response = logged_in(world["director"]).get(
        "/governance/compliance/evidence.xlsx", {"as_of": as_of}
    )
    assert response.status_code == 400
    assert "as_of" in response.context["form"].errors
    assert 'id="as_of-error"' in response.content.decode()


def test_an_unknown_department_is_a_form_error(world):
    response = logged_in(world["director"]).get(
        "/governance/compliance/evidence.xlsx", {"as_of": "2026-01-01", "department": "x"}
    )
    assert response.status_code == 400
    assert "department" in response.context["form"].errors


# ---------------------------------------------------------------- constant queries


def _department_of(n: int):
    """A department of ``n`` people asked to acknowledge a policy and enrolled in a course,
    some answered, some certified."""
    department = DepartmentFactory()
    Person.objects.bulk_create(
        Person(
            first_name=f"P{i}",
            last_name=f"N{i}",
            email=f"c{n}-{i}@example.com",
            department=department,
        )
        for i in range(n)
    )
    audience = Audience.objects.create(name=f"Department {n}")
    audience.departments.set([department])
    policy = PolicyFactory(audience=audience)
    _version, campaign = _publish(policy, _days(-5))
    people = list(Person.objects.filter(department=department))
    for person in people[::3]:
        _answer(campaign, person, State.ACCEPTED, 1)
    PolicyExceptionFactory(policy=policy, person=people[1], expires=_days(-1))
    course = CourseFactory()
    for i, person in enumerate(people):
        enrolment = EnrolmentFactory(person=person, course=course, due_date=_days(i % 3 - 1))
        if i % 2:
            CertificateFactory(enrolment=enrolment, issued_on=_days(-3), valid_until=_days(300))
    return department


def test_the_figures_read_a_constant_number_of_queries(world, django_assert_max_num_queries):
    director = world["director"]
    small, large = _department_of(10), _department_of(100)
    subject = compliance.Subject(compliance.DEPARTMENT, small)
    compliance.figures(director, subject)  # warm the per-process caches
    with CaptureQueriesContext(connection) as queries:
        result = compliance.figures(director, subject)
    assert result.totals["asked"] == 10
    with django_assert_max_num_queries(len(queries)):
        result = compliance.figures(director, compliance.Subject(compliance.DEPARTMENT, large))
    assert result.totals["asked"] == 100 and len(result.gaps) > 100
    client = logged_in(director)
    client.get(f"/governance/compliance/departments/{small.pk}/")
    with CaptureQueriesContext(connection) as page:
        assert client.get(f"/governance/compliance/departments/{small.pk}/").status_code == 200
    with django_assert_max_num_queries(len(page)):
        assert client.get(f"/governance/compliance/departments/{large.pk}/").status_code == 200
    with CaptureQueriesContext(connection) as sheet:
        client.get(
            "/governance/compliance/evidence.xlsx", {"as_of": _days(0), "department": small.pk}
        )
    with django_assert_max_num_queries(len(sheet)):
        response = client.get(
            "/governance/compliance/evidence.xlsx", {"as_of": _days(0), "department": large.pk}
        )
    assert response.status_code == 200
    assert Campaign.objects.count() == 3
