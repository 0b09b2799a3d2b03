"""Systems portfolio: lifecycle, TCO roll-ups, impact analysis, projects, renewals, pages."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client

from openmis.org.roles import EMPLOYEE, LEADER
from openmis.org.tests.factories import DepartmentFactory, PersonFactory, user_with_role
from openmis.portfolio import services
from openmis.portfolio.models import Dependency, LifecycleTransition, System
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
    assert services.tco_by_year(erp) == [
        {"year": 2025, "total": Decimal(120), "licence": Decimal(100), "support": Decimal(20)},
        {"year": 2026, "total": Decimal(25), "support": Decimal(25)},
    ]
    assert services.tco_rollup("department") == [
        {"key": "IT", "total": Decimal(145)},
        {"key": "Sales", "total": Decimal(105)},
    ]
    assert services.tco_rollup("year") == [
        {"key": 2025, "total": Decimal(170)},
        {"key": 2026, "total": Decimal(80)},
    ]
    assert services.tco_rollup("system", 2026) == [
        {"key": "CRM", "total": Decimal(55)},
        {"key": "ERP", "total": Decimal(25)},
    ]


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
    assert (system.lifecycle_stage, project.go_live) == ("deployed", date.today())
    assert system.transitions.get().to_stage == "deployed"
    assert services.project_status(project)[0] == "live"


def test_renewal_reminders_go_to_the_owner_once_per_deadline():
    owner = PersonFactory(email="owner@example.com")
    contract = ContractFactory(
        owner=owner, end_date=TODAY + timedelta(days=100), notice_days=90, auto_renewal=True
    )  # notice deadline TODAY + 10 days
    ContractFactory(owner=owner, end_date=TODAY + timedelta(days=400))  # far away
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
    assert response.context["tco_total"] == Decimal(1000)
    graph = director_client.get(f"/portfolio/graph/data/?system={erp.pk}").json()
    assert sorted(n["name"] for n in graph["nodes"]) == ["Bank", "ERP"]
    assert graph["links"] == [{"source": str(erp.pk), "target": str(bank.pk), "data": "Payments"}]
    assert director_client.get("/portfolio/graph/data/?system=x").status_code == 400
    assert director_client.get("/portfolio/graph/data/?system=999999").status_code == 404


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
