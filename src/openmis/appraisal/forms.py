"""Forms of the appraisal app: rates and weights are typed in percent ("8" or "8,5" is 8 % or
8.5 %) and stored as fractions; an implausible rate is a warning to confirm, not an error."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from openmis.appraisal.models import RATE_MAX, RATE_MIN, RATE_PLAUSIBLE, Criterion, Evaluation
from openmis.core.forms import ObjectForm

PERCENT = Decimal(100)
_SPACES = re.compile(r"[\s\u00a0\u202f%]")


def percent_text(percent: Decimal) -> str:
    """A percentage as the reader writes numbers, without trailing zeros: 8,5 in Polish."""
    percent = percent.normalize()
    if percent == percent.to_integral_value():
        percent = percent.quantize(Decimal(1))
    return number_format(percent, use_l10n=True)


class PercentInput(forms.TextInput):
    """A text box for a percentage (a number box would refuse the decimal comma in some
    browsers), followed, when the form found the value implausible, by the warning and a
    "save anyway" check box."""

    input_type = "text"

    def __init__(self, attrs=None):
        super().__init__({"inputmode": "decimal", "autocomplete": "off", **(attrs or {})})
        self.warning = None  # (message, value typed), set by the form

    def render(self, name, value, attrs=None, renderer=None):
        html = super().render(name, value, attrs, renderer)
        if not self.warning:
            return html
        message, typed = self.warning
        box_id = f"{(attrs or {}).get('id') or name}-warning"
        return format_html(
            '{}<div class="alert alert-warning small py-2 mt-2 mb-0" role="alert" id="{}">'
            "{}"
            '<div class="form-check mt-1 mb-0"><input class="form-check-input" type="checkbox" '
            'name="{}-confirm" value="{}" id="{}-confirm"><label class="form-check-label" '
            'for="{}-confirm">{}</label></div></div>',
            html,
            box_id,
            message,
            name,
            typed,
            box_id,
            box_id,
            _("Save anyway: %(value)s %% is what I meant") % {"value": typed},
        )


class PercentField(forms.DecimalField):
    """A share or rate typed in percent (9 is 9 %; "8,5" and "8.5" are 8.5 %), stored as a
    fraction (0.09, 0.085) and shown back as the reader writes numbers ("8,5" in Polish).

    ``warn(fraction)`` may return why a value is implausible: the form then asks for a
    confirmation before it saves (see :class:`PercentWarningsMixin`).
    """

    widget = PercentInput

    def __init__(self, *, low=RATE_MIN, high=RATE_MAX, range_message=None, warn=None, **kwargs):
        message = range_message or gettext_lazy(
            "Enter a rate from -99.99 %% to 1000 %% a year, e.g. 8 for 8 %%."
        )
        kwargs.setdefault(
            "error_messages",
            {"min_value": message, "max_value": message, "max_decimal_places": message},
        )
        self.warn = warn
        super().__init__(
            min_value=low * PERCENT, max_value=high * PERCENT, decimal_places=2, **kwargs
        )

    def to_python(self, value):
        if isinstance(value, str):
            value = _SPACES.sub("", value).replace(",", ".")
        return super().to_python(value)

    def prepare_value(self, value):
        if isinstance(value, Decimal | float | int) and not isinstance(value, bool):
            return percent_text(Decimal(str(value)) * PERCENT)
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


def discount_rate_warning(rate: Decimal) -> str | None:
    """Why a discount rate (a fraction) is implausible, with the likely intended value, or
    None. 9 (900 %) is almost always 9 % typed as a fraction would be; 0.0008 (0.08 %) a
    fraction typed into a percent box; a negative rate is almost never meant."""
    low, high = RATE_PLAUSIBLE
    typed = percent_text(rate * PERCENT)
    if rate > 1:
        return _("%(typed)s %% is almost always a typo — did you mean %(meant)s %%?") % {
            "typed": typed,
            "meant": percent_text(rate),
        }
    if rate < 0:
        return _(
            "A negative discount rate (%(typed)s %%) values money later above money now; it "
            "is almost never meant."
        ) % {"typed": typed}
    if 0 < rate < Decimal("0.01") and low <= rate * PERCENT <= high:
        return _(
            "%(typed)s %% is very low — did you mean %(meant)s %%? The form takes percent: 8 "
            "means 8 %%."
        ) % {"typed": typed, "meant": percent_text(rate * PERCENT * PERCENT)}
    if rate > high:
        return _(
            "%(typed)s %% a year is unusually high: most discount rates are %(low)s %% to "
            "%(high)s %%."
        ) % {
            "typed": typed,
            "low": percent_text(low * PERCENT),
            "high": percent_text(high * PERCENT),
        }
    return None


class PercentWarningsMixin:
    """Asks once before saving an implausible percentage: the field's warning and a "save
    anyway" check box are shown under it, and the form is saved when the box is ticked for
    the value shown (a value changed afterwards is checked again).

    The form stays invalid through an error on the hidden ``confirm`` field, which no
    template shows: what the reader sees is the warning, not an error.
    """

    def clean(self):
        cleaned = super().clean()
        for name, field in self.fields.items():
            if not isinstance(field, PercentField) or field.warn is None:
                continue
            value = cleaned.get(name)
            message = field.warn(value) if value is not None else None
            if not message:
                continue
            key = self.add_prefix(name)
            typed = _SPACES.sub("", self.data.get(key, ""))
            if self.data.get(f"{key}-confirm") == typed:
                continue  # confirmed for this very value
            field.widget.warning = (message, typed)
            self.add_error("confirm", message)
        return cleaned


class EvaluationForm(PercentWarningsMixin, ObjectForm):
    """The generated form, with the discount rate in percent."""

    discount_rate = PercentField(
        label=gettext_lazy("Discount rate (percent a year)"),
        help_text=gettext_lazy("In percent a year, as the results show it: 8 means 8 %."),
        warn=discount_rate_warning,
    )
    confirm = forms.CharField(required=False, widget=forms.HiddenInput)

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


class CriterionForm(ObjectForm):
    """The generated form, with the weight in percent (40 is a weight of 0.4)."""

    weight = PercentField(
        low=Decimal(0),
        high=Decimal(1),
        required=False,
        label=gettext_lazy("Weight (percent)"),
        range_message=gettext_lazy("Enter a weight from 0 %% to 100 %%, e.g. 40 for 40 %%."),
        help_text=gettext_lazy(
            "In percent, e.g. 40; the weights of an evaluation's criteria add up to 100. Leave "
            "it empty to derive the weights from the pairwise comparisons."
        ),
    )

    class Meta:
        model = Criterion
        fields = ["evaluation", "name", "type", "weight"]
