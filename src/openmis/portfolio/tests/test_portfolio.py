"""Systems portfolio: lifecycle, TCO roll-ups, impact analysis, projects, renewals, pages."""

import io
import itertools
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from openmis.org.roles import EMPLOYEE, LEADER
from openmis.org.tests.factories import DepartmentFactory, PersonFactory, user_with_role
from openmis.portfolio import services
from openmis.portfolio.models import Contract, Dependency, LifecycleTransition, System
from openmis.portfolio.tests.factories import (
    ContractFactory,
    DependencyFactory,
    MilestoneFactory,
    ProjectFactory,
    SystemCostFactory,
    SystemFactory,
)

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 28)


def test_lifecycle_moves_are_recorded_in_order(director):
    system = SystemFactory()
    services.move_to_stage(system, "evaluating", date(2026, 1, 10), director)
    services.move_to_stage(system, "piloting", date(2026, 3, 1), director, note="Pilot in Sales")
    system.refresh_from_db()
    assert system.lifecycle_stage == "piloting"
    assert [(t.from_stage, t.to_stage, t.date) for t in services.timeline(system)] == [
        ("proposed", "evaluating", date(2026, 1, 10)),
        ("evaluating", "piloting", date(2026, 3, 1)),
    ]
    with pytest.raises(ValidationError) as error:
        services.move_to_stage(system, "deployed", date(2026, 2, 1), director)
    assert list(error.value.message_dict) == ["date"]
    with pytest.raises(ValidationError):
        services.move_to_stage(system, "piloting", date(2026, 4, 1), director)
    assert LifecycleTransition.objects.filter(system=system).count() == 2


def test_tco_rollups_match_hand_computed_sums():
    it, sales = DepartmentFactory(name="IT"), DepartmentFactory(name="Sales")
    erp, crm = (
        SystemFactory(name="ERP", business_owner=it),
        SystemFactory(name="CRM", business_owner=sales),
    )
    for system, year, category, amount in [
        (erp, 2025, "licence", 100),
        (erp, 2025, "support", 20),
        (erp, 2026, "support", 25),
        (crm, 2025, "subscription", 50),
        (crm, 2026, "subscription", 55),
    ]:
        SystemCostFactory(system=system, year=year, category=category, amount=Decimal(amount))
    pln = "PLN"
    assert services.tco_by_year(erp) == [
        {
            "year": 2025,
            "currency": pln,
            "total": Decimal(120),
            "licence": Decimal(100),
            "support": Decimal(20),
        },
        {"year": 2026, "currency": pln, "total": Decimal(25), "support": Decimal(25)},
    ]
    assert services.tco_rollup("department") == [
        {"key": "IT", "currency": pln, "total": Decimal(145)},
        {"key": "Sales", "currency": pln, "total": Decimal(105)},
    ]
    assert services.tco_rollup("year") == [
        {"key": 2025, "currency": pln, "total": Decimal(170)},
        {"key": 2026, "currency": pln, "total": Decimal(80)},
    ]
    assert services.tco_rollup("system", 2026) == [
        {"key": "CRM", "currency": pln, "total": Decimal(55)},
        {"key": "ERP", "currency": pln, "total": Decimal(25)},
    ]


def test_amounts_in_different_currencies_are_never_added_together(director_client):
    it = DepartmentFactory(name="IT")
    erp = SystemFactory(name="ERP", business_owner=it)
    SystemCostFactory(system=erp, year=2025, category="licence", amount=Decimal(100))
    SystemCostFactory(system=erp, year=2025, category="support", amount=Decimal(30), currency="EUR")
    SystemCostFactory(system=erp, year=2026, category="licence", amount=Decimal(110))
    assert services.totals_by_currency(services.tco_by_year(erp)) == [
        ("EUR", Decimal(30)),
        ("PLN", Decimal(210)),
    ]
    assert services.tco_rollup("department") == [
        {"key": "IT", "currency": "PLN", "total": Decimal(210)},
        {"key": "IT", "currency": "EUR", "total": Decimal(30)},
    ]
    page = director_client.get(f"/portfolio/systems/{erp.pk}/")
    chart = page.context["tco_chart"]
    assert chart["years"] == [2025, 2026]
    assert chart["series"] == [
        {"name": "Support (EUR)", "stack": "EUR", "data": [30.0, 0.0]},
        {"name": "Licence (PLN)", "stack": "PLN", "data": [100.0, 110.0]},
    ]
    text = page.content.decode()
    total = text[text.index('id="tco-total"') : text.index("</h2>", text.index('id="tco-total"'))]
    assert "30 EUR + 210 PLN" in total.replace("\u2009", " ")
    tco = director_client.get("/portfolio/tco/").content.decode()
    assert "210 PLN" in tco.replace("\u2009", " ") and "30 EUR" in tco


