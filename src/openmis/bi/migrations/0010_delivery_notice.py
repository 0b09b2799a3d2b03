"""A delivery's e-mail is a core notice (``Delivery.notice``), queued before it is sent;
``created`` is the sender's "now", the date its file is made as of."""

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('bi', '0009_bi_access_permissions'),
        ('core', '0007_cache_generations'),
    ]

    operations = [
        migrations.AddField(
            model_name='delivery',
            name='notice',
            field=models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='bi_delivery', to='core.notice', verbose_name='e-mail'),
        ),
        migrations.AlterField(
            model_name='delivery',
            name='created',
            field=models.DateTimeField(default=django.utils.timezone.now, editable=False, verbose_name='created'),
        ),
        migrations.AlterField(
            model_name='delivery',
            name='status',
            field=models.CharField(choices=[('queued', 'Queued'), ('sent', 'Sent'), ('skipped', 'Skipped'), ('failed', 'Failed')], max_length=8, verbose_name='status'),
        ),
    ]
