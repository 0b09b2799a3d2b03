"""Who wrote a policy version's text (``PolicyVersion.editors``): none of them approves it.

Filled from the change history for the versions that exist: every login that created a
version or changed its text.
"""

import json

from django.conf import settings
from django.db import migrations, models


def editors_from_history(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    LogEntry = apps.get_model("auditlog", "LogEntry")
    PolicyVersion = apps.get_model("governance", "PolicyVersion")
    content_type = ContentType.objects.filter(
        app_label="governance", model="policyversion"
    ).first()
    if content_type is None:
        return
    existing = set(PolicyVersion.objects.values_list("pk", flat=True))
    entries = LogEntry.objects.filter(
        content_type=content_type, action__in=[0, 1], actor__isnull=False
    ).values_list("object_id", "actor_id", "changes")
    pairs = set()
    for object_id, actor_id, changes in entries.iterator():
        if isinstance(changes, str):
            try:
                changes = json.loads(changes)
            except ValueError:
                continue
        if object_id in existing and isinstance(changes, dict) and "text" in changes:
            pairs.add((object_id, actor_id))
    Through = PolicyVersion.editors.through
    Through.objects.bulk_create(
        [Through(policyversion_id=v, user_id=u) for v, u in sorted(pairs)],
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("governance", "0012_assignment_permissions"),
        ("auditlog", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="policyversion",
            name="editors",
            field=models.ManyToManyField(
                blank=True,
                editable=False,
                help_text="Everyone who wrote or changed the text: none of them approves it.",
                related_name="edited_policy_versions",
                to=settings.AUTH_USER_MODEL,
                verbose_name="edited by",
            ),
        ),
        migrations.RunPython(editors_from_history, migrations.RunPython.noop),
    ]
