"""``openmis manage send_policy_reminders``: remind policy owners of their reviews.

Run it daily (cron or a systemd timer, beside ``send_reminders``); an owner is reminded once
per review date, 30 days before it or as soon as it is overdue.
"""

from django.core.management.base import BaseCommand

from openmis.governance.policies import send_review_reminders


class Command(BaseCommand):
    help = "Remind policy owners of reviews due within 30 days or overdue (run daily)."

    def handle(self, *args, **options):
        sent = send_review_reminders()
        self.stdout.write(f"{sent} policy review reminder(s) sent.")
