"""``openmis manage governance_daily``: the one daily round of governance.

Run it once a day (cron or a systemd timer, beside ``send_reminders``). In order:

* **reviews**: policy owners are reminded 30 days before a policy's review date and once it is
  overdue (once per date);
* **acknowledgements**: people who joined an open campaign's audience are asked with their own
  due date, people are reminded a few days before their due date, and overdue
  acknowledgements are escalated to the person's manager (or their department's leaders),
  each once;
* **training**: expired certificates are marked for renewal, newcomers to assigned audiences
  and new users of systems with required courses are enrolled, people are reminded before
  their due date and managers told when it has passed (each once).

Each part sends a notice at most once per stage, so running the command twice a day (or
beside the old ``send_policy_reminders`` / ``governance_training_daily``, now its aliases)
sends nothing twice. ``--only`` runs some parts (the aliases use it).
"""

from datetime import date

from django.core.management.base import BaseCommand

from openmis.governance import acknowledgements, assignments, policies

PARTS = ("reviews", "acknowledgements", "training")


def _reviews(today) -> str:
    return f"{policies.send_review_reminders(today)} policy review reminder(s) sent."


def _acknowledgements(today) -> str:
    done = acknowledgements.run_daily(today)
    return (
        f"{done['asked']} person(s) asked, {done['reminded']} reminder(s) sent, "
        f"{done['escalated']} overdue acknowledgement(s) escalated."
    )


def _training(today) -> str:
    done = assignments.run_daily(today)
    return (
        f"{done.enrolled.created} enrolment(s) created, {done.enrolled.reopened} reopened, "
        f"{done.renewals} renewal(s), {done.reminded} reminder(s), "
        f"{done.escalated} escalation(s)."
    )


RUNNERS = {"reviews": _reviews, "acknowledgements": _acknowledgements, "training": _training}


class Command(BaseCommand):
    help = (
        "The daily round of governance (run daily): remind policy owners of reviews; ask late "
        "joiners of acknowledgement campaigns, remind before the due date and escalate overdue "
        "acknowledgements; mark training renewals, enrol late joiners and send training "
        "reminders."
    )

    def add_arguments(self, parser):
        parser.add_argument("--today", type=date.fromisoformat, help="Run as of this day.")
        parser.add_argument(
            "--only",
            action="append",
            choices=PARTS,
            help="Run only this part (may be repeated); all of them by default.",
        )

    def handle(self, *args, **options):
        chosen = options.get("only") or PARTS
        today = options.get("today")
        for part in PARTS:
            if part in chosen:
                self.stdout.write(RUNNERS[part](today))
