"""Forms generated from the registry."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


def style_widgets(form) -> None:
    """Give a form's widgets the CSS toolkit's classes."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
            continue
        if isinstance(widget, forms.NullBooleanSelect):
            # In a filter an empty choice means "any", not "unknown".
            widget.choices = [("unknown", _("Any")), ("true", _("Yes")), ("false", _("No"))]
        if isinstance(widget, forms.CheckboxInput):
            css = "form-check-input"
        elif isinstance(widget, forms.Select):
            css = "form-select form-select-sm"
        else:
            css = "form-control form-control-sm"
        widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()


class ObjectForm(forms.ModelForm):
    """Base of every generated create/edit form."""

    required_css_class = "required"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_widgets(self)


def form_for(object_type):
    """Build the ModelForm class of a registered type."""
    return forms.modelform_factory(
        object_type.model, form=ObjectForm, fields=object_type.form_fields
    )


class ImportForm(forms.Form):
    """Upload of a CSV or XLSX file to import."""

    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "CSV (UTF-8, comma or semicolon separated) or XLSX; the first row names the columns."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_widgets(self)
