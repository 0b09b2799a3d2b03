"""Default permissions of the built-in roles on audiences."""

from django.db import migrations

from openmis.org.roles import grant_defaults

MATRIX = {
    "mis_director": {"governance.audience": "view add change delete"},
    "mis_staff": {"governance.audience": "view add change delete"},
    # An audience is not a department's record: leaders and analysts read them.
    "department_leader": {"governance.audience": "view"},
    "analyst": {"governance.audience": "view"},
}


def forwards(apps, schema_editor):
    grant_defaults(apps, MATRIX)


class Migration(migrations.Migration):
    dependencies = [("governance", "0003_audiences"), ("org", "0002_builtin_roles")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
