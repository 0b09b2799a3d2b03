"""Acknowledgement campaigns: publishing asks the audience (less exceptions), minor vs material
changes, late joiners and new system users, only the addressee answers, superseded versions
refused naming the current one, reminders and escalation once, the dashboard's counts and its
constant query count, the tile and the answer page."""

import re
from datetime import date, timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from openmis.conftest import ROLES, logged_in
from openmis.core.notifications import Notice
from openmis.core.workdays import add_working_days
from openmis.governance import acknowledgements, policies
from openmis.governance.models import Acknowledgement, Audience, Campaign, PolicyVersion
from openmis.governance.tests.factories_policies import (
    PolicyExceptionFactory,
    PolicyFactory,
    PolicyVersionFactory,
)
from openmis.org.models import Person
from openmis.org.roles import DIRECTOR, EMPLOYEE, LEADER, STAFF
from openmis.org.tests.factories import DepartmentFactory, PersonFactory, user_with_role
from openmis.portfolio.models import SystemAccess
from openmis.portfolio.tests.factories import SystemFactory

pytestmark = pytest.mark.django_db

State = Acknowledgement.State
MONDAY = date(2026, 11, 2)


def _audience(*departments, systems=()) -> Audience:
    audience = Audience.objects.create(name=f"Audience {Audience.objects.count() + 1}")
    audience.departments.set(departments)
    audience.systems.set(systems)
    return audience


def _approve(policy, text) -> PolicyVersion:
    version = PolicyVersionFactory(policy=policy, text=text)
    PolicyVersion.objects.filter(pk=version.pk).update(state="approved")
    return version


@pytest.fixture
def world():
    """Sales (Anna, Bartek, Celina) addressed by a policy; the MIS director publishes."""
    sales = DepartmentFactory(name="Sales")
    people = {
        name: PersonFactory(first_name=name, last_name="Sales", department=sales)
        for name in ("Anna", "Bartek", "Celina")
    }
    policy = PolicyFactory(title="Passwords", audience=_audience(sales))
    director = user_with_role(DIRECTOR)
    return {"sales": sales, "people": people, "policy": policy, "director": director}


def _publish(world, change="material", text=None):
    n = world["policy"].versions.count() + 1
    _approve(world["policy"], text or f"# Passwords\n\nRule {n}.")
    return policies.publish(world["policy"], change, world["director"])


def _acks(campaign) -> dict[str, Acknowledgement]:
    return {a.person.first_name: a for a in campaign.acknowledgements.select_related("person")}


def _user_of(person, role=EMPLOYEE):
    user = user_with_role(role, totp=False)
    Person.objects.filter(user=user).delete()
    Person.objects.filter(pk=person.pk).update(user=user)
    return user


# ---------------------------------------------------------------- publishing asks the audience


def test_publishing_asks_everyone_the_audience_reaches_with_a_working_day_due_date(world):
    version = _publish(world)
    campaign = Campaign.objects.get()
    today = campaign.started_on
    due = add_working_days(today, 14, settings.OPENMIS_HOLIDAY_COUNTRY)
    assert campaign.policy_version == version and campaign.is_open
    assert sorted((n, a.state, a.asked_on, a.due_date) for n, a in _acks(campaign).items()) == [
        ("Anna", State.PENDING, today, due),
        ("Bartek", State.PENDING, today, due),
        ("Celina", State.PENDING, today, due),
    ]


def test_the_due_date_counts_polish_working_days(settings):
    settings.OPENMIS_HOLIDAY_COUNTRY = "PL"
    # 2 November 2026 plus 14 working days, 11 November (Independence Day) left out
    assert acknowledgements.due_from(MONDAY) == date(2026, 11, 23)
    settings.OPENMIS_ACKNOWLEDGE_DAYS = 3
    assert acknowledgements.due_from(MONDAY) == date(2026, 11, 5)


def test_publishing_a_policy_without_an_audience_just_publishes(world):
    world["policy"].audience = None
    world["policy"].save()
    version = _publish(world)
    assert version.state == "published"
    assert not Campaign.objects.exists() and not Acknowledgement.objects.exists()


