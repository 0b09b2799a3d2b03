from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppraisalConfig(AppConfig):
    """Investment appraisal: evaluations of alternatives, cash flows, risk and criteria."""

    name = "openmis.appraisal"
    label = "appraisal"
    verbose_name = _("Investment appraisal")

    def ready(self):
        from openmis.appraisal import registry  # noqa: F401  (registers the objects)
