"""What starting OpenMIS loads: every process (a CLI command, a worker, a test run) pays for the
modules ``django.setup()`` imports, so file-format and calculation libraries are imported
where they are used, not by settings, app configs or registries.

Not a timing test: it lists the heavy modules a fresh ``django.setup()`` has imported
(``bench/startup.py`` times it against a bare Django project). A module listed here that
shows up again was imported at the top of a module that settings, an app config, a registry
or a model imports: import it where it is used instead (inside the function, through
``openmis.core.api``'s or ``openmis.analytics.warehouse``'s lazy names, or a registry's
function that imports the view when called, as ``bi/registry.py`` does).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

# Runs alike on every database engine: the PostgreSQL pass leaves it out.
pytestmark = pytest.mark.engine_neutral

#: Imported on use only: PDF (fpdf2) and spreadsheet writing/reading (openpyxl, and
#: import-export's admin mixins, which pull openpyxl, tablib and numpy), images (Pillow),
#: iCalendar feeds, and the appraisal's statistics (scipy) and finance (numpy-financial);
#: the BI query engine (Ibis, sqlglot, DuckDB, PyArrow, NumPy) and Markdown rendering; DRF's
#: serializers, views and drf-spectacular's schema generation (loaded with the URLs).
NOT_AT_START = (
    "drf_spectacular.openapi",
    "drf_spectacular.plumbing",
    "duckdb",
    "fpdf",
    "ibis",
    "icalendar",
    "import_export.admin",
    "markdown",
    "numpy",
    "numpy_financial",
    "openpyxl",
    "PIL",
    "pyarrow",
    "rest_framework.fields",
    "rest_framework.serializers",
    "rest_framework.views",
    "rest_framework.viewsets",
    "scipy",
    "sqlglot",
    "tablib",
)

PROBE = f"""
import json, sys
import django
django.setup()
print(json.dumps(sorted(m for m in {NOT_AT_START!r} if m in sys.modules)))
"""


def test_django_setup_imports_no_file_format_or_statistics_library(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env["DJANGO_SETTINGS_MODULE"] = "openmis.settings"
    env["OPENMIS_DATA_DIR"] = str(tmp_path)
    out = subprocess.run(
        [sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, check=True
    ).stdout
    assert json.loads(out.splitlines()[-1]) == []


def test_the_admin_still_has_every_registered_model():
    from django.contrib import admin

    assert {m._meta.label for m in admin.site._registry} == {
        "account.EmailAddress",
        "auditlog.LogEntry",
        "auth.Group",
        "auth.User",
        "axes.AccessAttempt",
        "axes.AccessFailureLog",
        "axes.AccessLog",
        "django_tasks_database.DBTaskResult",
        "mfa.Authenticator",
    }