def test_impact_analysis_is_transitive_and_survives_cycles():
    ad, erp, bank, dwh, bi = (SystemFactory(name=n) for n in ["AD", "ERP", "Bank", "DWH", "BI"])
    for source, target in [(ad, erp), (erp, bank), (bank, erp), (erp, dwh), (dwh, bi)]:
        DependencyFactory(source=source, target=target)
    assert [(s.name, d) for s, d in services.dependents(ad)] == [
        ("ERP", 1),
        ("Bank", 2),
        ("DWH", 2),
        ("BI", 3),
    ]
    assert services.dependents(bi) == []


def test_a_system_cannot_depend_on_itself(director_client):
    system = SystemFactory()
    with pytest.raises(ValidationError):
        Dependency(source=system, target=system).full_clean()
    response = director_client.post(
        "/portfolio/dependencies/add/", {"source": system.pk, "target": system.pk}
    )
    assert response.status_code == 400
    assert response.context["form"].errors["target"] == ["A system cannot depend on itself."]
    with pytest.raises(IntegrityError), transaction.atomic():
        Dependency.objects.create(source=system, target=system)
    assert Dependency.objects.count() == 0


def test_contract_end_before_start_is_refused(director_client):
    contract = ContractFactory.build(start_date=date(2026, 5, 1), end_date=date(2026, 4, 1))
    with pytest.raises(ValidationError) as error:
        contract.full_clean(exclude=["vendor", "system"])
    assert list(error.value.message_dict) == ["end_date"]


def test_deleting_a_system_lists_what_depends_on_it(director_client):
    erp, bank = SystemFactory(name="ERP"), SystemFactory(name="Bank")
    DependencyFactory(source=erp, target=bank)
    page = director_client.get(f"/portfolio/systems/{erp.pk}/delete/").content.decode()
    assert "1 systems depend on ERP, directly or through others: Bank." in page
    assert (
        "ERP cannot be deleted while other records refer to it: dependencies (1). "
        "Remove them or move them to another system first."
    ) in page


@pytest.fixture
def erp_in_use():
    """ERP, with one feedback entry, one cost and one dependency pointing to it."""
    from openmis.feedback.tests.factories import FeedbackFactory

    erp, bank = SystemFactory(name="ERP"), SystemFactory(name="Bank")
    FeedbackFactory(system=erp, text="Slow month-end close")
    SystemCostFactory(system=erp, year=2026, category="licence")
    DependencyFactory(source=erp, target=bank)
    return erp


def _references(erp):
    return (erp.feedback.count(), erp.costs.count(), erp.feeds.count())


def test_a_system_in_use_is_not_deleted_from_its_page_and_the_page_names_what_uses_it(
    director_client, erp_in_use
):
    # Given ERP, which feedback, a cost and a dependency point to
    url = f"/portfolio/systems/{erp_in_use.pk}/delete/"
    # When the director asks to delete it, then confirms
    asked = director_client.get(url).content.decode()
    response = director_client.post(url)
    # Then the page said first what refers to it, offering no button that would fail, and
    # the deletion is refused naming them
    assert (
        "ERP cannot be deleted while other records refer to it: feedback (1), system costs (1), "
        "dependencies (1). Remove them or move them to another system first."
    ) in asked
    assert "ERP cannot be deleted: 3 other objects need it" in asked
    assert "ERP 2026 Licence" in asked
    assert 'id="confirm-delete"' not in asked
    assert response.status_code == 409
    page = response.content.decode()
    assert "ERP cannot be deleted: 3 other objects need it" in page
    assert "ERP 2026 Licence" in page
    assert "ERP → Bank" in page
    # And nothing was deleted
    assert System.objects.filter(pk=erp_in_use.pk).exists()
    assert _references(erp_in_use) == (1, 1, 1)


