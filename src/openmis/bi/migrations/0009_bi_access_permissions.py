"""Permissions of their own for row-level security and for administering all BI content,
granted to the MIS office's built-in roles.

Row-level security (a dataset's ``restricted`` flag and its row rules) belongs to the MIS
office: director and staff. Seeing and administering every question, dashboard, subscription
and alert belongs to the director, who may grant it to staff under Organization → Roles.
"""

from django.db import migrations

from openmis.org.roles import grant_defaults

GRANTS = {
    "mis_director": ["manage_row_security", "administer_content"],
    "mis_staff": ["manage_row_security"],
}


def forwards(apps, schema_editor):
    grant_defaults(apps, {})  # creates the new permissions
    Role = apps.get_model("org", "Role")
    Permission = apps.get_model("auth", "Permission")
    for slug, codenames in GRANTS.items():
        role = Role.objects.filter(slug=slug).first()
        if role is None:
            continue
        perms = Permission.objects.filter(content_type__app_label="bi", codename__in=codenames)
        if perms.count() != len(codenames):
            raise LookupError(f"Missing permissions: {codenames}")
        role.group.permissions.add(*perms)


class Migration(migrations.Migration):
    dependencies = [("bi", "0008_import_job_language"), ("org", "0002_builtin_roles")]

    operations = [
        migrations.AlterModelOptions(
            name="dataset",
            options={
                "ordering": ["name"],
                "permissions": [
                    ("use_sql_dataset", "Can query datasets with SQL"),
                    (
                        "manage_row_security",
                        "Can restrict datasets and write their row-level rules",
                    ),
                    (
                        "administer_content",
                        "Can see and administer every BI question, dashboard and delivery",
                    ),
                ],
                "verbose_name": "dataset",
                "verbose_name_plural": "datasets",
            },
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
