"""Portfolio safeguards: moving a system to retiring or retired lists what still relies on it
(dependents, live contracts, open improvements) and asks for confirmation, on the page and in
the API; its dependents then warn that they depend on a retiring system."""

from datetime import date, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from openmis.core import extensions
from openmis.feedback.tests.factories import ImprovementFactory
from openmis.org.roles import DIRECTOR, EMPLOYEE, LEADER, STAFF
from openmis.org.tests.factories import user_with_role
from openmis.portfolio import services
from openmis.portfolio.models import LifecycleTransition, System
from openmis.portfolio.tests.factories import ContractFactory, DependencyFactory, SystemFactory

pytestmark = pytest.mark.django_db


def _today():
    """The organisation's day, read when a test runs (a suite may cross midnight)."""
    return timezone.localdate()


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def crm():
    """A deployed CRM that three systems depend on, with a live and an ended contract and an
    open and a done improvement."""
    crm = SystemFactory(name="CRM", lifecycle_stage="deployed")
    for name in ("Mailing", "Billing", "Analytics"):
        DependencyFactory(source=crm, target=SystemFactory(name=name))
    DependencyFactory(source=SystemFactory(name="Directory"), target=crm)  # feeds the CRM
    ContractFactory(system=crm, title="CRM licence", end_date=date(2099, 12, 31))
    ContractFactory(system=crm, title="Old support", end_date=_today() - timedelta(days=1))
    ImprovementFactory(system=crm, title="Faster export")
    ImprovementFactory(system=crm, title="Shipped", status="done")
    return crm


def summary(concerns) -> list[tuple]:
    return [(c.key, c.count, [text for text, _url in c.items]) for c in concerns]


def test_the_concerns_are_its_dependents_live_contracts_and_open_improvements(crm):
    assert summary(services.retirement_concerns(crm)) == [
        ("dependents", 3, ["Analytics", "Billing", "Mailing"]),
        ("contracts", 1, ["CRM licence (until Dec 31, 2099)"]),
        ("improvements", 1, ["Faster export"]),
    ]
    lone = SystemFactory(lifecycle_stage="deployed")
    assert services.retirement_concerns(lone) == []


def test_the_concerns_are_read_in_a_fixed_number_of_queries(crm, django_assert_max_num_queries):
    for n in range(30):
        DependencyFactory(source=crm, target=SystemFactory(name=f"Dependent {n:02}"))
        ContractFactory(system=crm, title=f"Contract {n:02}", end_date=date(2098, 1, 1))
        ImprovementFactory(system=crm, title=f"Improvement {n:02}")
    with django_assert_max_num_queries(6):
        concerns = services.retirement_concerns(crm)
    assert [(c.count, len(c.items), c.hidden) for c in concerns] == [
        (33, 20, 13),
        (31, 20, 11),
        (31, 20, 11),
    ]


def test_feedback_s_part_comes_through_the_extension_point(crm):
    # when the feedback app's hook is taken away, the portfolio lists only its own
    hook = extensions._hooks[services.RETIREMENT_HOOK].pop("feedback.improvements")
    try:
        assert [c.key for c in services.retirement_concerns(crm)] == ["dependents", "contracts"]
    finally:
        extensions._hooks[services.RETIREMENT_HOOK]["feedback.improvements"] = hook


@pytest.mark.parametrize("stage", ["retiring", "retired"])
def test_a_move_to_a_retiring_stage_needs_confirmation_while_something_relies_on_it(crm, stage):
    with pytest.raises(services.ConfirmationNeeded) as needed:
        services.move_to_stage(crm, stage, _today())
    assert needed.value.message_dict == {
        "confirm": [
            f"Moving CRM to “{System.Stage(stage).label}” affects what still relies on it; "
            "confirm to move it anyway.",
            "Systems that depend on it: Analytics, Billing, Mailing.",
            "Live contracts: CRM licence (until Dec 31, 2099).",
            "Open improvements: Faster export.",
        ]
    }
    crm.refresh_from_db()
    assert (crm.lifecycle_stage, LifecycleTransition.objects.count()) == ("deployed", 0)
    services.move_to_stage(crm, stage, _today(), confirm=True)
    crm.refresh_from_db()
    assert crm.lifecycle_stage == stage


