from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    """Departments, people and roles of the organization."""

    name = "openmis.org"
    label = "org"
    verbose_name = _("Organization")

    def ready(self):
        from openmis.core import extensions, formatting, permissions
        from openmis.org import registry  # noqa: F401  (registers the objects)
        from openmis.org.people import time_zone_name
        from openmis.org.roles import cockpit_audiences
        from openmis.org.scopes import PROVIDER

        # Core's write-scope checks ask this app who holds a role and where it reaches.
        permissions.set_scope_provider(PROVIDER)
        # Pages are shown in the time zone of the signed-in user's person.
        formatting.set_zone_provider(time_zone_name)
        # The cockpit asks this app which roles' tiles a user gets.
        extensions.set_audience_provider(cockpit_audiences)
