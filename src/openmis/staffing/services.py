"""The staffing app's reads and writes: the skills matrix, who can run each system (the bus
factor) and the edits of matrix cells and of a system's needed skills, each through core's
audited save path."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction

from openmis.core import permissions, registry
from openmis.core.services import delete_object, save_object
from openmis.org.models import Person
from openmis.portfolio.models import System
from openmis.staffing import busfactor
from openmis.staffing.models import Skill, SkillLevel, StaffProfile, SystemSkill


def can_view_team(user) -> bool:
    """Whether ``user`` may read the skills matrix (the MIS office: it is HR data)."""
    return permissions.can(user, registry.get(SkillLevel), "view")


def can_assess(user) -> bool:
    """Whether ``user`` may set a cell of the skills matrix."""
    level_type = registry.get(SkillLevel)
    return all(permissions.can(user, level_type, a) for a in ("add", "change", "delete"))


def can_declare_skills(user) -> bool:
    """Whether ``user`` may edit the skills a system needs."""
    need_type = registry.get(SystemSkill)
    return all(permissions.can(user, need_type, a) for a in ("add", "change", "delete"))


def team():
    """The MIS team: the active people with a staff profile, by name."""
    return (
        Person.objects.filter(active=True, staff_profile__isnull=False)
        .select_related("staff_profile")
        .order_by("last_name", "first_name", "pk")
    )


@dataclass
class Coverage:
    """Who can run ``system``: its needed skills, the team members meeting all of them."""

    system: System
    needs: list[SystemSkill] = field(default_factory=list)
    qualified: list[Person] = field(default_factory=list)

    @property
    def bus_factor(self) -> int | None:
        return len(self.qualified) if self.needs else None

    @property
    def at_risk(self) -> bool:
        return busfactor.at_risk(self.bus_factor)


def coverage(systems) -> list[Coverage]:
    """The coverage of each of ``systems`` (a queryset or list), in three queries whatever
    their number: the needs, the team members' levels in the needed skills, the people."""
    systems = list(systems)
    needs = list(
        SystemSkill.objects.filter(system__in=systems)
        .select_related("skill")
        .order_by("skill__category", "skill__name")
    )
    requirements: dict[int, dict[int, int]] = {}
    for need in needs:
        requirements.setdefault(need.system_id, {})[need.skill_id] = need.min_level
    people = {p.pk: p for p in team()}
    levels: dict[int, dict[int, int]] = {pk: {} for pk in people}
    rows = SkillLevel.objects.filter(
        person__in=list(people), skill__in={n.skill_id for n in needs}
    ).values_list("person_id", "skill_id", "level")
    for person_id, skill_id, level in rows:
        levels[person_id][skill_id] = level
    found = []
    for system in systems:
        required = requirements.get(system.pk, {})
        found.append(
            Coverage(
                system,
                [n for n in needs if n.system_id == system.pk],
                [people[pk] for pk in busfactor.qualified(required, levels)],
            )
        )
    return found


def systems_at_risk() -> list[Coverage]:
    """The systems that declare skills and that at most one team member can run."""
    declared = System.objects.filter(needed_skills__isnull=False).distinct().order_by("name")
    return [c for c in coverage(declared) if c.at_risk]


@dataclass
class Matrix:
    """The skills matrix: rows of people, columns of skills, ``cells[(person, skill)]``."""

    people: list[Person]
    skills: list[Skill]
    cells: dict[tuple[int, int], SkillLevel]
    minimums: dict[int, int]

    def groups(self) -> list[tuple[str, int]]:
        """The skills' categories in column order, each with its number of columns."""
        found: list[list] = []
        for skill in self.skills:
            label = skill.get_category_display()
            if found and found[-1][0] == label:
                found[-1][1] += 1
            else:
                found.append([label, 1])
        return [(label, span) for label, span in found]

    def rows(self):
        for person in self.people:
            yield (
                person,
                [
                    (skill, self.cells.get((person.pk, skill.pk)), self.minimums.get(skill.pk))
                    for skill in self.skills
                ],
            )


def matrix(category: str = "", system: System | None = None) -> Matrix:
    """The team's skills matrix, its skills narrowed to a category and/or to the skills a
    system needs (then with the minimum of each); four queries at most, whatever the size."""
    skills = Skill.objects.all()
    minimums: dict[int, int] = {}
    if category:
        skills = skills.filter(category=category)
    if system is not None:
        minimums = dict(
            SystemSkill.objects.filter(system=system).values_list("skill_id", "min_level")
        )
        skills = skills.filter(pk__in=list(minimums))
    skills = list(skills.order_by("category", "name"))
    people = list(team())
    cells = {
        (c.person_id, c.skill_id): c
        for c in SkillLevel.objects.filter(person__in=people, skill__in=skills)
    }
    return Matrix(people, skills, cells, minimums)


@transaction.atomic
def set_level(person, skill, level: int | None, assessed_on, assessor, user) -> SkillLevel | None:
    """Set ``person``'s level in ``skill`` (None: remove the cell), audited as ``user``."""
    cell = SkillLevel.objects.filter(person=person, skill=skill).first()
    if level is None:
        if cell is not None:
            delete_object(cell, user)
        return None
    cell = cell or SkillLevel(person=person, skill=skill)
    cell.level, cell.assessed_on, cell.assessor = level, assessed_on, assessor
    cell.full_clean()
    return save_object(cell, user)


@transaction.atomic
def set_needs(system, minimums: dict[int, int | None], user) -> None:
    """Set the skills ``system`` needs: ``{skill id: minimum level or None to drop it}``."""
    current = {n.skill_id: n for n in SystemSkill.objects.filter(system=system)}
    for skill_id, minimum in minimums.items():
        need = current.get(skill_id)
        if minimum is None:
            if need is not None:
                delete_object(need, user)
        elif need is None:
            save_object(SystemSkill(system=system, skill_id=skill_id, min_level=minimum), user)
        elif need.min_level != minimum:
            need.min_level = minimum
            save_object(need, user)


def profile_of(person) -> StaffProfile | None:
    return StaffProfile.objects.filter(person=person).first()
