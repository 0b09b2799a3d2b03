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

        from django.core import checks

        checks.register(check_holiday_country)


def check_holiday_country(app_configs=None, **_kwargs):
    """A Django system check: ``OPENMIS_HOLIDAY_COUNTRY`` names a country the ``holidays``
    package knows (else the first count of working days would fail)."""
    from django.conf import settings
    from django.core import checks

    from openmis.core import workdays

    country = getattr(settings, "OPENMIS_HOLIDAY_COUNTRY", "")
    if country and not workdays.known_country(country):
        return [
            checks.Error(
                f"OPENMIS_HOLIDAY_COUNTRY={country!r} is not a country code the holidays "
                "package knows (e.g. PL, DE, GB); leave it empty to count weekends only.",
                id="openmis.E101",
            )
        ]
    return []
