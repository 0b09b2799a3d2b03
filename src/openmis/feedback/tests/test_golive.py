"""Closed by the deployment: the go-live of the project that implements improvements delivers
them (done, recorded), answers their feedback and tells each giver once, in their language;
the project page lists its improvements, the improvement form offers its system's projects,
and the system page shows its feedback by status and the improvements delivered."""

import csv
import io
import re
from datetime import date

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from openmis.core import registry
from openmis.core.models import Notice
from openmis.feedback import services
from openmis.feedback.models import Feedback, FeedbackStatusChange, Improvement, StatusChange
from openmis.feedback.tests.factories import FeedbackFactory, ImprovementFactory
from openmis.meetings.tests.factories import ClientContactFactory
from openmis.org.roles import EMPLOYEE
from openmis.org.tests.factories import DepartmentFactory, PersonFactory, user_with_role
from openmis.portfolio import services as portfolio
from openmis.portfolio.models import DeploymentProject
from openmis.portfolio.tests.factories import ProjectFactory, SystemFactory

pytestmark = pytest.mark.django_db
GO_LIVE = date(2026, 6, 15)


def logged_in(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def release():
    """A project implementing two improvements of the CRM, their feedback given by an English
    and a Polish colleague, a client's contact and (merged as a duplicate) one more person."""
    system = SystemFactory(name="Legacy CRM")
    dept = DepartmentFactory(name="Customer Relations")
    project = ProjectFactory(system=system, name="CRM 2.0")
    jan = PersonFactory(email="jan@example.com", department=dept, language="en")
    ola = PersonFactory(email="ola@example.com", department=dept, language="pl")
    marta = PersonFactory(email="marta@example.com", department=dept)
    contact = ClientContactFactory(email="buyer@client.example.com", name="Anna Buyer")
    search = ImprovementFactory(system=system, title="Faster customer search", project=project)
    export = ImprovementFactory(system=system, title="Export to Excel", project=project)
    declined = ImprovementFactory(system=system, title="Dark mode", project=project)
    Improvement.objects.filter(pk=declined.pk).update(status="declined", decline_reason="No")
    elsewhere = ImprovementFactory(system=system, title="Mobile app")

    def give(improvement, **kwargs):
        item = FeedbackFactory(system=system, department=dept, **kwargs)
        improvement.feedback.add(item)
        return item

    jans = give(search, author=jan)
    give(search, author=ola)  # Ola gave feedback to both improvements: still one e-mail
    give(export, author=ola)
    give(export, contact=contact, client=contact.client, language="")
    # Marta's item repeats Jan's: merged into it, she is told with him (in Polish, her item's)
    FeedbackFactory(
        system=system,
        department=dept,
        author=marta,
        language="pl",
        status="duplicate",
        duplicate_of=jans,
    )
    give(elsewhere, author=jan)
    return {
        "project": project,
        "system": system,
        "search": search,
        "export": export,
        "declined": declined,
        "elsewhere": elsewhere,
    }


def test_the_go_live_delivers_answers_and_tells_each_giver_once_in_their_language(
    release, director, django_capture_on_commit_callbacks
):
    project = release["project"]
    # When the MIS director records the go-live
    with django_capture_on_commit_callbacks(execute=True):
        portfolio.go_live(project, GO_LIVE, director)
    # Then its open improvements are done, each change recorded with who made it
    statuses = dict(Improvement.objects.values_list("title", "status"))
    assert statuses == {
        "Faster customer search": "done",
        "Export to Excel": "done",
        "Dark mode": "declined",  # declined stays declined
        "Mobile app": "new",  # another project's (none): untouched
    }
    changes = {c.improvement.title: c for c in StatusChange.objects.select_related("improvement")}
    assert set(changes) == {"Faster customer search", "Export to Excel"}
    assert all(c.to_status == "done" and c.changed_by == director for c in changes.values())
    assert "CRM 2.0" in changes["Export to Excel"].reason
    # Search: Jan, Ola, Marta (duplicate); Export: Ola, the contact
    assert changes["Faster customer search"].notified == 3
    assert changes["Export to Excel"].notified == 2
    # their feedback (and the duplicate) is answered, the other improvement's is not
    answered = Feedback.objects.filter(improvements__project=project) | Feedback.objects.filter(
        duplicate_of__improvements__project=project
    )
    assert {f.status for f in answered.distinct()} == {"answered"}
    assert answered.distinct().count() == 5
    assert Feedback.objects.get(improvements=release["elsewhere"]).status == "new"
    assert FeedbackStatusChange.objects.filter(to_status="answered").count() == 5
    # and each giver gets exactly one e-mail, clients included
    assert sorted(m.to[0] for m in mail.outbox) == [
        "buyer@client.example.com",
        "jan@example.com",
        "marta@example.com",
        "ola@example.com",
    ]
    by = {m.to[0]: m for m in mail.outbox}
    # naming what changed: the system, the project, its go-live day and the improvements
    jan = by["jan@example.com"]
    assert "Legacy CRM" in jan.subject and "CRM 2.0" in jan.subject
    assert "Jun 15, 2026" in jan.body
    assert "Faster customer search" in jan.body and "Export to Excel" not in jan.body
    assert release["search"].get_absolute_url() in jan.body  # a link to what was delivered
    ola = by["ola@example.com"]
    assert "Faster customer search" in ola.body and "Export to Excel" in ola.body
    buyer = by["buyer@client.example.com"]
    assert "Export to Excel" in buyer.body and "Faster customer search" not in buyer.body
    assert "/feedback/" not in buyer.body  # no link a client cannot open
    # in their language: Ola's own (Polish), Marta's item's (Polish), the default otherwise
    assert "15 cze 2026" in ola.body and "15 cze 2026" in by["marta@example.com"].body
    assert "Jun 15, 2026" in buyer.body
    languages = dict(Notice.objects.values_list("email", "language"))
    assert languages == {
        "buyer@client.example.com": "en",
        "jan@example.com": "en",
        "marta@example.com": "pl",
        "ola@example.com": "pl",
    }


def test_going_live_twice_tells_nobody_twice(release, director, django_capture_on_commit_callbacks):
    project = release["project"]
    with django_capture_on_commit_callbacks(execute=True):
        portfolio.go_live(project, GO_LIVE, director)
    assert len(mail.outbox) == 4
    # a second go-live is refused, and changes nothing
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        portfolio.go_live(DeploymentProject.objects.get(pk=project.pk), GO_LIVE, director)
    # the hook asked again (a retried task, a re-run) finds nothing open and sends nothing
    with django_capture_on_commit_callbacks(execute=True):
        assert services.project_went_live(project, director) is None
    assert len(mail.outbox) == 4
    assert StatusChange.objects.count() == 2


def test_a_late_improvement_of_a_live_project_is_told_once_per_person(
    release, director, django_capture_on_commit_callbacks
):
    """An improvement linked after the go-live and delivered by asking again is told to its
    givers; those already told of this go-live are not told again."""
    project = release["project"]
    with django_capture_on_commit_callbacks(execute=True):
        portfolio.go_live(project, GO_LIVE, director)
    late = ImprovementFactory(system=release["system"], title="Late fix", project=project)
    late.feedback.add(FeedbackFactory(system=release["system"], author=PersonFactory()))
    with django_capture_on_commit_callbacks(execute=True):
        services.project_went_live(DeploymentProject.objects.get(pk=project.pk), director)
    assert len(mail.outbox) == 5
    late.refresh_from_db()
    assert late.status == "done"


def test_a_project_without_improvements_goes_live_as_before(
    director, django_capture_on_commit_callbacks
):
    project = ProjectFactory()
    with django_capture_on_commit_callbacks(execute=True):
        portfolio.go_live(project, GO_LIVE, director)
    project.refresh_from_db()
    assert project.go_live == GO_LIVE
    assert project.system.lifecycle_stage == "deployed"
    assert mail.outbox == [] and StatusChange.objects.count() == 0


def test_who_may_record_the_go_live_is_unchanged(
    release, director, department, django_capture_on_commit_callbacks
):
    project = release["project"]
    url = f"/portfolio/projects/{project.pk}/go-live/"
    employee = logged_in(user_with_role(EMPLOYEE, department, username="emp"))
    with django_capture_on_commit_callbacks(execute=True):
        assert employee.post(url).status_code == 403
    project.refresh_from_db()
    assert project.go_live is None
    assert mail.outbox == [] and not Improvement.objects.filter(status="done").exists()
    # the MIS director may (the page's button); the improvements are delivered with it
    with django_capture_on_commit_callbacks(execute=True):
        assert logged_in(director).post(url).status_code == 302
    project.refresh_from_db()
    assert project.go_live == timezone.localdate()
    assert Improvement.objects.filter(status="done").count() == 2
    assert len(mail.outbox) == 4


def test_the_project_page_lists_its_improvements(release, director_client):
    page = director_client.get(release["project"].get_absolute_url()).content.decode()
    section = page.split('id="project-improvements"')[1].split("</section>")[0]
    assert "Faster customer search" in section and "Export to Excel" in section
    assert "Dark mode" in section and "Mobile app" not in section


def test_the_improvement_form_offers_only_its_systems_projects(release, director_client):
    other = ProjectFactory(name="Payroll upgrade")
    page = director_client.get(
        f"/feedback/improvements/{release['search'].pk}/edit/"
    ).content.decode()
    field = re.search(r'<select[^>]*name="project".*?</select>', page, re.S).group(0)
    assert "data-picker" in field  # a searchable picker
    assert "CRM 2.0" in field and other.name not in field
    # a project of another system is refused
    response = director_client.post(
        f"/feedback/improvements/{release['search'].pk}/edit/",
        {
            "title": "Faster customer search",
            "system": release["system"].pk,
            "reach": 10,
            "impact": "1",
            "confidence": 80,
            "effort": "2",
            "project": other.pk,
        },
    )
    assert response.status_code == 400
    assert "project" in response.context["form"].errors
    assert Improvement.objects.get(pk=release["search"].pk).project == release["project"]


# --- the system page ------------------------------------------------------------------------


def test_the_system_page_counts_feedback_by_status_as_the_filtered_list_does(
    release, director, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        portfolio.go_live(release["project"], GO_LIVE, director)
    FeedbackFactory(system=release["system"])  # new
    FeedbackFactory(system=SystemFactory())  # another system's
    client = logged_in(director)
    response = client.get(release["system"].get_absolute_url())
    section = response.context["feedback_section"]
    counts = {row["status"]: row["count"] for row in section["by_status"]}
    assert counts["answered"] == 5 and counts["new"] == 2
    assert sum(counts.values()) == section["count"] == 7
    for row in section["by_status"]:
        listed = client.get(row["url"])  # the list the count links to
        assert listed.status_code == 200
        # its rows (read through the list's export, which filters as the list does)
        query = row["url"].split("?", 1)[1]
        export = client.get(f"{registry.get(Feedback).url('export')}?{query}&format=csv")
        rows = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode())))
        assert len(rows) - 1 == row["count"], row["status"]
    page = response.content.decode()
    assert f'href="{section["by_status"][-1]["url"].replace("&", "&amp;")}"' in page
    # the improvements delivered, with their project and day
    delivered = page.split('id="delivered-improvements"')[1].split("</ul>")[0]
    assert "Faster customer search" in delivered and "Export to Excel" in delivered
    assert "CRM 2.0" in delivered and "Jun 15, 2026" in delivered
    assert "Mobile app" not in delivered


