"""Numbers and dates written the Polish way: one set of rules for the object imports (value by
value, in Python) and the warehouse (whole columns, in DuckDB), checked against each other."""

from datetime import date
from decimal import Decimal

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from openmis.analytics import textvalues
from openmis.analytics.warehouse.localised import Conversion, expression

GROUPS = [" ", "\u00a0", "\u202f", "."]


def polish(number: Decimal, group: str) -> str:
    """``number`` as a Polish spreadsheet writes it: thousands grouped by ``group``, a decimal
    comma."""
    sign = "-" if number < 0 else ""
    integer, _dot, fraction = f"{abs(number):f}".partition(".")
    groups = []
    while len(integer) > 3:
        integer, tail = integer[:-3], integer[-3:]
        groups.insert(0, tail)
    text = group.join([integer, *groups])
    return sign + text + ("," + fraction if fraction else "")


def converted(con, text: str, conversion: Conversion):
    """What the warehouse's DuckDB expression makes of one value."""
    return con.execute(f"SELECT {expression('$v', conversion)}", {"v": text}).fetchone()[0]


numbers = st.decimals(
    min_value=Decimal("-999999999999"),
    max_value=Decimal("999999999999"),
    allow_nan=False,
    allow_infinity=False,
    places=2,
)


@settings(max_examples=300, deadline=None)
@given(number=numbers, group=st.sampled_from(GROUPS))
def test_a_formatted_polish_number_parses_back_to_itself(number, group):
    text = polish(number, group)
    whole = number == number.to_integral_value()
    if whole:
        text = text.split(",")[0]  # a whole number is written without its ",00"
    # The column's form, from this value in a file whose decimal mark is a comma
    assert textvalues.column_form([text], ",") == ("number", ",")
    # DuckDB converts it to the same number
    target = "int64" if whole else "decimal(18,2)"
    with duckdb.connect() as con:
        assert Decimal(converted(con, text, Conversion(("number", ","), target, False))) == number
    # And the object imports read it the same, or refuse it as ambiguous when it reads two
    # ways on its own ("123,456": a decimal comma, or thousands?)
    integer, _c, fraction = text.lstrip("-").partition(",")
    ambiguous = len(fraction) == 3 and integer.isdigit() and integer != "0"
    if ambiguous:
        with pytest.raises(ValueError, match="can be read as"):
            textvalues.parse_number(text)
    else:
        assert textvalues.parse_number(text, whole=whole) == number


@settings(max_examples=200, deadline=None)
@given(day=st.dates(min_value=date(1900, 1, 1), max_value=date(2199, 12, 31)))
def test_a_polish_date_parses_back_to_itself(day):
    text = day.strftime("%d.%m.%Y")
    assert textvalues.parse_date(text) == day
    assert textvalues.column_form([text]) == ("date", "%d.%m.%Y")
    with duckdb.connect() as con:
        assert converted(con, text, Conversion(("date", "%d.%m.%Y"), "date", False)) == day


@pytest.mark.parametrize(
    ("values", "file_mark", "form"),
    [
        # A decimal comma, thousands by spaces (plain, no-break, narrow no-break) or dots
        (["12 000,50", "1\u00a0234,00", "7"], None, ("number", ",")),
        (["12\u202f000,5", "-3,25"], None, ("number", ",")),
        (["1.234.567,89"], None, ("number", ",")),
        # "1.234" alone reads either way: the file's decimal comma makes it 1234 ...
        (["1.234", "2.000"], ",", ("number", ",")),
        # ... a file with decimal points makes it one and a quarter ...
        (["1.234", "2.000"], ".", ("number", ".")),
        # ... and with neither shown, it is left as the engine reads it
        (["1.234", "2.000"], None, None),
        (["1,234"], None, None),
        # Codes keep their leading zeros
        (["00042", "00043"], ",", None),
        (["007,5"], ",", None),
        # One value that is no number keeps the column text
        (["12,5", "n/a"], ",", None),
        (["1,2,3"], None, None),
        # Two marks that contradict each other
        (["1.234,5", "1,234.5"], None, None),
        # Day-first dates; a day that does not exist is no date
        (["31.12.2026", "1.2.2026"], None, ("date", "%d.%m.%Y")),
        (["31/12/2026"], None, ("date", "%d/%m/%Y")),
        (["31.02.2026"], None, None),
        (["2026-12-31"], None, ("date", "%Y-%m-%d")),
    ],
)
def test_the_form_of_a_column(values, file_mark, form):
    assert textvalues.column_form(values, file_mark) == form


def test_the_decimal_mark_a_file_shows():
    assert textvalues.decimal_marks(["12,5", "1.234", "7"]) == {","}
    assert textvalues.decimal_marks(["12.5", "1,234"]) == {"."}
    assert textvalues.decimal_marks(["1.234", "1,234", "0042"]) == set()
