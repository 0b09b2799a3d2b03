from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    """Feedback on systems and the improvements backlog."""

    name = "openmis.feedback"
    label = "feedback"
    verbose_name = _("Feedback")

    def ready(self):
        from openmis.feedback import registry  # noqa: F401  (registers the objects)
