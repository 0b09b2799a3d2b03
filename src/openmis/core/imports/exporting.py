"""Exports of registered objects: the rendered rows, as streamed CSV or as an XLSX workbook."""

from __future__ import annotations

import csv
import tempfile

from django.utils.translation import gettext as _

from openmis.core.exports import safe_row
from openmis.core.imports.resource import resource_for

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
    for row in export_rows(object_type, queryset):
        sheet.append(safe_row(row))
    file = tempfile.SpooledTemporaryFile(max_size=XLSX_IN_MEMORY_BYTES)  # noqa: SIM115
    workbook.save(file)
    file.seek(0)
    return file