def test_other_moves_and_a_system_nothing_relies_on_need_no_confirmation(crm):
    services.move_to_stage(crm, "piloting", _today())
    lone = SystemFactory(lifecycle_stage="deployed")
    services.move_to_stage(lone, "retired", _today())
    assert list(System.objects.order_by("name").values_list("name", "lifecycle_stage")) == [
        ("Analytics", "proposed"),
        ("Billing", "proposed"),
        ("CRM", "piloting"),
        ("Directory", "proposed"),
        ("Mailing", "proposed"),
        (lone.name, "retired"),
    ]


# --- the page ---------------------------------------------------------------------------------


def test_the_page_lists_what_relies_on_it_and_moves_only_once_confirmed(crm, department):
    browser = client_for(user_with_role(DIRECTOR, department))
    move = {"stage": "retiring", "date": _today().isoformat(), "note": "Replaced by the suite"}
    # When the director moves the CRM to retiring
    page = browser.post(f"/portfolio/systems/{crm.pk}/stage/", move)
    # Then a page lists what relies on it, with a box to tick, and nothing has moved
    assert page.status_code == 200
    assert summary(page.context["concerns"]) == summary(services.retirement_concerns(crm))
    html = page.content.decode()
    assert 'id="retirement-concerns"' in html and 'name="confirm"' in html
    assert ">Billing</a>" in html and ">Faster export</a>" in html
    crm.refresh_from_db()
    assert crm.lifecycle_stage == "deployed"
    # When they send it again without ticking the box
    page = browser.post(f"/portfolio/systems/{crm.pk}/stage/", move | {"confirming": "1"})
    assert page.status_code == 400
    assert page.context["form"].errors["confirm"] == ["Tick the box to confirm the move."]
    crm.refresh_from_db()
    assert crm.lifecycle_stage == "deployed"
    # When they tick it
    page = browser.post(
        f"/portfolio/systems/{crm.pk}/stage/", move | {"confirming": "1", "confirm": "on"}
    )
    assert page.status_code == 302
    crm.refresh_from_db()
    assert crm.lifecycle_stage == "retiring"
    assert list(crm.transitions.values_list("to_stage", "note")) == [
        ("retiring", "Replaced by the suite")
    ]


def test_the_system_page_s_stage_form_has_no_confirmation_box(crm, department):
    page = client_for(user_with_role(DIRECTOR, department)).get(f"/portfolio/systems/{crm.pk}/")
    html = page.content.decode()
    assert 'id="stage-form"' in html and 'name="confirm"' not in html


def test_dependents_warn_that_they_depend_on_a_retiring_then_retired_system(crm, department):
    browser = client_for(user_with_role(DIRECTOR, department))
    billing = System.objects.get(name="Billing")
    assert (
        "retiring-supplier" not in browser.get(f"/portfolio/systems/{billing.pk}/").content.decode()
    )
    services.move_to_stage(crm, "retiring", _today(), confirm=True)
    html = browser.get(f"/portfolio/systems/{billing.pk}/").content.decode()
    assert f'Depends on <a href="/portfolio/systems/{crm.pk}/">CRM</a>, which is retiring.' in html
    # and the "Fed by" list marks it
    assert (
        f'<a href="/portfolio/systems/{crm.pk}/">CRM</a> '
        '<span class="badge text-bg-warning">Retiring</span>' in html
    )
    services.move_to_stage(crm, "retired", _today(), confirm=True)
    html = browser.get(f"/portfolio/systems/{billing.pk}/").content.decode()
    assert f'Depends on <a href="/portfolio/systems/{crm.pk}/">CRM</a>, which is retired.' in html
    # the system that feeds the CRM depends on nothing retiring
    directory = System.objects.get(name="Directory")
    assert (
        "retiring-supplier"
        not in browser.get(f"/portfolio/systems/{directory.pk}/").content.decode()
    )


