"""Bulk import and export of registered objects, built on django-import-export.

Every import is checked in full first (a dry run inside a transaction that is rolled back),
and is written only when no row has an error: all or nothing. Errors name the row as a
spreadsheet shows it (the header is row 1) and the column.
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections import Counter
from dataclasses import dataclass, field

import tablib
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.db import models, transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from import_export import fields as ie_fields
from import_export import resources, widgets

from openmis.core import permissions, registry
from openmis.core.caching import forget_request_memo
from openmis.core.exports import safe_row, unquote_cell


@dataclass
class ImportError_:
    """One problem found in an import file."""

    row: int | None
    column: str | None
    message: str

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass
class ImportReport:
    """What an import did, or would do on a dry run."""

    created: int = 0
    updated: int = 0
    errors: list[ImportError_] = field(default_factory=list)
    dry_run: bool = True
    rows: list[dict] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_dict(self) -> dict:
        return {
            "created": self.created,
            "updated": self.updated,
            "errors": [e.as_dict() for e in self.errors],
        }


class ImportFileError(Exception):
    """The file cannot be read as a table at all."""

    def __init__(self, errors: list[ImportError_]):
        super().__init__("; ".join(e.message for e in errors))
        self.errors = errors


def _not_found(model, field: str, value) -> str:
    return _("No %(model)s with %(field)s “%(value)s”.") % {
        "model": model._meta.verbose_name,
        "field": field,
        "value": value,
    }


class NaturalKeyWidget(widgets.ForeignKeyWidget):
    """Refers to a related object by its natural key; an unknown value is a column error.

    Only the objects the importing user may see are found (``user`` is set by the resource,
    :func:`openmis.core.registry.visible_only`): a hidden one is unknown, as in the forms.
    """

    user = None

    def get_queryset(self, value, row, *args, **kwargs):
        return registry.visible_only(self.model._default_manager.all(), self.user)

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return None
        try:
            return super().clean(value, row, **kwargs)
        except self.model.DoesNotExist:
            raise ValueError(_not_found(self.model, self.field, value)) from None
        except self.model.MultipleObjectsReturned:
            raise ValueError(
                _("More than one %(model)s with %(field)s “%(value)s”.")
                % {"model": self.model._meta.verbose_name, "field": self.field, "value": value}
            ) from None


class NaturalKeysWidget(widgets.ManyToManyWidget):
    """Refers to many related objects by their natural keys, separated by ``;``; an unknown
    value (or one the importing user may not see) is a column error, never silently left out."""

    user = None

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return self.model._default_manager.none()
        wanted = [v.strip() for v in str(value).split(self.separator) if v.strip()]
        queryset = registry.visible_only(
            self.model._default_manager.filter(**{f"{self.field}__in": wanted}), self.user
        )
        found = {str(v) for v in queryset.values_list(self.field, flat=True)}
        missing = [v for v in wanted if v not in found]
        if missing:
            raise ValueError(_not_found(self.model, self.field, missing[0]))
        return queryset


class StrictBooleanWidget(widgets.BooleanWidget):
    """Yes/no values in English or Polish; anything else is an error, never a silent "no"."""

    TRUE = {"1", "true", "yes", "y", "t", "tak", "prawda"}
    FALSE = {"0", "false", "no", "n", "f", "nie", "fałsz"}

    def clean(self, value, row=None, **kwargs):
        text = str(value).strip().lower() if value is not None else ""
        if text in ("", "none", "null"):
            return None
        if text in self.TRUE:
            return True
        if text in self.FALSE:
            return False
        raise ValueError(
            _("“%(value)s” is not a yes/no value (use true or false).") % {"value": value}
        )


class ObjectResource(resources.ModelResource):
    """Base of the generated resources: the importing user's rights, as the API checks them.

    A row that updates a record must be allowed on the record as it is now (the user may see
    it, and change it where it is: a department leader may not take over another
    department's person) and as the file leaves it (:func:`openmis.core.permissions.can`,
    which the API and the pages use); a reference may name only objects the user may see.
    """

    object_type = None

    def __init__(self, user=None, **kwargs):
        super().__init__(**kwargs)
        self.user = user
        self._refused_now = None
        for resource_field in self.fields.values():
            if isinstance(resource_field.widget, NaturalKeyWidget | NaturalKeysWidget):
                resource_field.widget.user = user

    def after_init_instance(self, instance, new, row, **kwargs):
        super().after_init_instance(instance, new, row, **kwargs)
        # The record as it is before the file changes it.
        self._refused_now = None if new else self._refusal(instance, "change", current=True)

    def _refusal(self, instance, action: str, current: bool = False):
        """Why the importing user may not ``action`` ``instance``; None when they may."""
        ot = self.object_type
        if self.user is None:
            return None
        if current and ot.visible_to is not None:
            visible = ot.for_user(self.user, ot.model._default_manager.filter(pk=instance.pk))
            if not visible.exists():
                return _("You may not change this record.")
        if permissions.can(self.user, ot, action, instance):
            return None
        if (
            permissions.write_scope(self.user, ot, action) == permissions.DEPARTMENT
            and ot.department_field is not None
            and permissions.department_of(ot, instance)
            not in permissions.user_department_ids(self.user)
        ):
            return _("You may only import records of your own department.")
        return _("You may not change this record.")

    def import_instance(self, instance, row, **kwargs):
        # Many-to-many values are set after the save; check them now, with the other columns.
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        for resource_field in self.get_import_fields():
            if isinstance(resource_field.widget, NaturalKeysWidget):
                try:
                    resource_field.clean(row, **kwargs)
                except KeyError:
                    continue  # the file has no such column
                except ValueError as exc:
                    errors[resource_field.attribute] = ValidationError(str(exc), code="invalid")
        if errors:
            raise ValidationError(errors)

    def save_m2m(self, instance, row, **kwargs):
        super().save_m2m(instance, row, **kwargs)
        # What follows from the saved row (its type's ``after_save``), once it is written.
        if self.object_type.after_save is not None and not self._is_dry_run(kwargs):
            self.object_type.after_save(instance)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = dict(import_validation_errors or {})
        ot = self.object_type
        refusal = self._refused_now or self._refusal(
            instance, "add" if instance._state.adding else "change"
        )
        if refusal is not None:
            # The column that places the row in its department (``dataset`` for a column
            # whose department is its dataset's), else the row as a whole.
            column = (ot.department_field or "").split("__")[0]
            key = column if column in ot.columns_for_import else NON_FIELD_ERRORS
            errors[key] = ValidationError(refusal)
        super().validate_instance(instance, errors, validate_unique)


def _natural_key_field(model) -> str:
    if registry.is_registered(model):
        key = registry.get(model).natural_key
        # A composite key cannot be written in one column: refer to such rows by id.
        return key[0] if len(key) == 1 else "pk"
    names = {f.name for f in model._meta.get_fields()}
    return "name" if "name" in names else "pk"


def resource_for(object_type, export: bool = False):
    """Build the import (or export) resource class of a registered type."""
    names = object_type.columns_for_export if export else object_type.columns_for_import
    attrs = {}
    for name in names:
        model_field = _model_field(object_type.model, name)
        if isinstance(model_field, models.BooleanField):
            attrs[name] = ie_fields.Field(
                attribute=name, column_name=name, widget=StrictBooleanWidget()
            )
        if model_field is not None and model_field.many_to_many:
            related = model_field.related_model
            attrs[name] = ie_fields.Field(
                attribute=name,
                column_name=name,
                widget=NaturalKeysWidget(related, field=_natural_key_field(related), separator=";"),
            )
        if name in object_type.fk_fields:
            related = object_type.fk_fields[name]
            attrs[name] = ie_fields.Field(
                attribute=name,
                column_name=name,
                widget=NaturalKeyWidget(related, field=_natural_key_field(related)),
            )
    meta = type(
        "Meta",
        (),
        {
            "model": object_type.model,
            "fields": names,
            "import_id_fields": object_type.natural_key,
            "clean_model_instances": True,
            "skip_diff": True,
            "use_transactions": True,
        },
    )
    attrs.update({"Meta": meta, "object_type": object_type})
    return type(f"{object_type.model.__name__}Resource", (ObjectResource,), attrs)


# --- reading files -----------------------------------------------------------------------------


def _normalise_header(value) -> str:
    return str(value or "").strip().lower().replace(" ", "_")


def _read_csv(content: bytes) -> list[list[str]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = content[: exc.start].count(b"\n") + 1
        raise ImportFileError(
            [
                ImportError_(
                    line,
                    None,
                    _(
                        "The file is not UTF-8 text (unexpected byte 0x%(byte)02x). Save it as "
                        "“CSV UTF-8” and try again."
                    )
                    % {"byte": content[exc.start]},
                )
            ]
        ) from None
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    try:
        return _rows_within_limit(
            csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
        )
    except csv.Error as exc:
        raise ImportFileError(
            [ImportError_(None, None, _("The CSV file is malformed: %(error)s") % {"error": exc})]
        ) from None


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _read_xlsx(content: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:
        raise ImportFileError(
            [ImportError_(None, None, _("The file is not a valid XLSX workbook."))]
        ) from None
    sheet = workbook.worksheets[0]
    try:
        return _rows_within_limit(
            [_cell(v) for v in row] for row in sheet.iter_rows(values_only=True)
        )
    finally:
        workbook.close()


def _too_many_rows() -> ImportFileError:
    return ImportFileError(
        [
            ImportError_(
                None,
                None,
                _("The file has more than %(max)d rows; split it into smaller files.")
                % {"max": settings.OPENMIS_IMPORT_MAX_ROWS},
            )
        ]
    )


def _rows_within_limit(rows) -> list[list[str]]:
    """The rows of a file (header first) as they are read, refusing the file as soon as it has
    more than ``OPENMIS_IMPORT_MAX_ROWS`` rows of data: a huge file is not read to the end.

    Blank rows are kept (line numbers count them) only when a row with data follows, so a
    sheet formatted down to its last row does not count as rows, nor fill the memory.
    """
    limit = settings.OPENMIS_IMPORT_MAX_ROWS
    kept: list[list[str]] = []
    blank = 0  # blank rows read since the last row with data
    data = 0
    for row in rows:
        if not any(str(c).strip() for c in row):
            blank += 1
            continue
        if kept:
            data += 1
            if data > limit:
                raise _too_many_rows()
        kept.extend([[]] * blank)
        blank = 0
        kept.append(row)
    return kept


def read_table(filename: str, content: bytes, object_type) -> tablib.Dataset:
    """Read an uploaded CSV or XLSX file into a dataset whose headers are field names.

    Raises :class:`ImportFileError` naming each problem that makes the file unreadable.
    """
    if len(content) > settings.OPENMIS_IMPORT_MAX_BYTES:
        raise ImportFileError(
            [
                ImportError_(
                    None,
                    None,
                    _("The file is larger than the limit of %(size)s.")
                    % {"size": filesizeformat(settings.OPENMIS_IMPORT_MAX_BYTES)},
                )
            ]
        )
    name = filename.lower()
    if name.endswith(".xlsx") or content[:2] == b"PK":
        rows = _read_xlsx(content)
    elif name.endswith((".csv", ".txt")) or not name:
        rows = _read_csv(content)
    else:
        raise ImportFileError(
            [ImportError_(None, None, _("Only CSV and XLSX files can be imported."))]
        )
    if not rows or not any(rows[0]):
        raise ImportFileError([ImportError_(1, None, _("The file is empty."))])
    headers = [_normalise_header(h) for h in rows[0]]
    errors = []
    allowed = set(object_type.columns_for_import)
    for column, count in Counter(h for h in headers if h).items():
        if count > 1:
            errors.append(ImportError_(1, column, _("The column appears more than once.")))
    required = [
        name
        for name in object_type.columns_for_import
        if name != "id"
        and (name in object_type.natural_key or _is_required(object_type.model, name))
    ]
    for column in required:
        if column not in headers:
            errors.append(ImportError_(1, column, _("This required column is missing.")))
    body = []
    for number, row in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in row):
            continue
        if len(row) > len(headers) and any(c.strip() for c in row[len(headers) :]):
            errors.append(
                ImportError_(
                    number,
                    None,
                    _("The row has %(n)d values but the header names %(h)d columns.")
                    % {"n": len(row), "h": len(headers)},
                )
            )
            continue
        row = row + [""] * (len(headers) - len(row))
        body.append((number, row[: len(headers)]))
    errors.extend(_null_character_errors(headers, body))
    if errors:
        raise ImportFileError(errors)
    keep = [i for i, h in enumerate(headers) if h in allowed]
    dataset = tablib.Dataset(headers=[headers[i] for i in keep])
    dataset.line_numbers = []
    for number, row in body:
        dataset.append([unquote_cell(row[i].strip()) for i in keep])
        dataset.line_numbers.append(number)
    return dataset


def _null_character_errors(headers: list[str], body) -> list[ImportError_]:
    """A null character in a value is refused (row and column), as the API's fields do:
    databases refuse or cut such text."""
    return [
        ImportError_(number, headers[i] or None, _("Null characters are not allowed."))
        for number, row in body
        for i, value in enumerate(row)
        if "\x00" in value
    ]


def _model_field(model, name: str):
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def _is_required(model, name: str) -> bool:
    f = _model_field(model, name)
    if f is None:
        return False
    return not f.blank and not f.has_default() and not getattr(f, "auto_now_add", False)


def _duplicate_key_errors(dataset: tablib.Dataset, object_type) -> list[ImportError_]:
    errors = []
    seen: dict[tuple, int] = {}
    key = object_type.natural_key
    for index, row in enumerate(dataset.dict):
        value = tuple(str(row.get(k, "")).strip().lower() for k in key)
        line = dataset.line_numbers[index]
        if not any(value):
            continue  # no key: a new row
        if value in seen:
            errors.append(
                ImportError_(
                    line,
                    key[0],
                    _("Duplicate of row %(row)d: “%(value)s” appears twice in the file.")
                    % {"row": seen[value], "value": ", ".join(value)},
                )
            )
        else:
            seen[value] = line
    return errors


def _result_errors(result, dataset, resource) -> list[ImportError_]:
    def line(number):
        return dataset.line_numbers[number - 1] if number and number <= len(dataset) else number

    errors = [ImportError_(None, None, str(e.error)) for e in result.base_errors]
    for number, row_errors in result.row_errors():
        for e in row_errors:
            errors.append(ImportError_(line(number), None, str(e.error)))
    columns = {f.attribute: f.column_name for f in resource.get_import_fields()}
    for invalid in result.invalid_rows:
        for attr, messages in invalid.error_dict.items():
            column = None if attr == NON_FIELD_ERRORS else columns.get(attr, attr)
            for message in messages:
                errors.append(ImportError_(line(invalid.number), column, str(message)))
    errors.sort(key=lambda e: (e.row or 0, e.column or ""))
    return errors


def run_import(object_type, filename: str, content: bytes, user, dry_run: bool) -> ImportReport:
    """Check (``dry_run``) or carry out an import; nothing is written unless every row is valid."""
    report = ImportReport(dry_run=dry_run)
    try:
        dataset = read_table(filename, content, object_type)
    except ImportFileError as exc:
        report.errors = exc.errors
        return report
    report.errors = _duplicate_key_errors(dataset, object_type)
    if report.errors:
        return report
    resource = object_type.resource(user=user)
    result = resource.import_data(
        dataset,
        dry_run=True,
        raise_errors=False,
        use_transactions=True,
        rollback_on_validation_errors=True,
    )
    # The trial run was rolled back, which sends no signal: forget what was memoised from it.
    forget_request_memo()
    report.errors = _result_errors(result, dataset, resource)
    if report.errors:
        return report  # nothing is written, so nothing is counted as created or updated
    report.created = result.totals.get("new", 0)
    report.updated = result.totals.get("update", 0) + result.totals.get("skip", 0)
    report.rows = [
        {"line": dataset.line_numbers[i], "values": row} for i, row in enumerate(dataset.dict[:20])
    ]
    if dry_run:
        return report
    with transaction.atomic():
        result = object_type.resource(user=user).import_data(
            dataset,
            dry_run=False,
            raise_errors=False,
            use_transactions=True,
            rollback_on_validation_errors=True,
        )
        report.errors = _result_errors(result, dataset, resource)
        if report.errors:
            transaction.set_rollback(True)
            report.created = report.updated = 0
    if report.errors:
        forget_request_memo()  # rolled back, as the trial run was
    report.dry_run = False
    return report


# --- export ------------------------------------------------------------------------------------

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
