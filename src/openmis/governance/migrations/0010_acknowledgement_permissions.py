"""Default permissions of the built-in roles on acknowledgement campaigns: everyone reads
campaigns and acknowledgements; which rows they see is the row rule of
``openmis.governance.acknowledgements.visible_acknowledgements`` (the MIS office everyone's,
a person their own, a leader their department's). Nobody writes them through the generic
forms: publishing starts campaigns and only the person asked answers."""

from django.db import migrations

from openmis.org.roles import grant_defaults

READER = {"governance.campaign": "view", "governance.acknowledgement": "view"}
MATRIX = {
    "mis_director": READER,
    "mis_staff": READER,
    "department_leader": READER,
    "analyst": READER,
    "employee": READER,
}


def forwards(apps, schema_editor):
    grant_defaults(apps, MATRIX)


class Migration(migrations.Migration):
    dependencies = [("governance", "0009_acknowledgements"), ("org", "0002_builtin_roles")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
