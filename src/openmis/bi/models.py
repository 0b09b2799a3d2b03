"""Business intelligence: datasets in the warehouse, the questions asked of them, dashboards
of questions, and who they are shared with."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from openmis.core.models import OpenMISModel

identifier = RegexValidator(
    r"^[a-z][a-z0-9_]{0,62}$",
    _("Use lower-case letters, digits and underscores, starting with a letter (max 63)."),
)


class TracksLoaded:
    """Remembers the values of ``tracked`` fields as read from the database, so a permission
    check can tell what a change alters (a dataset's ``restricted``, a question's SQL)."""

    tracked: tuple[str, ...] = ()

    @classmethod
    def from_db(cls, db, field_names, values):
        obj = super().from_db(db, field_names, values)
        obj._loaded = {name: obj.__dict__[name] for name in cls.tracked if name in obj.__dict__}
        return obj

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        self._loaded = {name: getattr(self, name) for name in self.tracked}

    def loaded(self, name: str):
        """``name``'s value as stored; None for a row not saved yet."""
        if self.pk is None or self._state.adding:
            return None
        kept = getattr(self, "_loaded", {})
        if name in kept:
            return kept[name]
        return type(self)._default_manager.filter(pk=self.pk).values_list(name, flat=True).first()


class Visibility(models.TextChoices):
    PRIVATE = "private", _("Only me and those I share it with")
    ORGANIZATION = "organization", _("Everyone in the organization")


