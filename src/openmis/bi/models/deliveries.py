"""Scheduled deliveries of dashboards and questions by e-mail, and alerts on their values."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openmis.bi.models.questions import Dashboard, Question
from openmis.core.models import Notice, OpenMISModel


class Subscription(OpenMISModel):
    """A scheduled e-mail of a dashboard (PDF) or a question (CSV or XLSX) to its recipients,
    at a local time of each recipient's own time zone; each gets what *they* may see."""

    class Frequency(models.TextChoices):
        DAILY = "daily", _("Daily")
        WEEKLY = "weekly", _("Weekly")
        MONTHLY = "monthly", _("Monthly")

    class Format(models.TextChoices):
        PDF = "pdf", _("PDF (dashboards)")
        CSV = "csv", _("CSV (questions)")
        XLSX = "xlsx", _("XLSX (questions)")

    question = models.ForeignKey(
        Question,
        verbose_name=_("question"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="subscriptions",
    )
    dashboard = models.ForeignKey(
        Dashboard,
        verbose_name=_("dashboard"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="subscriptions",
    )
    format = models.CharField(_("format"), max_length=4, choices=Format.choices)
    frequency = models.CharField(
        _("frequency"), max_length=8, choices=Frequency.choices, default=Frequency.WEEKLY
    )
    weekday = models.PositiveSmallIntegerField(
        _("weekday"),
        default=0,
        validators=[MaxValueValidator(6)],
        help_text=_("For weekly deliveries: 0 is Monday, 6 is Sunday."),
    )
    day_of_month = models.PositiveSmallIntegerField(
        _("day of the month"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(28)],
        help_text=_("For monthly deliveries (1 to 28)."),
    )
    time = models.TimeField(_("local time"), default="07:00")
    recipients = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipients"),
        blank=True,
        related_name="bi_subscriptions",
    )
    departments = models.ManyToManyField(
        "org.Department",
        verbose_name=_("recipient departments"),
        blank=True,
        related_name="bi_subscriptions",
        help_text=_("Everyone with a login in these departments (and those below them)."),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_bi_subscriptions",
    )
    department = models.ForeignKey(
        "org.Department",
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        ordering = ["pk"]

    def __str__(self):
        return f"{self.question or self.dashboard} ({self.get_frequency_display()})"

    def clean(self):
        if bool(self.question_id) == bool(self.dashboard_id):
            raise ValidationError(_("Subscribe to either a question or a dashboard."))
        if self.dashboard_id and self.format != self.Format.PDF:
            raise ValidationError({"format": _("A dashboard is delivered as PDF.")})
        if self.question_id and self.format == self.Format.PDF:
            raise ValidationError({"format": _("A question is delivered as CSV or XLSX.")})


class Delivery(models.Model):
    """One scheduled e-mail to one recipient: queued, sent, skipped (with why) or failed.

    The e-mail itself is a :class:`~openmis.core.models.Notice` (``notice``), sent by core's
    notifications; its file is built when it leaves (see
    :func:`openmis.bi.deliveries.delivery_files`), which records here how that went.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENT = "sent", _("Sent")
        SKIPPED = "skipped", _("Skipped")
        FAILED = "failed", _("Failed")

    subscription = models.ForeignKey(
        Subscription, on_delete=models.CASCADE, related_name="deliveries"
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    due = models.DateTimeField(_("due"))
    status = models.CharField(_("status"), max_length=8, choices=Status.choices)
    detail = models.TextField(_("detail"), blank=True)
    #: when the sender made it: the "as of" of the file (a retry rebuilds it with this date)
    created = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    notice = models.OneToOneField(
        Notice,
        verbose_name=_("e-mail"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="bi_delivery",
    )

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["-due"]
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "recipient", "due"], name="bi_delivery_once"
            )
        ]

    def __str__(self):
        return f"{self.subscription} → {self.recipient} · {self.due:%Y-%m-%d %H:%M}"

    def _mail_pending(self) -> bool:
        """The file was built but the e-mail has not left (the mail server refused it)."""
        return (
            self.status == self.Status.SENT
            and self.notice is not None
            and self.notice.status != Notice.Status.SENT
        )

    @property
    def shown_status(self) -> str:
        """The status as the history shows it: the e-mail's when it has not left."""
        if self._mail_pending():
            failed = self.notice.status == Notice.Status.FAILED
            return self.Status.FAILED if failed else self.Status.QUEUED
        return self.status

    @property
    def shown_status_label(self) -> str:
        return str(self.Status(self.shown_status).label)

    @property
    def shown_detail(self) -> str:
        """The detail as the history shows it, with the mail server's error if it refused."""
        if self._mail_pending() and self.notice.last_error:
            return f"{self.detail} {self.notice.last_error}".strip()
        return self.detail


class Alert(OpenMISModel):
    """Tell recipients by e-mail when a value of a question's result crosses a limit; the
    value is computed with each recipient's own rights."""

    class Condition(models.TextChoices):
        ABOVE = "above", _("goes above")
        BELOW = "below", _("goes below")

    question = models.ForeignKey(
        Question, verbose_name=_("question"), on_delete=models.CASCADE, related_name="alerts"
    )
    column = models.CharField(
        _("result column"),
        max_length=200,
        help_text=_("The column of the result to watch; its value in the last row is used."),
    )
    condition = models.CharField(_("when the value"), max_length=5, choices=Condition.choices)
    threshold = models.DecimalField(_("limit"), max_digits=20, decimal_places=4)
    recipients = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("recipients"), blank=True, related_name="+"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="bi_alerts",
    )
    department = models.ForeignKey(
        "org.Department",
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        ordering = ["pk"]

    def __str__(self):
        sign = ">" if self.condition == self.Condition.ABOVE else "<"
        return f"{self.question}: {self.column} {sign} {self.threshold}"


class AlertState(models.Model):
    """Whether an alert's condition held for a recipient at the last check (so that only a
    crossing, not every check above the limit, sends an e-mail)."""

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="states")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    triggered = models.BooleanField(default=False)
    value = models.FloatField(null=True, blank=True)
    detail = models.TextField(
        blank=True, help_text=_("Why the last check had no value to compare, if it had none.")
    )
    checked = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["alert", "recipient"], name="bi_alert_state_once")
        ]

    def __str__(self):
        return f"{self.alert} / {self.recipient}: {self.value}"
