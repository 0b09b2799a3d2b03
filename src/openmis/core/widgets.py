"""Pickers: the widgets choosing registered objects (a person, a system, a department).

Each renders a real ``<select>`` that :file:`static/openmis/picker.js` turns into a Tom Select
(search as you type, keyboard, removable chips, a clear button). Tom Select was chosen as it
needs no framework and ships a Bootstrap 5 theme; it is vendored from npm (no CDN).

- Up to :data:`AUTOCOMPLETE_THRESHOLD` choices every one is sent as an ``<option>``: the
  select works as is without JavaScript, and the picker searches it in the page. That is also
  what a form's own narrowed choices need (the alternatives of one evaluation).
- Above it only the chosen values are sent (with their names, so they are kept and shown);
  the picker asks the type's API (``/api/<app>/<type>/choices/?q=``), which applies the same
  permissions and row rules as the type's list, as the user types.

Every option carries the type's :attr:`~openmis.core.registry.ObjectType.picker_hint` as its
second line (a person's department). The page renders all of it as text: Django escapes the
options, the script renders API strings through Tom Select's ``escape``.
"""

from __future__ import annotations

import json
from urllib.parse import urlencode

from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import flatatt
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from openmis.core import registry

AUTOCOMPLETE_THRESHOLD = 100


def choices_url(object_type, params=None) -> str:
    """The picker search of ``object_type``; the script appends the typed text to ``q=``."""
    url = reverse(f"{object_type.label.replace('.', '-')}-choices")
    query = urlencode({**(params or {}), "q": ""})
    return f"{url}?{query}"


def picker_attrs(url: str | None = None) -> dict[str, str]:
    """The attributes that make a ``<select>`` a picker, with its texts in the active
    language; ``url``: the search to ask (none: search the options in the page). Also for
    templates' own selects (``{% picker_attrs %}``)."""
    return {
        "data-picker": url or "",
        "data-picker-prompt": _("Type to search…"),
        "data-picker-none": _("No results"),
        "data-picker-loading": _("Searching…"),
        "data-picker-clear": _("Clear"),
        "data-picker-remove": _("Remove"),
    }


class PickerMixin:
    """What both pickers share; ``choices`` is the ``ModelChoiceIterator`` of the field."""

    def __init__(self, attrs=None, choices=(), search_params=None):
        super().__init__(attrs, choices)
        # Filters of the type's API narrowing what the search offers to what the field
        # accepts (``{"active": "true"}`` for the owner of an action item).
        self.search_params = dict(search_params or {})

    def __deepcopy__(self, memo):
        # each form's copy narrows its own search (a leader's department), not the class's
        copy = super().__deepcopy__(memo)
        copy.search_params = dict(self.search_params)
        return copy

    def _selected(self, value) -> list[str]:
        values = value if isinstance(value, list | tuple) else [value]
        return [str(v) for v in values if v not in (None, "")]

    def _rows(self, queryset, object_type, selected):
        """``(every row, None)`` when they are few, else ``(the chosen rows, API url)``.

        At most two queries whatever the number of rows or chosen values."""
        queryset = queryset.select_related(*object_type.hint_select, *object_type.select)
        rows = list(queryset[: AUTOCOMPLETE_THRESHOLD + 1])
        if len(rows) <= AUTOCOMPLETE_THRESHOLD:
            return rows, None
        pk_field = queryset.model._meta.pk
        valid = []
        for v in selected:
            try:
                valid.append(pk_field.to_python(v))
            except ValidationError:
                continue  # a bad value from the request: the form says so, nothing to show
        chosen = list(queryset.filter(pk__in=valid)) if valid else []
        return chosen, choices_url(object_type, self.search_params)

    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, {**(attrs or {}), "name": name})
        queryset = self.choices.queryset
        object_type = registry.get(queryset.model)
        selected = self._selected(value)
        rows, url = self._rows(queryset, object_type, selected)
        attrs.update(picker_attrs(url))
        if self.allow_multiple_selected:
            attrs["multiple"] = True
        parts = [format_html("<select{}>", flatatt(attrs))]
        field = self.choices.field
        label = getattr(field, "label_from_instance", str)  # a form may name its options
        empty_label = getattr(field, "empty_label", None)
        if not self.allow_multiple_selected and empty_label is not None:
            parts.append(
                format_html(
                    '<option value=""{}>{}</option>',
                    "" if selected else mark_safe(" selected"),
                    empty_label,
                )
            )
        for row in rows:
            pk = str(row.pk)
            parts.append(
                format_html(
                    '<option value="{}" data-data="{}"{}>{}</option>',
                    pk,
                    json.dumps({"hint": object_type.hint(row)}),
                    mark_safe(" selected") if pk in selected else "",
                    label(row),
                )
            )
        parts.append(mark_safe("</select>"))
        return mark_safe("".join(parts))  # noqa: S308  (every part is escaped above)


class PickerSelect(PickerMixin, forms.Select):
    """Choose one registered object (a foreign key)."""


class PickerSelectMultiple(PickerMixin, forms.SelectMultiple):
    """Choose any number of registered objects (a many-to-many), shown as removable chips."""


def picker_for(field):
    """The picker replacing ``field``'s select, or None when its choices are not objects of a
    registered type (a status, a Django group)."""
    queryset = getattr(field, "queryset", None)
    widget = field.widget
    if queryset is None or not registry.is_registered(queryset.model):
        return None
    if isinstance(widget, PickerMixin):
        return widget
    if type(widget) is forms.Select:
        picker = PickerSelect(attrs=widget.attrs)
    elif type(widget) is forms.SelectMultiple:
        attrs = {k: v for k, v in widget.attrs.items() if k != "size"}
        picker = PickerSelectMultiple(attrs=attrs)
    else:
        return None
    picker.choices = field.choices
    picker.is_required = widget.is_required
    return picker
