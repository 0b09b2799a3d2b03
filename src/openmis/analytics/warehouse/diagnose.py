"""Engine errors met while reading a file, as sentences a user can act on.

DuckDB's CSV errors carry the line, the original text of the line and the column, but its
line numbers are only right once the dialect is fixed (while sniffing it reports line 1), so
a structural error is looked for again with a strict, detection-free pass.
"""

from __future__ import annotations

import csv
import re

import duckdb

from openmis.analytics.errors import ImportFailed
from openmis.analytics.i18n import _, ngettext, number
from openmis.analytics.warehouse.files import (
    Source,
    encoding_message,
    quote_ident,
    quote_literal,
    reader_sql,
)
from openmis.analytics.warehouse.types import normalise_duckdb, not_of_type, to_duckdb

_LINE = re.compile(r"CSV Error on Line: (\d+)")
_ORIGINAL = re.compile(r"Original Line: ([^\n]*)")
_TOO_LONG = re.compile(r"Maximum line size of (\d+) bytes exceeded\. Actual Size:\s*(\d+) bytes")
_WIDTH = re.compile(r"Expected Number of Columns: (\d+) Found: (\d+)")
_CONVERT = re.compile(
    r'Error when converting column "(.*)"\. Could not convert string "(.*)" to \'([^\']+)\''
)
_JSON_SYNTAX = re.compile(
    r"Malformed JSON in file .*?, at byte \d+ in (line|record/value) (\d+): (.*)"
)
_JSON_TRANSFORM = re.compile(
    r"JSON transform error in file .*?, in (line|record/value) (\d+): (.*)"
)


def _short(value: str, limit: int = 40) -> str:
    return value if len(value) <= limit else value[: limit - 1] + "…"


def translate(
    con: duckdb.DuckDBPyConnection,
    source: Source,
    exc: duckdb.Error,
    overrides: dict[str, str],
) -> ImportFailed:
    """An engine error while reading ``source`` as a sentence with line and column.

    ``overrides`` are the types the columns were asked to have (by the user or by the
    version appended to).
    """
    text = str(exc)
    if source.fmt == "csv":
        if _CONVERT.search(text):
            found = _diagnose_csv_cast(con, source, text, overrides)
            if found is not None:
                return found
        else:
            # DuckDB's line numbers are only right once the dialect is fixed: read the file
            # again with no detection at all to find the line that breaks it.
            found = _diagnose_csv(con, source)
            if found is not None:
                return found
        return _csv_error(text, source, overrides) or _unreadable(text, "CSV")
    if source.parts:
        return _unreadable(text, "XLSX")  # values were checked against their types already
    if isinstance(exc, duckdb.ConversionException) and overrides:
        found = _diagnose_casts(con, source, overrides)
        if found is not None:
            return found
    if source.fmt == "parquet":
        if "magic bytes" in text or "parquet" in text.lower():
            return ImportFailed(_("The file is not a valid Parquet file."))
        return _unreadable(text, "Parquet")
    match = _JSON_SYNTAX.search(text) or _JSON_TRANSFORM.search(text)
    if match and _JSON_SYNTAX.search(text) and source.path is not None:
        # DuckDB's line numbers of newline-delimited JSON are one off (and missing for the
        # first line): find the first line that is not a JSON value ourselves.
        bad = _first_bad_json_line(source.path)
        if bad is not None:
            reason = match[3].strip().rstrip(".")
            return ImportFailed(_malformed_json(bad, reason), line=bad)
    if match:
        # The reason is the engine's own text (in English), quoted as it is.
        reason = match[3].strip().rstrip(".")
        syntax = bool(_JSON_SYNTAX.search(text))
        if match[1] != "line":
            # DuckDB's record numbers inside a JSON array are not reliable: leave them out.
            if syntax:
                return ImportFailed(
                    _("The file is not valid JSON (%(reason)s).") % {"reason": reason}
                )
            return ImportFailed(reason)
        line = int(match[2])
        if syntax:
            return ImportFailed(_malformed_json(line, reason), line=line)
        return ImportFailed(
            _("Line %(line)d: %(reason)s.") % {"line": line, "reason": reason}, line=line
        )
    if "JSON" in text:
        return ImportFailed(_("The file is not valid JSON."))
    return _unreadable(text, "JSON")


