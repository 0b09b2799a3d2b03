"""Carrying out an import: checked in full first (a dry run rolled back), then written only
when no row has an error."""

from __future__ import annotations

import tablib
from django.core.exceptions import NON_FIELD_ERRORS
from django.db import transaction
from django.utils.translation import gettext as _

from openmis.core.caching import forget_request_memo
from openmis.core.imports.reading import read_table
from openmis.core.imports.report import ImportError_, ImportFileError, ImportReport


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


def run_import(
    object_type, filename: str, content: bytes, user, dry_run: bool, encoding: str = ""
) -> ImportReport:
    """Check (``dry_run``) or carry out an import; nothing is written unless every row is valid.

    ``encoding`` is a CSV file's, when the user chose it; empty, it is detected.
    """
    report = ImportReport(dry_run=dry_run)
    try:
        dataset = read_table(filename, content, object_type, encoding)
    except ImportFileError as exc:
        report.errors, report.encoding = exc.errors, exc.encoding
        return report
    report.encoding = dataset.encoding
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
