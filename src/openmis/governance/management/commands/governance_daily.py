"""``openmis manage governance_daily``: the daily round of acknowledgement campaigns.

Run it daily (cron or a systemd timer, beside ``send_policy_reminders``): people who joined an
open campaign's audience are asked with their own due date, people are reminded a few days
before their due date, and overdue acknowledgements are escalated to the person's manager
(or their department's leaders), each once.
"""

from datetime import date

from django.core.management.base import BaseCommand

from openmis.governance.acknowledgements import run_daily


class Command(BaseCommand):
    help = (
        "Ask late joiners of acknowledgement campaigns, remind before the due date and "
        "escalate overdue acknowledgements (run daily)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--today", type=date.fromisoformat, help="Run as of this day.")

    def handle(self, *args, **options):
        done = run_daily(options.get("today"))
        self.stdout.write(
            f"{done['asked']} person(s) asked, {done['reminded']} reminder(s) sent, "
            f"{done['escalated']} overdue acknowledgement(s) escalated."
        )
