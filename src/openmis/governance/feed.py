"""The feed owner's governance due dates in their calendar feed: the policies they have yet
to acknowledge and the courses they have yet to complete, each an all-day event on its due
date, linked to the page where they do it (the meetings app's personal feed asks through its
``meetings.feed_due_dates`` extension point; meetings knows nothing of governance).

Only the owner's own items, and only those still to do: an acknowledged (or declined, or
exempted) policy, a closed campaign, a passed or cancelled course leave the feed at its next
refresh. Two queries whatever the number of items.
"""

from __future__ import annotations

from datetime import date

from django.urls import reverse
from django.utils.translation import gettext as _

from openmis.core import registry
from openmis.governance.assignments import OPEN
from openmis.governance.models import Acknowledgement, Course, Enrolment, PolicyVersion
from openmis.meetings.feed_hooks import DueDate


def _acknowledgements(person) -> list[DueDate]:
    rows = (
        Acknowledgement.objects.filter(
            person=person,
            state=Acknowledgement.State.PENDING,
            due_date__isnull=False,
            campaign__closed_on__isnull=True,
            campaign__policy_version__state=PolicyVersion.State.PUBLISHED,
        )
        .select_related("campaign__policy", "campaign__policy_version")
        .order_by("due_date", "pk")
    )
    return [
        DueDate(
            key=f"policy-acknowledgement-{ack.pk}",
            day=ack.due_date,
            summary=_("Acknowledge the policy: %(title)s") % {"title": ack.campaign.policy.title},
            description=_(
                "Read version %(number)s of the policy “%(title)s” and acknowledge it (or "
                "decline it, saying why)."
            )
            % {"number": ack.campaign.policy_version.number, "title": ack.campaign.policy.title},
            path=reverse("governance:acknowledgement_answer", args=[ack.pk]),
            changed=ack.updated,
        )
        for ack in rows
    ]


def _enrolments(person) -> list[DueDate]:
    rows = (
        Enrolment.objects.filter(person=person, status__in=OPEN, due_date__isnull=False)
        .select_related("course")
        .order_by("due_date", "pk")
    )
    courses = registry.get(Course)
    return [
        DueDate(
            key=f"training-enrolment-{enrolment.pk}",
            day=enrolment.due_date,
            summary=_("Complete the course: %(title)s") % {"title": enrolment.course.title},
            description=_("Read the course “%(title)s” and take its quiz.")
            % {"title": enrolment.course.title},
            path=courses.detail_url(enrolment.course_id),
            changed=enrolment.updated,
        )
        for enrolment in rows
    ]


def due_dates(person, user, today: date) -> list[DueDate]:
    """The ``meetings.feed_due_dates`` hook: ``person``'s (the feed owner's) pending
    acknowledgements and open enrolments with a due date."""
    return _acknowledgements(person) + _enrolments(person)