def test_a_retiring_system_s_name_is_escaped_in_the_warning(department):
    bad = SystemFactory(name="<b>Old</b>", lifecycle_stage="retiring")
    dependent = SystemFactory(name="Dependent")
    DependencyFactory(source=bad, target=dependent)
    html = client_for(user_with_role(DIRECTOR, department)).get(
        f"/portfolio/systems/{dependent.pk}/"
    )
    html = html.content.decode()
    assert "&lt;b&gt;Old&lt;/b&gt;</a>, which is retiring." in html and "<b>Old</b>" not in html


# --- the API ----------------------------------------------------------------------------------


def test_the_api_refuses_an_unconfirmed_retirement_with_a_confirm_error(
    crm, department, api_client_for
):
    api = api_client_for(user_with_role(DIRECTOR, department))
    url = f"/api/portfolio/systems/{crm.pk}/stage/"
    response = api.post(url, {"stage": "retired"}, format="json")
    assert response.status_code == 400
    assert response.json() == {
        "confirm": [
            "Moving CRM to “Retired” affects what still relies on it; confirm to move it anyway.",
            "Systems that depend on it: Analytics, Billing, Mailing.",
            "Live contracts: CRM licence (until Dec 31, 2099).",
            "Open improvements: Faster export.",
        ]
    }
    crm.refresh_from_db()
    assert crm.lifecycle_stage == "deployed"
    response = api.post(url, {"stage": "retired", "confirm": True, "note": "Gone"}, format="json")
    assert response.status_code == 200
    crm.refresh_from_db()
    transition = crm.transitions.get()
    assert response.json() == {
        "id": crm.pk,
        "lifecycle_stage": "retired",
        "transition": transition.pk,
    }
    assert (transition.from_stage, transition.to_stage, transition.date, transition.note) == (
        "deployed",
        "retired",
        _today(),
        "Gone",
    )


def test_the_api_answers_bad_input_and_a_role_that_may_not_move_with_json(
    crm, department, api_client_for
):
    url = f"/api/portfolio/systems/{crm.pk}/stage/"
    # a department leader sees systems but may not move them
    leader = api_client_for(user_with_role(LEADER, crm.business_owner))
    response = leader.post(url, {"stage": "retired", "confirm": True}, format="json")
    assert (response.status_code, list(response.json())) == (403, ["detail"])
    staff = api_client_for(user_with_role(STAFF, department))
    response = staff.post(url, {"stage": "gone"}, format="json")
    assert (response.status_code, list(response.json())) == (400, ["stage"])
    response = staff.post(url, {"stage": "deployed"}, format="json")
    assert (response.status_code, response.json()) == (
        400,
        {"stage": ["The system is in this stage already."]},
    )
    response = staff.post(url, {"stage": "retiring", "confirm": "maybe"}, format="json")
    assert (response.status_code, list(response.json())) == (400, ["confirm"])
    response = staff.post("/api/portfolio/systems/999999/stage/", {"stage": "retiring"})
    assert response.status_code == 404
    crm.refresh_from_db()
    assert (crm.lifecycle_stage, crm.transitions.count()) == ("deployed", 0)


def test_what_a_user_may_not_see_is_counted_not_named(crm, department):
    # an employee sees systems but not contracts: the live one is counted, not named
    employee = user_with_role(EMPLOYEE, department)
    concerns = {c.key: c for c in services.retirement_concerns(crm, employee)}
    assert (concerns["contracts"].count, concerns["contracts"].items) == (1, [])
    assert concerns["contracts"].message() == "Live contracts: 1."
