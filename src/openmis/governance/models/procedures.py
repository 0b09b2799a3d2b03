"""Procedures: how something is done, step by step, and who does each step."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from openmis.core.models import OpenMISModel


class Procedure(OpenMISModel):
    """A documented way of doing something (granting access, restoring a backup, onboarding),
    with its ordered steps, each done by a role and often in a system; printable as a PDF."""

    title = models.CharField(_("title"), max_length=200, unique=True)
    description = models.TextField(
        _("description"), blank=True, help_text=_("Markdown: **bold**, lists, links.")
    )
    owner = models.ForeignKey(
        "org.Person",
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Keeps the procedure up to date."),
    )
    systems = models.ManyToManyField(
        "portfolio.System", verbose_name=_("systems"), blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("procedure")
        verbose_name_plural = _("procedures")
        ordering = ["title"]

    def __str__(self):
        return self.title


class ProcedureStep(OpenMISModel):
    """One step of a procedure: what is done, by which role, in which system (if any)."""

    procedure = models.ForeignKey(
        Procedure, verbose_name=_("procedure"), on_delete=models.CASCADE, related_name="steps"
    )
    number = models.PositiveSmallIntegerField(
        _("number"),
        validators=[MinValueValidator(1), MaxValueValidator(999)],
        help_text=_("Steps are done in the order of their numbers."),
    )
    text = models.TextField(_("what is done"))
    responsible_role = models.ForeignKey(
        "org.Role",
        verbose_name=_("responsible role"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    system = models.ForeignKey(
        "portfolio.System",
        verbose_name=_("system"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("procedure step")
        verbose_name_plural = _("procedure steps")
        ordering = ["procedure", "number", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["procedure", "number"], name="one_step_per_number")
        ]

    def __str__(self):
        return f"{self.procedure} · {self.number}"
