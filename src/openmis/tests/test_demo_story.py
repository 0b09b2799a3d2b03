"""The demo's story of one complaint (issue "closed loop", item 9): a priority client's
complaint in the March meeting becomes an improvement, is appraised, decided, delivered by a
project that goes live in June through the real go-live, and answered; the later meetings follow
it and the system's review shows the ratings before and after."""

from datetime import date, datetime, time, timedelta

import pytest
from django.core import mail
from django.utils import timezone

from openmis.appraisal import demo as appraisal_demo
from openmis.appraisal.models import Evaluation
from openmis.core.notifications import Notice
from openmis.feedback import demo as feedback_demo
from openmis.feedback import services
from openmis.feedback.models import Feedback, FeedbackStatusChange, Improvement
from openmis.meetings import demo as meetings_demo
from openmis.meetings.models import AgendaItem
from openmis.org import demo as org_demo
from openmis.portfolio import demo as portfolio_demo

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("demo")]


def _load(today: date, language: str, capture):
    now = timezone.make_aware(datetime.combine(today, time(11, 0)))
    with capture(execute=True):
        org_demo.load(language=language)
        portfolio_demo.load(today, language=language)
        meetings_demo.load(now, language=language)
        feedback_demo.load(today, language=language)
        appraisal_demo.load(language=language)


@pytest.mark.parametrize(
    ("today", "language", "year"),
    [
        (timezone.localdate(), "en", meetings_demo.story_year(timezone.localdate())),
        (date(2027, 4, 7), "pl", 2026),
    ],
)
def test_the_demo_follows_one_complaint_from_the_meeting_to_the_go_live(
    today, language, year, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    # Given the demo loaded on ``today`` in ``language``
    _load(today, language, django_capture_on_commit_callbacks)
    t = feedback_demo.texts(language)
    # Then the complaint was raised by a client contact in the March meeting of the story's year
    complaint = Feedback.objects.get(text=t(feedback_demo.STORY_COMPLAINT))
    assert complaint.contact is not None and complaint.client == complaint.contact.client
    # (a client's words, confidential as every client's feedback is by default)
    assert complaint.confidential
    assert complaint.occurrence.series.client == complaint.client
    assert (complaint.date.year, complaint.date.month) == (year, 3)
    assert complaint.date == timezone.localtime(complaint.occurrence.start).date()
    # and became an improvement, decided (planned, recorded) and delivered by a June go-live
    improvement = Improvement.objects.get(title=t(feedback_demo.STORY_IMPROVEMENT))
    assert complaint in improvement.feedback.all()
    path = list(
        improvement.status_changes.order_by("created", "pk").values_list("to_status", flat=True)
    )
    assert path == ["under_review", "planned", "in_progress", "done"]
    project = improvement.project
    assert project.go_live == date(year, 6, project.go_live.day)
    assert project.go_live <= today
    # and it was appraised: three options, the decision linked to the project and the meeting
    evaluation = Evaluation.objects.get(improvements=improvement)
    assert evaluation.alternatives.count() == 3
    assert evaluation.decision.project == project
    assert evaluation.decision.meeting.start.month == 4
    # and the go-live answered every feedback item of it and told each giver once
    grouped = improvement.feedback.all()
    assert set(grouped.values_list("status", flat=True)) == {"answered"}
    answered = FeedbackStatusChange.objects.filter(feedback__in=grouped, to_status="answered")
    assert answered.count() == grouped.count()
    assert {c.created.date() for c in answered} == {project.go_live}
    givers = services.givers_of(grouped)
    notices = Notice.objects.filter(kind=services.DELIVERED, object_id=project.pk)
    assert notices.count() == len(givers) >= 3
    assert sorted(m.to[0] for m in mail.outbox if m.to[0] in {n.email for n in notices}) == sorted(
        notices.values_list("email", flat=True)
    )
    assert improvement.status_changes.get(to_status="done").notified == len(givers)
    assert set(notices.values_list("language", flat=True)) == {language}
    assert notices.filter(recipient__isnull=True).count() >= 1  # a client's contact
    # and the praise since was read like the rest: nothing older than two weeks is still new
    since = Feedback.objects.filter(
        system=improvement.system,
        date__gte=project.go_live,
        text__in=[t(row[2]) for row in feedback_demo.STORY_AFTER],
    )
    assert since.count() == len(feedback_demo.STORY_AFTER)
    assert not since.filter(status="new", date__lt=today - timedelta(days=14)).exists()
    # and the meetings of the series from March to July follow its progress
    points = AgendaItem.objects.filter(
        occurrence__series=complaint.occurrence.series, system=improvement.system
    )
    months = {p.occurrence.start.month for p in points if p.occurrence.start.year == year}
    assert sorted(months) == [3, 4, 5, 6, 7]
    july = points.get(title=t(feedback_demo.STORY_MEETINGS[-1][1])).occurrence
    assert t(feedback_demo.STORY_MEETINGS[-1][1]) in july.minutes
    # and the system's review shows the ratings before and after, improved
    review = services.post_implementation_review(improvement.system, today)
    assert review["project"] == project
    review = review["review"]
    assert review.ready
    assert review.before.average_rating < 2.5 < 3.8 < review.after.average_rating
