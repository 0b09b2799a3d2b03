"""The demo's team, in English and Polish: twelve people with profiles and skills, ten
systems declaring the skills they need, two of them (payroll and the firewalls) that one
person only can run; every demo text has its Polish one."""

import pytest

from openmis.org import demo as org_demo
from openmis.portfolio import demo as portfolio_demo
from openmis.staffing import demo as staffing_demo
from openmis.staffing import demo_texts, services
from openmis.staffing.models import Skill, StaffProfile

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("demo")]

AT_RISK = {"en": ["Enova365 Payroll", "Firewall Cluster"], "pl": None}


@pytest.mark.parametrize("language", ["en", "pl"])
def test_the_demo_team_has_two_systems_only_one_person_can_run(language):
    org_demo.load(language=language)
    portfolio_demo.load(language=language)
    staffing_demo.load(language=language)
    assert StaffProfile.objects.count() == 12
    assert {
        p.person.department.code for p in StaffProfile.objects.select_related("person__department")
    } == {org_demo.departments()["MIS"].code}
    t = staffing_demo.texts(language)
    assert Skill.objects.filter(name=t("Firewall configuration")).exists()
    systems = portfolio_demo.systems()
    risky = sorted(c.system.pk for c in services.systems_at_risk())
    assert risky == sorted(systems[name].pk for name in ("Enova365 Payroll", "Firewall Cluster"))
    factors = [c.bus_factor for c in services.coverage(systems.values()) if c.needs]
    assert len(factors) == 10 and sum(f <= 1 for f in factors) == 2
    staffing_demo.reset()
    assert not StaffProfile.objects.exists() and not Skill.objects.exists()


def test_every_demo_text_has_its_polish_one():
    missing = [text for text in staffing_demo.english_texts() if text not in demo_texts.POLISH]
    assert missing == []
