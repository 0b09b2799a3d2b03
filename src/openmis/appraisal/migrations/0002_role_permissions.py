"""Default permissions of the built-in roles on the appraisal objects."""

from django.db import migrations

from openmis.org.roles import grant_defaults

ALL = "view add change delete"
MODELS = ["evaluation", "alternative", "cashflowline", "criterion", "score", "judgement", "decision"]
MATRIX = {
    "mis_director": {f"appraisal.{m}": ALL for m in MODELS},
    "mis_staff": {f"appraisal.{m}": ALL for m in MODELS},
    "department_leader": {
        **{f"appraisal.{m}": "view" for m in MODELS},
        "appraisal.score": "view add change delete",
        "appraisal.judgement": "view add change delete",
    },
    "analyst": {f"appraisal.{m}": "view" for m in MODELS},
}


def forwards(apps, schema_editor):
    grant_defaults(apps, MATRIX)


class Migration(migrations.Migration):
    dependencies = [("appraisal", "0001_initial"), ("org", "0002_builtin_roles")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