def test_a_material_change_asks_everyone_again(world):
    first = _publish(world)
    old = Campaign.objects.get(policy_version=first)
    acks = _acks(old)
    acknowledgements.acknowledge(acks["Anna"], _user_of(world["people"]["Anna"]))
    second = _publish(world, "material")
    old.refresh_from_db()
    new = Campaign.objects.get(policy_version=second)
    assert old.closed_on == new.started_on
    assert sorted((n, a.state, a.carried) for n, a in _acks(new).items()) == [
        ("Anna", State.PENDING, False),
        ("Bartek", State.PENDING, False),
        ("Celina", State.PENDING, False),
    ]


def test_a_minor_change_carries_acknowledgements_over_and_asks_the_others(world):
    first = _publish(world)
    old = Campaign.objects.get(policy_version=first)
    acks = _acks(old)
    acknowledgements.acknowledge(acks["Anna"], _user_of(world["people"]["Anna"]))
    acknowledgements.decline(acks["Bartek"], _user_of(world["people"]["Bartek"]), "Unclear")
    Acknowledgement.objects.filter(pk=acks["Celina"].pk).update(due_date=date(2026, 12, 1))
    second = _publish(world, "minor")
    new = _acks(Campaign.objects.get(policy_version=second))
    anna = new["Anna"]
    # Anna is not asked again: the row keeps the version she actually acknowledged
    assert (anna.state, anna.carried, anna.acknowledged_version_id) == (
        State.ACCEPTED,
        True,
        first.pk,
    )
    assert (anna.acknowledged_number, anna.acknowledged_sha256) == (1, first.sha256)
    # Bartek declined: asked again; Celina keeps her due date
    assert (new["Bartek"].state, new["Bartek"].carried) == (State.PENDING, False)
    assert (new["Celina"].state, new["Celina"].due_date) == (State.PENDING, date(2026, 12, 1))
    # Anna may acknowledge the new text explicitly: the row then names version 2
    acknowledgements.acknowledge(anna, Person.objects.get(pk=anna.person_id).user)
    anna.refresh_from_db()
    assert (anna.acknowledged_number, anna.carried, anna.acknowledged_sha256) == (
        2,
        False,
        second.sha256,
    )


def test_active_exceptions_exempt_the_person_their_department_or_a_linked_system(world):
    policy, people = world["policy"], world["people"]
    support = DepartmentFactory(name="Support")
    dora = PersonFactory(first_name="Dora", department=support)
    eryk = PersonFactory(first_name="Eryk", department=support)
    policy.audience.departments.add(support)
    crm, other = SystemFactory(name="CRM"), SystemFactory(name="Wiki")
    policy.systems.add(crm)
    SystemAccess.objects.create(person=people["Bartek"], system=crm, valid_from=MONDAY)
    SystemAccess.objects.create(person=people["Celina"], system=other, valid_from=MONDAY)
    later = MONDAY + timedelta(days=30)
    PolicyExceptionFactory(policy=policy, person=people["Anna"], expires=later)
    PolicyExceptionFactory(policy=policy, person=None, department=support, expires=later)
    PolicyExceptionFactory(policy=policy, person=None, system=crm, expires=later)
    # a system the policy is not linked to exempts nobody; an expired exception neither
    PolicyExceptionFactory(policy=policy, person=None, system=other, expires=later)
    PolicyExceptionFactory(policy=policy, person=eryk, expires=MONDAY - timedelta(days=1))
    version = _approve(policy, "# Text")
    PolicyVersion.objects.filter(pk=version.pk).update(state="published", change="material")
    campaign = acknowledgements.start_campaign(PolicyVersion.objects.get(pk=version.pk), MONDAY)
    states = {n: a.state for n, a in _acks(campaign).items()}
    assert states == {
        "Anna": State.EXEMPT,
        "Bartek": State.EXEMPT,
        "Celina": State.PENDING,
        "Dora": State.EXEMPT,
        "Eryk": State.EXEMPT,  # the department's exception still covers him
    }
    assert dora.pk and all(
        a.due_date is None for a in campaign.acknowledgements.filter(state="exempt")
    )
    # once Anna's exception expires, the daily round asks her with her own due date
    day = later + timedelta(days=1)
    acknowledgements.refresh_campaign(campaign, day)
    anna = campaign.acknowledgements.get(person=people["Anna"])
    assert (anna.state, anna.asked_on, anna.due_date) == (
        State.PENDING,
        day,
        acknowledgements.due_from(day),
    )


