from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GovernanceConfig(AppConfig):
    """Governance: policies, procedures, exceptions, acknowledgements and training."""

    name = "openmis.governance"
    label = "governance"
    verbose_name = _("Governance")

    def ready(self):
        from openmis.governance import registry  # noqa: F401  (registers the objects)