def _malformed_json(line: int, reason: str) -> str:
    return _("Line %(line)d: the JSON is malformed (%(reason)s).") % {
        "line": line,
        "reason": reason,
    }


def _first_bad_json_line(path) -> int | None:
    """The number of the first non-empty line of a newline-delimited JSON file that is not
    JSON; None for a JSON array (one value over many lines) or when every line parses."""
    import json

    with open(path, "rb") as handle:
        for number, raw in enumerate(handle, start=1):
            line = raw.strip()
            if not line:
                continue
            if number == 1 and line.startswith(b"["):
                return None
            try:
                json.loads(line)
            except ValueError:
                return number
    return None


def _unreadable(text: str, kind: str) -> ImportFailed:
    first = re.sub(r"^[A-Za-z ]+ Error: ", "", text.strip().split("\n", 1)[0]).strip()
    return ImportFailed(
        _("The file could not be read as %(format)s: %(error)s")
        % {"format": kind, "error": _short(first, 200)}
    )


def _csv_error(
    text: str, source: Source, overrides: dict[str, str] | None = None
) -> ImportFailed | None:
    line_match = _LINE.search(text)
    line = int(line_match[1]) if line_match else None
    if match := _TOO_LONG.search(text):
        limit, actual = int(match[1]), int(match[2])
        if line:
            message = _(
                "Line %(line)d is too long: %(actual)s bytes, more than the limit of "
                "%(limit)s bytes."
            )
        else:
            message = _(
                "A line is too long: %(actual)s bytes, more than the limit of %(limit)s bytes."
            )
        params = {"line": line, "actual": number(actual), "limit": number(limit)}
        return ImportFailed(message % params, line=line)
    if match := _WIDTH.search(text):
        expected, found = int(match[1]), int(match[2])
        original = _ORIGINAL.search(text)
        if found > expected and original:
            # DuckDB stops counting at one field too many; count the line's fields ourselves.
            fields = next(csv.reader([original[1]], delimiter=source.delimiter), [])
            found = max(found, len(fields))
        if line:
            message = ngettext(
                "Line %(line)d: expected %(expected)d column, found %(found)d.",
                "Line %(line)d: expected %(expected)d columns, found %(found)d.",
                expected,
            )
        else:
            message = ngettext(
                "A line: expected %(expected)d column, found %(found)d.",
                "A line: expected %(expected)d columns, found %(found)d.",
                expected,
            )
        params = {"line": line, "expected": expected, "found": found}
        return ImportFailed(message % params, line=line)
    if "Invalid unicode" in text:
        return ImportFailed(encoding_message(line or None), line=line)
    if match := _CONVERT.search(text):
        column, value, duck_type = match[1], match[2], match[3]
        canonical = (overrides or {}).get(column) or normalise_duckdb(duck_type, "x")[0]
        return ImportFailed(
            not_of_type("line", line or None, column, _short(value), canonical),
            line=line,
            column=column,
        )
    if "Error when sniffing file" in text:
        return ImportFailed(
            _(
                "The file could not be read as CSV: its lines do not share one layout "
                "(check the delimiter and the quotes)."
            )
        )
    return None


def _diagnose_csv(con: duckdb.DuckDBPyConnection, source: Source) -> ImportFailed | None:
    if not source.width:
        return None
    reader = reader_sql(source, strict_width=source.width)
    touch = ", ".join(f"max(length(c{i}))" for i in range(source.width))
    try:
        con.execute(f"SELECT count(*), {touch} FROM {reader}").fetchall()  # noqa: S608 -- ours
    except duckdb.Error as exc:
        return _csv_error(str(exc), source)
    return None


_DETECTED_FORMAT = re.compile(r"(date|timestamp)_format = (\S[^\n]*?) \(Auto-Detected\)")


