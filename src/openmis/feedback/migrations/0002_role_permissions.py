"""Default permissions of the built-in roles on the feedback objects."""

from django.db import migrations

from openmis.org.roles import grant_defaults

ALL = "view add change delete"
MODELS = ["feedback", "improvement", "statuschange"]
MATRIX = {
    "mis_director": {f"feedback.{m}": ALL for m in MODELS},
    "mis_staff": {f"feedback.{m}": ALL for m in MODELS},
    # Department leaders manage their own department's feedback (the role's write scope is
    # its department) and read the backlog.
    "department_leader": {
        "feedback.feedback": "view add change",
        "feedback.improvement": "view",
        "feedback.statuschange": "view",
    },
    "analyst": {f"feedback.{m}": "view" for m in MODELS},
    # Employees give feedback: the role's write scope is the whole organization.
    "employee": {
        "feedback.feedback": "view add",
        "feedback.improvement": "view",
        "feedback.statuschange": "view",
    },
}


def forwards(apps, schema_editor):
    grant_defaults(apps, MATRIX)


class Migration(migrations.Migration):
    dependencies = [("feedback", "0001_initial"), ("org", "0002_builtin_roles")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