def test_the_delete_page_counts_both_sides_of_dependencies_once(director_client):
    # Given a system that feeds one system and is fed by another
    hub, crm, bank = (SystemFactory(name=n) for n in ("Hub", "CRM", "Bank"))
    DependencyFactory(source=hub, target=bank)
    DependencyFactory(source=crm, target=hub)
    # When its delete page is opened
    page = director_client.get(f"/portfolio/systems/{hub.pk}/delete/").content.decode()
    # Then its dependencies are named once, with both counted
    assert "refer to it: dependencies (2). Remove them" in page


def test_the_delete_page_names_every_kind_of_record_that_protects_the_system(director_client):
    # Given a system that a deployment project is about (its foreign key protects the system)
    erp = SystemFactory(name="ERP")
    ProjectFactory(system=erp, name="ERP roll-out")
    # When its delete page is opened
    page = director_client.get(f"/portfolio/systems/{erp.pk}/delete/").content.decode()
    # Then the project is named among what refers to it, and no delete button is offered
    assert (
        "ERP cannot be deleted while other records refer to it: deployment projects (1). "
        "Remove them or move them to another system first."
    ) in page
    assert 'id="confirm-delete"' not in page


def test_the_api_refuses_to_delete_a_system_in_use_with_409_naming_its_dependents(
    director, api_client_for, erp_in_use
):
    # Given ERP, which feedback, a cost and a dependency point to
    api = api_client_for(director)
    # When it is deleted through the API
    response = api.delete(f"/api/portfolio/systems/{erp_in_use.pk}/")
    # Then 409 names each of them, and nothing was deleted
    assert response.status_code == 409
    detail = response.json()["detail"]
    assert detail.startswith("ERP cannot be deleted: 3 other objects need it (")
    for name in ("ERP 2026 Licence", "ERP → Bank", "ERP: "):
        assert name in detail
    assert System.objects.filter(pk=erp_in_use.pk).exists()
    assert _references(erp_in_use) == (1, 1, 1)
    # And once they are removed, the system can be deleted
    erp_in_use.feedback.all().delete()
    erp_in_use.costs.all().delete()
    erp_in_use.feeds.all().delete()
    assert api.delete(f"/api/portfolio/systems/{erp_in_use.pk}/").status_code == 204
    assert not System.objects.filter(pk=erp_in_use.pk).exists()


def test_project_status_is_derived_and_overridable():
    project = ProjectFactory(
        budget=Decimal(100),
        spent=Decimal(10),
        start_date=TODAY - timedelta(days=10),
        planned_go_live=TODAY + timedelta(days=50),
    )
    m1 = MilestoneFactory(project=project, due_date=TODAY + timedelta(days=5))
    assert services.project_status(project, TODAY)[0] == "on_track"
    project.spent = Decimal(80)  # 80 % spent, 0 % of milestones done
    assert services.project_status(project, TODAY)[0] == "at_risk"
    project.spent = Decimal(120)
    assert services.project_status(project, TODAY) == ("at_risk", "Spending is over budget.")
    m1.due_date = TODAY - timedelta(days=1)
    m1.save()
    status, reason = services.project_status(project, TODAY)
    assert status == "late" and m1.name in reason
    project.status_override, project.override_reason = "on_track", "Vendor delivers Monday."
    assert services.project_status(project, TODAY) == ("on_track", "Vendor delivers Monday.")
    project.override_reason = ""
    with pytest.raises(ValidationError) as error:
        project.full_clean()
    assert "override_reason" in error.value.message_dict


def test_go_live_deploys_the_system(director_client):
    system = SystemFactory(lifecycle_stage="piloting")
    project = ProjectFactory(system=system)
    response = director_client.post(f"/portfolio/projects/{project.pk}/go-live/")
    assert response.status_code == 302
    system.refresh_from_db()
    project.refresh_from_db()
    assert (system.lifecycle_stage, project.go_live) == ("deployed", timezone.localdate())
    assert system.transitions.get().to_stage == "deployed"
    assert services.project_status(project)[0] == "live"


