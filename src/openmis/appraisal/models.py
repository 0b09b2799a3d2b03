"""Investment appraisal: which solution is most cost-effective with the greatest return.

An evaluation compares two or more alternatives over a horizon at a discount rate; each
alternative has cash-flow lines (signed: outflows negative), optionally with a range for risk
analysis. Criteria, stakeholder scores and pairwise judgements cover what money does not.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from openmis.core.models import OpenMISModel

RATE_MIN = Decimal("-0.9999")
RATE_MAX = Decimal("10")
"""The discount rates that can be stored, as fractions: -99.99 % to 1000 % a year. The form
asks for a confirmation outside :data:`RATE_PLAUSIBLE` (900 % is almost always 9 % mistyped);
the API, which cannot ask, takes at most :data:`RATE_API_MAX`."""

RATE_API_MAX = Decimal("1")
"""The highest discount rate the API takes (100 %): a 9 sent for 9 % is refused there."""

RATE_PLAUSIBLE = (Decimal("0"), Decimal("0.25"))
"""Rates outside this range are accepted but flagged on the evaluation page."""

_RATE_RANGE = _(
    "The discount rate must be from -99.99 %% to 1000 %% a year: as a fraction, -0.9999 to "
    "10; 0.08 is 8 %%."
)


class Evaluation(OpenMISModel):
    """A need and the alternatives that could meet it, compared over ``horizon_years``."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        REVIEW = "review", _("Under review")
        DECIDED = "decided", _("Decided")

    class Distribution(models.TextChoices):
        PERT = "pert", _("PERT")
        TRIANGULAR = "triangular", _("Triangular")

    title = models.CharField(_("title"), max_length=200, unique=True)
    need = models.TextField(_("need"), help_text=_("What problem the investment should solve."))
    department = models.ForeignKey(
        "org.Department",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="evaluations",
    )
    owner = models.ForeignKey(
        "org.Person",
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="evaluations",
    )
    horizon_years = models.PositiveSmallIntegerField(
        _("horizon (years)"), default=5, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    discount_rate = models.DecimalField(
        _("discount rate"),
        max_digits=10,
        decimal_places=4,
        default=Decimal("0.08"),
        validators=[
            MinValueValidator(RATE_MIN, message=_RATE_RANGE),
            MaxValueValidator(RATE_MAX, message=_RATE_RANGE),
        ],
        help_text=_(
            "As a fraction: 0.08 is 8 % a year (the form takes it in percent), from -0.9999 to 1."
        ),
    )
    currency = models.CharField(
        _("currency"),
        max_length=3,
        default="PLN",
        validators=[RegexValidator(r"^[A-Z]{3}$", _("Use a three-letter ISO 4217 code."))],
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default="draft")
    distribution = models.CharField(
        _("risk distribution"), max_length=20, choices=Distribution.choices, default="pert"
    )
    draws = models.PositiveIntegerField(
        _("simulation draws"),
        default=100_000,
        validators=[MinValueValidator(1000), MaxValueValidator(1_000_000)],
    )
    seed = models.PositiveIntegerField(
        _("random seed"), default=1, help_text=_("The same seed gives the same simulation.")
    )
    line_correlation = models.DecimalField(
        _("correlation between lines"),
        max_digits=3,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("-1")), MaxValueValidator(Decimal("1"))],
        help_text=_(
            "Rank correlation between the uncertain lines in the simulation, -1 to 1: 0 draws "
            "them independently, 1 makes them move together. The years of one line always "
            "share one draw."
        ),
    )
    systems = models.ManyToManyField(
        "portfolio.System",
        verbose_name=_("systems"),
        blank=True,
        related_name="evaluations",
        help_text=_("Systems it would replace or affect."),
    )
    improvements = models.ManyToManyField(
        "feedback.Improvement",
        verbose_name=_("improvements"),
        blank=True,
        related_name="evaluations",
        help_text=_("Improvements that motivate it."),
    )

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        ordering = ["-updated"]

    def __str__(self):
        return self.title


class Alternative(OpenMISModel):
    """One way of meeting the need, possibly "keep the current system"."""

    evaluation = models.ForeignKey(
        Evaluation,
        verbose_name=_("evaluation"),
        on_delete=models.CASCADE,
        related_name="alternatives",
    )
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    is_status_quo = models.BooleanField(
        _("keep the current system"),
        default=False,
        help_text=_("This alternative is the do-nothing baseline."),
    )

    class Meta:
        verbose_name = _("alternative")
        verbose_name_plural = _("alternatives")
        ordering = ["evaluation", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "name"], name="alternative_unique_name")
        ]

    def __str__(self):
        return f"{self.evaluation} — {self.name}"


