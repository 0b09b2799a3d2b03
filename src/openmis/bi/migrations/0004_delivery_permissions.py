"""Default permissions of the built-in roles on subscriptions and alerts."""

from django.db import migrations

from openmis.org.roles import grant_defaults

ALL = "view add change delete"
MATRIX = {
    "mis_director": {"bi.subscription": ALL, "bi.alert": ALL},
    "mis_staff": {"bi.subscription": ALL, "bi.alert": ALL},
    "analyst": {"bi.subscription": ALL, "bi.alert": ALL},
    "department_leader": {"bi.subscription": ALL, "bi.alert": ALL},
    # Employees see the subscriptions and alerts they receive.
    "employee": {"bi.subscription": "view", "bi.alert": "view"},
}


def forwards(apps, schema_editor):
    grant_defaults(apps, MATRIX)


class Migration(migrations.Migration):
    dependencies = [("bi", "0003_subscriptions_alerts"), ("bi", "0002_default_permissions")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
