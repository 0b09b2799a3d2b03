"""Questions asked of the datasets, and the dashboards that arrange them."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from openmis.analytics.errors import AnalyticsError
from openmis.bi.models.base import TracksLoaded, Visibility, warehouse_checks
from openmis.bi.models.datasets import Dataset
from openmis.core.models import OpenMISModel


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
        if not self.sql and not self.spec:
            raise ValidationError({"spec": _("Give a query or SQL.")})
        try:
            if self.spec:
                dataset = warehouse_checks.spec(self.spec)
                if dataset is not None:
                    self.dataset = dataset
            if self.sql:
                warehouse_checks.sql(self.sql)
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
    # Where the card sits on the dashboard's grid (gridstack's x and y); empty: placed after
    # the cards that have a place, in ``position`` order.
    grid_x = models.PositiveSmallIntegerField(
        _("column"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(11)],
        help_text=_("From 0 (left) to 11; empty: placed automatically."),
    )
    grid_y = models.PositiveSmallIntegerField(
        _("row"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(999)],
        help_text=_("From 0 (top); empty: placed automatically."),
    )
    height = models.PositiveSmallIntegerField(
        _("height"),
        default=4,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text=_("In rows of the dashboard's grid."),
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
