"""The team's pages: the heat map (who reads it, its cells, its filters, its queries), a
cell's form (saved through core's audited path), a system's needed skills, the system page's
panel (the bus factor for everyone who sees the system, the names for the MIS office only)
and the director's tile."""

import pytest
from auditlog.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from openmis.conftest import logged_in
from openmis.org import roles
from openmis.org.tests.factories import user_with_role
from openmis.portfolio.tests.factories import SystemFactory
from openmis.staffing import services
from openmis.staffing.models import Skill, SkillLevel, SystemSkill
from openmis.staffing.tests.factories import level, member, need, skill

pytestmark = pytest.mark.django_db

MATRIX = "/staffing/matrix/"


@pytest.fixture
def users(department):
    return {
        role: user_with_role(role, department, username=role)
        for role in (roles.DIRECTOR, roles.STAFF, roles.LEADER, roles.ANALYST, roles.EMPLOYEE)
    }


@pytest.fixture
def erp(department):
    """An ERP needing ERP ≥ 4 and SQL ≥ 3; Ala meets both, Ola lacks SQL."""
    system = SystemFactory(name="Comarch ERP XL", business_owner=department)
    erp_skill = skill("ERP configuration", Skill.Category.APPLICATION)
    sql = skill("SQL Server", Skill.Category.DATA)
    need(system, erp_skill, 4)
    need(system, sql, 3)
    ala = member(first_name="Ala", last_name="Zielińska")
    ola = member(first_name="Ola", last_name="Nowak")
    level(ala, erp_skill, 5)
    level(ala, sql, 3)
    level(ola, erp_skill, 4)
    return system, erp_skill, sql, ala, ola


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (roles.DIRECTOR, 200),
        (roles.STAFF, 200),
        (roles.LEADER, 403),
        (roles.ANALYST, 403),
        (roles.EMPLOYEE, 403),
    ],
)
def test_only_the_mis_office_reads_the_skills_matrix(users, erp, role, status):
    client = logged_in(users[role])
    assert client.get(MATRIX).status_code == status
    assert client.get("/staffing/bus-factor/").status_code == status
    assert client.get("/api/staffing/skill-levels/").status_code == (200 if status == 200 else 403)


def test_the_heat_map_shows_each_level_as_a_number_and_a_colour(users, erp):
    _system, _erp_skill, sql, _ala, ola = erp
    page = logged_in(users[roles.DIRECTOR]).get(MATRIX).content.decode()
    assert 'id="skills-matrix"' in page
    assert page.count('class="heat heat-5"') == 1  # Ala's ERP
    assert page.count("heat heat-0") == 1  # Ola's SQL, not assessed
    assert "not assessed" in page  # said in words, not by colour only
    assert reverse("staffing:cell", args=[ola.pk, sql.pk]) in page


def test_the_heat_map_narrows_to_a_category_and_to_a_system_s_needs(users, erp):
    system, _erp_skill, sql, _ala, ola = erp
    other = skill("Firewall configuration", Skill.Category.SECURITY)
    client = logged_in(users[roles.DIRECTOR])
    assert "Firewall configuration" in client.get(MATRIX).content.decode()
    data = client.get(MATRIX, {"category": "data"}).content.decode()
    assert "SQL Server" in data and "ERP configuration" not in data
    assert other.name not in data
    level(ola, sql, 2)
    narrowed = client.get(MATRIX, {"system": system.pk}).content.decode()
    assert "ERP configuration" in narrowed and other.name not in narrowed
    # Ola's SQL is 2 where 3 is needed: her cell is marked below the minimum, in words too
    assert narrowed.count('class="heat heat-2 below"') == 1
    assert '<span class="visually-hidden">below the minimum</span>' in narrowed
    coverage = narrowed[narrowed.index('id="matrix-coverage"') :]
    assert "Ala Zielińska" in coverage[: coverage.index("</p>")]
    assert "Ola Nowak" not in coverage[: coverage.index("</p>")]


def test_the_heat_map_costs_the_same_queries_at_5_and_50_people(users):
    counts = []
    skills = [skill(f"Skill {n}") for n in range(6)]
    system = SystemFactory(name="ERP")
    need(system, skills[0], 2)
    client = logged_in(users[roles.DIRECTOR])
    made = 0
    for people in (5, 50):
        for n in range(made, people):
            person = member(first_name=f"P{n}")
            for s in skills[: n % 6]:
                level(person, s, 1 + n % 5)
        made = people
        client.get(MATRIX)
        with CaptureQueriesContext(connection) as queries:
            page = client.get(MATRIX, {"system": system.pk}).content.decode()
        assert page.count('<tr><th scope="row"') == people
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_a_cell_is_saved_through_the_audited_path_with_the_editor_as_assessor(users, erp):
    system, _erp_skill, sql, _ala, ola = erp
    director = users[roles.DIRECTOR]
    client = logged_in(director)
    url = reverse("staffing:cell", args=[ola.pk, sql.pk])
    form = client.get(url).content.decode()
    assert 'name="level"' in form and 'id="id_level"' in form and "<select" in form
    today = timezone.localdate()
    response = client.post(url, {"level": "4", "assessed_on": today.isoformat(), "next": MATRIX})
    assert response.status_code == 302 and response["Location"] == MATRIX
    cell = SkillLevel.objects.get(person=ola, skill=sql)
    assert (cell.level, cell.assessed_on, cell.assessor) == (4, today, director.person)
    entry = LogEntry.objects.get_for_object(cell).get()
    assert entry.actor == director
    # Ola now meets both: the ERP's bus factor is 2
    assert services.coverage([system])[0].bus_factor == 2
    # "not assessed" removes the cell, also in the history
    client.post(url, {"level": "", "assessed_on": today.isoformat()})
    assert not SkillLevel.objects.filter(person=ola, skill=sql).exists()
    assert LogEntry.objects.filter(object_pk=str(cell.pk), action=LogEntry.Action.DELETE).exists()


