"""Numbers and dates as spreadsheets write them, in English or Polish: "12 000,50",
"12.000,50", "12,000.50", "1 234" (with a space, a no-break or a narrow no-break space),
"31.12.2026", "2026-12-31".

The rule is written out instead of guessed from a locale, because one file often mixes both
conventions (a Polish sheet exported by an English Excel). A value that reads two ways
("1,234": one thousand two hundred and thirty-four, or one and a quarter-ish?) is refused
with an error naming it, never guessed; it is unambiguous in a whole-number column, where
only the thousands reading is a valid value.

Pure Python (no Django), beneath both readers of such text: the imports of the object
framework (:mod:`openmis.core.imports`, value by value) and the BI warehouse
(:mod:`openmis.analytics.warehouse.localised`, which decides a CSV column's form from a sample
with :func:`column_form` and converts the whole column in DuckDB with the same patterns).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from openmis.analytics.i18n import _

# Spaces spreadsheets put between groups of thousands: a space, a no-break space (Excel in
# Polish), a narrow no-break space (CLDR's Polish and French), a thin space.
GROUP_SPACES = " \u00a0\u202f\u2009"
_SPACE_GROUPED = re.compile(r"\d{1,3}(?:[" + GROUP_SPACES + r"]\d{3})+")
_PLAIN = re.compile(r"\d+")


def _grouped(digits: str, separator: str) -> bool:
    """``digits`` is a whole number written in groups of three with ``separator``."""
    parts = digits.split(separator)
    return (
        1 <= len(parts[0]) <= 3
        and parts[0].isdigit()
        and all(len(p) == 3 and p.isdigit() for p in parts[1:])
    )


def _not_a_number(text: str) -> ValueError:
    return ValueError(_("“%(value)s” is not a number.") % {"value": text})


def parse_number(value, whole: bool = False) -> Decimal | None:
    """The number a cell holds; None when it is empty.

    ``whole`` says the column holds whole numbers, so a lone separator followed by three
    digits ("1.234", "1,234") can only group thousands. Raises ValueError (a sentence naming
    the value) when the text is not a number, or could be read as two different numbers.
    """
    if value is None:
        return None
    if isinstance(value, bool):
        raise _not_a_number(str(value))
    if isinstance(value, int | float | Decimal):
        return Decimal(str(value))
    text = str(value).strip()
    if not text:
        return None
    sign = ""
    if text[0] in "+-\u2212":
        sign = "-" if text[0] != "+" else ""
        text = text[1:].strip()
    number = _canonical(text, whole)
    if number is None:
        raise _not_a_number(str(value).strip())
    try:
        return Decimal(sign + number)
    except InvalidOperation:
        raise _not_a_number(str(value).strip()) from None


def _canonical(text: str, whole: bool) -> str | None:
    """``text`` (no sign) as ``1234.5``; None when it is no number. Raises ValueError when
    it is ambiguous."""
    integer, fraction = text, ""
    commas, dots = text.count(","), text.count(".")
    if commas and dots:
        # Both: the last one is the decimal mark, the other groups thousands.
        mark = "," if text.rfind(",") > text.rfind(".") else "."
        group = "." if mark == "," else ","
        integer, _mark, fraction = text.rpartition(mark)
        if text.count(mark) != 1 or not _grouped(integer, group):
            return None
        integer = integer.replace(group, "")
    elif commas > 1 or dots > 1:
        # "1,234,567" or "1.234.567": only thousands.
        group = "," if commas else "."
        if not _grouped(text, group):
            return None
        integer = text.replace(group, "")
    elif commas or dots:
        mark = "," if commas else "."
        integer, _mark, fraction = text.partition(mark)
        spaced = any(c in integer for c in GROUP_SPACES)
        if (
            not spaced
            and len(fraction) == 3
            and 1 <= len(integer) <= 3
            and integer.isdigit()
            and integer != "0"
        ):
            if whole:
                return integer + fraction  # a whole number grouped by thousands
            raise ValueError(
                _(
                    "“%(value)s” can be read as %(thousands)s or as %(decimal)s; write it "
                    "without the thousands separator (%(thousands)s) or with a decimal "
                    "comma and no other separator."
                )
                % {
                    "value": text,
                    "thousands": integer + fraction,
                    "decimal": f"{integer},{fraction}",
                }
            )
    if any(c in integer for c in GROUP_SPACES):
        if not _SPACE_GROUPED.fullmatch(integer):
            return None
        integer = re.sub(f"[{GROUP_SPACES}]", "", integer)
    if not _PLAIN.fullmatch(integer or "0") or (fraction and not _PLAIN.fullmatch(fraction)):
        return None
    if not integer and not fraction:
        return None
    return f"{integer or '0'}.{fraction}" if fraction else integer


DATE_FORMATS = ("%Y-%m-%d", "%d.%m.%Y", "%d.%m.%y", "%d-%m-%Y", "%d/%m/%Y", "%Y.%m.%d")
DATETIME_FORMATS = tuple(
    f"{d}{sep}{t}"
    for d in DATE_FORMATS
    for sep in (" ", "T")
    for t in ("%H:%M:%S", "%H:%M", "%H:%M:%S.%f")
)


def parse_date(value) -> date | None:
    """A date written as 2026-12-31, 31.12.2026, 31-12-2026 or 31/12/2026 (day first, as
    in Poland); a date and time at midnight, as XLSX cells hold dates, is that date."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    if not text:
        return None
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    moment = _parse_datetime_text(text)
    if moment is not None and moment.time() == datetime.min.time():
        return moment.date()
    raise ValueError(
        _("“%(value)s” is not a date (write it as 31.12.2026 or 2026-12-31).") % {"value": text}
    )


