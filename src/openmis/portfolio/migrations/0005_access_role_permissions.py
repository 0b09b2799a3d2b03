"""Default permissions of the built-in roles on system access (who uses which system)."""

from django.db import migrations

from openmis.org.roles import grant_defaults

MATRIX = {
    "mis_director": {"portfolio.systemaccess": "view add change delete"},
    "mis_staff": {"portfolio.systemaccess": "view add change delete"},
    # A department leader reads the access of their department's people and systems (the
    # role's scope is its department), as the portfolio is read-only for them.
    "department_leader": {"portfolio.systemaccess": "view"},
    "analyst": {"portfolio.systemaccess": "view"},
    # Employees do not read who holds accounts where.
}


def forwards(apps, schema_editor):
    grant_defaults(apps, MATRIX)


class Migration(migrations.Migration):
    dependencies = [("portfolio", "0004_system_access"), ("org", "0002_builtin_roles")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