class CashFlowLine(OpenMISModel):
    """An amount in a year of an alternative; negative is money out. A range feeds the risk
    analysis (min / most likely / max)."""

    class Category(models.TextChoices):
        LICENCES = "licences", _("Licences")
        HARDWARE = "hardware", _("Hardware")
        IMPLEMENTATION = "implementation", _("Implementation")
        DATA_MIGRATION = "data_migration", _("Data migration")
        TRAINING = "training", _("Training")
        SUBSCRIPTION = "subscription", _("Subscription")
        SUPPORT = "support", _("Support")
        HOSTING = "hosting", _("Hosting")
        STAFF = "staff", _("Staff")
        SAVINGS = "savings", _("Savings")
        REVENUE = "revenue", _("Extra revenue")
        HOURS_SAVED = "hours_saved", _("Hours saved")
        RESIDUAL = "residual", _("Residual value")
        OTHER = "other", _("Other")

    KIND = {
        "licences": "one_time",
        "hardware": "one_time",
        "implementation": "one_time",
        "data_migration": "one_time",
        "training": "one_time",
        "subscription": "recurring",
        "support": "recurring",
        "hosting": "recurring",
        "staff": "recurring",
        "savings": "benefit",
        "revenue": "benefit",
        "hours_saved": "benefit",
        "residual": "residual",
        "other": "other",
    }

    alternative = models.ForeignKey(
        Alternative,
        verbose_name=_("alternative"),
        on_delete=models.CASCADE,
        related_name="cash_flows",
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=[MaxValueValidator(100)])
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    amount = models.DecimalField(
        _("amount"),
        max_digits=16,
        decimal_places=2,
        help_text=_("Most likely value; negative for money spent."),
    )
    minimum = models.DecimalField(
        _("minimum"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    maximum = models.DecimalField(
        _("maximum"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("cash-flow line")
        verbose_name_plural = _("cash-flow lines")
        ordering = ["alternative", "year", "pk"]

    def __str__(self):
        return f"{self.alternative.name}, {_('year')} {self.year}: {self.get_category_display()}"

    def clean(self):
        super().clean()
        errors = {}
        if self.alternative_id and self.year is not None:
            horizon = self.alternative.evaluation.horizon_years
            if self.year > horizon:
                errors["year"] = _("Year %(year)d is outside the horizon of %(horizon)d years.") % {
                    "year": self.year,
                    "horizon": horizon,
                }
        if (self.minimum is None) != (self.maximum is None):
            errors["maximum"] = _("Give both a minimum and a maximum, or neither.")
        elif self.minimum is not None and self.amount is not None:
            if self.minimum > self.amount:
                errors["minimum"] = _("The minimum is above the most likely amount.")
            if self.amount > self.maximum:
                errors["maximum"] = _("The maximum is below the most likely amount.")
        if errors:
            raise ValidationError(errors)


class Criterion(OpenMISModel):
    """A non-financial criterion: a benefit (more is better) or a cost (less is better)."""

    class Type(models.TextChoices):
        BENEFIT = "benefit", _("Benefit")
        COST = "cost", _("Cost")

    evaluation = models.ForeignKey(
        Evaluation,
        verbose_name=_("evaluation"),
        on_delete=models.CASCADE,
        related_name="criteria",
    )
    name = models.CharField(_("name"), max_length=120)
    type = models.CharField(_("type"), max_length=10, choices=Type.choices, default="benefit")
    weight = models.DecimalField(
        _("weight"),
        max_digits=6,
        decimal_places=4,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text=_("Set directly, or leave empty and derive it from pairwise comparisons."),
    )

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["evaluation", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "name"], name="criterion_unique_name")
        ]

    def __str__(self):
        return f"{self.evaluation} — {self.name}"


class Score(OpenMISModel):
    """A stakeholder's score (0-10) of an alternative on a criterion."""

    alternative = models.ForeignKey(
        Alternative, verbose_name=_("alternative"), on_delete=models.CASCADE, related_name="scores"
    )
    criterion = models.ForeignKey(
        Criterion, verbose_name=_("criterion"), on_delete=models.CASCADE, related_name="scores"
    )
    person = models.ForeignKey(
        "org.Person",
        verbose_name=_("stakeholder"),
        on_delete=models.CASCADE,
        related_name="appraisal_scores",
    )
    value = models.DecimalField(
        _("score"),
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(0), MaxValueValidator(10)],
    )

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        ordering = ["criterion", "alternative", "person"]
        constraints = [
            models.UniqueConstraint(
                fields=["alternative", "criterion", "person"], name="score_unique_per_stakeholder"
            )
        ]

    def __str__(self):
        return f"{self.person}: {self.alternative.name} / {self.criterion.name} = {self.value}"

    def clean(self):
        super().clean()
        if (
            self.alternative_id
            and self.criterion_id
            and self.alternative.evaluation_id != self.criterion.evaluation_id
        ):
            raise ValidationError({"criterion": _("The criterion belongs to another evaluation.")})


class Judgement(OpenMISModel):
    """A stakeholder's pairwise comparison matrix of the criteria (AHP, Saaty's 1-9 scale)."""

    evaluation = models.ForeignKey(
        Evaluation,
        verbose_name=_("evaluation"),
        on_delete=models.CASCADE,
        related_name="judgements",
    )
    person = models.ForeignKey(
        "org.Person",
        verbose_name=_("stakeholder"),
        on_delete=models.CASCADE,
        related_name="appraisal_judgements",
    )
    matrix = models.JSONField(
        _("comparison matrix"),
        help_text=_(
            "Rows and columns in the order of the criteria; a[i][j] = how much more "
            "important criterion i is than j."
        ),
    )

    class Meta:
        verbose_name = _("pairwise judgement")
        verbose_name_plural = _("pairwise judgements")
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "person"], name="judgement_unique")
        ]

    def __str__(self):
        return f"{self.evaluation}: {self.person}"

    def clean(self):
        """A matrix that cannot be used is refused on save (form and API alike), naming the
        problem; :meth:`problem` is the rule, also used when an evaluation is calculated."""
        super().clean()
        if isinstance(self.matrix, str):  # the matrix sent as JSON text: read it
            try:
                self.matrix = json.loads(self.matrix)
            except ValueError:
                message = _("Enter the matrix as a list of rows.")
                raise ValidationError({"matrix": message}) from None
        self.matrix = _completed(self.matrix)
        if self.evaluation_id and self.matrix is not None:
            problem = self.problem(self.evaluation.criteria.count())
            if problem:
                raise ValidationError({"matrix": problem})

    def problem(self, criteria: int) -> str | None:
        """What makes the matrix unusable for ``criteria`` criteria, or None: one row and one
        column per criterion, positive reciprocal judgements."""
        from openmis.appraisal import calc

        matrix = self.matrix
        if criteria < 2:
            return _("Add at least two criteria to the evaluation before comparing them.")
        rows = len(matrix) if isinstance(matrix, list) else 0
        square = isinstance(matrix, list) and all(
            isinstance(row, list) and len(row) == rows for row in matrix
        )
        if not square or rows != criteria:
            return _(
                "The matrix must have one row and one column for each of the %(n)d criteria "
                "of the evaluation, in their order (%(n)d × %(n)d)."  # noqa: RUF001 (the sign users read)
            ) % {"n": criteria}
        try:
            calc.ahp(matrix)
        except calc.CalcError as error:
            return _("The comparison matrix cannot be used: %(field)s %(problem)s.") % {
                "field": error.field,
                "problem": error.message,
            }
        return None


