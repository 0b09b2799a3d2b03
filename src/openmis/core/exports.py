"""What every export writes into a spreadsheet cell: one place, used by the generic exports,
BI results and deliveries, and the appraisal workbook.

Two dangers of text that users stored:

* **Formula injection** (OWASP "CSV injection"): text beginning with ``=``, ``+``, ``-``,
  ``@``, a tab or a carriage return is run as a formula by spreadsheet programs. Such text is
  prefixed with a single quote, and XLSX cells of text are always string cells, never
  formulas. Numbers (including negative ones, and text that is nothing but a number) are left
  as they are: they cannot run.
* **Control characters**: XML, hence XLSX, cannot hold most of them, and openpyxl refuses the
  whole workbook (``IllegalCharacterError``). They are removed from every exported text.
"""

import re

from openmis.core.text import clean_text

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Text that is only a number ("-12", "+3.5", "-1,5", "2e-3") is data, not a formula.
_NUMBER_RE = re.compile(r"[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?")


def safe_cell(value):
    """``value`` made safe to write into a CSV or XLSX cell; anything but text is unchanged."""
    if not isinstance(value, str):
        return value
    value = clean_text(value)
    if value.startswith(FORMULA_START) and not _NUMBER_RE.fullmatch(value):
        return "'" + value
    return value


def safe_row(values) -> list:
    """A row of :func:`safe_cell` values, for ``csv.writer.writerow`` or ``sheet.append``."""
    return [safe_cell(v) for v in values]


def safe_rows(rows):
    """Each row of ``rows`` made safe, lazily (large exports stream)."""
    for row in rows:
        yield safe_row(row)


def unquote_cell(value: str) -> str:
    """The text :func:`safe_cell` quoted, as it was: imports read an exported file back
    without gaining a quote (``'+48 600`` is imported as ``+48 600``)."""
    if value.startswith("'") and value[1:].startswith(FORMULA_START):
        return value[1:]
    return value


def date_format() -> str:
    """How XLSX date cells show, in the reader's language (the value is a date either way)."""
    from django.utils import translation

    return "dd.mm.yyyy" if (translation.get_language() or "").startswith("pl") else "yyyy-mm-dd"


def xlsx_cell(sheet, value):
    """``value`` as a typed XLSX cell of a write-only ``sheet``: numbers as numbers with a
    thousands format, dates and times as Excel dates (a time-zone-aware moment in the
    reader's time zone, naive in the cell, as Excel has no time zones), yes/no as words, text
    made safe by
    :func:`safe_cell` and always a string cell, so it never runs as a formula."""
    import datetime as dt
    from decimal import Decimal

    from django.utils import timezone
    from openpyxl.cell import WriteOnlyCell

    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value).replace(tzinfo=None)
        cell = WriteOnlyCell(sheet, value)
        cell.number_format = date_format() + " hh:mm"
        return cell
    if isinstance(value, dt.date):
        cell = WriteOnlyCell(sheet, value)
        cell.number_format = date_format()
        return cell
    if value is None:
        return WriteOnlyCell(sheet, None)
    if isinstance(value, bool):
        from django.utils.translation import gettext

        value = gettext("Yes") if value else gettext("No")  # words, as the pages show them
    if isinstance(value, int | float | Decimal):
        if isinstance(value, Decimal) and not value.is_finite():
            return WriteOnlyCell(sheet, None)
        cell = WriteOnlyCell(sheet, value)
        whole = isinstance(value, int) or (
            isinstance(value, Decimal) and value.as_tuple().exponent >= 0
        )
        cell.number_format = "#,##0" if whole else "#,##0.00"
        if isinstance(value, float):
            cell.number_format = "#,##0.####"
        return cell
    cell = WriteOnlyCell(sheet, safe_cell(str(value)))
    cell.data_type = "s"
    return cell


def xlsx_row(sheet, values) -> list:
    """A row of :func:`xlsx_cell` cells, for ``sheet.append``."""
    return [xlsx_cell(sheet, v) for v in values]