def _diagnose_csv_cast(
    con: duckdb.DuckDBPyConnection, source: Source, text: str, overrides: dict[str, str]
) -> ImportFailed | None:
    """The line of a CSV file whose value does not fit its column's type.

    DuckDB guesses a date format from a sample and then names the first line that does not
    fit its guess: a file of ISO dates with one ``31.12.2026`` is reported on line 2 (an ISO
    date, against the guessed ``%d.%m.%Y``). The column is read again as text, and the values
    not fitting the standard form of the type are counted against those not fitting the
    guessed format: the line named is the first that breaks the rule most lines keep.
    """
    match = _CONVERT.search(text)
    column, duck_type = match[1], match[3]
    detected = dict(_DETECTED_FORMAT.findall(text))
    guessed = detected.get("timestamp" if "TIMESTAMP" in duck_type.upper() else "date", "")
    if not guessed:
        return None  # no guess involved: the engine's line is right
    canonical = overrides.get(column) or normalise_duckdb(duck_type, "x")[0]
    reader = reader_sql(source)[:-1] + ", all_varchar = true)"
    col = quote_ident(column)
    tests = [
        f"TRY_CAST(v AS {to_duckdb(canonical)}) IS NULL",
        f"try_strptime(v, {quote_literal(guessed)}) IS NULL",
    ]
    aggregates = ", ".join(
        f"count(*) FILTER (WHERE {test}), min(rn) FILTER (WHERE {test}), "
        f"arg_min(v, rn) FILTER (WHERE {test})"
        for test in tests
    )
    sql = (
        f"SELECT {aggregates} FROM (SELECT row_number() OVER () AS rn, {col} AS v "  # noqa: S608
        f"FROM {reader}) WHERE v IS NOT NULL"
    )
    try:
        found = con.execute(sql).fetchone()
    except duckdb.Error:
        return None
    # (failures, first record, its value) per rule; the rule fewer values break wins.
    candidates = [found[i : i + 3] for i in range(0, len(found), 3) if found[i]]
    if not candidates:
        return None
    _count, record, value = min(candidates, key=lambda c: c[0])
    line = int(record) + 1  # the header is line 1
    return ImportFailed(
        not_of_type("line", line, column, _short(value), canonical), line=line, column=column
    )


def _diagnose_casts(
    con: duckdb.DuckDBPyConnection, source: Source, overrides: dict[str, str]
) -> ImportFailed | None:
    """The first record whose value does not fit its overridden type."""
    reader = reader_sql(source)
    for name, canonical in overrides.items():
        col = quote_ident(name)
        cast = f"TRY_CAST({col} AS {to_duckdb(canonical)})"
        # Our own quoted identifiers and reader.
        numbered = f"SELECT row_number() OVER () AS rn, CAST({col} AS VARCHAR) AS v, {cast} AS ok"
        sql = (
            f"SELECT rn, v FROM ({numbered} FROM {reader}) "  # noqa: S608
            "WHERE v IS NOT NULL AND ok IS NULL ORDER BY rn LIMIT 1"
        )
        try:
            row = con.execute(sql).fetchone()
        except duckdb.Error:
            continue
        if row is not None:
            record, value = int(row[0]), row[1]
            return ImportFailed(
                not_of_type("record", record, name, _short(value), canonical),
                line=record,
                column=name,
            )
    return None


def first_line(exc: BaseException) -> str:
    """An unexpected engine error while loading, as short as it can be said."""
    text = re.sub(r"^[A-Za-z ]+ Error: ", "", str(exc).strip().split("\n", 1)[0]).strip()
    return _("The file could not be loaded: %(error)s") % {"error": _short(text, 200)}


def arrow_error(exc: Exception) -> duckdb.Error:
    """A DuckDB error that reached us through an Arrow stream (as ``OSError`` or
    ``ArrowInvalid``), turned back into the DuckDB exception its text names."""
    text = str(exc)
    kinds = {
        "Conversion Error": duckdb.ConversionException,
        "Invalid Input Error": duckdb.InvalidInputException,
        "Out of Memory Error": duckdb.OutOfMemoryException,
    }
    for prefix, kind in kinds.items():
        if text.startswith(prefix):
            return kind(text)
    return duckdb.Error(text)
