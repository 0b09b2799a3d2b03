"""``openmis manage send_reminders``: e-mail contract owners before notice deadlines.

Run it daily (cron or a systemd timer); a reminder is sent once per contract and deadline.
"""

from django.core.management.base import BaseCommand

from openmis.portfolio.services import send_renewal_reminders


class Command(BaseCommand):
    help = "E-mail contract owners 30 days before each notice deadline (run daily)."

    def handle(self, *args, **options):
        sent = send_renewal_reminders()
        self.stdout.write(f"{sent} renewal reminder(s) sent.")
