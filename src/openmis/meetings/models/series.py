"""Priority clients, their contacts, and meeting series with their recurrence rule (checked
here; the meetings it produces are in :mod:`openmis.meetings.models.occurrences`)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from openmis.core.models import OpenMISModel
from openmis.meetings import recurrence


def validate_time_zone(value: str) -> None:
    """Refuse a name that is not an IANA time zone."""
    if not recurrence.is_time_zone(value):
        raise ValidationError(
            _("“%(value)s” is not a time zone name such as Europe/Warsaw."),
            params={"value": value},
        )


def validate_dates(value: str) -> None:
    """Refuse skipped dates that are not ISO dates."""
    try:
        recurrence.parse_dates(value)
    except ValueError:
        raise ValidationError(
            _("Write the dates as YYYY-MM-DD, separated by commas or new lines.")
        ) from None


WEEKDAYS = RegexValidator(
    recurrence.WEEKDAYS_PATTERN,
    _("Write weekdays as two-letter codes separated by commas, e.g. MO,TH."),
)
WEEKDAY_CHOICES = [
    ("MO", _("Monday")),
    ("TU", _("Tuesday")),
    ("WE", _("Wednesday")),
    ("TH", _("Thursday")),
    ("FR", _("Friday")),
    ("SA", _("Saturday")),
    ("SU", _("Sunday")),
]


class Client(OpenMISModel):
    """A priority client organisation that the MIS director meets regularly."""

    class Tier(models.TextChoices):
        A = "A", _("A — strategic")
        B = "B", _("B — important")
        C = "C", _("C — regular")

    name = models.CharField(_("name"), max_length=160, unique=True)
    tier = models.CharField(_("tier"), max_length=1, choices=Tier.choices, default="B")
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("priority client")
        verbose_name_plural = _("priority clients")
        ordering = ["name"]

    def __str__(self):
        return self.name


class ClientContact(OpenMISModel):
    """A person at a priority client who takes part in meetings."""

    client = models.ForeignKey(
        Client, verbose_name=_("client"), on_delete=models.CASCADE, related_name="contacts"
    )
    name = models.CharField(_("name"), max_length=160)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    role = models.CharField(_("role"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("client contact")
        verbose_name_plural = _("client contacts")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["client", "name"], name="client_contact_unique_name")
        ]

    def __str__(self):
        return self.name


class MeetingSeries(OpenMISModel):
    """A recurring meeting ("Weekly with Marketing leaders", "Monthly with client X").

    The recurrence is kept as fields (see :mod:`openmis.meetings.recurrence` for what they
    mean); occurrences are materialised from it by
    :func:`openmis.meetings.materialising.materialise`.
    """

    class Kind(models.TextChoices):
        DEPARTMENT = "department", _("Department leaders")
        CLIENT = "client", _("Priority client")

    class Frequency(models.TextChoices):
        WEEKLY = "weekly", _("Weekly")
        MONTHLY = "monthly", _("Monthly")

    class WeekOfMonth(models.IntegerChoices):
        FIRST = 1, _("first")
        SECOND = 2, _("second")
        THIRD = 3, _("third")
        FOURTH = 4, _("fourth")
        FIFTH = 5, _("fifth")
        LAST = -1, _("last")

    MONTH_DAY_CHOICES = [(-1, _("last day of the month"))] + [(d, str(d)) for d in range(1, 32)]

    title = models.CharField(_("title"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default="department")
    department = models.ForeignKey(
        "org.Department",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="meeting_series",
        help_text=_("The leaders' department; its leader manages the series."),
    )
    client = models.ForeignKey(
        Client,
        verbose_name=_("client"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="meeting_series",
    )
    organiser = models.ForeignKey(
        "org.Person",
        verbose_name=_("organiser"),
        on_delete=models.PROTECT,
        related_name="organised_series",
    )
    attendees = models.ManyToManyField(
        "org.Person", verbose_name=_("attendees"), blank=True, related_name="meeting_series"
    )
    client_attendees = models.ManyToManyField(
        ClientContact,
        verbose_name=_("client attendees"),
        blank=True,
        related_name="meeting_series",
    )
    location = models.CharField(
        _("location"), max_length=200, blank=True, help_text=_("Room or video link.")
    )
    timezone = models.CharField(
        _("time zone"),
        max_length=64,
        default="Europe/Warsaw",
        validators=[validate_time_zone],
        help_text=_("The meeting keeps its local time in this zone across summer time."),
    )
    start_date = models.DateField(_("start date"))
    start_time = models.TimeField(_("start time"))
    duration_minutes = models.PositiveIntegerField(
        _("duration (minutes)"),
        default=60,
        validators=[MinValueValidator(5), MaxValueValidator(24 * 60)],
    )
    frequency = models.CharField(
        _("repeats"), max_length=10, choices=Frequency.choices, default="weekly"
    )
    interval = models.PositiveSmallIntegerField(
        _("every"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(52)],
        help_text=_("Every n weeks or months (2: every other week)."),
    )
    weekdays = models.CharField(
        _("weekdays"),
        max_length=20,
        blank=True,
        validators=[WEEKDAYS],
        help_text=_(
            "Weekly: the days of the week (none: the start date's day). Monthly: the weekday "
            "of “week of the month”."
        ),
    )
    week_of_month = models.SmallIntegerField(
        _("week of the month"),
        null=True,
        blank=True,
        choices=WeekOfMonth.choices,
        help_text=_(
            "Monthly on the nth weekday, e.g. the second Thursday. Months without a fifth "
            "one have no meeting."
        ),
    )
    month_day = models.SmallIntegerField(
        _("day of the month"),
        null=True,
        blank=True,
        choices=MONTH_DAY_CHOICES,
        help_text=_(
            "Monthly on this day. Months without it (the 31st in April) have no meeting; "
            "choose “last day of the month” to meet at every month's end."
        ),
    )
    until = models.DateField(_("until"), null=True, blank=True)
    count = models.PositiveIntegerField(
        _("number of meetings"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Instead of “until”: stop after this many meetings."),
    )
    skipped_dates = models.TextField(
        _("skipped dates"),
        blank=True,
        validators=[validate_dates],
        help_text=_("Dates without a meeting (YYYY-MM-DD), separated by commas or new lines."),
    )
    notes = models.TextField(_("notes"), blank=True)
    confidential = models.BooleanField(
        _("confidential minutes"),
        default=False,
        help_text=_(
            "What is said in these meetings (minutes, agenda, decisions and action items) is "
            "read only by the MIS office, the series' organiser and attendees, those present "
            "at a meeting and the department concerned; others see only that the meetings "
            "take place. A meeting with a client only; set by the MIS office."
        ),
    )
    materialised_version = models.PositiveIntegerField(default=0, editable=False)
    materialised_on = models.DateField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("meeting series")
        verbose_name_plural = _("meeting series")
        ordering = ["title"]

    def __str__(self):
        return self.title

    @property
    def rule(self) -> recurrence.Rule:
        """The recurrence of this series (see :mod:`openmis.meetings.recurrence`)."""
        return recurrence.Rule(
            start=datetime.combine(self.start_date, self.start_time),
            tz=self.timezone,
            frequency=self.frequency,
            interval=self.interval or 1,
            weekdays=tuple(d for d in (self.weekdays or "").split(",") if d),
            week_of_month=self.week_of_month,
            month_day=self.month_day,
            until=self.until,
            count=self.count,
            skipped=frozenset(recurrence.parse_dates(self.skipped_dates)),
        )

    @property
    def duration(self) -> timedelta:
        return timedelta(minutes=self.duration_minutes)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def clean(self):
        super().clean()
        if self.kind == self.Kind.CLIENT and not self.client_id:
            raise ValidationError({"client": _("A client meeting needs its client.")})
        if self.confidential and not self.client_id:
            raise ValidationError(
                {"confidential": _("Only the minutes of meetings with a client are confidential.")}
            )
        if (
            self.start_date is None
            or self.start_time is None
            or not recurrence.is_time_zone(self.timezone)
        ):
            return  # reported by the field validation
        try:
            first = recurrence.first_start(self.rule)
        except recurrence.RuleError as error:
            if error.code == "unknown_weekday":
                return  # the field's own validation says so
            raise ValidationError({error.field: RULE_MESSAGES[error.code]}) from None
        except ValueError:
            return  # skipped dates that do not parse: the field's own validation says so
        if first is None:
            raise ValidationError(
                _(
                    "This recurrence produces no meeting at all. Check the start date, the "
                    "end (until or number of meetings), the day or week of the month and the "
                    "skipped dates."
                ),
                code="no_occurrence",
            )


RULE_MESSAGES = {
    "unknown_time_zone": _("Unknown time zone."),
    "unknown_frequency": _("A series repeats weekly or monthly."),
    "interval_too_small": _("The interval is at least 1."),
    "unknown_weekday": _("Unknown weekday."),
    "until_and_count": _("End the series either on a date or after a number of meetings."),
    "until_before_start": _("The series ends before it starts."),
    "monthly_only": _("Only monthly series have a week or a day of the month."),
    "week_and_day": _("Choose either a week of the month or a day of the month, not both."),
    "bad_week_of_month": _("The week of the month is 1 to 5, or the last."),
    "bad_month_day": _("The day of the month is 1 to 31, or the last."),
    "weekdays_need_week": _(
        "A monthly series on a weekday needs the week of the month (first, second, … last)."
    ),
}
