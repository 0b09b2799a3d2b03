"""Template helpers of the BI pages: what users read instead of the warehouse's codes."""

from django import template

from openmis.bi.models.base import column_type_label

register = template.Library()


@register.filter
def column_type(type_name: str) -> str:
    """A column's warehouse type in words: ``{{ column.type|column_type }}`` ("whole number"
    for ``int64``, "date and time" for ``timestamp``)."""
    return column_type_label(type_name)
