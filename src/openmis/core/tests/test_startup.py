"""What starting OpenMIS loads: every process (a CLI command, a worker, a test run) pays for the
modules ``django.setup()`` imports, so file-format and calculation libraries are imported
where they are used, not by settings, app configs or registries.

Not a timing test: it lists the heavy modules a fresh ``django.setup()`` has imported.
Still loaded at start (to be made lazy with the split of ``bi``): ibis, sqlglot, DuckDB and
pyarrow, through ``bi.registry`` -> ``bi.views``/``bi.deliveries`` -> ``bi.services``; and
the DRF serializers, which the registries of every app name.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

#: Imported on use only: PDF (fpdf2) and spreadsheet writing/reading (openpyxl, and
#: import-export's admin mixins, which pull openpyxl, tablib and numpy), images (Pillow),
#: iCalendar feeds, and the appraisal's statistics (scipy) and finance (numpy-financial).
NOT_AT_START = (
    "PIL",
    "fpdf",
    "icalendar",
    "import_export.admin",
    "numpy_financial",
    "openpyxl",
    "scipy",
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
