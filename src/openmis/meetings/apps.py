from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    """Priority clients, meeting series and occurrences, agendas, minutes, action items."""

    name = "openmis.meetings"
    label = "meetings"
    verbose_name = _("Meetings")

    def ready(self):
        from openmis.meetings import registry  # noqa: F401  (registers the objects)