def test_the_system_page_reads_its_feedback_in_a_fixed_number_of_queries(
    director, django_assert_max_num_queries
):
    def system_with(count):
        system = SystemFactory()
        project = ProjectFactory(system=system, go_live=GO_LIVE)
        for n in range(count):
            item = FeedbackFactory(system=system, status=["new", "answered", "planned"][n % 3])
            improvement = ImprovementFactory(system=system, project=project)
            improvement.feedback.add(item)
            Improvement.objects.filter(pk=improvement.pk).update(status="done")
        return system

    small, large = system_with(1), system_with(30)
    client = logged_in(director)
    client.get("/")  # the session's first request reads what every later one has
    with CaptureQueriesContext(connection) as few:
        assert client.get(small.get_absolute_url()).status_code == 200
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(large.get_absolute_url())
    assert response.context["feedback_section"]["count"] == 30
    assert len(response.context["feedback_section"]["delivered"]) == 10


def test_a_status_change_reaches_the_client_contact_too(
    release, director, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        change = services.change_status(release["export"], "in_progress", director)
    assert change.notified == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["buyer@client.example.com", "ola@example.com"]


def test_the_contact_must_work_for_the_feedbacks_client():
    contact = ClientContactFactory()
    other = ClientContactFactory()
    item = FeedbackFactory.build(
        system=SystemFactory(), department=DepartmentFactory(), contact=contact
    )
    item.full_clean()
    assert item.client_id == contact.client_id  # taken from the contact
    item.contact = other
    with pytest.raises(ValidationError) as error:
        item.full_clean()
    assert "contact" in error.value.message_dict
