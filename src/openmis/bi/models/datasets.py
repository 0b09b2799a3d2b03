"""Datasets in the warehouse: their columns, relationships and import jobs."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from openmis.analytics.errors import AnalyticsError
from openmis.bi.models.base import (
    COLUMN_TYPE,
    TracksLoaded,
    column_type_label,
    identifier,
    warehouse_checks,
)
from openmis.core.models import OpenMISModel


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
            try:
                warehouse_checks.external_table(self.external_table)
            except AnalyticsError as exc:
                raise ValidationError({"external_table": exc.detail}) from None
        if self.pk and self.imports.exists() and self.external_table:
            raise ValidationError(
                {"external_table": _("Files were loaded into this dataset; create a new one.")}
            )


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

    def get_type_display(self) -> str:
        """The type in words ("whole number", not ``int64``): what the generic list and detail
        pages show, as they show a field with choices (the stored value stays the code)."""
        return str(column_type_label(self.type))

    def clean(self):
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
