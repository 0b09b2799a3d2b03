"""Forms generated from the registry."""

from __future__ import annotations

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from openmis.core import registry
from openmis.core.widgets import picker_for


class FastSelect(forms.Select):
    """A select whose options are joined as strings rather than rendered by one template each.

    Django renders every option through the template engine; for the hundreds of options of a
    department or person choice that dominated a page's time (bench/people_list.py).
    """

    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, {**(attrs or {}), "name": name})
        values = value if isinstance(value, list | tuple) else [value]
        selected = {str(v) for v in values if v is not None}
        parts = [format_html("<select{}>", flatatt(attrs))]
        for option_value, label in self.choices:
            option_value = "" if option_value is None else str(option_value)
            parts.append(
                format_html(
                    '<option value="{}"{}>{}</option>',
                    option_value,
                    mark_safe(" selected") if option_value in selected else "",
                    label,
                )
            )
        parts.append(mark_safe("</select>"))
        return mark_safe("".join(parts))  # noqa: S308  (every part is escaped above)


def style_widgets(form) -> None:
    """Give a form's widgets the CSS toolkit's classes, and every choice of registered objects
    (a person, a system, a department) a searchable picker (:mod:`openmis.core.widgets`)."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
            continue
        picker = picker_for(field)
        if picker is not None:
            field.widget = widget = picker
        elif type(widget) is forms.Select:
            field.widget = widget = FastSelect(attrs=widget.attrs, choices=field.choices)
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


def limit_references(form, user) -> None:
    """Offer and accept in every reference field only the objects ``user`` may see
    (:func:`openmis.core.registry.visible_only`); a hidden id is "not a valid choice", as one
    that does not exist. The values the edited row holds now stay valid."""
    instance = getattr(form, "instance", None)
    for name, field in form.fields.items():
        queryset = getattr(field, "queryset", None)
        if queryset is None or not registry.is_private(queryset.model):
            continue
        current = registry.current_references(instance, name)
        if isinstance(field, forms.ModelMultipleChoiceField) and user is not None:
            target = registry.get(queryset.model)
            if target.hidden_missing:
                _keep_hidden(form, name, target, current, user)
                field.queryset = registry.visible_only(queryset, user)
                continue
        limited = registry.visible_only(queryset, user, current)
        field.queryset = limited  # the field gives its widget (a picker too) the new choices


def _keep_hidden(form, name: str, target, current: list, user) -> None:
    """Rows of a type whose hidden rows are missing everywhere (confidential feedback) that
    the many-to-many ``name`` holds and ``user`` may not see: neither offered nor named in the
    form, and kept when it is saved (the user was never shown them to drop them)."""
    if not current:
        return
    manager = target.model._default_manager
    visible = target.for_user(user, manager.filter(pk__in=current)).values_list("pk", flat=True)
    hidden = sorted(set(current) - set(visible))
    if not hidden or hasattr(form, f"clean_{name}"):
        return

    def clean():
        chosen = form.cleaned_data.get(name)
        chosen_ids = [obj.pk for obj in chosen] if chosen is not None else []
        return manager.filter(pk__in=[*chosen_ids, *hidden])

    setattr(form, f"clean_{name}", clean)


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
            "CSV (comma, semicolon or tab separated; numbers as 12 000,50 or 12000.50, dates as "
            "31.12.2026 or 2026-12-31) or XLSX; the first row names the columns."
        ),
    )
    encoding = forms.ChoiceField(
        label=_("Encoding of a CSV file"),
        choices=[
            ("", _("Detect automatically")),
            ("utf-8", "UTF-8"),
            ("cp1250", "Windows-1250"),
            ("iso8859_2", "ISO-8859-2"),
        ],
        required=False,
        help_text=_("Polish Excel saves “CSV” as Windows-1250; choose it if letters look wrong."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_widgets(self)
