"""Default permissions of the built-in roles on course assignments: the MIS office assigns
courses to audiences; leaders and analysts read the assignments."""

from django.db import migrations

from openmis.org.roles import grant_defaults

MATRIX = {
    "mis_director": {"governance.courseassignment": "view add change delete"},
    "mis_staff": {"governance.courseassignment": "view add change delete"},
    "department_leader": {"governance.courseassignment": "view"},
    "analyst": {"governance.courseassignment": "view"},
}


def forwards(apps, schema_editor):
    grant_defaults(apps, MATRIX)


class Migration(migrations.Migration):
    dependencies = [("governance", "0011_assignments"), ("org", "0002_builtin_roles")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
