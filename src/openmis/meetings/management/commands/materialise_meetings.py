"""Bring the stored meetings of every series up to date with its recurrence rule."""

from django.core.management.base import BaseCommand

from openmis.meetings import materialising


class Command(BaseCommand):
    help = (
        "Create the meetings of every series from 6 months back to 3 months ahead. "
        "'openmis worker' does this when it starts and then every hour; run this daily from "
        "cron where no worker runs (OPENMIS_TASKS=immediate)."
    )

    def handle(self, *args, **options):
        from openmis.meetings.models import MeetingSeries

        for series in MeetingSeries.objects.all():
            try:
                materialising.materialise(series)
            except ValueError as error:
                self.stderr.write(f"{series}: {error}")
        self.stdout.write("Meetings materialised.")
