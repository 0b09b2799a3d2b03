"""Drop django-rest-knox's own token table: its model is swapped for ``core.ApiToken`` (0004),
so the table was never used, but it referenced auth_user and PostgreSQL would not empty
auth_user without it. knox's migrations are switched off (``MIGRATION_MODULES``), so new
installations never create it."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("core", "0008_installation_uid")]

    operations = [
        migrations.RunSQL("DROP TABLE IF EXISTS knox_authtoken", reverse_sql=migrations.RunSQL.noop)
    ]