def test_a_department_exception_covers_its_sub_departments(world):
    policy, sales = world["policy"], world["sales"]
    key_accounts = DepartmentFactory(name="Key accounts", parent=sales)
    export = DepartmentFactory(name="Export", parent=key_accounts)
    support = DepartmentFactory(name="Support")
    PersonFactory(first_name="Kasia", department=key_accounts)
    PersonFactory(first_name="Ewa", department=export)
    PersonFactory(first_name="Olga", department=support)
    policy.audience.departments.add(support)  # Sales reaches its sub-departments already
    PolicyExceptionFactory(
        policy=policy,
        person=None,
        department=key_accounts,
        expires=timezone.localdate() + timedelta(days=30),
    )
    _publish(world)
    campaign = Campaign.objects.get()
    states = {n: a.state for n, a in _acks(campaign).items()}
    assert states == {
        "Anna": State.PENDING,  # Sales itself, above the exempted department: still asked
        "Bartek": State.PENDING,
        "Celina": State.PENDING,
        "Kasia": State.EXEMPT,
        "Ewa": State.EXEMPT,  # two levels below
        "Olga": State.PENDING,
    }
    board = acknowledgements.dashboard(campaign, world["director"])
    assert {r.name: r.counts["exempt"] for r in board["departments"]} == {
        "Export": 1,
        "Key accounts": 1,
        "Sales": 0,
        "Support": 0,
    }
    assert (board["totals"]["exempt"], board["totals"]["pending"]) == (2, 4)
    # a person moved into the sub-department later is recorded as exempt by the daily round
    newcomer = PersonFactory(first_name="Nina", department=export)
    acknowledgements.refresh_campaign(campaign)
    assert campaign.acknowledgements.get(person=newcomer).state == State.EXEMPT


# ---------------------------------------------------------------- late joiners


def test_the_daily_round_asks_late_joiners_with_their_own_due_date_once(world):
    _publish(world)
    campaign = Campaign.objects.get()
    joined = campaign.started_on + timedelta(days=5)
    zofia = PersonFactory(first_name="Zofia", department=world["sales"])
    assert acknowledgements.run_daily(joined)["asked"] == 1
    assert acknowledgements.run_daily(joined)["asked"] == 0
    row = campaign.acknowledgements.get(person=zofia)
    assert (row.state, row.asked_on, row.due_date) == (
        State.PENDING,
        joined,
        acknowledgements.due_from(joined),
    )
    assert campaign.acknowledgements.count() == 4


def test_new_access_to_a_linked_system_asks_the_new_user_at_once(world, api_client_for):
    crm = SystemFactory(name="CRM")
    policy = world["policy"]
    policy.audience.systems.add(crm)
    policy.systems.add(crm)
    _publish(world)
    campaign = Campaign.objects.get()
    outsider = PersonFactory(first_name="Olek", department=DepartmentFactory())
    staff = user_with_role(STAFF)
    response = api_client_for(staff).post(
        "/api/portfolio/access/",
        {"person": outsider.pk, "system": crm.pk, "valid_from": str(campaign.started_on)},
        format="json",
    )
    assert response.status_code == 201, response.content
    row = campaign.acknowledgements.get(person=outsider)
    assert (row.state, row.asked_on) == (State.PENDING, campaign.started_on)


def test_retiring_the_version_closes_its_campaign(world):
    version = _publish(world)
    policies.retire(version, world["director"])
    assert Campaign.objects.get().closed_on is not None


