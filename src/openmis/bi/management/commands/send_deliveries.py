"""``openmis manage send_deliveries``: e-mail the dashboards and questions that are due.

Run it every few minutes from cron, e.g. ``*/5 * * * * openmis manage send_deliveries``;
each recipient gets a subscription's delivery once per slot, at the local time of their own
time zone, with what their own rights let them see.
"""

from django.core.management.base import BaseCommand

from openmis.bi.deliveries import send_due


class Command(BaseCommand):
    help = (
        "E-mail the scheduled deliveries of dashboards (PDF) and questions (CSV/XLSX) that "
        "are due, each with the recipient's rights. Run it every few minutes from cron: "
        "*/5 * * * * openmis manage send_deliveries"
    )

    def handle(self, *args, **options):
        counts = send_due()
        self.stdout.write(
            f"{counts['sent']} delivery(ies) sent, {counts['skipped']} skipped, "
            f"{counts['failed']} failed."
        )
