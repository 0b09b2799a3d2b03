from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StaffingConfig(AppConfig):
    """Staffing: the MIS team, its skills and who can run each system (bus factor)."""

    name = "openmis.staffing"
    label = "staffing"
    verbose_name = _("Staffing")

    def ready(self):
        from openmis.staffing import registry  # noqa: F401  (registers the objects)