def parse_datetime(value) -> datetime | None:
    """A date and time written as 2026-12-31 14:30 or 31.12.2026 14:30 (naive: the caller
    places it in the importing user's time zone); a date alone is its midnight."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    text = str(value).strip()
    if not text:
        return None
    moment = _parse_datetime_text(text)
    if moment is None:
        day = parse_date(text)
        return datetime(day.year, day.month, day.day)
    return moment


def _parse_datetime_text(text: str) -> datetime | None:
    for fmt in DATETIME_FORMATS:
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            continue
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


# --- Whole columns of such text (the BI warehouse) -------------------------------------------
# The warehouse does not parse a CSV file value by value: it decides each text column's form
# from a sample (here, in Python) and converts the whole column in DuckDB, validating every
# value with the same regular expressions (RE2, the engine's, reads them as Python does).

_SPACES = "[" + GROUP_SPACES + "]"
_SIGN = "[+\\-\u2212]?"
# A group of thousands starts with a digit other than 0 ("0,123" is no thousands grouping).
_INTEGERS = {
    ",": (
        "[0-9]+",
        "[1-9][0-9]{0,2}(?:" + _SPACES + "[0-9]{3})+",
        "[1-9][0-9]{0,2}(?:\\.[0-9]{3})+",
    ),
    ".": ("[0-9]+", "[1-9][0-9]{0,2}(?:" + _SPACES + "[0-9]{3})+", "[1-9][0-9]{0,2}(?:,[0-9]{3})+"),
}


def number_pattern(mark: str) -> str:
    """The regular expression a trimmed number written with decimal mark ``mark`` (``","`` or
    ``"."``) matches in full: an optional sign, the integer part (plain, or grouped by
    thousands with spaces or with the other mark) and an optional fraction.

    Examples
    --------
    >>> import re
    >>> [bool(re.fullmatch(number_pattern(","), v)) for v in ("12 000,50", "1.234", "1,2,3")]
    [True, True, False]
    """
    integer = "(?:" + "|".join(_INTEGERS[mark]) + ")"
    return _SIGN + integer + "(?:" + re.escape(mark) + "[0-9]+)?"


_NUMBER = {mark: re.compile(number_pattern(mark)) for mark in (",", ".")}
# A code, not a number: a leading zero followed by another digit ("00042", "007").
LEADING_ZERO = _SIGN + "0[0-9]"
_LEADING_ZERO = re.compile(LEADING_ZERO)

# Day-first dates, as Poland writes them, and the ISO form; (pattern, strptime format), the
# format read the same by Python's strptime and DuckDB's.
DATE_FORMS = (
    ("[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}", "%Y-%m-%d"),
    ("[0-9]{1,2}\\.[0-9]{1,2}\\.[0-9]{4}", "%d.%m.%Y"),
    ("[0-9]{1,2}-[0-9]{1,2}-[0-9]{4}", "%d-%m-%Y"),
    ("[0-9]{1,2}/[0-9]{1,2}/[0-9]{4}", "%d/%m/%Y"),
    ("[0-9]{4}\\.[0-9]{1,2}\\.[0-9]{1,2}", "%Y.%m.%d"),
)
ISO_DATE = DATE_FORMS[0][1]


def decimal_marks(values) -> set[str]:
    """The decimal marks that ``values`` (trimmed texts) show beyond doubt: ``","`` for
    "12,5" or "1 234,00" (only a decimal comma reads them), ``"."`` for "12.5" or
    "1,234.00". "1,234" and "1.234" read either way and show none.

    Examples
    --------
    >>> sorted(decimal_marks(["1,5", "1.234", "7"]))
    [',']
    """
    marks = set()
    for value in values:
        comma, dot = _NUMBER[","].fullmatch(value), _NUMBER["."].fullmatch(value)
        if comma and not dot:
            marks.add(",")
        elif dot and not comma:
            marks.add(".")
    return marks


def column_form(values, file_mark: str | None = None) -> tuple[str, str] | None:
    """What a column of text holds, decided from ``values`` (a sample of its non-empty
    values, trimmed): ``("number", mark)``, ``("date", strptime_format)`` or ``None`` (text).

    The rules, in order:

    - a column is numeric only if every value reads as a number with one decimal mark, and
      none has a leading zero ("00042"): codes keep their zeros;
      when its values read with either mark ("1.234", "1,234"), the mark the rest of the
      file shows (``file_mark``) decides, so "1.234" in a file with decimal commas is
      1234; with no such mark the column is left as it is (``None``);
    - a column is a date if every value has one of the :data:`DATE_FORMS` and is a real day.

    Examples
    --------
    >>> column_form(["12 000,50", "7"]), column_form(["1.234"], ","), column_form(["00042"])
    (('number', ','), ('number', ','), None)
    >>> column_form(["31.12.2026", "1.2.2026"])
    ('date', '%d.%m.%Y')
    """
    values = [v for v in values if v]
    if not values:
        return None
    readable = [m for m in (",", ".") if all(_NUMBER[m].fullmatch(v) for v in values)]
    if readable and any(_LEADING_ZERO.match(v) for v in values):
        return None
    if len(readable) == 1:
        return ("number", readable[0])
    if readable:
        if not any("," in v or "." in v for v in values):
            return ("number", file_mark or ",")  # whole numbers, perhaps grouped by spaces
        return ("number", file_mark) if file_mark else None
    for pattern, fmt in DATE_FORMS:
        if all(re.fullmatch(pattern, v) for v in values):
            try:
                for v in values:
                    datetime.strptime(v, fmt)
            except ValueError:
                return None
            return ("date", fmt)
    return None
