"""The procedure's form with its steps edited inline (a formset, ordered by their numbers)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _

from openmis.core.forms import ObjectForm, style_widgets
from openmis.governance.models import Procedure, ProcedureStep

PROCEDURE_FIELDS = ["title", "description", "owner", "systems"]
STEP_FIELDS = ["number", "text", "responsible_role", "system"]


class ProcedureForm(ObjectForm):
    """A procedure's title, description (Markdown), owner and systems."""

    class Meta:
        model = Procedure
        fields = PROCEDURE_FIELDS
        widgets = {"description": forms.Textarea(attrs={"rows": 5})}


class StepForm(forms.ModelForm):
    """One step of the procedure's form."""

    class Meta:
        model = ProcedureStep
        fields = STEP_FIELDS
        widgets = {"text": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_widgets(self)

    def validate_unique(self):
        """Left to the formset: steps may swap their numbers in one save."""


class BaseStepFormSet(forms.BaseInlineFormSet):
    """The steps: two with the same number are refused (the number gives the order)."""

    def validate_unique(self):
        """Checked by :meth:`clean`, naming the step number that appears twice."""

    def clean(self):
        super().clean()
        seen = {}
        for form in self.forms:
            if not form.has_changed() and not form.instance.pk:
                continue
            if self.can_delete and self._should_delete_form(form):
                continue
            number = form.cleaned_data.get("number")
            if number is None:
                continue
            if number in seen:
                form.add_error(
                    "number",
                    _("Step %(number)d appears twice; give each step its own number.")
                    % {"number": number},
                )
            seen[number] = form


StepFormSet = forms.inlineformset_factory(
    Procedure,
    ProcedureStep,
    form=StepForm,
    formset=BaseStepFormSet,
    fields=STEP_FIELDS,
    extra=3,
    can_delete=True,
)
