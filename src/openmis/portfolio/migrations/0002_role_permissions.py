"""Default permissions of the built-in roles on the portfolio objects."""

from django.db import migrations

from openmis.org.roles import grant_defaults

ALL = "view add change delete"
MODELS = [
    "system", "vendor", "capability", "systemcost", "dependency", "contract",
    "deploymentproject", "milestone", "lifecycletransition",
]
MATRIX = {
    "mis_director": {f"portfolio.{m}": ALL for m in MODELS},
    "mis_staff": {f"portfolio.{m}": ALL for m in MODELS},
    "department_leader": {f"portfolio.{m}": "view" for m in MODELS},
    "analyst": {f"portfolio.{m}": "view" for m in MODELS},
    "employee": {f"portfolio.{m}": "view" for m in ["system", "vendor", "capability"]},
}


def forwards(apps, schema_editor):
    grant_defaults(apps, MATRIX)


class Migration(migrations.Migration):
    dependencies = [("portfolio", "0001_initial"), ("org", "0002_builtin_roles")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