def test_renewal_reminders_go_to_the_owner_once_per_deadline(django_capture_on_commit_callbacks):
    owner = PersonFactory(email="owner@example.com")
    contract = ContractFactory(
        owner=owner, end_date=TODAY + timedelta(days=100), notice_days=90, auto_renewal=True
    )  # notice deadline TODAY + 10 days
    ContractFactory(owner=owner, end_date=TODAY + timedelta(days=400))  # far away
    with django_capture_on_commit_callbacks(execute=True):  # sent from the task queue
        assert services.send_renewal_reminders(TODAY) == 1
        assert services.send_renewal_reminders(TODAY + timedelta(days=1)) == 0
    assert [m.to for m in mail.outbox] == [["owner@example.com"]]
    assert contract.title in mail.outbox[0].subject
    assert "renews automatically" in mail.outbox[0].body


def test_rationalisation_quadrants(director_client):
    for name, value, health in [("A", 5, 5), ("B", 5, 1), ("C", 1, 5), ("D", 1, 1)]:
        SystemFactory(
            name=name, lifecycle_stage="deployed", business_value=value, technical_health=health
        )
    SystemFactory(name="E", lifecycle_stage="proposed", business_value=5, technical_health=5)
    quadrants = director_client.get("/portfolio/rationalisation/").context["quadrants"]
    assert {k: [s.name for s in v] for k, v in quadrants.items()} == {
        "invest": ["A"],
        "migrate": ["B"],
        "tolerate": ["C"],
        "eliminate": ["D"],
    }


def test_system_page_and_graph(director_client):
    erp, bank = SystemFactory(name="ERP"), SystemFactory(name="Bank")
    DependencyFactory(source=erp, target=bank, data_exchanged="Payments")
    SystemCostFactory(system=erp, year=2026, amount=Decimal(1000))
    response = director_client.get(f"/portfolio/systems/{erp.pk}/")
    assert response.status_code == 200
    assert [(s.name, d) for s, d in response.context["impact"]] == [("Bank", 1)]
    assert response.context["tco_totals"] == [("PLN", Decimal(1000))]
    graph = director_client.get(f"/portfolio/graph/data/?system={erp.pk}").json()
    assert sorted(n["name"] for n in graph["nodes"]) == ["Bank", "ERP"]
    assert graph["links"] == [{"source": str(erp.pk), "target": str(bank.pk), "data": "Payments"}]
    assert director_client.get("/portfolio/graph/data/?system=x").status_code == 400
    assert director_client.get("/portfolio/graph/data/?system=999999").status_code == 404


def test_the_system_page_shows_its_timeline_contracts_and_projects_in_both_languages(
    director_client,
):
    crm = SystemFactory(name="CRM")
    services.move_to_stage(crm, "evaluating", when=date(2025, 3, 4))
    services.move_to_stage(crm, "deployed", when=date(2025, 9, 1))
    ContractFactory(system=crm, title="CRM subscription", end_date=date(2027, 6, 30))
    ProjectFactory(system=crm, name="CRM roll-out")  # no milestones, within budget: on track
    page = director_client.get(f"/portfolio/systems/{crm.pk}/").content.decode()
    timeline = page[page.index('id="timeline"') : page.index("</ol>", page.index('id="timeline"'))]
    assert "Proposed → <strong>Evaluating</strong>" in timeline
    assert "Evaluating → <strong>Deployed</strong>" in timeline
    assert timeline.index("Evaluating</strong>") < timeline.index("Deployed</strong>")
    assert "CRM subscription" in page and "CRM roll-out" in page
    assert ">On track</span>" in page

    polish = director_client.get(f"/portfolio/systems/{crm.pk}/", HTTP_ACCEPT_LANGUAGE="pl")
    text = polish.content.decode()
    assert ">Zgodnie z planem</span>" in text and ">on_track<" not in text
    graph = director_client.get(
        f"/portfolio/graph/data/?system={crm.pk}", HTTP_ACCEPT_LANGUAGE="pl"
    ).json()
    assert [(n["stage"], n["stage_label"]) for n in graph["nodes"]] == [("deployed", "Wdrożony")]
    english = director_client.get(f"/portfolio/graph/data/?system={crm.pk}").json()
    assert english["nodes"][0]["stage_label"] == "Deployed"  # kept apart per language
    crm.business_value, crm.technical_health = 5, 5
    crm.save()
    chart = director_client.get("/portfolio/rationalisation/", HTTP_ACCEPT_LANGUAGE="pl").context[
        "chart"
    ]
    assert [(c["quadrant"], c["quadrant_label"]) for c in chart] == [("invest", "Inwestuj")]