def test_a_cell_refuses_a_level_outside_1_to_5_and_a_future_date(users, erp):
    _system, _erp_skill, sql, _ala, ola = erp
    client = logged_in(users[roles.STAFF])
    url = reverse("staffing:cell", args=[ola.pk, sql.pk])
    today = timezone.localdate()
    assert client.post(url, {"level": "6", "assessed_on": today.isoformat()}).status_code == 200
    future = today.replace(year=today.year + 1).isoformat()
    assert client.post(url, {"level": "3", "assessed_on": future}).status_code == 200
    assert not SkillLevel.objects.filter(person=ola, skill=sql).exists()
    api = logged_in(users[roles.STAFF])
    response = api.post(
        "/api/staffing/skill-levels/",
        {"person": ola.pk, "skill": sql.pk, "level": 0, "assessed_on": today.isoformat()},
        content_type="application/json",
    )
    assert response.status_code == 400


@pytest.mark.parametrize("role", [roles.LEADER, roles.EMPLOYEE])
def test_others_may_neither_assess_nor_declare_skills(users, erp, role):
    system, _erp_skill, sql, _ala, ola = erp
    client = logged_in(users[role])
    today = timezone.localdate().isoformat()
    cell = reverse("staffing:cell", args=[ola.pk, sql.pk])
    assert client.post(cell, {"level": "5", "assessed_on": today}).status_code == 403
    needs = reverse("staffing:system_skills", args=[system.pk])
    assert client.post(needs, {f"skill_{sql.pk}": ""}).status_code == 403
    assert SkillLevel.objects.filter(person=ola, skill=sql).count() == 0
    assert SystemSkill.objects.filter(system=system).count() == 2


def test_a_system_s_needed_skills_are_edited_from_its_page(users, erp):
    system, erp_skill, sql, _ala, _ola = erp
    client = logged_in(users[roles.STAFF])
    page = client.get(system.get_absolute_url()).content.decode()
    url = reverse("staffing:system_skills", args=[system.pk])
    assert url in page
    extra = skill("Windows Server", Skill.Category.INFRASTRUCTURE)
    response = client.post(
        url, {f"skill_{erp_skill.pk}": "3", f"skill_{sql.pk}": "", f"skill_{extra.pk}": "2"}
    )
    assert response.status_code == 302
    assert dict(
        SystemSkill.objects.filter(system=system).values_list("skill__name", "min_level")
    ) == {"ERP configuration": 3, "Windows Server": 2}
    assert LogEntry.objects.filter(
        content_type__model="systemskill", action=LogEntry.Action.DELETE
    ).exists()


def test_the_system_page_flags_bus_factor_1_with_names_for_the_mis_office_only(users, erp):
    system, *_rest = erp
    director = logged_in(users[roles.DIRECTOR]).get(system.get_absolute_url()).content.decode()
    assert 'id="bus-factor-badge"' in director
    badge = director[director.index('id="bus-factor-badge"') - 60 :]
    assert "text-bg-danger" in badge[:80]
    assert "Only one person can run this system." in director
    assert "Ala Zielińska" in director
    # a leader who sees the system sees the count and the warning, no names, twice (cached)
    leader = logged_in(users[roles.LEADER])
    for _time in range(2):
        page = leader.get(system.get_absolute_url()).content.decode()
        assert "bus factor 1" in page and "Only one person can run this system." in page
        assert "Ala Zielińska" not in page and "edit-needed-skills" not in page
    # after the director's page was kept, the names still do not leak to the leader
    director_again = logged_in(users[roles.DIRECTOR]).get(system.get_absolute_url())
    assert "Ala Zielińska" in director_again.content.decode()


def test_a_change_of_the_matrix_shows_on_the_kept_system_page(users, erp):
    system, _erp_skill, sql, _ala, ola = erp
    client = logged_in(users[roles.DIRECTOR])
    assert "bus factor 1" in client.get(system.get_absolute_url()).content.decode()
    services.set_level(ola, sql, 3, timezone.localdate(), None, users[roles.DIRECTOR])
    assert "bus factor 2" in client.get(system.get_absolute_url()).content.decode()


def test_a_system_without_needed_skills_shows_no_section_to_others(users, department):
    system = SystemFactory(name="Intranet", business_owner=department)
    assert "system-team" not in (
        logged_in(users[roles.LEADER]).get(system.get_absolute_url()).content.decode()
    )
    staff_page = logged_in(users[roles.STAFF]).get(system.get_absolute_url()).content.decode()
    assert "does not declare the skills it needs" in staff_page


def test_the_director_s_tile_lists_the_systems_only_one_person_can_run(users, erp, department):
    _system, erp_skill, sql, _ala, ola = erp
    safe = SystemFactory(name="Safe system", business_owner=department)
    need(safe, erp_skill, 2)  # Ala and Ola both
    page = logged_in(users[roles.DIRECTOR]).get("/").content.decode()
    tile = page[page.index('id="bus-factor-heading"') :]
    tile = tile[: tile.index("</section>")]
    assert "Comarch ERP XL" in tile and "Safe system" not in tile
    assert "Ala Zielińska" in tile
    for role in (roles.LEADER, roles.EMPLOYEE, roles.ANALYST):
        assert "bus-factor-heading" not in logged_in(users[role]).get("/").content.decode()
    # once two people can run it, the tile goes away
    level(ola, sql, 4)
    assert "bus-factor-heading" not in logged_in(users[roles.DIRECTOR]).get("/").content.decode()
