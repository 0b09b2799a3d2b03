"""Default permissions of the built-in roles on the policies.

The MIS office (director and staff) manage policies, see every draft and publish; only the
director approves any version (others approve the policies that list them as approvers).
Leaders, analysts and employees (owners and approvers among them) read policies: the published ones, and the drafts of the
policies they own or approve (the row rule of ``governance.policies``).
"""

from django.db import migrations

from openmis.org.roles import grant_defaults

ALL = "view add change delete"
MODELS = ["policy", "policyversion", "policyexception"]
MATRIX = {
    "mis_director": {f"governance.{m}": ALL for m in MODELS},
    "mis_staff": {f"governance.{m}": ALL for m in MODELS},
    "department_leader": {f"governance.{m}": "view" for m in MODELS},
    "analyst": {f"governance.{m}": "view" for m in MODELS},
    "employee": {f"governance.{m}": "view" for m in MODELS},
}


#: The policies' own permissions (Policy.Meta.permissions) by role.
SPECIAL = {
    "mis_director": ["manage_policies", "approve_any_policy"],
    "mis_staff": ["manage_policies"],
}


def forwards(apps, schema_editor):
    grant_defaults(apps, MATRIX)
    Role = apps.get_model("org", "Role")
    Permission = apps.get_model("auth", "Permission")
    for slug, codenames in SPECIAL.items():
        perms = Permission.objects.filter(
            content_type__app_label="governance", codename__in=codenames
        )
        if perms.count() != len(codenames):
            raise LookupError(f"Missing permissions: {codenames}")
        Role.objects.get(slug=slug).group.permissions.add(*perms)


class Migration(migrations.Migration):
    dependencies = [("governance", "0001_policies"), ("org", "0002_builtin_roles")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
