"""The MIS team: staff profiles, the skills catalogue, the skills each system needs and the
skills matrix (person by skill). Skill names are data (written in the organization's language),
not interface strings."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from openmis.core.models import OpenMISModel
from openmis.org.models import Person
from openmis.portfolio.models import System

LEVELS = [
    (1, _("1 — awareness")),
    (2, _("2 — works with guidance")),
    (3, _("3 — works alone")),
    (4, _("4 — advanced")),
    (5, _("5 — expert")),
]
LEVEL_VALIDATORS = [MinValueValidator(1), MaxValueValidator(5)]


class StaffProfile(OpenMISModel):
    """A member of the MIS team: their role in the team, seniority and start date. Only the
    people of the MIS team have one."""

    class Seniority(models.TextChoices):
        JUNIOR = "junior", _("junior")
        MID = "mid", _("mid-level")
        SENIOR = "senior", _("senior")
        LEAD = "lead", _("lead")

    person = models.OneToOneField(
        Person,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="staff_profile",
    )
    role_title = models.CharField(_("role in the MIS team"), max_length=120)
    seniority = models.CharField(
        _("seniority"), max_length=10, choices=Seniority.choices, default=Seniority.MID
    )
    start_date = models.DateField(_("start date"), null=True, blank=True)

    class Meta:
        verbose_name = _("staff profile")
        verbose_name_plural = _("staff profiles")
        ordering = ["person__last_name", "person__first_name"]

    def __str__(self):
        return str(self.person)


class Skill(OpenMISModel):
    """A skill of the catalogue (PostgreSQL administration, Comarch ERP XL configuration...)."""

    class Category(models.TextChoices):
        INFRASTRUCTURE = "infrastructure", _("infrastructure")
        APPLICATION = "application", _("application")
        DATA = "data", _("data")
        SECURITY = "security", _("security")
        PROCESS = "process", _("process")

    name = models.CharField(_("name"), max_length=120, unique=True)
    category = models.CharField(
        _("category"), max_length=20, choices=Category.choices, default=Category.APPLICATION
    )
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("skill")
        verbose_name_plural = _("skills")
        ordering = ["category", "name"]

    def __str__(self):
        return self.name


class SystemSkill(OpenMISModel):
    """A skill a system needs to be run, with the minimum level someone must have."""

    system = models.ForeignKey(
        System, verbose_name=_("system"), on_delete=models.CASCADE, related_name="needed_skills"
    )
    skill = models.ForeignKey(
        Skill, verbose_name=_("skill"), on_delete=models.CASCADE, related_name="systems_needing"
    )
    min_level = models.PositiveSmallIntegerField(
        _("minimum level"), choices=LEVELS, default=3, validators=LEVEL_VALIDATORS
    )

    class Meta:
        verbose_name = _("skill a system needs")
        verbose_name_plural = _("skills systems need")
        ordering = ["system__name", "skill__name"]
        constraints = [
            models.UniqueConstraint(fields=["system", "skill"], name="staffing_systemskill_once"),
            models.CheckConstraint(
                condition=models.Q(min_level__gte=1, min_level__lte=5),
                name="staffing_systemskill_level_1_5",
            ),
        ]

    def __str__(self):
        return f"{self.system} — {self.skill} ≥ {self.min_level}"


class SkillLevel(OpenMISModel):
    """One cell of the skills matrix: a person's level in a skill, when and by whom assessed."""

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="skill_levels"
    )
    skill = models.ForeignKey(
        Skill, verbose_name=_("skill"), on_delete=models.CASCADE, related_name="levels"
    )
    level = models.PositiveSmallIntegerField(
        _("level"), choices=LEVELS, validators=LEVEL_VALIDATORS
    )
    assessed_on = models.DateField(_("assessed on"))
    assessor = models.ForeignKey(
        Person,
        verbose_name=_("assessor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="skill_assessments",
    )

    class Meta:
        verbose_name = _("skill level")
        verbose_name_plural = _("skill levels")
        ordering = ["person__last_name", "person__first_name", "skill__name"]
        constraints = [
            models.UniqueConstraint(fields=["person", "skill"], name="staffing_skilllevel_once"),
            models.CheckConstraint(
                condition=models.Q(level__gte=1, level__lte=5),
                name="staffing_skilllevel_1_5",
            ),
        ]

    def __str__(self):
        return f"{self.person} — {self.skill}: {self.level}"
