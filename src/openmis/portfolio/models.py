"""The organization's systems: what they are, who owns them, what they cost, what they feed,
which contracts bind them and how they move through their lifecycle."""

from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openmis.core import formatting
from openmis.core.models import OpenMISModel

SCORE = [MinValueValidator(1), MaxValueValidator(5)]
CURRENCY = RegexValidator(r"^[A-Z]{3}$", _("Use a three-letter ISO 4217 code."))


class Vendor(OpenMISModel):
    """A company that sells, hosts or supports systems."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    website = models.URLField(_("website"), blank=True)
    contact_name = models.CharField(_("contact name"), max_length=120, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("vendor")
        verbose_name_plural = _("vendors")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Capability(OpenMISModel):
    """A business capability that systems support (e.g. "Order management")."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("business capability")
        verbose_name_plural = _("business capabilities")
        ordering = ["name"]

    def __str__(self):
        return self.name


class System(OpenMISModel):
    """An application, piece of infrastructure, service or integration the organization runs."""

    class Kind(models.TextChoices):
        APPLICATION = "application", _("Application")
        INFRASTRUCTURE = "infrastructure", _("Infrastructure")
        SERVICE = "service", _("Service")
        INTEGRATION = "integration", _("Integration")

    class Stage(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        EVALUATING = "evaluating", _("Evaluating")
        PILOTING = "piloting", _("Piloting")
        DEPLOYED = "deployed", _("Deployed")
        RETIRING = "retiring", _("Retiring")
        RETIRED = "retired", _("Retired")

    class Hosting(models.TextChoices):
        ON_PREMISES = "on_premises", _("On premises")
        PRIVATE_CLOUD = "private_cloud", _("Private cloud")
        PUBLIC_CLOUD = "public_cloud", _("Public cloud")
        SAAS = "saas", _("Software as a service")

    class Criticality(models.TextChoices):
        LOW = "low", _("Low")
        MEDIUM = "medium", _("Medium")
        HIGH = "high", _("High")
        CRITICAL = "critical", _("Mission critical")

    name = models.CharField(_("name"), max_length=120, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default="application")
    description = models.TextField(_("description"), blank=True)
    business_owner = models.ForeignKey(
        "org.Department",
        verbose_name=_("business owner"),
        on_delete=models.PROTECT,
        related_name="owned_systems",
    )
    technical_owner = models.ForeignKey(
        "org.Person",
        verbose_name=_("technical owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="technical_systems",
    )
    vendor = models.ForeignKey(
        Vendor,
        verbose_name=_("vendor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="systems",
    )
    hosting = models.CharField(
        _("hosting"), max_length=20, choices=Hosting.choices, default="on_premises"
    )
    criticality = models.CharField(
        _("criticality"), max_length=10, choices=Criticality.choices, default="medium"
    )
    users = models.PositiveIntegerField(_("number of users"), default=0)
    departments_served = models.ManyToManyField(
        "org.Department",
        verbose_name=_("departments served"),
        blank=True,
        related_name="served_by_systems",
    )
    capability = models.ForeignKey(
        Capability,
        verbose_name=_("business capability"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="systems",
    )
    lifecycle_stage = models.CharField(
        _("lifecycle stage"),
        max_length=20,
        choices=Stage.choices,
        default="proposed",
        editable=False,
        help_text=_("Changed with “Move to stage”, which records the date of each transition."),
    )
    business_value = models.PositiveSmallIntegerField(
        _("business value"),
        null=True,
        blank=True,
        validators=SCORE,
        help_text=_("1 (low) to 5 (high)."),
    )
    technical_health = models.PositiveSmallIntegerField(
        _("technical health"),
        null=True,
        blank=True,
        validators=SCORE,
        help_text=_("1 (poor) to 5 (excellent)."),
    )

    class Meta:
        verbose_name = _("system")
        verbose_name_plural = _("systems")
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def quadrant(self) -> str | None:
        """Gartner's TIME quadrant from business value and technical health (3+ is high)."""
        if self.business_value is None or self.technical_health is None:
            return None
        high_value, healthy = self.business_value >= 3, self.technical_health >= 3
        if high_value:
            return "invest" if healthy else "migrate"
        return "tolerate" if healthy else "eliminate"


class LifecycleTransition(OpenMISModel):
    """A system's move from one lifecycle stage to another, with its date."""

    system = models.ForeignKey(
        System, verbose_name=_("system"), on_delete=models.CASCADE, related_name="transitions"
    )
    from_stage = models.CharField(
        _("from stage"), max_length=20, choices=System.Stage.choices, blank=True
    )
    to_stage = models.CharField(_("to stage"), max_length=20, choices=System.Stage.choices)
    date = models.DateField(_("date"), default=date.today)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("lifecycle transition")
        verbose_name_plural = _("lifecycle transitions")
        ordering = ["system", "date", "pk"]

    def __str__(self):
        return f"{self.system}: {self.get_to_stage_display()} ({formatting.date_text(self.date)})"


class SystemCost(OpenMISModel):
    """What a system cost (or will cost) in a year, by category."""

    class Category(models.TextChoices):
        LICENCE = "licence", _("Licence")
        SUBSCRIPTION = "subscription", _("Subscription")
        HOSTING = "hosting", _("Hosting")
        SUPPORT = "support", _("Support")
        STAFF = "staff", _("Staff")
        OTHER = "other", _("Other")

    system = models.ForeignKey(
        System, verbose_name=_("system"), on_delete=models.PROTECT, related_name="costs"
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(1990), MaxValueValidator(2100)]
    )
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    amount = models.DecimalField(
        _("amount"), max_digits=14, decimal_places=2, validators=[MinValueValidator(0)]
    )
    currency = models.CharField(_("currency"), max_length=3, default="PLN", validators=[CURRENCY])
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("system cost")
        verbose_name_plural = _("system costs")
        ordering = ["system", "year", "category"]
        constraints = [
            models.UniqueConstraint(
                fields=["system", "year", "category"], name="system_cost_unique_year_category"
            )
        ]

    def __str__(self):
        return f"{self.system} {self.year} {self.get_category_display()}"


class Dependency(OpenMISModel):
    """``source`` feeds ``target`` with some data: the target depends on the source."""

    source = models.ForeignKey(
        System,
        verbose_name=_("feeding system"),
        on_delete=models.PROTECT,
        related_name="feeds",
    )
    target = models.ForeignKey(
        System,
        verbose_name=_("dependent system"),
        on_delete=models.PROTECT,
        related_name="fed_by",
    )
    data_exchanged = models.CharField(_("data exchanged"), max_length=200, blank=True)
    interface = models.CharField(
        _("interface"), max_length=60, blank=True, help_text=_("API, file transfer, database…")
    )

    class Meta:
        verbose_name = _("dependency")
        verbose_name_plural = _("dependencies")
        ordering = ["source", "target"]
        constraints = [
            models.UniqueConstraint(fields=["source", "target"], name="dependency_unique_pair"),
            models.CheckConstraint(
                condition=~models.Q(source=models.F("target")), name="dependency_not_on_itself"
            ),
        ]

    def __str__(self):
        return f"{self.source} → {self.target}"

    def clean(self):
        super().clean()
        if self.source_id and self.source_id == self.target_id:
            raise ValidationError({"target": _("A system cannot depend on itself.")})


class Contract(OpenMISModel):
    """A contract with a vendor for a system: value, term, notice period, renewal."""

    title = models.CharField(_("title"), max_length=200)
    vendor = models.ForeignKey(
        Vendor, verbose_name=_("vendor"), on_delete=models.PROTECT, related_name="contracts"
    )
    system = models.ForeignKey(
        System,
        verbose_name=_("system"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contracts",
    )
    owner = models.ForeignKey(
        "org.Person",
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contracts",
        help_text=_("Receives the renewal reminders."),
    )
    value = models.DecimalField(
        _("annual value"), max_digits=14, decimal_places=2, validators=[MinValueValidator(0)]
    )
    currency = models.CharField(_("currency"), max_length=3, default="PLN", validators=[CURRENCY])
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    notice_days = models.PositiveIntegerField(_("notice period (days)"), default=90)
    auto_renewal = models.BooleanField(_("renews automatically"), default=False)
    reminded_for = models.DateField(
        _("last reminder sent for deadline"), null=True, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        ordering = ["end_date", "title"]

    def __str__(self):
        return self.title

    @property
    def notice_deadline(self) -> date:
        """The last day to give notice before the end date."""
        return self.end_date - timedelta(days=self.notice_days)

    def clean(self):
        super().clean()
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The end date is before the start date.")})


class DeploymentProject(OpenMISModel):
    """A project that deploys or changes a system, with milestones, budget and go-live."""

    class Status(models.TextChoices):
        ON_TRACK = "on_track", _("On track")
        AT_RISK = "at_risk", _("At risk")
        LATE = "late", _("Late")
        LIVE = "live", _("Live")

    name = models.CharField(_("name"), max_length=200, unique=True)
    system = models.ForeignKey(
        System, verbose_name=_("system"), on_delete=models.PROTECT, related_name="projects"
    )
    manager = models.ForeignKey(
        "org.Person",
        verbose_name=_("project manager"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="managed_projects",
    )
    budget = models.DecimalField(
        _("budget"), max_digits=14, decimal_places=2, validators=[MinValueValidator(0)]
    )
    spent = models.DecimalField(
        _("actual spend"),
        max_digits=14,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0)],
    )
    currency = models.CharField(_("currency"), max_length=3, default="PLN", validators=[CURRENCY])
    start_date = models.DateField(_("start date"))
    planned_go_live = models.DateField(_("planned go-live"))
    go_live = models.DateField(_("go-live"), null=True, blank=True, editable=False)
    status_override = models.CharField(
        _("status override"),
        max_length=10,
        choices=Status.choices[:3],
        blank=True,
        help_text=_("Leave empty to derive the status from milestones and budget."),
    )
    override_reason = models.CharField(_("reason for the override"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("deployment project")
        verbose_name_plural = _("deployment projects")
        ordering = ["planned_go_live", "name"]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        errors = {}
        if self.start_date and self.planned_go_live and self.planned_go_live < self.start_date:
            errors["planned_go_live"] = _("The go-live is planned before the project starts.")
        if self.status_override and not self.override_reason.strip():
            errors["override_reason"] = _("Say why the derived status is overridden.")
        if errors:
            raise ValidationError(errors)


class Milestone(OpenMISModel):
    """A dated step of a deployment project."""

    project = models.ForeignKey(
        DeploymentProject,
        verbose_name=_("project"),
        on_delete=models.CASCADE,
        related_name="milestones",
    )
    name = models.CharField(_("name"), max_length=200)
    due_date = models.DateField(_("due date"))
    done_date = models.DateField(_("done on"), null=True, blank=True)

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["project", "due_date", "pk"]

    def __str__(self):
        return f"{self.project}: {self.name}"


class SystemAccess(OpenMISModel):
    """Who uses which system, and since when: a person's account in a system, often imported
    from the system's own user list. Audiences of policies and training ("the users of
    Salesforce") are read from it, so a new user of a system can be told what applies to them.
    """

    person = models.ForeignKey(
        "org.Person",
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="system_access",
    )
    system = models.ForeignKey(
        System, verbose_name=_("system"), on_delete=models.CASCADE, related_name="access"
    )
    valid_from = models.DateField(_("from"), default=date.today)
    valid_until = models.DateField(
        _("until"), null=True, blank=True, help_text=_("Empty: the access has no end date.")
    )
    account = models.CharField(
        _("account"), max_length=150, blank=True, help_text=_("The login name in the system.")
    )
    role_in_system = models.CharField(
        _("role in the system"),
        max_length=150,
        blank=True,
        help_text=_("What the account may do there (administrator, user, read-only...)."),
    )

    class Meta:
        verbose_name = _("system access")
        verbose_name_plural = _("system access")
        ordering = ["system", "person", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["person", "system"], name="one_access_per_system")
        ]
        indexes = [models.Index(fields=["system", "valid_from", "valid_until"])]

    def __str__(self):
        return f"{self.person} · {self.system}"

    def clean(self):
        super().clean()
        if self.valid_from and self.valid_until and self.valid_until < self.valid_from:
            raise ValidationError({"valid_until": _("The access ends before it starts.")})

    def is_current(self, on: date | None = None) -> bool:
        """Whether the access holds on ``on`` (default today)."""
        on = on or timezone.localdate()
        return self.valid_from <= on and (self.valid_until is None or self.valid_until >= on)
