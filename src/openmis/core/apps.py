from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """The generic object framework: registry, views, API, import/export, audit, search."""

    name = "openmis.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self):
        from django.db.models.signals import pre_save

        from openmis.core import attachments, caching  # noqa: F401  (write signals)
        from openmis.core.text import clean_instance_text
        from openmis.core.tiles import register_tiles
        from openmis.core.tokens import connect_signals

        connect_signals()
        attachments.connect_signals()
        register_tiles()

        pre_save.connect(clean_instance_text, dispatch_uid="openmis-clean-text")
