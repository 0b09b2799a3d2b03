"""``openmis manage send_policy_reminders``: deprecated alias of ``governance_daily --only
reviews`` (kept so existing cron lines keep working; run ``governance_daily`` instead)."""

from datetime import date

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Deprecated: use 'governance_daily', which does this and the rest of the daily round. "
        "Remind policy owners of reviews due within 30 days or overdue."
    )

    def add_arguments(self, parser):
        parser.add_argument("--today", type=date.fromisoformat, help="Run as of this day.")

    def handle(self, *args, **options):
        extra = {"today": options["today"]} if options.get("today") else {}
        call_command("governance_daily", only=["reviews"], stdout=self.stdout, **extra)
