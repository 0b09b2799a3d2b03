"""``openmis manage governance_training_daily``: the daily pass of training assignments.

Run it daily (cron or a systemd timer, beside ``send_reminders``): expired certificates are
marked for renewal, newcomers to assigned audiences and new users of systems with required
courses are enrolled, people are reminded before their due date and managers told when it
has passed (each once).
"""

from django.core.management.base import BaseCommand

from openmis.governance.assignments import run_daily


class Command(BaseCommand):
    help = "Enrol late joiners, mark renewals and send training reminders (run daily)."

    def handle(self, *args, **options):
        done = run_daily()
        self.stdout.write(
            f"{done.enrolled.created} enrolment(s) created, {done.enrolled.reopened} reopened, "
            f"{done.renewals} renewal(s), {done.reminded} reminder(s), "
            f"{done.escalated} escalation(s)."
        )
