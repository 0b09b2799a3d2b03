"""The staffing app's own forms: one cell of the skills matrix and a system's needed skills
(a level select per skill: no picker)."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openmis.core.forms import style_widgets
from openmis.staffing.models import LEVELS

NOT_ASSESSED = [("", _("not assessed"))]
NOT_NEEDED = [("", _("not needed"))]


class CellForm(forms.Form):
    """A person's level in a skill; empty removes the assessment."""

    level = forms.TypedChoiceField(
        label=_("Level"),
        choices=NOT_ASSESSED + LEVELS,
        coerce=int,
        empty_value=None,
        required=False,
    )
    assessed_on = forms.DateField(
        label=_("Assessed on"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assessed_on"].initial = timezone.localdate()
        style_widgets(self)

    def clean_assessed_on(self):
        day = self.cleaned_data["assessed_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("An assessment cannot be dated in the future."))
        return day


class NeedsForm(forms.Form):
    """One minimum-level select per skill of the catalogue (empty: not needed)."""

    def __init__(self, *args, skills, current: dict[int, int], **kwargs):
        super().__init__(*args, **kwargs)
        self.skills = list(skills)
        for skill in self.skills:
            self.fields[f"skill_{skill.pk}"] = forms.TypedChoiceField(
                label=skill.name,
                choices=NOT_NEEDED + LEVELS,
                coerce=int,
                empty_value=None,
                required=False,
                initial=current.get(skill.pk, ""),
            )

    def grouped(self):
        """The fields by skill category, in the catalogue's order: ``[(label, [field])]``."""
        groups: list = []
        for skill in self.skills:
            if not groups or groups[-1][0] != skill.get_category_display():
                groups.append((skill.get_category_display(), []))
            groups[-1][1].append(self[f"skill_{skill.pk}"])
        return groups

    def minimums(self) -> dict[int, int | None]:
        return {s.pk: self.cleaned_data[f"skill_{s.pk}"] for s in self.skills}
