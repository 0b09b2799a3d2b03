"""``openmis manage send_notices``: send the notices whose (next) attempt is due.

The worker retries failed sends by itself; run this from cron where jobs run in the request
(``OPENMIS_TASKS=immediate``), or to send notices whose job was lost.
"""

from django.core.management.base import BaseCommand

from openmis.core.notifications import send_due


class Command(BaseCommand):
    help = "Send the queued notices that are due (retries included)."

    def handle(self, *args, **options):
        count = send_due()
        self.stdout.write(f"{count} notice(s) due put on the queue.")
