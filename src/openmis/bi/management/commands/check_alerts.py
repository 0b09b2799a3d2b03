"""``openmis manage check_alerts``: e-mail recipients whose alert value crossed its limit.

Run it every few minutes from cron, e.g. ``*/10 * * * * openmis manage check_alerts``; a
recipient is told once per crossing, judged on the rows their own rights let them see.
"""

from django.core.management.base import BaseCommand

from openmis.bi.alerts import check_alerts


class Command(BaseCommand):
    help = (
        "Check the threshold alerts of questions for each recipient (with their rights) and "
        "e-mail those whose value crossed the limit. Run it every few minutes from cron: "
        "*/10 * * * * openmis manage check_alerts"
    )

    def handle(self, *args, **options):
        counts = check_alerts()
        for problem in counts["problems"]:
            self.stderr.write(problem)
        self.stdout.write(
            f"{counts['checked']} alert check(s), {counts['sent']} e-mail(s) sent, "
            f"{counts['skipped']} skipped, {counts['failed']} failed."
        )
