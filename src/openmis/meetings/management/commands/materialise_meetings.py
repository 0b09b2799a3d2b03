"""Bring the stored meetings of every series up to date with its recurrence rule."""

from django.core.management.base import BaseCommand

from openmis.meetings import services


class Command(BaseCommand):
    help = (
        "Create the meetings of every series from 6 months back to 3 months ahead (pages do "
        "this on demand; run it daily to keep calendar feeds current without page views)."
    )

    def handle(self, *args, **options):
        from openmis.meetings.models import MeetingSeries

        for series in MeetingSeries.objects.all():
            try:
                services.materialise(series)
            except ValueError as error:
                self.stderr.write(f"{series}: {error}")
        self.stdout.write("Meetings materialised.")
