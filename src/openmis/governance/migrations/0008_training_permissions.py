"""Default permissions of the built-in roles on training: the MIS office manages courses,
quizzes and enrolments and sees everyone's training; everyone reads the courses; people see
their own enrolments and certificates, leaders their department's (the row rule of
``openmis.governance.training.visible_training``)."""

from django.db import migrations

from openmis.org.roles import grant_defaults

ALL = "view add change delete"
COURSE = ["course", "coursepage"]
QUIZ = ["quizquestion", "quizchoice"]
PERSONAL = ["enrolment", "certificate", "externalcertificate"]
OFFICE = {f"governance.{m}": ALL for m in [*COURSE, *QUIZ, *PERSONAL]}
READER = {
    **{f"governance.{m}": "view" for m in [*COURSE, *PERSONAL]},
}
MATRIX = {
    "mis_director": OFFICE,
    "mis_staff": OFFICE,
    "department_leader": READER,
    "analyst": READER,
    "employee": READER,
}


def forwards(apps, schema_editor):
    grant_defaults(apps, MATRIX)
    # The MIS office sees everyone's training (grant_defaults knows only the model actions).
    Role = apps.get_model("org", "Role")
    Permission = apps.get_model("auth", "Permission")
    sees_all = Permission.objects.get(
        content_type__app_label="governance", codename="view_all_training"
    )
    for slug in ("mis_director", "mis_staff"):
        Role.objects.get(slug=slug).group.permissions.add(sees_all)


class Migration(migrations.Migration):
    dependencies = [("governance", "0007_training"), ("org", "0002_builtin_roles")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
