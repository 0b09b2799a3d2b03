"""Default permissions of the built-in roles on procedures and their steps."""

from django.db import migrations

from openmis.org.roles import grant_defaults

ALL = "view add change delete"
MODELS = ["procedure", "procedurestep"]
MATRIX = {
    "mis_director": {f"governance.{m}": ALL for m in MODELS},
    "mis_staff": {f"governance.{m}": ALL for m in MODELS},
    # Procedures are followed by everyone: every role reads them.
    "department_leader": {f"governance.{m}": "view" for m in MODELS},
    "analyst": {f"governance.{m}": "view" for m in MODELS},
    "employee": {f"governance.{m}": "view" for m in MODELS},
}


def forwards(apps, schema_editor):
    grant_defaults(apps, MATRIX)


class Migration(migrations.Migration):
    dependencies = [("governance", "0005_procedures"), ("org", "0002_builtin_roles")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