# ---------------------------------------------------------------- answering


def _ack_url(ack, answer="acknowledge"):
    return f"/api/governance/acknowledgements/{ack.pk}/{answer}/"


@pytest.mark.parametrize("answer", ["acknowledge", "decline"])
@pytest.mark.parametrize("role", ROLES)
def test_only_the_addressee_answers(world, role, answer, api_client_for):
    _publish(world)
    ack = _acks(Campaign.objects.get())["Anna"]
    before = Acknowledgement.objects.filter(pk=ack.pk).values().get()
    # someone else holding the role, in Anna's department (a leader sees the row)
    other = user_with_role(role, world["sales"], totp=False)
    response = api_client_for(other).post(_ack_url(ack, answer), {"reason": "No"}, format="json")
    assert response.status_code in (403, 404)
    assert response.status_code == (403 if role in (DIRECTOR, STAFF, LEADER) else 404)
    assert Acknowledgement.objects.filter(pk=ack.pk).values().get() == before
    # Anna herself, whatever her role
    anna = _user_of(world["people"]["Anna"], role)
    response = api_client_for(anna).post(_ack_url(ack, answer), {"reason": "No"}, format="json")
    assert response.status_code == 200, response.content
    ack.refresh_from_db()
    version = ack.campaign.policy_version
    if answer == "acknowledge":
        assert (ack.state, ack.acknowledged_number, ack.acknowledged_sha256) == (
            State.ACCEPTED,
            version.number,
            version.sha256,
        )
        assert response.json()["acknowledged_sha256"] == version.sha256
    else:
        assert (ack.state, ack.reason, ack.acknowledged_number) == (State.DECLINED, "No", None)
    assert ack.answered_at is not None


def test_declining_needs_a_reason(world, api_client_for):
    _publish(world)
    ack = _acks(Campaign.objects.get())["Anna"]
    anna = _user_of(world["people"]["Anna"])
    response = api_client_for(anna).post(_ack_url(ack, "decline"), {"reason": " "}, format="json")
    assert response.status_code == 400
    assert "reason" in response.json()
    ack.refresh_from_db()
    assert (ack.state, ack.reason, ack.answered_at) == (State.PENDING, "", None)


def test_a_superseded_version_is_refused_naming_the_current_one(world, api_client_for):
    _publish(world)
    old = _acks(Campaign.objects.get())["Anna"]
    anna = _user_of(world["people"]["Anna"])
    _publish(world, "material")
    response = api_client_for(anna).post(_ack_url(old), {}, format="json")
    assert response.status_code == 400
    assert response.json() == {
        "version": ["Version 1 of “Passwords” is no longer in force: the current version is 2."]
    }
    old.refresh_from_db()
    assert (old.state, old.acknowledged_number) == (State.PENDING, None)


def test_declining_after_acknowledging_is_refused_naming_the_state(world, api_client_for):
    _publish(world)
    ack = _acks(Campaign.objects.get())["Anna"]
    anna = _user_of(world["people"]["Anna"])
    client = api_client_for(anna)
    assert client.post(_ack_url(ack), {}, format="json").status_code == 200
    response = client.post(_ack_url(ack, "decline"), {"reason": "Changed my mind"}, format="json")
    assert response.status_code == 400
    assert response.json() == {
        "state": [
            "You already acknowledged version 1 of “Passwords”; an acknowledged version cannot "
            "be declined. If it no longer suits you, ask the policy's owner."
        ]
    }
    ack.refresh_from_db()
    assert (ack.state, ack.acknowledged_number, ack.reason) == (State.ACCEPTED, 1, "")
    # the page applies the same rule: no decline form, and a forged POST is refused
    page = logged_in(anna)
    html = page.get(f"/governance/acknowledgements/{ack.pk}/answer/").content.decode()
    assert 'id="ack-decline"' not in html and 'id="ack-acknowledge"' not in html
    response = page.post(
        f"/governance/acknowledgements/{ack.pk}/answer/", {"answer": "decline", "reason": "No"}
    )
    assert response.status_code == 400
    assert "an acknowledged version cannot be declined" in response.content.decode()
    assert Acknowledgement.objects.get(pk=ack.pk).state == State.ACCEPTED


