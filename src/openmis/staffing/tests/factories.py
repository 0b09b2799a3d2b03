"""Factories of the staffing models."""

import itertools

from django.utils import timezone

from openmis.org.tests.factories import PersonFactory
from openmis.staffing.models import Skill, SkillLevel, StaffProfile, SystemSkill

_n = itertools.count()


def skill(name=None, category=Skill.Category.APPLICATION) -> Skill:
    return Skill.objects.create(name=name or f"Skill {next(_n)}", category=category)


def member(person=None, role_title="Systems administrator", **person_fields):
    """A person of the MIS team (with a staff profile)."""
    person = person or PersonFactory(**person_fields)
    StaffProfile.objects.create(person=person, role_title=role_title)
    return person


def level(person, skill, value, assessor=None) -> SkillLevel:
    return SkillLevel.objects.create(
        person=person,
        skill=skill,
        level=value,
        assessed_on=timezone.localdate(),
        assessor=assessor,
    )


def need(system, skill, minimum=3) -> SystemSkill:
    return SystemSkill.objects.create(system=system, skill=skill, min_level=minimum)