def _completed(matrix):
    """A square matrix read into numbers: judgements sent as text ("1/3") become numbers, and
    an empty diagonal or lower triangle is filled with 1 and the reciprocals. Anything else is
    left for :meth:`Judgement.problem` to name."""
    from openmis.appraisal.calc import CalcError, saaty

    square = isinstance(matrix, list) and all(
        isinstance(row, list) and len(row) == len(matrix) for row in matrix
    )
    if not square:
        return matrix
    try:
        return saaty.complete_matrix(matrix)
    except CalcError as error:
        raise ValidationError(
            {
                "matrix": _("The comparison matrix cannot be used: %(field)s %(problem)s.")
                % {"field": error.field, "problem": error.message}
            }
        ) from None


class Decision(OpenMISModel):
    """The decision taken on an evaluation: which alternative, by whom, when, and why."""

    evaluation = models.OneToOneField(
        Evaluation, verbose_name=_("evaluation"), on_delete=models.CASCADE, related_name="decision"
    )
    chosen = models.ForeignKey(
        Alternative,
        verbose_name=_("chosen alternative"),
        on_delete=models.PROTECT,
        related_name="decisions",
    )
    decided_by = models.ForeignKey(
        "org.Person",
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        related_name="appraisal_decisions",
    )
    decided_on = models.DateField(_("decided on"), default=date.today)
    rationale = models.TextField(_("rationale"))
    meeting = models.ForeignKey(
        "meetings.Occurrence",
        verbose_name=_("meeting"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="appraisal_decisions",
        help_text=_("The meeting it was taken in."),
    )
    project = models.ForeignKey(
        "portfolio.DeploymentProject",
        verbose_name=_("deployment project"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="appraisal_decisions",
        help_text=_("The deployment project created when the alternative was approved."),
    )

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")

    def __str__(self):
        return f"{self.evaluation}: {self.chosen.name}"

    def clean(self):
        super().clean()
        if (
            self.chosen_id
            and self.evaluation_id
            and self.chosen.evaluation_id != self.evaluation_id
        ):
            raise ValidationError({"chosen": _("Choose an alternative of this evaluation.")})
