"""Numbers and dates of a CSV file written the Polish way ("12 000,50", "31.12.2026"),
loaded as numbers and dates instead of text.

DuckDB's CSV reader knows one decimal mark per file and no thousands groups, so it reads such
columns as text (or "1.234" as one and a quarter). Here each text column's form is decided
from a sample with :func:`openmis.analytics.textvalues.column_form` (the rules the object
imports follow too), and DuckDB itself converts the column: the file is read with that column
as ``VARCHAR`` and the ``SELECT`` turns it into a number with ``replace(...)`` and ``CAST``, or
into a date with ``strptime``. No Python loop touches a row.

Before that, one scan of the file checks every value against the form's pattern, in SQL:

- a column whose type was *detected* keeps its text when a value beyond the sample does not
  fit (a column is numeric only if every non-empty value is a number);
- a column whose type was *declared* (a type override, or the version appended to) refuses the
  file with the first such value's line and column, before anything is written.
"""

from __future__ import annotations

import csv
import io
import itertools
import re
from dataclasses import dataclass

import duckdb

from openmis.analytics import textvalues
from openmis.analytics.errors import ImportFailed
from openmis.analytics.warehouse.files import Source, quote_ident, quote_literal, reader_sql
from openmis.analytics.warehouse.types import decimal_parts, not_of_type, to_duckdb

SAMPLE_ROWS = 2048
_PLAIN_NUMBER = "[+-]?[0-9]+(?:[.][0-9]+)?"


@dataclass(frozen=True)
class Conversion:
    """How one column is converted: its form (``("number", mark)`` or ``("date", format)``),
    the canonical type it gets, and whether that type was declared (a value that does not fit
    is then an error rather than a reason to keep the text)."""

    form: tuple[str, str]
    canonical: str
    declared: bool


def _trimmed(column_sql: str) -> str:
    return f"nullif(trim({column_sql}), '')"


def _canonical_text(value_sql: str, mark: str) -> str:
    """SQL turning a valid number text of ``mark`` into ``-1234.5``: signs, group spaces and
    the other mark dropped, the decimal mark a dot."""
    text = f"replace({value_sql}, '\u2212', '-')"
    for space in textvalues.GROUP_SPACES:
        text = f"replace({text}, {quote_literal(space)}, '')"
    if mark == ",":
        text = f"replace(replace({text}, '.', ''), ',', '.')"
    else:
        text = f"replace({text}, ',', '')"
    return text


def _valid(value_sql: str, form: tuple[str, str], canonical: str) -> str:
    """SQL true when a non-null trimmed value fits ``form`` (and a whole-number type)."""
    kind, how = form
    if kind == "date":
        return f"try_strptime({value_sql}, {quote_literal(how)}) IS NOT NULL"
    pattern = textvalues.number_pattern(how)
    valid = f"regexp_full_match({value_sql}, {quote_literal(pattern)})"
    if canonical == "int64":
        valid += f" AND NOT contains({value_sql}, {quote_literal(how)})"
    return valid


def expression(column_sql: str, conversion: Conversion) -> str:
    """The ``SELECT`` expression converting a ``VARCHAR`` column (every value already
    validated)."""
    value = _trimmed(column_sql)
    kind, how = conversion.form
    target = to_duckdb(conversion.canonical)
    if kind == "date":
        return f"CAST(strptime({value}, {quote_literal(how)}) AS {target})"
    return f"CAST({_canonical_text(value, how)} AS {target})"


def _text_reader(source: Source, found) -> str:
    """The file with every column read as text (no type guessed, so none can be wrong)."""
    return reader_sql(source, types=dict.fromkeys(found, "VARCHAR"))


_SAMPLE_BYTES = 1 << 20


