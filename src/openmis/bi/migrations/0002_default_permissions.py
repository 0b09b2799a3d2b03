"""Default permissions of the built-in roles on the BI objects."""

from django.db import migrations

from openmis.org.roles import grant_defaults

ALL = "view add change delete"
CONTENT = ["question", "dashboard", "card", "share"]
MATRIX = {
    "mis_director": {
        **{f"bi.{m}": ALL for m in ["dataset", "column", "relationship", "rowrule", *CONTENT]},
        "bi.dataset": f"{ALL} use_sql",
        "bi.importjob": "view add",
    },
    "mis_staff": {
        **{f"bi.{m}": ALL for m in ["column", "relationship", "rowrule", *CONTENT]},
        "bi.dataset": f"{ALL} use_sql",
        "bi.importjob": "view add",
    },
    # Analysts load data, describe it, write SQL and share what they find.
    "analyst": {
        "bi.dataset": "view add change use_sql",
        "bi.column": "view change",
        "bi.relationship": "view add change delete",
        "bi.rowrule": "view",
        "bi.importjob": "view add",
        **{f"bi.{m}": ALL for m in CONTENT},
    },
    # Department leaders build questions and dashboards for their department and read data.
    "department_leader": {
        "bi.dataset": "view",
        "bi.column": "view",
        "bi.relationship": "view",
        **{f"bi.{m}": ALL for m in ["question", "dashboard", "card"]},
        "bi.share": "view",
    },
    # Employees read what is shared with them.
    "employee": {
        "bi.dataset": "view",
        "bi.column": "view",
        "bi.question": "view",
        "bi.dashboard": "view",
        "bi.card": "view",
        "bi.share": "view",
    },
}


def forwards(apps, schema_editor):
    grant_defaults(apps, MATRIX)


class Migration(migrations.Migration):
    dependencies = [("bi", "0001_initial"), ("org", "0002_builtin_roles")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
