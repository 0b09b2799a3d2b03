"""Audiences: whom a policy, a campaign or a course is for."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from openmis.core.models import OpenMISModel


class Audience(OpenMISModel):
    """A named group of people that policies, campaigns and courses are addressed to: the
    whole organization, departments (with those below them), holders of roles, users of
    systems, and people added or left out by name. Who it reaches is worked out when asked
    (:func:`openmis.governance.audience_members.members`), so it follows the organization
    and the portfolio as they change."""

    name = models.CharField(_("name"), max_length=150, unique=True)
    description = models.TextField(_("description"), blank=True)
    whole_organization = models.BooleanField(
        _("whole organization"), default=False, help_text=_("Everyone who works here.")
    )
    departments = models.ManyToManyField(
        "org.Department", verbose_name=_("departments"), blank=True, related_name="+"
    )
    sub_departments = models.BooleanField(
        _("with sub-departments"),
        default=True,
        help_text=_("The departments below the chosen ones count too."),
    )
    roles = models.ManyToManyField(
        "org.Role",
        verbose_name=_("roles"),
        blank=True,
        related_name="+",
        help_text=_("Everyone who holds one of these roles."),
    )
    systems = models.ManyToManyField(
        "portfolio.System",
        verbose_name=_("users of systems"),
        blank=True,
        related_name="+",
        help_text=_("Everyone who uses one of these systems now."),
    )
    include_people = models.ManyToManyField(
        "org.Person",
        verbose_name=_("also include"),
        blank=True,
        related_name="+",
    )
    exclude_people = models.ManyToManyField(
        "org.Person",
        verbose_name=_("leave out"),
        blank=True,
        related_name="+",
        help_text=_("Left out even when another choice includes them."),
    )

    class Meta:
        verbose_name = _("audience")
        verbose_name_plural = _("audiences")
        ordering = ["name"]

    def __str__(self):
        return self.name
