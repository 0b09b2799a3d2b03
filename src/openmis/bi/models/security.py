"""Who may see what: row-level rules of restricted datasets, and shares of questions and
dashboards."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from openmis.bi.models.datasets import Dataset
from openmis.bi.models.questions import Dashboard, Question
from openmis.core.models import OpenMISModel


class RowRule(OpenMISModel):
    """Which rows of a restricted dataset a group of users may see.

    A rule applies to everyone, or to the holders of one role, or to the members of one
    department; it admits the rows whose ``column`` matches fixed values or an attribute of
    the user (their department's name or region), or every row.
    """

    class Match(models.TextChoices):
        VALUES = "values", _("One of the values listed")
        DEPARTMENT = "department", _("The name of the user's department")
        REGION = "region", _("The region of the user's department")
        ALL = "all", _("Every row")

    dataset = models.ForeignKey(
        Dataset, verbose_name=_("dataset"), on_delete=models.CASCADE, related_name="rules"
    )
    role = models.ForeignKey(
        "org.Role",
        verbose_name=_("for role"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="row_rules",
    )
    department = models.ForeignKey(
        "org.Department",
        verbose_name=_("for department"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="row_rules",
        help_text=_("Its members, and the members of the departments below it."),
    )
    match = models.CharField(_("admits rows where"), max_length=12, choices=Match.choices)
    column = models.CharField(_("column"), max_length=200, blank=True)
    values = models.TextField(_("values"), blank=True, help_text=_("One value per line."))

    class Meta:
        verbose_name = _("row-level rule")
        verbose_name_plural = _("row-level rules")
        ordering = ["dataset", "pk"]

    def __str__(self):
        return f"{self.dataset.name}: {self.get_match_display()}"

    def clean(self):
        if self.match != self.Match.ALL and not self.column:
            raise ValidationError({"column": _("Name the column the rule compares.")})
        if self.match == self.Match.VALUES and not self.value_list():
            raise ValidationError({"values": _("List at least one value.")})

    def value_list(self) -> list[str]:
        return [v.strip() for v in self.values.splitlines() if v.strip()]


class Share(OpenMISModel):
    """A question or dashboard shared with a user, a role's holders or a department."""

    class Level(models.TextChoices):
        VIEW = "view", _("Can view")
        EDIT = "edit", _("Can edit")

    question = models.ForeignKey(
        Question,
        verbose_name=_("question"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="shares",
    )
    dashboard = models.ForeignKey(
        Dashboard,
        verbose_name=_("dashboard"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="shares",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="bi_shares",
    )
    role = models.ForeignKey(
        "org.Role",
        verbose_name=_("role"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="bi_shares",
    )
    department = models.ForeignKey(
        "org.Department",
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="bi_shares",
        help_text=_("Its members, and the members of the departments below it."),
    )
    level = models.CharField(_("access"), max_length=4, choices=Level.choices, default=Level.VIEW)
    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("shared by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("share")
        verbose_name_plural = _("shares")
        ordering = ["-created"]

    def __str__(self):
        what = self.question or self.dashboard
        whom = self.user or self.role or self.department
        return f"{what} → {whom}"

    def clean(self):
        if bool(self.question_id) == bool(self.dashboard_id):
            raise ValidationError(_("Share either a question or a dashboard."))
        if sum(bool(x) for x in (self.user_id, self.role_id, self.department_id)) != 1:
            raise ValidationError(_("Share with exactly one user, role or department."))
