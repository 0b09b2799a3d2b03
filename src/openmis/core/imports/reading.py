"""Reading an uploaded CSV or XLSX file into rows, refusing what cannot be imported at all
(wrong type, too large, too many rows, missing or repeated columns)."""

from __future__ import annotations

import csv
import io
from collections import Counter

import tablib
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from openmis.core.exports import unquote_cell
from openmis.core.imports.report import ImportError_, ImportFileError
from openmis.core.imports.resource import _model_field


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


def _is_required(model, name: str) -> bool:
    f = _model_field(model, name)
    if f is None:
        return False
    return not f.blank and not f.has_default() and not getattr(f, "auto_now_add", False)
