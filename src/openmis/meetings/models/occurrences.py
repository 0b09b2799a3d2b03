"""The meetings of a series (occurrences) with their agenda, minutes and outcomes, the action
items that come out of them, and the secret tokens of calendar feeds."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openmis.core import formatting
from openmis.core.models import OpenMISModel
from openmis.meetings.models.series import MeetingSeries


class Occurrence(OpenMISModel):
    """One meeting of a series: when it takes place, its minutes and what it decided."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        MOVED = "moved", _("Moved")
        CANCELLED = "cancelled", _("Cancelled")

    series = models.ForeignKey(
        MeetingSeries,
        verbose_name=_("series"),
        on_delete=models.CASCADE,
        related_name="occurrences",
    )
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default="scheduled"
    )
    original_start = models.DateTimeField(
        _("originally planned start"),
        editable=False,
        help_text=_("When the rule placed it; differs from the start when it was moved."),
    )
    from_rule = models.BooleanField(_("from the recurrence rule"), default=False, editable=False)
    minutes = models.TextField(
        _("minutes"), blank=True, help_text=_("Markdown; shown as sanitised HTML.")
    )
    confidential = models.BooleanField(
        _("confidential minutes"),
        default=False,
        help_text=_(
            "This meeting's minutes, agenda, decisions and action items are read only by the "
            "MIS office, the series' organiser and attendees, those present and the "
            "department concerned (a whole series can be marked so too). Set by the MIS "
            "office."
        ),
    )

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-start"]
        constraints = [
            models.UniqueConstraint(
                fields=["series", "original_start"], name="occurrence_unique_original_start"
            )
        ]
        indexes = [models.Index(fields=["start"])]
        permissions = [
            ("view_confidential_occurrence", _("Can read and mark confidential meeting minutes")),
        ]

    def __str__(self):
        # In the series' own time zone (where the meeting happens), in the reader's language.
        when = formatting.format_datetime(
            self.start, formatting.active_locale(), ZoneInfo(self.series.timezone)
        )
        return f"{self.series.title} — {when}"

    @property
    def local_start(self) -> datetime:
        """The start in the series' time zone."""
        return self.start.astimezone(self.series.zone)

    @property
    def local_end(self) -> datetime:
        return self.end.astimezone(self.series.zone)

    @property
    def is_confidential(self) -> bool:
        """Whether what was said in this meeting is confidential (it, or its series, is)."""
        return self.confidential or self.series.confidential

    def clean(self):
        super().clean()
        if self.start and self.end and self.end <= self.start:
            raise ValidationError({"end": _("The meeting ends before it starts.")})
        if self.confidential and self.series_id and not self.series.client_id:
            raise ValidationError(
                {"confidential": _("Only the minutes of meetings with a client are confidential.")}
            )

    def save(self, *args, **kwargs):
        if getattr(self, "redacted", False):
            # A copy read by someone who may not read its minutes has them blanked: saving it
            # would erase them.
            raise RuntimeError("A meeting read without its confidential minutes is not saved.")
        if self.original_start is None:
            self.original_start = self.start
        elif self.status == self.Status.SCHEDULED and self.start != self.original_start:
            self.status = self.Status.MOVED
        super().save(*args, **kwargs)


