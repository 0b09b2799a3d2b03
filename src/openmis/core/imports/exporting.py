"""Exports of registered objects: the rendered rows, as streamed CSV or as an XLSX workbook."""

from __future__ import annotations

import csv
import json
import tempfile

from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from openmis.core import registry
from openmis.core.exports import safe_row, xlsx_row
from openmis.core.imports.resource import _model_field, resource_for

XLSX_MAX_ROWS = 1_048_575
XLSX_IN_MEMORY_BYTES = 4 * 1024 * 1024  # a larger workbook is written to a temporary file


def _hidden_from(object_type, field_name: str):
    """The registered type ``field_name`` of ``object_type`` refers to, when its rows hidden
    from a reader must be missing everywhere (confidential feedback); else None."""
    related = object_type.opts.get_field(field_name).related_model
    if related is None or not registry.is_private(related):
        return None
    target = registry.get(related)
    return target if target.hidden_missing else None


def _readable(object_type, queryset, fields, user):
    """``queryset`` prepared for an export read by ``user``: many-to-many values of a type
    whose hidden rows are missing everywhere hold only those ``user`` may see, and
    ``{field: annotation}`` of the foreign keys to such a type (the annotation says whether
    ``user`` may see the row referred to: the cell is left empty otherwise). One query for all
    the rows, whatever their number."""
    hidden_fk = {}
    if user is None:
        return queryset, hidden_fk
    for f in fields:
        name = f.attribute
        if name in object_type.m2m_fields and (target := _hidden_from(object_type, name)):
            visible = target.for_user(user, target.model._default_manager.all())
            # (replacing a plain prefetch of the same values the type's list may ask for)
            others = [
                lookup
                for lookup in queryset._prefetch_related_lookups
                if getattr(lookup, "prefetch_to", lookup) != name
            ]
            queryset = queryset.prefetch_related(None).prefetch_related(
                *others, models.Prefetch(name, queryset=visible)
            )
        elif name in object_type.fk_fields and (target := _hidden_from(object_type, name)):
            visible = target.for_user(user, target.model._default_manager.all())
            flag = f"_sees_{name}"
            queryset = queryset.annotate(
                **{flag: models.Exists(visible.filter(pk=models.OuterRef(name)))}
            )
            hidden_fk[name] = flag
    return queryset, hidden_fk


def _prepared(object_type, queryset, fields, user):
    hidden_many = {
        f.attribute
        for f in fields
        if user is not None
        and f.attribute in object_type.m2m_fields
        and _hidden_from(object_type, f.attribute)
    }
    related = [f.attribute for f in fields if f.attribute in object_type.fk_fields]
    if related:
        queryset = queryset.select_related(*related)
    many = [
        f.attribute
        for f in fields
        if f.attribute in object_type.m2m_fields and f.attribute not in hidden_many
    ]
    if many:
        queryset = queryset.prefetch_related(*many)
    return _readable(object_type, queryset, fields, user)


def export_rows(object_type, queryset, user=None):
    """Yield the header, then one list of rendered values per object (as ``user`` may read
    them: a reference to a row hidden from them is left out)."""
    resource = resource_for(object_type, export=True)()
    fields = resource.get_export_fields()
    yield [f.column_name for f in fields]
    queryset, hidden_fk = _prepared(object_type, queryset, fields, user)
    for obj in queryset.iterator(chunk_size=2000):
        yield [
            ""
            if f.attribute in hidden_fk and not getattr(obj, hidden_fk[f.attribute])
            else resource.export_field(f, obj)
            for f in fields
        ]


def typed_rows(object_type, queryset, user=None):
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
    queryset, hidden_fk = _prepared(object_type, queryset, fields, user)
    yes, no = _("Yes"), _("No")
    for obj in queryset.iterator(chunk_size=2000):
        row = []
        for f, m in zip(fields, model_fields, strict=True):
            if f.attribute in hidden_fk and not getattr(obj, hidden_fk[f.attribute]):
                row.append("")
                continue
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


def export_csv(object_type, queryset, user=None):
    """CSV lines of an export, produced lazily so a large export streams."""
    writer = csv.writer(_Echo())
    yield "\ufeff"  # lets Excel recognise UTF-8
    for row in export_rows(object_type, queryset, user):
        yield writer.writerow(safe_row(row))


def export_xlsx(object_type, queryset, user=None):
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
    for row in typed_rows(object_type, queryset, user):
        sheet.append(xlsx_row(sheet, row))
    file = tempfile.SpooledTemporaryFile(max_size=XLSX_IN_MEMORY_BYTES)  # noqa: SIM115
    workbook.save(file)
    file.seek(0)
    return file