def _sample(con, source: Source, names: list[str], found) -> dict[str, list[str]]:
    """The non-empty values, trimmed, of the first rows of columns ``names``: read with
    Python's csv module from the file's head (a DuckDB scan of a large file reads whole
    buffers, ten times slower); by DuckDB when the head's rows are not all as wide as the
    header."""
    with source.path.open("rb") as f:
        head = f.read(_SAMPLE_BYTES)
        complete = not f.read(1)
    if not complete:
        head = head[: head.rfind(b"\n") + 1]
    codec = "utf-8-sig" if source.encoding == "utf-8" else source.encoding
    try:
        text = head.decode(codec)
        rows = list(
            itertools.islice(
                csv.reader(io.StringIO(text, newline=""), delimiter=source.delimiter, strict=True),
                SAMPLE_ROWS + 1,
            )
        )
    except (UnicodeDecodeError, csv.Error):
        rows = []
    width = len(found)
    if rows and all(len(r) == width for r in rows if r):
        positions = {name: i for i, name in enumerate(found)}
        body = [r for r in rows[1:] if r]
        return {n: [v.strip() for v in (r[positions[n]] for r in body) if v.strip()] for n in names}
    reader = _text_reader(source, found)
    columns = ", ".join(f"trim({quote_ident(n)})" for n in names)
    rows = con.execute(f"SELECT {columns} FROM {reader} LIMIT {SAMPLE_ROWS}").fetchall()  # noqa: S608
    return {n: [r[i] for r in rows if r[i]] for i, n in enumerate(names)}


def _is_plain(values: list[str], form: tuple[str, str]) -> bool:
    """DuckDB's own reader reads these values as they are meant (ISO dates, numbers with a
    decimal point and no groups)."""

    if form[0] == "date":
        return form[1] == textvalues.ISO_DATE
    plain = re.compile(_PLAIN_NUMBER if form[1] == "." else "[+-]?[0-9]+")
    return all(plain.fullmatch(v) for v in values)


def detect(
    con: duckdb.DuckDBPyConnection,
    source: Source,
    found: dict[str, str],
    wanted: dict[str, str],
    *,
    validate: bool = True,
) -> dict[str, Conversion]:
    """The columns of a CSV file to convert, and how; see the module's rules.

    Parameters
    ----------
    con
        The connection that reads the file.
    source
        The CSV file.
    found
        The columns as DuckDB's reader typed them (name -> DuckDB type).
    wanted
        The declared types (name -> canonical type): overrides and the appended version's.
    validate
        Check every value of the file (loading); ``False`` decides from the sample alone
        (a preview).

    Raises
    ------
    ImportFailed
        A declared column holds a value that does not fit, with its line and column.
    """
    candidates = []
    for name, duck_type in found.items():
        declared = wanted.get(name)
        if declared is not None:
            if declared in ("int64", "float64", "date") or decimal_parts(declared):
                candidates.append(name)
        elif duck_type.upper() in ("VARCHAR", "DATE", "DOUBLE", "FLOAT"):
            # Whole numbers DuckDB typed itself have no marks to misread.
            candidates.append(name)
    if not candidates:
        return {}
    sample = {
        name: list(dict.fromkeys(values))  # each value once
        for name, values in _sample(con, source, candidates, found).items()
    }
    iso = re.compile(textvalues.DATE_FORMS[0][0])
    for name in candidates:
        undeclared_date = found[name].upper() == "DATE" and name not in wanted
        if undeclared_date and all(iso.fullmatch(v) for v in sample[name]):
            del sample[name]  # ISO dates, which DuckDB read right
    candidates = list(sample)
    marks = set().union(*(textvalues.decimal_marks(v) for v in sample.values()))
    file_mark = marks.pop() if len(marks) == 1 else None
    forms = {}
    for name in candidates:
        declared = wanted.get(name)
        if declared is not None:
            form = _declared_form(sample[name], declared, file_mark)
            if form is not None and not _is_plain(sample[name], form):
                forms[name] = Conversion(form, declared, True)
            continue  # else DuckDB's typed reader reads it, and reports a misfit by line
        form = textvalues.column_form(sample[name], file_mark)
        if form is None or _is_plain(sample[name], form):
            continue  # DuckDB reads it right (or it is text)
        if form[0] == "number" and found[name].upper() == "BIGINT":
            continue
        else:
            forms[name] = Conversion(form, "date" if form[0] == "date" else "", False)
    if not forms:
        return {}
    return _checked(con, _text_reader(source, found), forms, validate=validate)