def test_employees_see_systems_but_not_costs(department):
    client = Client()
    client.force_login(user_with_role(EMPLOYEE, department))
    assert client.get("/portfolio/systems/").status_code == 200
    assert client.get("/portfolio/costs/").status_code == 403
    assert client.get("/portfolio/tco/").status_code == 403


def test_leaders_read_but_cannot_move_stages(department):
    client = Client()
    client.force_login(user_with_role(LEADER, department))
    system = SystemFactory(business_owner=department)
    response = client.post(
        f"/portfolio/systems/{system.pk}/stage/", {"stage": "evaluating", "date": "2026-01-01"}
    )
    assert response.status_code == 403
    system.refresh_from_db()
    assert system.lifecycle_stage == System.Stage.PROPOSED


def test_the_portfolio_demo_tells_one_consistent_story():
    from openmis.org import demo as org_demo
    from openmis.portfolio import demo
    from openmis.portfolio.models import Contract, DeploymentProject, SystemCost

    today = date(2026, 11, 25)
    org_demo.load()
    assert demo.load(today) == System.objects.count() == 40
    assert Dependency.objects.count() >= 35
    assert sorted(set(SystemCost.objects.values_list("year", flat=True))) == [2024, 2025, 2026]
    assert Contract.objects.count() >= 20
    # two projects, one recently live: its system was deployed on its go-live day
    assert DeploymentProject.objects.count() == 2
    live = DeploymentProject.objects.get(go_live__isnull=False)
    assert live.go_live == today - timedelta(days=70)
    assert services.project_status(live, today)[0] == "live"
    deployed = live.system.transitions.get(to_stage="deployed")
    assert (deployed.date, deployed.note) == (live.go_live, live.name)
    assert live.system.lifecycle_stage == "deployed"
    # and every system's history runs forward, ending at its current stage
    for system in System.objects.prefetch_related("transitions"):
        moves = list(system.transitions.order_by("date", "pk"))
        assert moves[-1].to_stage == system.lifecycle_stage
        assert all(a.date <= b.date for a, b in itertools.pairwise(moves))
        assert moves[0].date <= today


def test_the_cockpit_and_the_renewals_page_show_what_is_coming(
    director_client, department, django_capture_on_commit_callbacks
):
    """Home page tiles (systems by stage, renewals, overdue action items by department), the
    renewals list, and the daily reminder command."""
    from django.core.management import call_command

    from openmis.meetings.tests.factories import ActionItemFactory

    today = timezone.localdate()
    for stage in ["deployed", "deployed", "piloting"]:
        SystemFactory(lifecycle_stage=stage)
    owner = PersonFactory(email="contracts@example.com")
    soon = ContractFactory(
        title="Soon", owner=owner, end_date=today + timedelta(days=40), notice_days=30
    )  # notice by today + 10 days
    ContractFactory(title="Later", end_date=today + timedelta(days=900))
    late = PersonFactory(department=department)
    ActionItemFactory(owner=late, due_date=today - timedelta(days=3), title="Three days late")
    ActionItemFactory(owner=late, due_date=today - timedelta(days=1), title="A day late")
    ActionItemFactory(owner=late, due_date=today + timedelta(days=5), title="Not yet due")

    home = director_client.get("/").content.decode()

    def tile(element_id: str) -> str:
        start = home.index(f'id="{element_id}"')
        return home[start : home.index("</ul>", start)]

    assert '<span class="fs-4">2</span> Deployed' in tile("stage-tiles")
    assert '<span class="fs-4">1</span> Piloting' in tile("stage-tiles")
    assert "Soon" in tile("renewal-tiles") and "Later" not in tile("renewal-tiles")
    overdue = tile("overdue-tiles")
    assert "Three days late" in overdue and "A day late" in overdue
    assert "Not yet due" not in overdue

    page = director_client.get("/portfolio/renewals/")
    assert [(c.title, days) for c, days in page.context["rows"]] == [("Soon", 10)]

    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):  # sent from the task queue
        call_command("send_reminders", stdout=out)
    assert out.getvalue().strip() == "1 renewal reminder(s) sent."
    assert [m.to for m in mail.outbox] == [["contracts@example.com"]]
    assert soon.title in mail.outbox[0].subject


