from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    """Departments, people and roles of the organization."""

    name = "openmis.org"
    label = "org"
    verbose_name = _("Organization")

    def ready(self):
        from openmis.org import registry  # noqa: F401  (registers the objects)
