"""Feedback on systems, and the improvements backlog it is grouped into."""

# ruff: noqa: RUF001, RUF002, RUF003  (the priority formula is written with × and ÷)

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from openmis.core.models import OpenMISModel
from openmis.feedback import scoring, workflow


def _positive(value):
    if value is not None and value <= 0:
        raise ValidationError(_("Effort must be more than zero person-weeks."), code="min_value")


class Feedback(OpenMISModel):
    """What a department, a client or a person said about a system: a problem, an idea,
    praise or a question, with a rating and how many people or hours it affects."""

    class Status(models.TextChoices):
        # (a context of their own: Polish words agree with "opinia", not with an improvement)
        NEW = workflow.NEW, pgettext_lazy("feedback status", "New")
        ACKNOWLEDGED = workflow.ACKNOWLEDGED, pgettext_lazy("feedback status", "Acknowledged")
        PLANNED = workflow.PLANNED, pgettext_lazy("feedback status", "Planned")
        DECLINED = workflow.DECLINED, pgettext_lazy("feedback status", "Declined")
        DUPLICATE = workflow.DUPLICATE, pgettext_lazy("feedback status", "Duplicate")
        ANSWERED = workflow.ANSWERED, pgettext_lazy("feedback status", "Answered")

    class Kind(models.TextChoices):
        PROBLEM = "problem", _("Problem")
        IDEA = "idea", _("Improvement idea")
        PRAISE = "praise", _("Praise")
        QUESTION = "question", _("Question")

    system = models.ForeignKey(
        "portfolio.System",
        verbose_name=_("system"),
        on_delete=models.PROTECT,
        related_name="feedback",
    )
    department = models.ForeignKey(
        "org.Department",
        verbose_name=_("from department"),
        on_delete=models.PROTECT,
        related_name="feedback",
        help_text=_("The department that gives the feedback, or that relays a client's."),
    )
    client = models.ForeignKey(
        "meetings.Client",
        verbose_name=_("from client"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="feedback",
    )
    contact = models.ForeignKey(
        "meetings.ClientContact",
        verbose_name=_("client contact"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="feedback",
        help_text=_(
            "The client's person who gave it; told by e-mail (in the feedback's language) "
            "when it is answered."
        ),
    )
    author = models.ForeignKey(
        "org.Person",
        verbose_name=_("author"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="feedback",
        help_text=_("Told by e-mail when an improvement made of this feedback changes status."),
    )
    occurrence = models.ForeignKey(
        "meetings.Occurrence",
        verbose_name=_("captured in meeting"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="feedback",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default="problem")
    rating = models.PositiveSmallIntegerField(
        _("rating"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text=_("1 (very poor) to 5 (excellent)."),
    )
    people_affected = models.PositiveIntegerField(_("people affected"), default=0)
    hours_per_month = models.DecimalField(
        _("hours affected per month"),
        max_digits=8,
        decimal_places=1,
        default=0,
        validators=[MinValueValidator(0)],
    )
    text = models.TextField(_("text"))
    date = models.DateField(_("date"), default=date.today)
    language = models.CharField(
        _("author's language"),
        max_length=10,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_("Notifications to the author are written in it; empty: the default."),
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=Status.choices,
        default=workflow.NEW,
        editable=False,
        help_text=_("Changed by triage, which records each change."),
    )
    status_reason = models.CharField(
        _("reason for the status"), max_length=300, blank=True, editable=False
    )
    duplicate_of = models.ForeignKey(
        "self",
        verbose_name=_("duplicate of"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="duplicates",
        help_text=_("The feedback item this one repeats; its giver is told when that is answered."),
    )
    confidential = models.BooleanField(
        _("confidential"),
        default=False,
        help_text=_(
            "Seen only by the MIS office, the meeting's attendees, the department concerned "
            "and its giver. A client's feedback starts confidential; the MIS office changes it."
        ),
    )

    class Meta:
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        ordering = ["-date", "-pk"]
        indexes = [
            models.Index(fields=["system", "date"]),
            models.Index(fields=["status", "date"]),
        ]
        permissions = [
            ("triage_feedback", _("Can triage feedback")),
            ("view_confidential_feedback", _("Can see and mark confidential feedback")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True) | models.Q(rating__gte=1, rating__lte=5),
                name="feedback_rating_1_to_5",
            )
        ]

    def __str__(self):
        return f"{self.system}: {self.summary}"

    @property
    def summary(self) -> str:
        """The first line of the text, cut to 60 characters."""
        text = self.text.strip().splitlines()[0] if self.text.strip() else ""
        return text[:59] + "…" if len(text) > 60 else text

    #: Set by whoever chose ``confidential`` on purpose (the MIS office in the form or the
    #: API): a new item is otherwise confidential when it comes from a client.
    confidential_chosen = False

    def save(self, *args, **kwargs):
        if self._state.adding and not self.confidential_chosen and self.client_id is not None:
            self.confidential = True
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        if self.date and self.date > timezone.localdate():
            raise ValidationError({"date": _("Feedback cannot be dated in the future.")})
        if self.occurrence_id and not self.client_id:
            # Feedback captured in a meeting with a priority client comes from that client.
            self.client_id = self.occurrence.series.client_id
        if self.contact_id:
            if not self.client_id:
                self.client_id = self.contact.client_id
            elif self.contact.client_id != self.client_id:
                raise ValidationError(
                    {"contact": _("The contact works for another client than the feedback's.")}
                )


class Improvement(OpenMISModel):
    """An item of the backlog: a change to a system that feedback asks for, ranked by its
    priority score (reach × impact × confidence ÷ effort)."""

    class Impact(models.TextChoices):
        MINIMAL = "0.25", _("Minimal (0.25)")
        LOW = "0.5", _("Low (0.5)")
        MEDIUM = "1", _("Medium (1)")
        HIGH = "2", _("High (2)")
        MASSIVE = "3", _("Massive (3)")

    class Status(models.TextChoices):
        NEW = "new", _("New")
        UNDER_REVIEW = "under_review", _("Under review")
        PLANNED = "planned", _("Planned")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        DECLINED = "declined", _("Declined")

    OPEN = ("new", "under_review", "planned", "in_progress")

    title = models.CharField(_("title"), max_length=200)
    system = models.ForeignKey(
        "portfolio.System",
        verbose_name=_("system"),
        on_delete=models.PROTECT,
        related_name="improvements",
    )
    description = models.TextField(_("description"), blank=True)
    feedback = models.ManyToManyField(
        Feedback, verbose_name=_("feedback"), blank=True, related_name="improvements"
    )
    reach = models.PositiveIntegerField(
        _("reach (people per month)"), help_text=_("How many people it helps each month.")
    )
    impact = models.CharField(
        _("impact"),
        max_length=4,
        choices=Impact.choices,
        default="1",
        help_text=_("How much it helps each of them."),
    )
    confidence = models.PositiveSmallIntegerField(
        _("confidence (%)"),
        default=80,
        validators=[MaxValueValidator(100)],
        help_text=_("How sure the estimates are: 100 high, 80 medium, 50 low."),
    )
    effort = models.DecimalField(
        _("effort (person-weeks)"),
        max_digits=6,
        decimal_places=1,
        validators=[_positive],
    )
    priority = models.FloatField(
        _("priority score"),
        default=0,
        editable=False,
        help_text=_("reach × impact × confidence ÷ effort"),
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=Status.choices,
        default="new",
        editable=False,
        help_text=_("Changed with “Change status”, which tells those who gave the feedback."),
    )
    decline_reason = models.CharField(
        _("reason for declining"), max_length=300, blank=True, editable=False
    )
    project = models.ForeignKey(
        "portfolio.DeploymentProject",
        verbose_name=_("deployment project"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="improvements",
        help_text=_("The project that delivers it, if any."),
    )

    class Meta:
        verbose_name = _("improvement")
        verbose_name_plural = _("improvements")
        ordering = ["-priority", "title"]
        constraints = [
            models.UniqueConstraint(fields=["system", "title"], name="improvement_unique_title"),
            models.CheckConstraint(condition=models.Q(effort__gt=0), name="improvement_effort"),
        ]

    def __str__(self):
        return self.title

    @property
    def impact_value(self) -> float:
        return float(self.impact)

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN

    def compute_priority(self) -> float:
        """The priority score from the current estimates (see :mod:`openmis.feedback.scoring`)."""
        return scoring.priority_score(
            self.reach or 0, self.impact_value, self.confidence or 0, self.effort
        )

    def clean(self):
        super().clean()
        if self.project_id and self.system_id and self.project.system_id != self.system_id:
            raise ValidationError(
                {"project": _("The project deploys another system than this improvement's.")}
            )

    def save(self, *args, **kwargs):
        try:
            self.priority = self.compute_priority()
        except (ValueError, TypeError):
            self.priority = 0  # the database's check refuses a non-positive effort anyway
        super().save(*args, **kwargs)


class StatusChange(OpenMISModel):
    """A move of an improvement from one status to another: when, by whom, why, and how many
    people who gave its feedback were told."""

    improvement = models.ForeignKey(
        Improvement,
        verbose_name=_("improvement"),
        on_delete=models.CASCADE,
        related_name="status_changes",
    )
    from_status = models.CharField(
        _("from status"), max_length=20, choices=Improvement.Status.choices
    )
    to_status = models.CharField(_("to status"), max_length=20, choices=Improvement.Status.choices)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    notified = models.PositiveIntegerField(_("people notified"), default=0)

    class Meta:
        verbose_name = _("improvement status change")
        verbose_name_plural = _("improvement status changes")
        ordering = ["-created", "-pk"]

    def __str__(self):
        return f"{self.improvement}: {self.get_from_status_display()} → " + str(
            self.get_to_status_display()
        )


class FeedbackStatusChange(OpenMISModel):
    """A triage move of a feedback item: from which status to which, when, by whom (nobody:
    an improvement that went done answered it), why, and the item it duplicates."""

    feedback = models.ForeignKey(
        Feedback,
        verbose_name=_("feedback"),
        on_delete=models.CASCADE,
        related_name="status_changes",
    )
    from_status = models.CharField(_("from status"), max_length=20, choices=Feedback.Status.choices)
    to_status = models.CharField(_("to status"), max_length=20, choices=Feedback.Status.choices)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    duplicate_of = models.ForeignKey(
        Feedback,
        verbose_name=_("duplicate of"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    improvement = models.ForeignKey(
        Improvement,
        verbose_name=_("answered by improvement"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("feedback status change")
        verbose_name_plural = _("feedback status changes")
        ordering = ["-created", "-pk"]

    def __str__(self):
        return f"{self.feedback_id}: {self.get_from_status_display()} → " + str(
            self.get_to_status_display()
        )


def agenda_link_error(system_id, improvement: Improvement) -> str | None:
    """Why ``improvement`` may not be linked to an agenda point about the system
    ``system_id`` (None: it may; a point about no system takes any improvement)."""
    if system_id is not None and improvement.system_id != system_id:
        return _("The improvement is about another system than the point.")
    return None


class AgendaLink(models.Model):
    """The improvement a meeting's agenda point is about: kept by feedback, as meetings lies
    beneath it and knows nothing of improvements. Follows the point when it is carried over
    or brought back (the meetings' ``agenda_copied`` extension point)."""

    agenda_item = models.OneToOneField(
        "meetings.AgendaItem",
        verbose_name=_("agenda item"),
        on_delete=models.CASCADE,
        related_name="improvement_link",
    )
    improvement = models.ForeignKey(
        Improvement,
        verbose_name=_("improvement"),
        on_delete=models.CASCADE,
        related_name="agenda_links",
        help_text=_("The improvement the point is about."),
    )

    class Meta:
        verbose_name = _("agenda point's improvement")
        verbose_name_plural = _("agenda points' improvements")

    def __str__(self):
        return f"{self.agenda_item_id} → {self.improvement_id}"

    def clean(self):
        super().clean()
        message = agenda_link_error(self.agenda_item.system_id, self.improvement)
        if message:
            raise ValidationError({"improvement": message})
