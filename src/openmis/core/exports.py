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
