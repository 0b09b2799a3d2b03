"""Default permissions of the built-in roles on the meetings objects."""

from django.db import migrations

from openmis.org.roles import grant_defaults

ALL = "view add change delete"
CLIENTS = ["client", "clientcontact"]
MEETINGS = ["meetingseries", "occurrence", "agendaitem", "outcome", "actionitem"]
MATRIX = {
    "mis_director": {f"meetings.{m}": ALL for m in CLIENTS + MEETINGS},
    "mis_staff": {f"meetings.{m}": ALL for m in CLIENTS + MEETINGS},
    # Write scope "own department": the series of their department, its meetings, agenda and
    # outcomes, and the action items of their department's people.
    "department_leader": {
        **{f"meetings.{m}": "view" for m in CLIENTS},
        **{f"meetings.{m}": ALL for m in MEETINGS},
    },
    "analyst": {f"meetings.{m}": "view" for m in CLIENTS + MEETINGS},
    "employee": {"meetings.actionitem": "view"},
}


def forwards(apps, schema_editor):
    grant_defaults(apps, MATRIX)


class Migration(migrations.Migration):
    dependencies = [("meetings", "0001_initial"), ("org", "0002_builtin_roles")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
