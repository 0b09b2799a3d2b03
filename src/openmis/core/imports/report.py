"""What an import found and did: its errors (by row and column) and its report."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class ImportError_:
    """One problem found in an import file."""

    row: int | None
    column: str | None
    message: str

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass
class ImportReport:
    """What an import did, or would do on a dry run."""

    created: int = 0
    updated: int = 0
    errors: list[ImportError_] = field(default_factory=list)
    dry_run: bool = True
    rows: list[dict] = field(default_factory=list)
    encoding: str = ""  # of a CSV file, as read (a key of ``reading.ENCODINGS``)

    @property
    def encoding_label(self) -> str:
        """The encoding as the import form names it (Windows-1250, not cp1250)."""
        from openmis.core.imports.reading import ENCODINGS

        return ENCODINGS.get(self.encoding, self.encoding)

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_dict(self) -> dict:
        return {
            "created": self.created,
            "updated": self.updated,
            "errors": [e.as_dict() for e in self.errors],
            "encoding": self.encoding or None,
        }


class ImportFileError(Exception):
    """The file cannot be read as a table at all."""

    def __init__(self, errors: list[ImportError_], encoding: str = ""):
        super().__init__("; ".join(e.message for e in errors))
        self.errors = errors
        self.encoding = encoding  # of a CSV file that could be decoded
