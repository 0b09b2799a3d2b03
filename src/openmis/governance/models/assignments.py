"""Assignments of courses: a course given to an audience with a due date, and why each
enrolment exists (an assignment, the use of a system), so that retiring a system closes
only the enrolments it alone caused."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from openmis.core.models import OpenMISModel


class CourseAssignment(OpenMISModel):
    """A course assigned to an audience: everyone the audience reaches is enrolled, due
    ``due_in_days`` after they were enrolled; people who join the audience later are enrolled
    by the daily command with their own due date. An inactive assignment enrols nobody new."""

    course = models.ForeignKey(
        "governance.Course",
        on_delete=models.CASCADE,
        related_name="assignments",
        verbose_name=_("course"),
    )
    audience = models.ForeignKey(
        "governance.Audience",
        on_delete=models.PROTECT,
        related_name="course_assignments",
        verbose_name=_("audience"),
    )
    due_in_days = models.PositiveSmallIntegerField(
        _("due in (days)"),
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text=_("Days each person has to pass the course from the day they are enrolled."),
    )
    active = models.BooleanField(
        _("active"), default=True, help_text=_("Newcomers to the audience are enrolled too.")
    )
    last_run = models.DateTimeField(_("last run"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["course", "audience"]
        verbose_name = _("course assignment")
        verbose_name_plural = _("course assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["course", "audience"], name="governance_one_assignment_per_audience"
            )
        ]

    def __str__(self) -> str:
        return f"{self.course} → {self.audience}"


class EnrolmentSource(models.Model):
    """One reason an enrolment exists: an assignment to an audience or the use of a system
    whose required courses its users must pass. An enrolment added by hand has none."""

    class Kind(models.TextChoices):
        ASSIGNMENT = "assignment", _("assignment")
        SYSTEM = "system", _("system use")

    enrolment = models.ForeignKey(
        "governance.Enrolment",
        on_delete=models.CASCADE,
        related_name="sources",
        verbose_name=_("enrolment"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    assignment = models.ForeignKey(
        CourseAssignment,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="sources",
        verbose_name=_("assignment"),
    )
    system = models.ForeignKey(
        "portfolio.System",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("system"),
    )
    added_on = models.DateField(_("added on"))

    class Meta:
        ordering = ["enrolment", "pk"]
        verbose_name = _("enrolment reason")
        verbose_name_plural = _("enrolment reasons")
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "assignment"],
                condition=models.Q(assignment__isnull=False),
                name="governance_source_once_per_assignment",
            ),
            models.UniqueConstraint(
                fields=["enrolment", "system"],
                condition=models.Q(system__isnull=False),
                name="governance_source_once_per_system",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enrolment} · {self.assignment or self.system}"