def test_a_person_who_declined_may_acknowledge_later(world, api_client_for):
    _publish(world)
    ack = _acks(Campaign.objects.get())["Bartek"]
    client = api_client_for(_user_of(world["people"]["Bartek"]))
    declined = client.post(_ack_url(ack, "decline"), {"reason": "Unclear"}, format="json")
    assert declined.status_code == 200
    response = client.post(_ack_url(ack), {}, format="json")
    assert response.status_code == 200
    ack.refresh_from_db()
    assert (ack.state, ack.acknowledged_number, ack.reason) == (State.ACCEPTED, 1, "")


def test_a_carried_acknowledgement_may_be_declined_for_the_new_version(world, api_client_for):
    _publish(world)
    ack = _acks(Campaign.objects.get())["Celina"]
    celina = _user_of(world["people"]["Celina"])
    acknowledgements.acknowledge(ack, celina)
    _publish(world, "minor")
    carried = _acks(Campaign.objects.get(closed_on__isnull=True))["Celina"]
    assert (carried.state, carried.carried) == (State.ACCEPTED, True)
    response = api_client_for(celina).post(
        _ack_url(carried, "decline"), {"reason": "The new wording is wrong"}, format="json"
    )
    assert response.status_code == 200
    carried.refresh_from_db()
    assert carried.state == State.DECLINED


def test_a_retired_version_is_refused(world, api_client_for):
    version = _publish(world)
    ack = _acks(Campaign.objects.get())["Anna"]
    anna = _user_of(world["people"]["Anna"])
    policies.retire(version, world["director"])
    response = api_client_for(anna).post(_ack_url(ack), {}, format="json")
    assert response.status_code == 400
    assert response.json() == {
        "version": ["Version 1 of “Passwords” is no longer in force, and no version is."]
    }


