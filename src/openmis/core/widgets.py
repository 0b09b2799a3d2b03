"""Form widgets of the generic framework."""

from __future__ import annotations

from django import forms
from django.utils.html import format_html
from django.utils.translation import gettext as _

AUTOCOMPLETE_THRESHOLD = 100


class AutocompleteSelect(forms.Widget):
    """Choose one of many objects by typing: suggestions come from the type's API search.

    Used instead of a ``<select>`` when the choices are too many to send with every page
    (a manager among 10,000 people). Without JavaScript the hidden value stays as it was.
    """

    def __init__(self, object_type, attrs=None, queryset=None):
        super().__init__(attrs)
        self.object_type = object_type
        # The objects the field accepts: the chosen one's name is shown only if among them.
        self.queryset = queryset

    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, attrs)
        widget_id = attrs.get("id") or f"id_{name}"
        label = ""
        if value not in (None, ""):
            choices = self.queryset
            if choices is None:
                choices = self.object_type.model._default_manager.all()
            obj = choices.filter(pk=value).first()
            label = str(obj) if obj is not None else ""
        url = f"/api/{self.object_type.app_label}/{self.object_type.slug}/?page_size=20&q="
        css = attrs.get("class", "form-control form-control-sm")
        return format_html(
            '<input type="hidden" name="{name}" value="{value}" id="{id}_value">'
            '<input type="search" id="{id}" class="{css}" value="{label}" list="{id}_list" '
            'autocomplete="off" data-autocomplete="{url}" data-target="{id}_value" '
            'placeholder="{placeholder}">'
            '<datalist id="{id}_list"></datalist>',
            name=name,
            value="" if value is None else value,
            id=widget_id,
            css=css,
            label=label,
            url=url,
            placeholder=_("Type to search…"),
        )

    def value_from_datadict(self, data, files, name):
        return data.get(name)
