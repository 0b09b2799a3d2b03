"""Files to read: their format, their CSV dialect, and the DuckDB reader that scans them."""

from __future__ import annotations

import csv
from dataclasses import dataclass, replace
from pathlib import Path

import duckdb

from openmis.analytics.errors import ImportFailed
from openmis.analytics.i18n import _

# What ``fmt`` (or a file's suffix) may say, and the reader each one uses.
FORMATS = {
    "csv": "csv",
    "tsv": "csv",
    "txt": "csv",
    "xlsx": "xlsx",
    "parquet": "parquet",
    "json": "json",
    "jsonl": "json",
    "ndjson": "json",
}
DEFAULT_MAX_LINE_SIZE = 8 * 1024 * 1024
_HEAD_BYTES = 1 << 20
_DELIMITERS = (",", ";", "\t", "|")


def encoding_message(line: int | None) -> str:
    """The message of a file that is not UTF-8, at ``line`` (``None``: the engine did not say
    which line)."""
    if line is None:
        return _(
            "A line: the file is not UTF-8 encoded. Save it as UTF-8 (in Excel: CSV UTF-8) and "
            "try again."
        )
    return _(
        "Line %(line)d: the file is not UTF-8 encoded. Save it as UTF-8 (in Excel: CSV UTF-8) "
        "and try again."
    ) % {"line": line}


def quote_ident(name: str) -> str:
    """A DuckDB identifier, quoted."""
    return '"' + name.replace('"', '""') + '"'


def quote_literal(text: str) -> str:
    """A DuckDB string literal."""
    return "'" + text.replace("'", "''") + "'"


def scratch_connection(*, threads: int = 2, memory_limit: str = "1GB") -> duckdb.DuckDBPyConnection:
    """A throw-away in-memory DuckDB connection for reading files (never downloads anything)."""
    return duckdb.connect(
        ":memory:",
        config={
            "threads": threads,
            "memory_limit": memory_limit,
            "autoinstall_known_extensions": False,
            "autoload_known_extensions": False,
        },
    )


@dataclass(frozen=True)
class Source:
    """A file to read: its format and, for CSV, the dialect found in its first line."""

    path: Path
    fmt: str
    delimiter: str = ","
    encoding: str = "utf-8"
    width: int = 0
    max_line_size: int = DEFAULT_MAX_LINE_SIZE
    parts: tuple[Path, ...] = ()


def open_source(path: Path, fmt: str | None, max_line_size: int) -> Source:
    """Check that ``path`` is a readable, non-empty file of a supported format."""
    path = Path(path)
    alias = fmt.lower().lstrip(".") if fmt else path.suffix.lower().lstrip(".")
    if alias not in FORMATS:
        if fmt:
            raise ImportFailed(
                _('"%(format)s" is not a supported format; use CSV, TSV, XLSX, Parquet or JSON.')
                % {"format": fmt}
            )
        if not path.suffix:
            raise ImportFailed(
                _("The file name has no type suffix; use CSV, TSV, XLSX, Parquet or JSON.")
            )
        raise ImportFailed(
            _('Files of type "%(suffix)s" cannot be imported; use CSV, TSV, XLSX, Parquet or JSON.')
            % {"suffix": path.suffix}
        )
    try:
        size = path.stat().st_size
    except OSError:
        raise ImportFailed(_("The file could not be found.")) from None
    if size == 0:
        raise ImportFailed(_("The file is empty."))
    source = Source(path=path, fmt=FORMATS[alias], max_line_size=max_line_size)
    if source.fmt == "csv":
        source = _csv_dialect(source, tab=alias == "tsv")
    return source


def _csv_dialect(source: Source, *, tab: bool) -> Source:
    """Encoding, delimiter and width from the header line (DuckDB's sniffer is not trusted
    with these: on a ragged file it silently picks another delimiter or skips lines)."""
    with source.path.open("rb") as f:
        head = f.read(_HEAD_BYTES)
    encoding = "utf-8"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding = "utf-16"
        text = head.decode("utf-16", errors="ignore")
    else:
        head = head.removeprefix(b"\xef\xbb\xbf")
        first = head.split(b"\n", 1)[0]
        try:
            text = first.decode("utf-8")
        except UnicodeDecodeError:
            if len(first) < len(head) or len(head) < _HEAD_BYTES:
                raise ImportFailed(encoding_message(1), line=1) from None
            text = first.decode("utf-8", errors="ignore")  # a cut multi-byte character
    line = text.split("\n", 1)[0].rstrip("\r")
    delimiter = "\t" if tab else _guess_delimiter(line)
    width = len(next(csv.reader([line], delimiter=delimiter), [])) if line else 0
    return replace(source, delimiter=delimiter, encoding=encoding, width=width)


def _guess_delimiter(line: str) -> str:
    counts = dict.fromkeys(_DELIMITERS, 0)
    quoted = False
    for char in line:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in counts:
            counts[char] += 1
    best = max(_DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def reader_sql(
    source: Source,
    *,
    types: dict[str, str] | None = None,
    full_sample: bool = False,
    strict_width: int = 0,
) -> str:
    """The DuckDB table function reading ``source``, e.g. ``read_csv('/x.csv', ...)``."""
    if source.parts:
        files = ", ".join(quote_literal(str(p)) for p in source.parts)
        return f"read_parquet([{files}], union_by_name = true)"
    path = quote_literal(str(source.path))
    if source.fmt == "parquet":
        return f"read_parquet({path})"
    if source.fmt == "json":
        options = [path, "format = 'auto'", f"maximum_object_size = {int(source.max_line_size)}"]
        if full_sample:
            options.append("sample_size = -1")
        return f"read_json({', '.join(options)})"
    options = [
        path,
        "header = true",
        f"delim = {quote_literal(source.delimiter)}",
        "quote = '\"'",
        "escape = '\"'",
        "skip = 0",
        "strict_mode = true",
        f"max_line_size = {int(source.max_line_size)}",
        f"buffer_size = {max(int(source.max_line_size) * 2, 32 * 1024 * 1024)}",
    ]
    if source.encoding != "utf-8":
        options.append(f"encoding = {quote_literal(source.encoding)}")
    if strict_width:
        columns = ", ".join(f"'c{i}': 'VARCHAR'" for i in range(strict_width))
        options += ["auto_detect = false", f"columns = {{{columns}}}"]
    if types:
        pairs = ", ".join(f"{quote_literal(k)}: {quote_literal(v)}" for k, v in types.items())
        options.append(f"types = {{{pairs}}}")
    if full_sample:
        options.append("sample_size = -1")
    return f"read_csv({', '.join(options)})"
