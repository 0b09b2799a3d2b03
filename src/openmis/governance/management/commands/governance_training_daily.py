"""``openmis manage governance_training_daily``: deprecated alias of ``governance_daily --only
training`` (kept so existing cron lines keep working; run ``governance_daily`` instead)."""

from datetime import date

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Deprecated: use 'governance_daily', which does this and the rest of the daily round. "
        "Enrol late joiners, mark renewals and send training reminders."
    )

    def add_arguments(self, parser):
        parser.add_argument("--today", type=date.fromisoformat, help="Run as of this day.")

    def handle(self, *args, **options):
        extra = {"today": options["today"]} if options.get("today") else {}
        call_command("governance_daily", only=["training"], stdout=self.stdout, **extra)