class AgendaItem(OpenMISModel):
    """A point on the agenda of one meeting; open points move on to the next meeting."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")
        PARKED = "parked", _("Parked")

    occurrence = models.ForeignKey(
        Occurrence,
        verbose_name=_("meeting"),
        on_delete=models.CASCADE,
        related_name="agenda_items",
    )
    title = models.CharField(_("title"), max_length=200)
    notes = models.TextField(_("notes"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default="open")
    system = models.ForeignKey(
        "portfolio.System",
        verbose_name=_("system"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="agenda_items",
        help_text=_("The system the point is about, if any."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    carried_from = models.ForeignKey(
        "self",
        verbose_name=_("carried over from"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="carried_to",
    )

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["occurrence", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["occurrence", "carried_from"], name="agenda_item_carried_once"
            )
        ]

    def __str__(self):
        return self.title


class Outcome(OpenMISModel):
    """What a meeting produced: a piece of information, a decision or an action."""

    class Kind(models.TextChoices):
        INFORMATION = "information", _("Information")
        DECISION = "decision", _("Decision")
        ACTION = "action", _("Action item")

    occurrence = models.ForeignKey(
        Occurrence, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="outcomes"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default="decision")
    text = models.TextField(_("text"))

    class Meta:
        verbose_name = _("outcome")
        verbose_name_plural = _("outcomes")
        ordering = ["occurrence", "pk"]

    def __str__(self):
        text = " ".join(self.text.split())
        return f"{self.get_kind_display()}: {text[:60]}{'…' if len(text) > 60 else ''}"


class ActionItem(OpenMISModel):
    """Something a person, or a contact of the series' client, agreed to do by a date; a
    person's items are shown on their home page and reminded."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")

    title = models.CharField(_("what"), max_length=200)
    occurrence = models.ForeignKey(
        Occurrence,
        verbose_name=_("meeting"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="action_items",
    )
    outcome = models.ForeignKey(
        Outcome,
        verbose_name=_("outcome"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="action_items",
    )
    owner = models.ForeignKey(
        "org.Person",
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="action_items",
        help_text=_("The person who does it; leave empty when a client contact does."),
    )
    contact = models.ForeignKey(
        "meetings.ClientContact",
        verbose_name=_("client contact owner"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="action_items",
        help_text=_("A contact of the series' client who does it, instead of a person."),
    )
    due_date = models.DateField(_("due date"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default="open")
    done_on = models.DateField(_("done on"), null=True, blank=True, editable=False)
    reminded_on = models.DateField(_("last reminded on"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("action item")
        verbose_name_plural = _("action items")
        ordering = ["due_date", "pk"]
        indexes = [models.Index(fields=["status", "due_date"])]

    def __str__(self):
        return self.title

    @property
    def owner_name(self) -> str:
        """Who does it: the person, or the contact with their client."""
        if self.contact_id is not None:
            return f"{self.contact} ({self.contact.client})"
        return str(self.owner) if self.owner_id is not None else ""

    def is_overdue(self, today: date | None = None) -> bool:
        """Open and past its due date."""
        return self.status == self.Status.OPEN and self.due_date < (today or timezone.localdate())

    def clean(self):
        super().clean()
        if self.outcome_id is None and self.occurrence_id is None:
            raise ValidationError(
                {"occurrence": _("Link the action item to a meeting or to an outcome.")}
            )
        if (
            self.outcome_id is not None
            and self.occurrence_id is not None
            and self.outcome.occurrence_id != self.occurrence_id
        ):
            raise ValidationError({"outcome": _("The outcome belongs to another meeting.")})
        self._clean_owner()
        if self.due_date is not None and self._due_date_changed():
            error = due_date_error(self.due_date)
            if error:
                raise ValidationError({"due_date": error})

    def _clean_owner(self):
        """The owner is exactly one of: a person, or a contact of the series' client."""
        if self.owner_id is None and self.contact_id is None:
            raise ValidationError(
                {"owner": _("Choose who does it: a person or a contact of the client.")}
            )
        if self.owner_id is not None and self.contact_id is not None:
            message = _("Choose either a person or a client contact as the owner, not both.")
            raise ValidationError({"owner": message, "contact": message})
        if self.contact_id is None:
            return
        occurrence = self.occurrence if self.occurrence_id else None
        if occurrence is None and self.outcome_id is not None:
            occurrence = self.outcome.occurrence
        client_id = occurrence.series.client_id if occurrence is not None else None
        if client_id is None:
            raise ValidationError(
                {"contact": _("Only action items of a meeting with a client have contact owners.")}
            )
        if self.contact.client_id != client_id:
            raise ValidationError(
                {"contact": _("The contact works for another client than the meeting's series.")}
            )

    def _due_date_changed(self) -> bool:
        """Whether the due date is new (a new item, or another date than the stored one): an
        old item past its date can still be edited otherwise."""
        if self._state.adding or self.pk is None:
            return True
        stored = ActionItem.objects.filter(pk=self.pk).values_list("due_date", flat=True).first()
        return stored != self.due_date

    def save(self, *args, **kwargs):
        if self.outcome_id is not None and self.occurrence_id is None:
            self.occurrence_id = self.outcome.occurrence_id
        if self.status == self.Status.DONE and self.done_on is None:
            self.done_on = timezone.localdate()
        elif self.status == self.Status.OPEN:
            self.done_on = None
        super().save(*args, **kwargs)


def due_date_error(due_date: date, today: date | None = None) -> str | None:
    """Why ``due_date`` cannot be given to an action item (it has passed), or None."""
    today = today or timezone.localdate()
    if due_date < today:
        return _("The due date has passed; choose today or a later day.")
    return None


class Attendance(OpenMISModel):
    """Whether one invited person or client contact attended a meeting (recorded by the MIS
    office); exactly one of ``person`` and ``contact`` is set."""

    class Status(models.TextChoices):
        PRESENT = "present", _("Present")
        ABSENT = "absent", _("Absent")
        EXCUSED = "excused", _("Excused")

    occurrence = models.ForeignKey(
        Occurrence, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="attendance"
    )
    person = models.ForeignKey(
        "org.Person",
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="attendance",
    )
    contact = models.ForeignKey(
        "meetings.ClientContact",
        verbose_name=_("client contact"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="attendance",
    )
    status = models.CharField(_("attendance"), max_length=10, choices=Status.choices)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        ordering = ["occurrence", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["occurrence", "person"], name="attendance_unique_person"
            ),
            models.UniqueConstraint(
                fields=["occurrence", "contact"], name="attendance_unique_contact"
            ),
            models.CheckConstraint(
                condition=models.Q(person__isnull=True, contact__isnull=False)
                | models.Q(person__isnull=False, contact__isnull=True),
                name="attendance_person_or_contact",
            ),
        ]

    def __str__(self):
        return f"{self.person or self.contact}: {self.get_status_display()}"

    def clean(self):
        super().clean()
        if (self.person_id is None) == (self.contact_id is None):
            message = _("Record the attendance of either a person or a client contact.")
            raise ValidationError({"person": message, "contact": message})
        if self.occurrence_id is None:
            return
        series = self.occurrence.series
        if self.contact_id is not None and self.contact.client_id != series.client_id:
            raise ValidationError(
                {"contact": _("The contact works for another client than the meeting's series.")}
            )
        if self._attendee_changed() and not self._invited(series):
            field = "person" if self.person_id is not None else "contact"
            raise ValidationError({field: _("Not invited to this meeting's series.")})

    def _attendee_changed(self) -> bool:
        """Whether the record is new or names someone else (a person recorded once and no
        longer invited keeps their record, which may still be corrected)."""
        if self._state.adding or self.pk is None:
            return True
        stored = Attendance.objects.filter(pk=self.pk).values("occurrence", "person", "contact")
        return stored.first() != {
            "occurrence": self.occurrence_id,
            "person": self.person_id,
            "contact": self.contact_id,
        }

    def _invited(self, series) -> bool:
        if self.person_id is not None:
            return series.attendees.filter(pk=self.person_id).exists()
        return series.client_attendees.filter(pk=self.contact_id).exists()


class FeedToken(models.Model):
    """The secret in a user's calendar feed URLs; rotating it invalidates the old URLs.

    Not a registered object: a secret has no place in lists, exports or the change log.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="meeting_feed_token",
    )
    key = models.CharField(_("key"), max_length=64, unique=True)
    created = models.DateTimeField(_("created"), auto_now=True)

    class Meta:
        verbose_name = _("calendar feed token")
        verbose_name_plural = _("calendar feed tokens")

    def __str__(self):
        return str(self.user)
