"""Default permissions of the built-in roles on attendance records (now a registered type,
granted like the meetings they belong to) and on confidential minutes (the MIS office)."""

from django.db import migrations

from openmis.org.roles import grant_defaults

ALL = "view add change delete"
MATRIX = {
    # The MIS office records attendance, and reads and marks confidential minutes.
    "mis_director": {
        "meetings.attendance": ALL,
        "meetings.occurrence": "view_confidential",
    },
    "mis_staff": {
        "meetings.attendance": ALL,
        "meetings.occurrence": "view_confidential",
    },
    # Write scope "own department": the attendance of their department's meetings, as they
    # change those meetings.
    "department_leader": {"meetings.attendance": ALL},
    "analyst": {"meetings.attendance": "view"},
}


def forwards(apps, schema_editor):
    if apps.get_model("org", "Role").objects.filter(slug__in=MATRIX).count() == len(MATRIX):
        grant_defaults(apps, MATRIX)
    else:
        grant_defaults(apps, {})  # creates the new permissions


class Migration(migrations.Migration):
    dependencies = [("meetings", "0004_confidential_minutes")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
