"""E-mail the owners of open action items due today or overdue (run daily)."""

from django.core.management.base import BaseCommand

from openmis.meetings import actions


class Command(BaseCommand):
    help = "E-mail owners of open action items due today or overdue, at most once a day."

    def handle(self, *args, **options):
        sent = actions.send_action_reminders()
        self.stdout.write(f"{sent} action item reminders sent.")
