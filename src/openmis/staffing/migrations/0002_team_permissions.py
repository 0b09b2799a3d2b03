"""Default permissions of the built-in roles on the MIS team's data.

Skill levels and staff profiles are HR data about named people: the MIS office (director and
staff) reads and edits them; department leaders, analysts and employees do not see them.
Whoever sees a system sees its bus factor (a count, without names) on the system's page.
"""

from django.db import migrations

from openmis.org.roles import grant_defaults

TEAM = {
    "staffing.staffprofile": "view add change delete",
    "staffing.skill": "view add change delete",
    "staffing.systemskill": "view add change delete",
    "staffing.skilllevel": "view add change delete",
}
MATRIX = {"mis_director": TEAM, "mis_staff": TEAM}


def forwards(apps, schema_editor):
    grant_defaults(apps, MATRIX)


class Migration(migrations.Migration):
    dependencies = [("staffing", "0001_team"), ("org", "0002_builtin_roles")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