def _declared_form(values: list[str], declared: str, file_mark: str | None):
    """The form of a column declared a number or a date, from a sample that may hold values
    that do not fit (they are reported by line later): the decimal mark its values show, or
    the file's; the date form most of its values have."""

    if declared != "date":
        marks = textvalues.decimal_marks(values)
        mark = marks.pop() if len(marks) == 1 else file_mark
        return ("number", mark or ".")
    counts = {
        fmt: sum(1 for v in values if re.fullmatch(pattern, v))
        for pattern, fmt in textvalues.DATE_FORMS
    }
    best = max(counts, key=counts.get)
    return ("date", best) if counts[best] else None


def _checked(
    con, reader: str, forms: dict[str, Conversion], *, validate: bool
) -> dict[str, Conversion]:
    """``forms`` less the detected columns some value does not fit, with the detected
    numbers' types sized to their values; raises at a declared column's misfit."""
    limit = "" if validate else f" LIMIT {SAMPLE_ROWS}"
    names = list(forms)
    values = ", ".join(f"{_trimmed(quote_ident(n))} AS v{i}" for i, n in enumerate(names))
    # Our own quoted identifiers, patterns and reader.
    numbered = f"(SELECT row_number() OVER () AS n, {values} FROM {reader})"  # noqa: S608
    rows = f"(SELECT {values} FROM {reader}{limit})"  # noqa: S608
    declared = [i for i, n in enumerate(names) if forms[n].declared]
    if declared:
        misfit = " OR ".join(
            f"(v{i} IS NOT NULL AND NOT ({_valid(f'v{i}', forms[n].form, forms[n].canonical)}))"
            for i, n in ((i, names[i]) for i in declared)
        )
        shown = ", ".join(f"v{i}" for i in declared)
        # Our own quoted identifiers, patterns and reader.
        # (fetchall, not fetchone: a result left unfinished blocks the connection's next
        # streamed read, as the PostgreSQL warehouse's load is)
        first = con.execute(
            f"SELECT n, {shown} FROM {numbered} WHERE {misfit} ORDER BY n LIMIT 1"  # noqa: S608
        ).fetchall()
        bad = first[0] if first else None
        if bad is not None:
            line = int(bad[0]) + 1  # the header is line 1
            for position, i in enumerate(declared):
                conversion = forms[names[i]]
                value = bad[position + 1]
                if value is not None and not _fits(con, value, conversion):
                    raise ImportFailed(
                        not_of_type("line", line, names[i], value[:60], conversion.canonical),
                        line=line,
                        column=names[i],
                    )
    detected = [i for i, n in enumerate(names) if not forms[n].declared]
    if not detected:
        return forms
    parts = []
    for i in detected:
        form = forms[names[i]].form
        parts.append(f"count_if(v{i} IS NOT NULL AND NOT ({_valid(f'v{i}', form, '')}))")
        if form[0] == "number":
            text = _canonical_text(f"v{i}", form[1])
            parts.append(f"max(length(split_part({text}, '.', 2)))")
            parts.append(f"max(length(ltrim(split_part({text}, '.', 1), '+-')))")
        else:
            parts += ["0", "0"]
    stats = con.execute(f"SELECT {', '.join(parts)} FROM {rows}").fetchall()[0]  # noqa: S608
    result = {n: forms[n] for n in names if forms[n].declared}
    for k, i in enumerate(detected):
        misfits, scale, digits = stats[3 * k : 3 * k + 3]
        if misfits:
            continue  # a value is no number (or date): the column stays as DuckDB reads it
        conversion = forms[names[i]]
        if conversion.form[0] == "number":
            conversion = Conversion(conversion.form, _number_type(digits or 0, scale or 0), False)
        result[names[i]] = conversion
    return result


def _fits(con, value: str, conversion: Conversion) -> bool:
    return bool(
        con.execute(
            f"SELECT {_valid('$v', conversion.form, conversion.canonical)}", {"v": value.strip()}
        ).fetchall()[0][0]
    )


def _number_type(digits: int, scale: int) -> str:
    """The canonical type of numbers with up to ``digits`` whole digits and ``scale``
    fraction digits: whole numbers are ``int64``, others an exact decimal (money stays
    exact), ``float64`` beyond 38 digits."""
    if not scale and digits <= 18:
        return "int64"
    precision = max(18, digits + scale)
    if precision > 38:
        return "float64"
    return f"decimal({precision},{scale})"
