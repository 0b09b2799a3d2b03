"""Reading an uploaded CSV or XLSX file into rows, refusing what cannot be imported at all
(wrong type, too large, too many rows, missing or repeated columns)."""

from __future__ import annotations

import csv
import io
from collections import Counter

import tablib
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils import translation
from django.utils.translation import gettext as _

from openmis.core.exports import unquote_cell
from openmis.core.imports.report import ImportError_, ImportFileError
from openmis.core.imports.resource import _model_field


def _normalise_header(value) -> str:
    return str(value or "").strip().lower().replace(" ", "_")


ENCODINGS = {
    "utf-8": "UTF-8",
    "cp1250": "Windows-1250",
    "iso8859_2": "ISO-8859-2",
}
_POLISH = set("ąćęłńóśźżĄĆĘŁŃÓŚŹŻ")
# What a Polish text decoded with the wrong one of the two code pages shows instead of its
# letters (ISO-8859-2's "ą" read as Windows-1250 is "±", "ś" is "¶"), and control characters.
_MISREAD = set("±¶¦¼¥¹Ľľ¤") | {chr(c) for c in range(0x80, 0xA0)}


def detect_encoding(content: bytes, complete: bool = True) -> str:
    """The encoding of a CSV file: UTF-8 (with or without its BOM) when it decodes as such,
    else Windows-1250 or ISO-8859-2, the two code pages Polish files are written in.

    charset-normalizer weighs the two (its "chaos" of each decoding); as the two differ
    only in a few letters (ą, ś, ź and their capitals), the decoding that reads more Polish
    letters and fewer signs a Polish text never has decides when it disagrees.
    ``complete`` is false when ``content`` is the start of a larger file.
    """
    if content.startswith(b"\xef\xbb\xbf"):
        return "utf-8"
    try:
        content.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A sample cut in the middle of a letter is still UTF-8.
        if not complete and exc.reason == "unexpected end of data":
            return "utf-8"
    else:
        return "utf-8"
    from charset_normalizer import from_bytes

    sample = content[: 256 * 1024]
    chaos = {m.encoding: m.chaos for m in from_bytes(sample, cp_isolation=list(ENCODINGS)[1:])}

    def score(encoding: str):
        text = sample.decode(encoding, errors="replace")
        polish = sum(c in _POLISH for c in text)
        misread = sum(c in _MISREAD or c == "\ufffd" for c in text)
        return (polish - 5 * misread, -chaos.get(encoding, 1.0))

    return max(("cp1250", "iso8859_2"), key=score)


def _decode(content: bytes, encoding: str) -> str:
    try:
        return content.decode("utf-8-sig" if encoding == "utf-8" else encoding)
    except UnicodeDecodeError as exc:
        line = content[: exc.start].count(b"\n") + 1
        raise ImportFileError(
            [
                ImportError_(
                    line,
                    None,
                    _(
                        "The file is not %(encoding)s text (unexpected byte 0x%(byte)02x). "
                        "Choose its encoding, or save it as “CSV UTF-8”, and try again."
                    )
                    % {"encoding": ENCODINGS.get(encoding, encoding), "byte": content[exc.start]},
                )
            ]
        ) from None


def sniff_delimiter(text: str) -> str:
    """The delimiter of a CSV text: a comma, a semicolon (Excel in Polish) or a tab.

    The header line names columns, so it rarely holds more than one of the three: the one
    it holds wins. Otherwise :class:`csv.Sniffer` reads a sample of whole lines; when it
    cannot tell, the one the header holds most wins (a comma for a single column).
    """
    header = text.split("\n", 1)[0]
    present = [d for d in (",", ";", "\t") if d in header]
    if len(present) <= 1:
        return present[0] if present else ","
    sample = "\n".join(text[: 64 * 1024].splitlines()[:50])
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t").delimiter
    except csv.Error:
        return max((",", ";", "\t"), key=header.count)


def _read_csv(content: bytes, encoding: str) -> list[list[str]]:
    text = _decode(content, encoding)
    delimiter = sniff_delimiter(text)
    try:
        return _rows_within_limit(
            csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
        )
    except csv.Error as exc:
        raise ImportFileError(
            [ImportError_(None, None, _("The CSV file is malformed: %(error)s") % {"error": exc})]
        ) from None


def _cell(value):
    """An XLSX cell's value: numbers stay numbers (a typed 1.234 is not the ambiguous text
    "1.234"), dates are written as ISO text."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
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


def read_table(filename: str, content: bytes, object_type, encoding: str = "") -> tablib.Dataset:
    """Read an uploaded CSV or XLSX file into a dataset whose headers are field names.

    ``encoding`` is the CSV file's (a key of :data:`ENCODINGS`); empty, it is detected. The
    dataset's ``encoding`` says which one was used (empty for XLSX). A column may be named by
    its field name or by its label, in English or in the reader's language, as XLSX exports
    name them.

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
        encoding = ""
    elif name.endswith((".csv", ".txt")) or not name:
        if encoding not in ENCODINGS:
            encoding = detect_encoding(content)
        rows = _read_csv(content, encoding)
    else:
        raise ImportFileError(
            [ImportError_(None, None, _("Only CSV and XLSX files can be imported."))]
        )
    if not rows or not any(rows[0]):
        raise ImportFileError([ImportError_(1, None, _("The file is empty."))], encoding)
    allowed = set(object_type.columns_for_import)
    labels = _column_labels(object_type)
    headers = [_normalise_header(h) for h in rows[0]]
    headers = [h if h in allowed else labels.get(h, h) for h in headers]
    errors = []
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
        if not any(str(c).strip() for c in row):
            continue
        if len(row) > len(headers) and any(str(c).strip() for c in row[len(headers) :]):
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
        raise ImportFileError(errors, encoding)
    keep = [i for i, h in enumerate(headers) if h in allowed]
    dataset = tablib.Dataset(headers=[headers[i] for i in keep])
    dataset.line_numbers = []
    for number, row in body:
        dataset.append([_value(row[i]) for i in keep])
        dataset.line_numbers.append(number)
    dataset.encoding = encoding
    return dataset


def _value(cell):
    return unquote_cell(cell.strip()) if isinstance(cell, str) else cell


def _column_labels(object_type) -> dict[str, str]:
    """Column name by its normalised label (the field's verbose name), in English and in
    the active language."""
    labels = {}
    for name in object_type.columns_for_import:
        field = _model_field(object_type.model, name)
        if field is None or not hasattr(field, "verbose_name"):
            continue
        with translation.override("en"):
            labels.setdefault(_normalise_header(str(field.verbose_name)), name)
        labels.setdefault(_normalise_header(str(field.verbose_name)), name)
    return labels


def _null_character_errors(headers: list[str], body) -> list[ImportError_]:
    """A null character in a value is refused (row and column), as the API's fields do:
    databases refuse or cut such text."""
    return [
        ImportError_(number, headers[i] or None, _("Null characters are not allowed."))
        for number, row in body
        for i, value in enumerate(row)
        if isinstance(value, str) and "\x00" in value
    ]


def _is_required(model, name: str) -> bool:
    f = _model_field(model, name)
    if f is None:
        return False
    return not f.blank and not f.has_default() and not getattr(f, "auto_now_add", False)