class Dataset(TracksLoaded, OpenMISModel):
    """A table in the warehouse that questions are asked of: uploaded files or an external
    table, with its columns, a profile, and the row-level rules that restrict it."""

    tracked = ("restricted",)

    name = models.CharField(
        _("name"),
        max_length=63,
        unique=True,
        validators=[identifier],
        help_text=_("How questions and SQL refer to it, e.g. orders."),
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="datasets",
    )
    department = models.ForeignKey(
        "org.Department",
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="datasets",
    )
    external_table = models.CharField(
        _("external table"),
        max_length=200,
        blank=True,
        help_text=_(
            "Read an existing table in place instead of uploading files: schema.table of the "
            "warehouse database, or source.table of a configured external DuckDB file."
        ),
    )
    restricted = models.BooleanField(
        _("restricted"),
        default=False,
        help_text=_("Users see only the rows a row-level rule admits them to; no rule, no rows."),
    )
    data_version = models.PositiveIntegerField(
        _("data version"), default=0, editable=False, help_text=_("0 until data is loaded.")
    )
    row_count = models.BigIntegerField(_("rows"), default=0, editable=False)
    profile = models.JSONField(_("profile"), default=dict, blank=True, editable=False)
    loaded_at = models.DateTimeField(_("loaded at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("dataset")
        verbose_name_plural = _("datasets")
        ordering = ["name"]
        permissions = [
            ("use_sql_dataset", _("Can query datasets with SQL")),
            (
                "manage_row_security",
                _("Can restrict datasets and write their row-level rules"),
            ),
            (
                "administer_content",
                _("Can see and administer every BI question, dashboard and delivery"),
            ),
        ]

    def __str__(self):
        return self.title or self.name

    @property
    def key(self) -> str:
        """The stable name of the dataset's storage in the warehouse (survives renames)."""
        return f"ds{self.pk}"

    def clean(self):
        if self.external_table:
            from openmis.analytics.errors import AnalyticsError
            from openmis.bi.engine import get_warehouse

            try:
                warehouse = get_warehouse()
                warehouse.describe(warehouse.external_location(self.external_table))
            except AnalyticsError as exc:
                raise ValidationError({"external_table": exc.detail}) from None
        if self.pk and self.imports.exists() and self.external_table:
            raise ValidationError(
                {"external_table": _("Files were loaded into this dataset; create a new one.")}
            )

    def delete(self, *args, **kwargs):
        from django.db import transaction

        from openmis.bi.loading import drop_data

        key, version = self.key, self.data_version
        result = super().delete(*args, **kwargs)
        if version and not self.external_table:
            transaction.on_commit(lambda: drop_data(key, version))
        return result


class Column(OpenMISModel):
    """A column of a dataset: its type in the warehouse, and what users should know of it."""

    class Role(models.TextChoices):
        DIMENSION = "dimension", _("Dimension")
        MEASURE = "measure", _("Measure")
        TIME = "time", _("Time")
        KEY = "key", _("Key")

    dataset = models.ForeignKey(
        Dataset, verbose_name=_("dataset"), on_delete=models.CASCADE, related_name="columns"
    )
    name = models.CharField(_("name"), max_length=200)
    type = models.CharField(_("type"), max_length=60)
    position = models.PositiveIntegerField(_("position"), default=0)
    label = models.CharField(_("label"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    role = models.CharField(_("semantic role"), max_length=10, choices=Role.choices, blank=True)

    class Meta:
        verbose_name = _("column")
        verbose_name_plural = _("columns")
        ordering = ["dataset", "position"]
        constraints = [
            models.UniqueConstraint(fields=["dataset", "name"], name="bi_column_unique_name")
        ]

    def __str__(self):
        return f"{self.dataset.name}.{self.name}"

    def clean(self):
        from openmis.bi.loading import COLUMN_TYPE

        if self.type and not COLUMN_TYPE.match(self.type):
            raise ValidationError(
                {
                    "type": _(
                        "Use a warehouse type: string, int64, float64, decimal(p,s), date, "
                        "timestamp or boolean."
                    )
                }
            )


class Relationship(OpenMISModel):
    """A key from one dataset to another, so questions reach the related dataset's fields
    (revenue by the customer's region: ``customer.region``)."""

    dataset = models.ForeignKey(
        Dataset, verbose_name=_("dataset"), on_delete=models.CASCADE, related_name="relationships"
    )
    name = models.CharField(
        _("name"),
        max_length=63,
        validators=[identifier],
        help_text=_("Prefix of the related fields in questions, e.g. customer."),
    )
    column = models.CharField(_("key column"), max_length=200)
    target = models.ForeignKey(
        Dataset,
        verbose_name=_("related dataset"),
        on_delete=models.CASCADE,
        related_name="incoming_relationships",
    )
    target_column = models.CharField(_("related key column"), max_length=200)

    class Meta:
        verbose_name = _("relationship")
        verbose_name_plural = _("relationships")
        ordering = ["dataset", "name"]
        constraints = [
            models.UniqueConstraint(fields=["dataset", "name"], name="bi_relationship_unique_name")
        ]

    def __str__(self):
        return f"{self.dataset.name}.{self.name} → {self.target.name}"

    def clean(self):
        errors = {}
        if self.dataset_id and not self.dataset.columns.filter(name=self.column).exists():
            errors["column"] = _("The dataset has no column of this name.")
        if self.target_id and not self.target.columns.filter(name=self.target_column).exists():
            errors["target_column"] = _("The related dataset has no column of this name.")
        if errors:
            raise ValidationError(errors)


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


class ImportJob(OpenMISModel):
    """One file loaded into a dataset by a background job, with its progress and outcome."""

    class Mode(models.TextChoices):
        REPLACE = "replace", _("Replace the data")
        APPEND = "append", _("Append to the data")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", pgettext_lazy("import job", "Done")
        FAILED = "failed", _("Failed")

    dataset = models.ForeignKey(
        Dataset, verbose_name=_("dataset"), on_delete=models.CASCADE, related_name="imports"
    )
    file_name = models.CharField(_("file"), max_length=255)
    path = models.CharField(_("stored at"), max_length=500, editable=False)
    format = models.CharField(_("format"), max_length=10, blank=True)
    mode = models.CharField(_("mode"), max_length=10, choices=Mode.choices, default=Mode.REPLACE)
    column_types = models.JSONField(_("column types"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    progress = models.FloatField(
        _("progress"), default=0.0, validators=[MinValueValidator(0), MaxValueValidator(1)]
    )
    rows = models.BigIntegerField(_("rows"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    error_line = models.BigIntegerField(_("error line"), null=True, blank=True)
    error_column = models.CharField(_("error column"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    finished = models.DateTimeField(_("finished"), null=True, blank=True)
    language = models.CharField(
        _("language"),
        max_length=10,
        blank=True,
        editable=False,
        help_text=_("The language of the person who started it: its error is written in it."),
    )

    class Meta:
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")
        ordering = ["-created"]

    def __str__(self):
        return f"{self.file_name} → {self.dataset.name}"


class Question(TracksLoaded, OpenMISModel):
    """A saved question: a query spec (or SQL) on a dataset, and how to show its result."""

    tracked = ("sql",)

    class Chart(models.TextChoices):
        TABLE = "table", _("Table")
        BAR = "bar", _("Bar")
        LINE = "line", _("Line")
        AREA = "area", _("Area")
        PIE = "pie", _("Pie")
        SCATTER = "scatter", _("Scatter")
        NUMBER = "number", _("Single number")
        PIVOT = "pivot", _("Pivot table")

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="bi_questions",
    )
    department = models.ForeignKey(
        "org.Department",
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="bi_questions",
    )
    dataset = models.ForeignKey(
        Dataset,
        verbose_name=_("dataset"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="questions",
    )
    spec = models.JSONField(_("query"), default=dict, blank=True)
    sql = models.TextField(
        _("SQL"), blank=True, help_text=_("A read-only SELECT, instead of a query.")
    )
    chart = models.CharField(_("chart"), max_length=10, choices=Chart.choices, default=Chart.TABLE)
    visibility = models.CharField(
        _("visibility"), max_length=12, choices=Visibility.choices, default=Visibility.PRIVATE
    )

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["title"]

    def __str__(self):
        return self.title

    def clean(self):
        from openmis.analytics.errors import AnalyticsError
        from openmis.bi import services

        if not self.sql and not self.spec:
            raise ValidationError({"spec": _("Give a query or SQL.")})
        try:
            if self.spec:
                dataset = services.check_spec(self.spec)
                if dataset is not None:
                    self.dataset = dataset
            if self.sql:
                services.check_sql(self.sql)
        except AnalyticsError as exc:
            field = "sql" if self.sql and not self.spec else "spec"
            where = getattr(exc, "field", "")
            message = f"{where}: {exc.detail}" if where else exc.detail
            raise ValidationError({field: message}) from None


class Dashboard(OpenMISModel):
    """A grid of question and text cards, with filters applied to every card that has the field."""

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="bi_dashboards",
    )
    department = models.ForeignKey(
        "org.Department",
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="bi_dashboards",
    )
    filters = models.JSONField(
        _("filters"),
        default=list,
        blank=True,
        help_text=_('Columns offered as dashboard filters, e.g. ["region", "order_date"].'),
    )
    refresh_seconds = models.PositiveIntegerField(
        _("auto-refresh (seconds)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(30)],
        help_text=_("Empty: no auto-refresh. At least 30 seconds."),
    )
    visibility = models.CharField(
        _("visibility"), max_length=12, choices=Visibility.choices, default=Visibility.PRIVATE
    )

    class Meta:
        verbose_name = _("dashboard")
        verbose_name_plural = _("dashboards")
        ordering = ["title"]

    def __str__(self):
        return self.title

    def clean(self):
        filters = self.filters
        if not isinstance(filters, list) or not all(isinstance(c, str) for c in filters):
            raise ValidationError(
                {"filters": _('List the filter columns as JSON, e.g. ["region"].')}
            )


class Card(OpenMISModel):
    """One card of a dashboard: a question's result, or a text."""

    dashboard = models.ForeignKey(
        Dashboard, verbose_name=_("dashboard"), on_delete=models.CASCADE, related_name="cards"
    )
    question = models.ForeignKey(
        Question,
        verbose_name=_("question"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="cards",
    )
    text = models.TextField(_("text"), blank=True, help_text=_("Markdown, for a text card."))
    position = models.PositiveIntegerField(_("position"), default=0)
    width = models.PositiveSmallIntegerField(
        _("width"),
        default=6,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text=_("In twelfths of the page width."),
    )

    class Meta:
        verbose_name = _("card")
        verbose_name_plural = _("cards")
        ordering = ["dashboard", "position", "pk"]

    def __str__(self):
        return self.question.title if self.question_id else (self.text[:40] or "—")

    def clean(self):
        if not self.question_id and not self.text.strip():
            raise ValidationError(_("A card shows a question or a text."))


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
    """One scheduled e-mail to one recipient: sent, skipped (with why) or failed."""

    class Status(models.TextChoices):
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
    created = models.DateTimeField(_("created"), auto_now_add=True)

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
