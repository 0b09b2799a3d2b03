"""Forms of the appraisal app: the evaluation form takes its discount rate in percent."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from openmis.appraisal.models import RATE_MAX, RATE_MIN, Evaluation
from openmis.core.forms import ObjectForm

PERCENT = Decimal(100)


class PercentField(forms.DecimalField):
    """A rate typed as the form shows it, in percent (9 is 9 %), stored as a fraction (0.09).

    The value shown is the stored fraction times 100; out of range, the error says the range.
    """

    # Shown through a validator, which formats it with its parameters: "%%" is one "%".
    range_message = _("Enter a rate from -99.99 %% to 100 %% a year, e.g. 8 for 8 %%.")

    def __init__(self, **kwargs):
        message = self.range_message
        kwargs.setdefault(
            "error_messages",
            {"min_value": message, "max_value": message, "max_decimal_places": message},
        )
        super().__init__(
            min_value=RATE_MIN * PERCENT, max_value=RATE_MAX * PERCENT, decimal_places=2, **kwargs
        )
        self.widget.attrs.setdefault("step", "0.01")

    def prepare_value(self, value):
        if isinstance(value, Decimal | float | int) and not isinstance(value, bool):
            return f"{Decimal(str(value)) * PERCENT:f}".rstrip("0").rstrip(".") or "0"
        return value

    def clean(self, value):
        percent = super().clean(value)
        return None if percent is None else (percent / PERCENT).quantize(Decimal("0.0001"))

    def has_changed(self, initial, data):
        try:
            new = self.clean(data)
        except ValidationError:
            return True
        try:
            old = None if initial in (None, "") else Decimal(str(initial))
        except InvalidOperation:
            return True
        return new != old


class EvaluationForm(ObjectForm):
    """The generated form, with the discount rate in percent."""

    discount_rate = PercentField(
        label=_("Discount rate (percent a year)"),
        help_text=_("In percent a year, as the results show it: 8 means 8 %."),
    )

    class Meta:
        model = Evaluation
        fields = [
            "title",
            "need",
            "department",
            "owner",
            "horizon_years",
            "discount_rate",
            "currency",
            "status",
            "distribution",
            "draws",
            "seed",
            "line_correlation",
            "systems",
            "improvements",
        ]