# --- notice deadlines ---------------------------------------------------------------------


TODAY = date(2026, 12, 7)  # a fixed "today": the states below do not move with the calendar


def test_a_notice_deadline_already_passed_is_missed_not_upcoming():
    """A contract still running whose last day to give notice has passed is "notice missed":
    never listed as an upcoming renewal, and listed (red) on the renewals page."""
    missed = ContractFactory(title="Missed", end_date=TODAY + timedelta(days=20), notice_days=30)
    due_today = ContractFactory(
        title="Due today", end_date=TODAY + timedelta(days=30), notice_days=30
    )
    soon = ContractFactory(title="Soon", end_date=TODAY + timedelta(days=40), notice_days=30)
    ContractFactory(title="Far", end_date=TODAY + timedelta(days=900), notice_days=30)
    ContractFactory(title="Ended", end_date=TODAY - timedelta(days=1), notice_days=30)

    assert services.notice_state(missed, TODAY) == services.NOTICE_MISSED
    assert services.notice_state(due_today, TODAY) == services.NOTICE_UPCOMING
    assert [c.title for c in services.upcoming_renewals(TODAY)] == ["Due today", "Soon"]
    assert [c.title for c in services.missed_notices(TODAY)] == ["Missed"]
    missed_rows = services.notice_filter(Contract.objects.all(), services.NOTICE_MISSED, TODAY)
    assert list(missed_rows) == [missed]
    upcoming_rows = services.notice_filter(Contract.objects.all(), services.NOTICE_UPCOMING, TODAY)
    assert set(upcoming_rows) == {due_today, soon}


def test_the_renewals_page_and_the_cockpit_flag_a_missed_notice(director_client):
    today = timezone.localdate()
    ContractFactory(title="Missed", end_date=today + timedelta(days=20), notice_days=30)
    ContractFactory(title="Soon", end_date=today + timedelta(days=40), notice_days=30)
    page = director_client.get("/portfolio/renewals/")
    assert [(c.title, days) for c, days in page.context["rows"]] == [("Missed", -10), ("Soon", 10)]
    assert page.content.decode().count('class="table-danger"') == 1
    home = director_client.get("/").content.decode()
    tile = home[
        home.index('id="renewals-heading"') : home.index(
            "</section>", home.index('id="renewals-heading"')
        )
    ]
    assert "Notice missed" in tile
    assert tile.index("Missed") < tile.index("Soon")
    assert 'href="/portfolio/contracts/?notice=missed" data-count="1"' in tile
    assert 'href="/portfolio/contracts/?notice=upcoming" data-count="1"' in tile
    listed = director_client.get("/portfolio/contracts/?notice=missed").content.decode()
    assert "Missed" in listed and "Soon" not in listed


@given(
    end=st.integers(min_value=-400, max_value=400),
    notice=st.integers(min_value=0, max_value=400),
)
def test_notice_states_partition_the_running_contracts(end, notice):
    """A running contract's deadline is either passed (missed), within the window (upcoming)
    or further away; an ended contract is neither."""
    contract = Contract(end_date=TODAY + timedelta(days=end), notice_days=notice)
    state = services.notice_state(contract, TODAY, within_days=120)
    deadline = contract.notice_deadline
    if end < 0:
        assert state is None
    elif deadline < TODAY:
        assert state == services.NOTICE_MISSED
    elif deadline <= TODAY + timedelta(days=120):
        assert state == services.NOTICE_UPCOMING
    else:
        assert state is None