def test_the_answer_page_shows_the_text_and_records_the_answer(world):
    _publish(world, text="# Passwords\n\nTwelve characters.<script>alert(1)</script>")
    ack = _acks(Campaign.objects.get())["Anna"]
    client = logged_in(_user_of(world["people"]["Anna"]))
    page = client.get(f"/governance/acknowledgements/{ack.pk}/answer/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "<h1>Passwords</h1>" in html and "<script>alert(1)" not in html
    assert 'id="ack-acknowledge"' in html
    response = client.post(
        f"/governance/acknowledgements/{ack.pk}/answer/", {"answer": "decline", "reason": ""}
    )
    assert response.status_code == 400
    assert Acknowledgement.objects.get(pk=ack.pk).state == State.PENDING
    response = client.post(f"/governance/acknowledgements/{ack.pk}/answer/", {"answer": "x"})
    assert response.status_code == 302
    assert Acknowledgement.objects.get(pk=ack.pk).state == State.ACCEPTED


def test_someone_else_cannot_answer_on_the_page(world):
    _publish(world)
    ack = _acks(Campaign.objects.get())["Anna"]
    leader = logged_in(user_with_role(LEADER, world["sales"]))
    response = leader.post(f"/governance/acknowledgements/{ack.pk}/answer/", {"answer": "x"})
    assert response.status_code == 403
    assert Acknowledgement.objects.get(pk=ack.pk).state == State.PENDING
    employee = logged_in(user_with_role(EMPLOYEE, world["sales"]))
    response = employee.post(f"/governance/acknowledgements/{ack.pk}/answer/", {"answer": "x"})
    assert response.status_code == 404
    assert Acknowledgement.objects.get(pk=ack.pk).state == State.PENDING


def test_the_home_tile_lists_what_to_acknowledge(world):
    _publish(world)
    ack = _acks(Campaign.objects.get())["Anna"]
    client = logged_in(_user_of(world["people"]["Anna"]))
    html = client.get("/").content.decode()
    assert 'id="my-acknowledgements"' in html
    assert f"/governance/acknowledgements/{ack.pk}/answer/" in html
    acknowledgements.acknowledge(ack, Person.objects.get(pk=ack.person_id).user)
    assert 'id="my-acknowledgements"' not in client.get("/").content.decode()


# ---------------------------------------------------------------- reminders, escalation


def test_reminders_and_escalation_go_out_once_each(world, settings):
    settings.OPENMIS_ACKNOWLEDGE_REMINDER_DAYS = 3
    manager = PersonFactory(first_name="Marta", email="marta@example.com")
    people = world["people"]
    Person.objects.filter(pk=people["Anna"].pk).update(manager=manager)
    _publish(world)
    leader = user_with_role(LEADER, world["sales"], email="lider@example.com").person
    campaign = Campaign.objects.get()
    due = date(2026, 12, 10)
    campaign.acknowledgements.update(due_date=due)
    acknowledgements.acknowledge(
        _acks(campaign)["Celina"], _user_of(people["Celina"])
    )  # answered: never reminded
    # six days before: nothing; three days before: Anna and Bartek reminded, once
    assert acknowledgements.send_reminders(date(2026, 12, 4)) == (0, 0)
    assert acknowledgements.send_reminders(date(2026, 12, 7)) == (2, 0)
    assert acknowledgements.send_reminders(date(2026, 12, 8)) == (0, 0)
    reminded = Notice.objects.filter(kind=acknowledgements.REMINDER)
    assert sorted(reminded.values_list("email", flat=True)) == sorted(
        [people["Anna"].email, people["Bartek"].email]
    )
    # on the due date still nothing more; the day after: escalated, once
    assert acknowledgements.send_reminders(due) == (0, 0)
    assert acknowledgements.send_reminders(date(2026, 12, 11)) == (0, 2)
    assert acknowledgements.send_reminders(date(2026, 12, 14)) == (0, 0)
    escalated = Notice.objects.filter(kind=acknowledgements.ESCALATION)
    # Anna's manager; Bartek has none, so his department's leader
    assert sorted(escalated.values_list("email", flat=True)) == sorted(
        ["marta@example.com", leader.email]
    )
    rows = _acks(campaign)
    assert (rows["Anna"].reminded_on, rows["Anna"].escalated_on) == (
        date(2026, 12, 7),
        date(2026, 12, 11),
    )


# ---------------------------------------------------------------- dashboard


def test_the_dashboard_counts_per_department(world):
    sales, people, policy = world["sales"], world["people"], world["policy"]
    support = DepartmentFactory(name="Support")
    dora = PersonFactory(first_name="Dora", department=support)
    PersonFactory(first_name="Eryk", department=support)
    policy.audience.departments.add(support)
    PolicyExceptionFactory(
        policy=policy, person=dora, expires=timezone.localdate() + timedelta(days=30)
    )
    _publish(world)
    campaign = Campaign.objects.get()
    acks = _acks(campaign)
    acknowledgements.acknowledge(acks["Anna"], _user_of(people["Anna"]))
    acknowledgements.decline(acks["Bartek"], _user_of(people["Bartek"]), "Too strict")
    Acknowledgement.objects.filter(pk=acks["Eryk"].pk).update(
        due_date=timezone.localdate() - timedelta(days=1)
    )
    board = acknowledgements.dashboard(campaign, world["director"])
    assert [(r.name, r.counts) for r in board["departments"]] == [
        ("Sales", {"accepted": 1, "declined": 1, "pending": 1, "overdue": 0, "exempt": 0}),
        ("Support", {"accepted": 0, "declined": 0, "pending": 1, "overdue": 1, "exempt": 1}),
    ]
    assert board["totals"] == {
        "accepted": 1,
        "declined": 1,
        "pending": 2,
        "overdue": 1,
        "exempt": 1,
    }
    # a leader of Sales sees only Sales
    leader = user_with_role(LEADER, sales)
    board = acknowledgements.dashboard(campaign, leader)
    assert [r.name for r in board["departments"]] == ["Sales"]
    # the page drills down to the people behind a count
    page = logged_in(world["director"]).get(
        f"/governance/campaigns/{campaign.pk}/?department={support.pk}&state=overdue"
    )
    assert page.status_code == 200
    drill = page.context["drill"]["people"]
    assert [a.person.first_name for a in drill] == ["Eryk"]


def _campaign_of(n: int, queries=None) -> Campaign:
    department = DepartmentFactory()
    others = [DepartmentFactory() for _ in range(3)]
    Person.objects.bulk_create(
        Person(
            first_name=f"P{i}",
            last_name=f"N{i}",
            email=f"p{n}-{i}@example.com",
            department=others[i % 3] if i % 2 else department,
        )
        for i in range(n)
    )
    audience = Audience.objects.create(name=f"Everyone {n}", whole_organization=True)
    policy = PolicyFactory(audience=audience)
    version = _approve(policy, "# Text")
    PolicyVersion.objects.filter(pk=version.pk).update(state="published", change="material")
    version = PolicyVersion.objects.get(pk=version.pk)
    if queries is None:
        return acknowledgements.start_campaign(version, MONDAY)
    with CaptureQueriesContext(connection) as captured:
        campaign = acknowledgements.start_campaign(version, MONDAY)
    # the rows are inserted in batches (as many as the database takes); what is read is fixed
    queries.append(sum(not q["sql"].startswith("INSERT") for q in captured.captured_queries))
    return campaign


def test_the_dashboard_reads_a_constant_number_of_queries(world):
    client = logged_in(world["director"])
    campaigns = [_campaign_of(n) for n in (100, 1000)]
    for campaign in campaigns:  # the page's cached parts (fields, history) are kept warm
        client.get(f"/governance/campaigns/{campaign.pk}/")
    counts = []
    for campaign in campaigns:
        with CaptureQueriesContext(connection) as queries:
            board = acknowledgements.dashboard(campaign, world["director"])
        counts.append(len(queries))
        assert sum(r.total for r in board["departments"]) == campaign.acknowledgements.count()
        with CaptureQueriesContext(connection) as page_queries:
            response = client.get(f"/governance/campaigns/{campaign.pk}/?state=pending")
        assert response.status_code == 200
        counts.append(len(page_queries))
    assert counts[0] == counts[2] and counts[1] == counts[3]
    assert campaigns[1].acknowledgements.count() > 1000


def test_starting_a_campaign_reads_a_constant_number_of_queries():
    counts = []
    for n in (100, 1000):
        campaign = _campaign_of(n, counts)
        assert campaign.acknowledgements.count() >= n
    assert counts[0] == counts[1]


def test_the_cached_dashboard_follows_answers_late_joiners_and_exceptions(world):
    people = world["people"]
    crm = SystemFactory(name="CRM")
    world["policy"].audience.systems.add(crm)
    world["policy"].systems.add(crm)
    outsider = PersonFactory(first_name="Olek", department=DepartmentFactory())
    _publish(world)
    campaign = Campaign.objects.get()
    director = logged_in(world["director"])
    url = f"/governance/campaigns/{campaign.pk}/"

    def totals(client=director):
        # read from the page as shown (a kept page is served without its context)
        html = client.get(url).content.decode()
        found = re.findall(r'data-total="(\w+)"><a href="\?state=\w+">(\d+)</a>', html)
        return {code: int(n) for code, n in found}

    assert totals()["pending"] == 3
    assert totals()["pending"] == 3  # (read from the cache)
    acknowledgements.acknowledge(_acks(campaign)["Anna"], _user_of(people["Anna"]))
    assert (totals()["accepted"], totals()["pending"]) == (1, 2)
    # a new user of a linked system, asked at once by a bulk insert (no signal of its own)
    access = SystemAccess.objects.create(
        person=outsider, system=crm, valid_from=campaign.started_on
    )
    acknowledgements.access_granted(crm, [access])
    assert totals()["pending"] == 3
    # an exception, applied by the daily round's bulk update
    PolicyExceptionFactory(
        policy=world["policy"],
        person=people["Bartek"],
        expires=timezone.localdate() + timedelta(days=30),
    )
    acknowledgements.run_daily()
    assert (totals()["pending"], totals()["exempt"]) == (2, 1)
    # a person reading the same page sees their own row only, not the director's cached board
    anna = logged_in(Person.objects.get(pk=people["Anna"].pk).user)
    assert totals(anna)["accepted"] == 1
    assert sum(totals(anna).values()) == 1


def test_the_answer_page_links_the_courses_teaching_the_policy(world):
    from openmis.governance.tests.factories_training import CourseFactory

    course = CourseFactory(title="Password hygiene")
    course.policies.add(world["policy"])
    CourseFactory(title="Unrelated course")
    _publish(world)
    ack = _acks(Campaign.objects.get())["Anna"]
    html = (
        logged_in(_user_of(world["people"]["Anna"]))
        .get(f"/governance/acknowledgements/{ack.pk}/answer/")
        .content.decode()
    )
    assert f'href="{course.get_absolute_url()}">Password hygiene</a>' in html
    assert "Unrelated course" not in html


# ---------------------------------------------------------------- generic objects


def test_who_reads_which_acknowledgements_through_the_api(world, api_client_for):
    _publish(world)
    acks = _acks(Campaign.objects.get())
    outsider = PersonFactory(first_name="Olek", department=DepartmentFactory())
    campaign = Campaign.objects.get()
    Acknowledgement.objects.create(campaign=campaign, person=outsider, asked_on=MONDAY)
    anna = _user_of(world["people"]["Anna"])
    leader = user_with_role(LEADER, world["sales"])

    def seen(user):
        response = api_client_for(user).get("/api/governance/acknowledgements/?page_size=100")
        assert response.status_code == 200
        return sorted(row["person"] for row in response.json()["results"])

    sales = sorted(a.person_id for a in acks.values())
    assert seen(anna) == [world["people"]["Anna"].pk]
    assert seen(leader) == sales
    assert seen(world["director"]) == sorted([*sales, outsider.pk])


def test_the_daily_command_runs_the_round(world):
    from io import StringIO

    from django.core.management import call_command

    _publish(world)
    campaign = Campaign.objects.get()
    PersonFactory(first_name="Zofia", department=world["sales"])
    out = StringIO()
    day = campaign.started_on + timedelta(days=1)
    call_command("governance_daily", today=day, stdout=out)
    assert "1 person(s) asked, 0 reminder(s) sent" in out.getvalue().splitlines()[1]
    assert campaign.acknowledgements.filter(asked_on=day).count() == 1


def test_the_policy_page_links_its_campaigns(world):
    _publish(world)
    campaign = Campaign.objects.get()
    html = logged_in(world["director"]).get(f"/governance/policies/{world['policy'].pk}/")
    assert html.status_code == 200
    assert f"/governance/campaigns/{campaign.pk}/" in html.content.decode()


def test_a_kept_campaign_page_still_drills_down_to_the_people(world):
    _publish(world)
    campaign = Campaign.objects.get()
    client = logged_in(world["director"])
    url = f"/governance/campaigns/{campaign.pk}/"
    for _ in range(2):  # rendered, then served as kept
        html = client.get(url).content.decode()
        assert 'id="campaign-dashboard"' in html and 'id="campaign-people"' not in html
    html = client.get(f"{url}?state=pending").content.decode()
    assert 'id="campaign-people"' in html
    assert all(name in html for name in ("Anna", "Bartek", "Celina"))


def test_a_person_sees_only_their_own_row_on_the_campaign_page(world):
    _publish(world)
    campaign = Campaign.objects.get()
    client = logged_in(_user_of(world["people"]["Anna"]))
    response = client.get(f"/governance/campaigns/{campaign.pk}/?state=pending")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Anna Sales" in html and "Bartek" not in html and "Celina" not in html
    assert response.context["dashboard"]["totals"]["pending"] == 1
