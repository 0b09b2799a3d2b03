"""Exports of registered objects: the rendered rows, as streamed CSV or as an XLSX workbook."""

from __future__ import annotations

import csv
import json
import tempfile

from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from openmis.core.exports import safe_row, xlsx_row
from openmis.core.imports.resource import _model_field, resource_for

XLSX_MAX_ROWS = 1_048_575
XLSX_IN_MEMORY_BYTES = 4 * 1024 * 1024  # a larger workbook is written to a temporary file


def export_rows(object_type, queryset):
    """Yield the header, then one list of rendered values per object."""
    resource = resource_for(object_type, export=True)()
    fields = resource.get_export_fields()
    yield [f.column_name for f in fields]
    related = [f.attribute for f in fields if f.attribute in object_type.fk_fields]
    if related:
        queryset = queryset.select_related(*related)
    many = [f.attribute for f in fields if f.attribute in object_type.m2m_fields]
    if many:
        queryset = queryset.prefetch_related(*many)
    for obj in queryset.iterator(chunk_size=2000):
        yield [resource.export_field(f, obj) for f in fields]


def typed_rows(object_type, queryset):
    """Yield the header as a reader sees it (the fields' labels in the active language), then
    one list of typed values per object, as a spreadsheet should hold them: numbers and dates
    as such, a choice as its label ("On premises", not ``on_premises``), yes/no as words (Yes, No),
    related objects by their natural keys (as an import reads them back)."""
    resource = resource_for(object_type, export=True)()
    fields = resource.get_export_fields()
    model_fields = [_model_field(object_type.model, f.attribute) for f in fields]
    yield [
        capfirst(str(m.verbose_name)) if hasattr(m, "verbose_name") else f.column_name
        for f, m in zip(fields, model_fields, strict=True)
    ]
    related = [f.attribute for f in fields if f.attribute in object_type.fk_fields]
    if related:
        queryset = queryset.select_related(*related)
    many = [f.attribute for f in fields if f.attribute in object_type.m2m_fields]
    if many:
        queryset = queryset.prefetch_related(*many)
    yes, no = _("Yes"), _("No")
    for obj in queryset.iterator(chunk_size=2000):
        row = []
        for f, m in zip(fields, model_fields, strict=True):
            if m is None or m.is_relation:
                row.append(resource.export_field(f, obj))
                continue
            value = getattr(obj, m.attname)
            if value is not None and m.choices:
                value = str(dict(m.flatchoices).get(value, value))
            elif isinstance(m, models.BooleanField) and value is not None:
                value = yes if value else no
            elif isinstance(m, models.UUIDField | models.JSONField) and value is not None:
                value = value if isinstance(value, str) else json.dumps(value)
            row.append(value)
        yield row


class _Echo:
    def write(self, value):
        return value


def export_csv(object_type, queryset):
    """CSV lines of an export, produced lazily so a large export streams."""
    writer = csv.writer(_Echo())
    yield "\ufeff"  # lets Excel recognise UTF-8
    for row in export_rows(object_type, queryset):
        yield writer.writerow(safe_row(row))


def export_xlsx(object_type, queryset):
    """An XLSX workbook of an export, as an open file positioned at its start (the caller
    closes it; a response does). Rows are written as they are read, in openpyxl's write-only
    mode, and a large workbook spills to a temporary file instead of being held in memory.
    Raises ValueError beyond the XLSX row limit."""
    from openpyxl import Workbook

    if queryset.count() > XLSX_MAX_ROWS:
        raise ValueError(
            _("XLSX holds at most %(max)d rows; export this list as CSV instead.")
            % {"max": XLSX_MAX_ROWS}
        )
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=str(object_type.verbose_name_plural)[:31])
    for row in typed_rows(object_type, queryset):
        sheet.append(xlsx_row(sheet, row))
    file = tempfile.SpooledTemporaryFile(max_size=XLSX_IN_MEMORY_BYTES)  # noqa: SIM115
    workbook.save(file)
    file.seek(0)
    return file
