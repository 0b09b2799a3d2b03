from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BiConfig(AppConfig):
    """Business intelligence: the warehouse's datasets, questions, dashboards and sharing."""

    name = "openmis.bi"
    label = "bi"
    verbose_name = _("Business intelligence")

    def ready(self):
        from django.utils import formats, translation

        from openmis.analytics import i18n
        from openmis.bi import registry  # noqa: F401  (registers the objects)

        # The analytics layer has no Django import: its error messages are translated with
        # Django's catalogs (in the active language of the request) once plugged in here.
        i18n.install(
            translation.gettext,
            translation.ngettext,
            lambda n: formats.number_format(n, force_grouping=True),
        )
