"""The list table of a registered type: sortable columns, pagination, linked cells.

Cells are computed in Python and rendered by one plain template loop. A general-purpose table
library renders each cell through its own machinery, which was most of a list page's time
(measured by bench/people_list.py); this keeps a 50-row page cheap.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import FieldDoesNotExist
from django.core.paginator import Paginator
from django.db import models
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from openmis.core import formatting, registry

EMPTY = "—"


@dataclass
class Column:
    name: str
    label: str
    sortable: bool
    sort_url: str = ""
    direction: str = ""  # "asc", "desc" or "" (not sorted by this column)


def _field(model, name):
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


class ObjectTable:
    """One page of a type's rows as ``columns`` and ``rows`` of ``(text, url)`` cells."""

    sort_param = "sort"
    page_param = "page"

    def __init__(self, object_type, queryset, request, per_page: int = 50):
        from openmis.core import permissions

        self.object_type = object_type
        self.request = request
        # Related objects are linked only where the reader may go: no link leads to a 403.
        self.viewable = permissions.viewable(request.user)
        self.fields = {n: _field(object_type.model, n) for n in object_type.list_columns}
        sort = request.GET.get(self.sort_param, "")
        name = sort.lstrip("-")
        if name in self.fields and self.fields[name] is not None:
            queryset = queryset.order_by(sort, "pk")
        else:
            sort = ""
        self.sort = sort
        self.paginator = Paginator(queryset, per_page)
        self.page = self.paginator.get_page(request.GET.get(self.page_param))
        self.columns = [self._column(n) for n in object_type.list_columns]
        # Dates in the reader's time zone and numbers in their language, as on detail pages.
        self.locale = formatting.active_locale()
        self.zone = formatting.active_zone()

    def _query(self, **changes) -> str:
        params = self.request.GET.copy()
        for key, value in changes.items():
            params[key] = value
        return "?" + params.urlencode()

    def _column(self, name) -> Column:
        field = self.fields[name]
        if field is not None:
            label = capfirst(field.verbose_name)
        else:
            # A computed column: its label as Django's admin reads it (``short_description``).
            attr = getattr(self.object_type.model, name, None)
            label = capfirst(getattr(getattr(attr, "fget", attr), "short_description", name))
        if field is None or field.many_to_many:
            return Column(name, label, sortable=False)
        direction = "asc" if self.sort == name else "desc" if self.sort == f"-{name}" else ""
        next_sort = f"-{name}" if direction == "asc" else name
        return Column(
            name,
            label,
            True,
            self._query(**{self.sort_param: next_sort, self.page_param: 1}),
            direction,
        )

    def page_url(self, number: int) -> str:
        return self._query(**{self.page_param: number})

    @property
    def previous_url(self) -> str:
        return self.page_url(self.page.previous_page_number()) if self.page.has_previous() else ""

    @property
    def next_url(self) -> str:
        return self.page_url(self.page.next_page_number()) if self.page.has_next() else ""

    @property
    def rows(self):
        detail = self.object_type.detail_url
        first = self.object_type.list_columns[0]
        for obj in self.page.object_list:
            cells = []
            for name in self.object_type.list_columns:
                text, url = self._cell(obj, name)
                if name == first:
                    url = detail(obj.pk)
                cells.append((text, url))
            yield cells

    def body_html(self) -> str:
        """The ``<tbody>`` rows, escaped and joined in Python (the hot part of a list page)."""
        parts = []
        for cells in self.rows:
            parts.append("<tr>")
            for text, url in cells:
                if url:
                    parts.append(f'<td><a href="{escape(url)}">{escape(text)}</a></td>')
                else:
                    parts.append(f"<td>{escape(text)}</td>")
            parts.append("</tr>")
        return mark_safe("".join(parts))  # noqa: S308  (every value is escaped above)

    def _cell(self, obj, name):
        field = self.fields[name]
        if field is None:
            value = getattr(obj, name)
            return (EMPTY if value in (None, "") else str(value)), ""
        if field.many_to_one or field.one_to_one:
            related = getattr(obj, name)
            if related is None:
                return EMPTY, ""
            url = ""
            if registry.is_registered(field.related_model):
                target = registry.get(field.related_model)
                if target.label in self.viewable and target.visible_to is None:
                    url = target.detail_url(related.pk)
            return str(related), url
        value = getattr(obj, name)
        display = getattr(obj, f"get_{name}_display", None)  # choices, or the model's words
        if display is not None:
            return (str(display()) or EMPTY), ""
        if isinstance(field, models.BooleanField):
            return (_("Yes") if value else _("No")), ""
        if value is None or value == "":
            return EMPTY, ""
        if isinstance(value, str):
            return value, ""
        return formatting.format_value(value, self.locale, self.zone), ""
