"""Create the single Installation row, so no request ever has to."""

from django.db import migrations


def create(apps, schema_editor):
    apps.get_model("core", "Installation").objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
