"""The demo's governance, in English and Polish: policies with a real version history (states,
hashes, two reviews overdue), three exceptions (one expired), procedures step by step, the four
audiences and a year of training whose certificates are valid, expiring and expired."""

from collections import Counter
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from openmis import demo
from openmis.core import registry
from openmis.governance import demo as governance_demo
from openmis.governance import training
from openmis.governance.audience_members import members
from openmis.governance.models import (
    Attempt,
    Audience,
    Certificate,
    Course,
    Enrolment,
    Policy,
    PolicyException,
    PolicyVersion,
    Procedure,
    ProcedureStep,
)
from openmis.governance.models.policies import text_hash
from openmis.org import demo as org_demo
from openmis.org.models import Person
from openmis.portfolio import demo as portfolio_demo

#: A fixed day, on which the year of training comes to the exact numbers below.
DAY = date(2027, 3, 31)

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("demo")]

TITLES = {
    "en": ("Passwords and multi-factor authentication", "Users of Salesforce Sales Cloud"),
    "pl": ("Hasła i uwierzytelnianie wieloskładnikowe", "Użytkownicy Salesforce Sales Cloud"),
}


def _load(language, today):
    org_demo.load(language=language)
    portfolio_demo.load(today, language=language)
    governance_demo.load(today, language=language)


@pytest.mark.parametrize(
    ("language", "today"), [("en", timezone.localdate()), ("en", DAY), ("pl", DAY)]
)
def test_the_demo_tells_a_governance_story(language, today):
    _load(language, today)
    # Policies: 13 published (with their history), one in review, one draft
    assert Policy.objects.count() == 15
    states = Counter(PolicyVersion.objects.values_list("state", flat=True))
    assert states == {"published": 13, "retired": 12, "in_review": 1, "draft": 1}
    assert Counter(
        PolicyVersion.objects.filter(state__in=PolicyVersion.FROZEN).values_list(
            "change", flat=True
        )
    ) == {"material": 17, "minor": 8}
    for version in PolicyVersion.objects.filter(state__in=PolicyVersion.FROZEN):
        assert version.sha256 == text_hash(version.text)
        assert version.published_at.date() < today
        assert version.approved_by_id not in (None, version.author_id)
    assert Policy.objects.filter(systems__isnull=False).distinct().count() == 14
    overdue = [p.title for p in Policy.objects.all() if p.review_overdue(today)]
    t = governance_demo.texts(language)
    assert sorted(overdue) == sorted([t("Backup and restore"), t("Mobile devices")])
    passwords = Policy.objects.get(title=TITLES[language][0])
    assert passwords.current_version.number == 2
    assert passwords.current_version.text.startswith(f"# {TITLES[language][0]}")
    # Exceptions: three, one of them expired
    assert PolicyException.objects.count() == 3
    assert PolicyException.objects.active_on(today).count() == 2
    # Procedures with ordered steps, each done by a role
    assert Procedure.objects.count() == 5
    assert ProcedureStep.objects.count() == 22
    assert not ProcedureStep.objects.filter(responsible_role=None).exists()
    # Audiences: the whole organization, Sales, Salesforce's users, MIS
    assert Audience.objects.count() == 4
    salesforce_users = members(Audience.objects.get(name=TITLES[language][1]))
    analyst = Person.objects.get(user__username="analyst")
    assert analyst.pk in salesforce_users
    # Training: ten courses with a quiz, a year of completions in every validity state
    assert Course.objects.count() == 10
    assert all(c.questions.count() == 2 and c.pages.count() == 2 for c in Course.objects.all())
    certificates = list(Certificate.objects.select_related("enrolment"))
    by_state = Counter(training.state(c, today) for c in certificates)
    assert set(by_state) == {training.VALID, training.EXPIRING, training.EXPIRED}
    assert by_state == {training.VALID: 510, training.EXPIRING: 118, training.EXPIRED: 24}
    assert Counter(Enrolment.objects.values_list("status", flat=True)) == {
        "passed": 652,
        "in_progress": 64,
        "failed": 42,
        "assigned": 40,
    }
    assert Attempt.objects.count() == 781
    assert all(c.enrolment.status == "passed" for c in certificates)
    assert Enrolment.objects.filter(status="passed").count() == len(certificates)
    assert Attempt.objects.filter(passed=False).exists()
    for course in Course.objects.all():
        fingerprint = training.fingerprint(course)
        assert set(
            Attempt.objects.filter(enrolment__course=course).values_list("quiz_hash", flat=True)
        ) == {fingerprint}


def test_the_governance_demo_loads_again_after_a_reset():
    today = timezone.localdate()
    _load("en", today)
    counts = (Policy.objects.count(), PolicyVersion.objects.count(), Certificate.objects.count())
    demo.reset()
    assert (Policy.objects.count(), Certificate.objects.count(), Course.objects.count()) == (
        0,
        0,
        0,
    )
    _load("en", today)
    assert (
        Policy.objects.count(),
        PolicyVersion.objects.count(),
        Certificate.objects.count(),
    ) == counts


@pytest.mark.parametrize("username", ["director", "analyst", "employee"])
def test_the_governance_pages_show_the_demo(username):
    # Given the governance demo in Polish
    _load("pl", timezone.localdate())
    user = Person.objects.get(user__username=username).user
    client = Client()
    client.force_login(user)
    policy = Policy.objects.get(title=TITLES["pl"][0])
    pages = [
        registry.get(model).url("list")
        for model in (Policy, PolicyException, Procedure, Audience, Course, Enrolment, Certificate)
    ]
    pages += [
        policy.get_absolute_url(),
        reverse("governance:policy_diff", kwargs={"pk": policy.pk}),
        Course.objects.get(title="Świadomość bezpieczeństwa").get_absolute_url(),
        Procedure.objects.order_by("pk").first().get_absolute_url(),
    ]
    enrolment = Enrolment.objects.filter(person__user=user).order_by("pk").first()
    pages.append(enrolment.get_absolute_url())
    # When they open its lists and pages, each renders (or is refused, never an error)
    statuses = {page: client.get(page).status_code for page in pages}
    assert set(statuses.values()) <= {200, 403}, statuses
    # And the policy in force, its exceptions and the user's own training are readable
    assert statuses[policy.get_absolute_url()] == 200
    assert statuses[enrolment.get_absolute_url()] == 200
    # And their certificate of the yearly course prints
    certificate = Certificate.objects.get(
        person__user=user, course__title="Świadomość bezpieczeństwa"
    )
    response = client.get(reverse("governance:certificate_pdf", kwargs={"pk": certificate.pk}))
    assert (response.status_code, response["Content-Type"]) == (200, "application/pdf")
