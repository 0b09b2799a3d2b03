"""Bulk import and export of registered objects, built on django-import-export.

Every import is checked in full first (a dry run inside a transaction that is rolled back),
and is written only when no row has an error: all or nothing. Errors name the row as a
spreadsheet shows it (the header is row 1) and the column.

The package is split by subject: :mod:`.report` (errors and the report), :mod:`.resource`
(the resource of a type: rights and natural-key references), :mod:`.reading` (reading the
file), :mod:`.runner` (the all-or-nothing import) and :mod:`.exporting` (CSV and XLSX
exports). Callers use the names below.
"""

from openmis.core.imports.exporting import (
    XLSX_IN_MEMORY_BYTES,
    XLSX_MAX_ROWS,
    export_csv,
    export_rows,
    export_xlsx,
)
from openmis.core.imports.reading import read_table
from openmis.core.imports.report import ImportError_, ImportFileError, ImportReport
from openmis.core.imports.resource import (
    NaturalKeysWidget,
    NaturalKeyWidget,
    ObjectResource,
    StrictBooleanWidget,
    resource_for,
)
from openmis.core.imports.runner import run_import

__all__ = [
    "XLSX_IN_MEMORY_BYTES",
    "XLSX_MAX_ROWS",
    "ImportError_",
    "ImportFileError",
    "ImportReport",
    "NaturalKeyWidget",
    "NaturalKeysWidget",
    "ObjectResource",
    "StrictBooleanWidget",
    "export_csv",
    "export_rows",
    "export_xlsx",
    "read_table",
    "resource_for",
    "run_import",
]
