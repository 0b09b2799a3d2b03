"""The MIS office sees every notice sent (others see only their own, without a permission)."""

from django.db import migrations

from openmis.org.roles import grant_defaults

MATRIX = {
    "mis_director": {"core.notice": "view"},
    "mis_staff": {"core.notice": "view"},
}


def forwards(apps, schema_editor):
    grant_defaults(apps, MATRIX)


class Migration(migrations.Migration):
    dependencies = [("org", "0004_person_language"), ("core", "0006_notice")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
