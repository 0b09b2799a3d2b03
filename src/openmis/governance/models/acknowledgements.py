"""Acknowledgement campaigns: who was asked to acknowledge which published policy version, by
when, and what they answered."""

from __future__ import annotations

from datetime import date

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from openmis.core.models import OpenMISModel


class Campaign(OpenMISModel):
    """The asking of a policy's audience to acknowledge one published version, started when
    the version is published. A material change starts a campaign that asks everyone again; a
    minor one carries earlier acknowledgements over. The campaign closes when the next version
    is published or the version is retired."""

    policy = models.ForeignKey(
        "governance.Policy",
        verbose_name=_("policy"),
        on_delete=models.CASCADE,
        related_name="campaigns",
    )
    policy_version = models.OneToOneField(
        "governance.PolicyVersion",
        verbose_name=_("version"),
        on_delete=models.PROTECT,
        related_name="campaign",
    )
    audience = models.ForeignKey(
        "governance.Audience",
        verbose_name=_("audience"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="campaigns",
    )
    started_on = models.DateField(_("started on"))
    closed_on = models.DateField(_("closed on"), null=True, blank=True)

    class Meta:
        verbose_name = _("acknowledgement campaign")
        verbose_name_plural = _("acknowledgement campaigns")
        ordering = ["-started_on", "-pk"]

    def __str__(self):
        return _("%(policy)s, version %(number)s") % {
            "policy": self.policy,
            "number": self.policy_version.number,
        }

    @property
    def is_open(self) -> bool:
        """Whether people are still being asked (its version is the one in force)."""
        return self.closed_on is None


class Acknowledgement(OpenMISModel):
    """One person asked to acknowledge a policy version by a due date, and their answer: the
    exact version number and SHA-256 they acknowledged and when, or their reason to decline.
    A row carried over from an earlier campaign (a minor change) keeps the version the person
    actually acknowledged. People exempted by a policy exception are recorded as exempt and
    not asked."""

    class State(models.TextChoices):
        PENDING = "pending", pgettext_lazy("acknowledgement state", "Pending")
        ACCEPTED = "accepted", pgettext_lazy("acknowledgement state", "Acknowledged")
        DECLINED = "declined", pgettext_lazy("acknowledgement state", "Declined")
        EXEMPT = "exempt", pgettext_lazy("acknowledgement state", "Exempt")

    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("campaign"),
        on_delete=models.CASCADE,
        related_name="acknowledgements",
    )
    person = models.ForeignKey(
        "org.Person",
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="policy_acknowledgements",
    )
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PENDING, editable=False
    )
    asked_on = models.DateField(_("asked on"), editable=False)
    due_date = models.DateField(_("due date"), null=True, blank=True, editable=False)
    acknowledged_version = models.ForeignKey(
        "governance.PolicyVersion",
        verbose_name=_("version acknowledged"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="+",
    )
    acknowledged_number = models.PositiveIntegerField(
        _("version number acknowledged"), null=True, blank=True, editable=False
    )
    acknowledged_sha256 = models.CharField(
        _("SHA-256 acknowledged"), max_length=64, blank=True, editable=False
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True, editable=False)
    reason = models.TextField(_("reason for declining"), blank=True, editable=False)
    carried = models.BooleanField(
        _("carried over"),
        default=False,
        editable=False,
        help_text=_("Acknowledged before a minor change, not asked again."),
    )
    reminded_on = models.DateField(_("reminded on"), null=True, blank=True, editable=False)
    escalated_on = models.DateField(_("escalated on"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("acknowledgement")
        verbose_name_plural = _("acknowledgements")
        ordering = ["campaign", "person"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "person"], name="acknowledgement_once_per_campaign"
            )
        ]
        indexes = [models.Index(fields=["person", "state"], name="acknowledgement_person_state")]

    def __str__(self):
        return _("%(person)s: %(campaign)s") % {"person": self.person, "campaign": self.campaign}

    def overdue_on(self, day: date) -> bool:
        """Whether the person still has not answered after the due date."""
        return (
            self.state == self.State.PENDING and self.due_date is not None and self.due_date < day
        )
