"""Built-in roles and their default permissions on the organization's objects."""

from django.db import migrations

from openmis.org.roles import create_builtin_roles, grant_defaults

ALL = "view add change delete"
MATRIX = {
    "mis_director": {
        "org.department": ALL,
        "org.person": ALL,
        "org.role": ALL,
        "auditlog.logentry": "view",
        "core.installation": "view change",
    },
    "mis_staff": {
        "org.department": "view add change",
        "org.person": "view add change",
        "org.role": "view",
        "auditlog.logentry": "view",
    },
    "department_leader": {
        "org.department": "view",
        "org.person": "view add change",
    },
    "analyst": {"org.department": "view", "org.person": "view"},
    "employee": {"org.department": "view", "org.person": "view"},
}


def forwards(apps, schema_editor):
    create_builtin_roles(apps)
    grant_defaults(apps, MATRIX)


class Migration(migrations.Migration):
    dependencies = [
        ("org", "0001_initial"),
        ("core", "0001_initial"),
        ("auditlog", "__latest__"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
