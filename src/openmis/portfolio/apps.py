from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortfolioConfig(AppConfig):
    """Systems portfolio: systems, vendors, contracts, costs, dependencies, projects."""

    name = "openmis.portfolio"
    label = "portfolio"
    verbose_name = _("Systems portfolio")

    def ready(self):
        from openmis.portfolio import registry  # noqa: F401  (registers the objects)
