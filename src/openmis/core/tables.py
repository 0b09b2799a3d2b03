"""Tables generated from the registry (django-tables2): sortable, paginated, linked."""

from __future__ import annotations

import django_tables2 as tables


class ObjectTable(tables.Table):
    """Base of every generated table."""

    class Meta:
        template_name = "core/_table.html"
        attrs = {"class": "table table-sm table-hover align-middle"}
        empty_text = ""


def table_for(object_type):
    """Build the table class of a registered type; its first column links to the object."""
    columns = object_type.list_columns
    attrs = {columns[0]: tables.Column(linkify=True)}
    for name in object_type.fk_fields:
        if name in columns[1:]:
            attrs[name] = tables.Column(linkify=True)
    attrs["Meta"] = type(
        "Meta",
        (ObjectTable.Meta,),
        {"model": object_type.model, "fields": columns, "sequence": columns},
    )
    return type(f"{object_type.model.__name__}Table", (ObjectTable,), attrs)
