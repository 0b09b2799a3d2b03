"""End to end in a real headless Chromium, the governance story of issue 15: a member of the MIS
office writes a policy for the users of Salesforce Sales Cloud (its audience and the policy
chosen with the searchable pickers) and links the system's course to it; the MIS director
approves and publishes it; one of the system's users, an analyst working in Polish, finds it
on the cockpit ("Moje potwierdzenia"), acknowledges it, opens the course it links to, fails
the quiz, passes it on the second attempt and downloads the certificate; the director's
acknowledgement dashboard then shows one more acknowledged.

Real roles, no superuser. The system, its users (``SystemAccess``) and the course with its quiz
are made with factories (the issue asks the UI only for the policy's side). Chromium, the
contexts, the log-in and the picker's steps come from :mod:`openmis.tests.browser`."""

import io
import re
from pathlib import Path

from playwright.sync_api import expect
from pypdf import PdfReader

from openmis.governance import acknowledgements
from openmis.governance.assignments import enrol_users
from openmis.governance.models import Acknowledgement, Policy
from openmis.governance.tests.factories_training import (
    CourseFactory,
    QuizChoiceFactory,
    QuizQuestionFactory,
)
from openmis.org.models import Person
from openmis.org.roles import ANALYST, DIRECTOR, EMPLOYEE, STAFF
from openmis.org.tests.factories import DepartmentFactory, PersonFactory, user_with_role
from openmis.portfolio.tests.factories import AccessFactory, SystemFactory
from openmis.tests.browser import BROWSER, log_in, pick, submit, with_totp

pytestmark = BROWSER

POLICY = "Customer data in Salesforce"
COURSE = "Dane klientów w Salesforce"


def _named(user, first, last):
    Person.objects.filter(user=user).update(first_name=first, last_name=last)
    return Person.objects.get(user=user)


def _quiz(course):
    """Two single-answer questions (pass mark 80%: one wrong answer fails)."""
    answers = {}
    for position, (text, right, wrong) in enumerate(
        [
            ("Gdzie wolno eksportować dane klientów?", "Tylko do systemów firmy", "Na pendrive"),
            ("Komu zgłaszasz wyciek danych?", "Biuru MIS w ciągu godziny", "Nikomu"),
        ],
        start=1,
    ):
        question = QuizQuestionFactory(course=course, position=position, text=text)
        answers[position] = (
            QuizChoiceFactory(question=question, text=right, correct=True),
            QuizChoiceFactory(question=question, text=wrong, correct=False),
        )
    return answers


def test_a_policy_for_the_users_of_a_system_is_acknowledged_and_trained(new_context):
    # Given the MIS office (a staff member who writes policies, the director) and Sales
    mis = DepartmentFactory(name="MIS", code="MIS")
    sales = DepartmentFactory(name="Sprzedaż", code="SPR")
    _named(user_with_role(STAFF, mis, username="ewa", email="ewa@example.com"), "Ewa", "Lis")
    with_totp(user_with_role(DIRECTOR, mis, username="director", totp=False))
    # and Salesforce Sales Cloud with three users: an analyst and an employee of Sales, and a
    # colleague without an account in OpenMIS; someone else does not use it
    anna_user = user_with_role(ANALYST, sales, username="anna", email="anna@example.com")
    anna = _named(anna_user, "Anna", "Wójcik")
    piotr_user = user_with_role(EMPLOYEE, sales, username="piotr", email="piotr@example.com")
    piotr = _named(piotr_user, "Piotr", "Kowalski")
    marta = PersonFactory(first_name="Marta", last_name="Zając", department=sales)
    PersonFactory(first_name="Jan", last_name="Nowak", department=sales)
    salesforce = SystemFactory(name="Salesforce Sales Cloud", business_owner=sales)
    for person in (anna, piotr, marta):
        AccessFactory(person=person, system=salesforce)
    # and the course every user of the system must pass, with its quiz: they are enrolled
    course = CourseFactory(title=COURSE, required_for_users=True, pass_mark=80, attempt_limit=3)
    course.systems.add(salesforce)
    answers = _quiz(course)
    enrol_users(salesforce)

    # When the staff member defines the audience "users of Salesforce Sales Cloud"
    staff = new_context().new_page()
    log_in(staff, "ewa")
    staff.goto("/governance/audiences/")
    staff.click("#add-object")
    staff.fill("#id_name", "Users of Salesforce Sales Cloud")
    pick(staff, "systems", "Salesforce Sales")
    with staff.expect_navigation():
        submit(staff)
    expect(staff.locator("h1")).to_have_text("Users of Salesforce Sales Cloud")
    # and the policy for them, linked to the system
    staff.goto("/governance/policies/")
    staff.click("#add-object")
    staff.fill("#id_title", POLICY)
    pick(staff, "owner", "Ewa Lis")
    pick(staff, "audience", "Users of Salesforce")
    pick(staff, "systems", "Salesforce Sales")
    with staff.expect_navigation():
        submit(staff)
    policy = Policy.objects.get(title=POLICY)
    assert policy.audience.name == "Users of Salesforce Sales Cloud"
    assert list(policy.systems.all()) == [salesforce]
    # and writes its first version and submits it for review
    with staff.expect_navigation():
        staff.click("#new-draft")
    staff.fill("#id_text", "Customer data stays in **Salesforce**: no exports to private devices.")
    with staff.expect_navigation():
        submit(staff)
    with staff.expect_navigation():
        staff.click("#transition-submit")
    expect(staff.locator("#version-state")).to_have_text("In review")
    # and links the system's course to the policy
    staff.goto(course.get_absolute_url())
    staff.get_by_role("link", name="Edit", exact=True).click()
    pick(staff, "policies", POLICY)
    with staff.expect_navigation():
        submit(staff)
    assert list(course.policies.all()) == [policy]

    # When the MIS director approves the version and publishes it as a material change
    director = new_context().new_page()
    log_in(director, "director", totp=True)
    director.goto(policy.get_absolute_url())
    director.click("#open-version")
    with director.expect_navigation():
        director.click("#transition-approve")
    expect(director.locator("#version-state")).to_have_text("Approved")
    director.goto(policy.get_absolute_url())
    director.click("#publish")
    director.check("input[name=change][value=material]")
    with director.expect_navigation():
        submit(director)
    expect(director.locator("#current-version")).to_contain_text("version 1")
    # Then the system's three users, and only they, are asked; the employee acknowledges first
    asked = Acknowledgement.objects.filter(campaign__policy=policy)
    assert sorted(a.person.first_name for a in asked) == ["Anna", "Marta", "Piotr"]
    acknowledgements.acknowledge(asked.get(person=piotr), piotr_user)
    # and the director's dashboard shows one acknowledged, two pending
    director.locator("#policy-campaigns a").first.click()
    expect(director.locator("#campaign-dashboard [data-total=accepted]")).to_have_text("1")
    expect(director.locator("#campaign-dashboard [data-total=pending]")).to_have_text("2")
    row = director.locator(f"#campaign-dashboard tr[data-department='{sales.pk}']")
    expect(row.locator("[data-column=accepted]")).to_have_text("1")

    # When the analyst, who works in Polish, logs in: the cockpit asks her to acknowledge it
    page = new_context(locale="pl-PL", accept_downloads=True).new_page()
    log_in(page, "anna")
    tile = page.locator("section[aria-labelledby=my-acknowledgements-heading]")
    expect(tile.locator("h2")).to_have_text("Moje potwierdzenia")
    expect(tile.locator("#my-acknowledgements li")).to_contain_text(POLICY)
    expect(tile.locator("#my-acknowledgements li")).to_contain_text("wersja 1")
    with page.expect_navigation():
        tile.get_by_role("link", name="Przeczytaj i potwierdź").click()
    expect(page.locator("#ack-text")).to_contain_text("Customer data stays in Salesforce")
    # and she acknowledges it
    with page.expect_navigation():
        page.click("#ack-acknowledge")
    expect(page.locator(".alert-success")).to_contain_text("potwierdzenie zostało zapisane")
    expect(page.locator("#ack-state")).to_contain_text("Potwierdzone")
    expect(page.locator("#ack-acknowledge")).to_have_count(0)
    # and opens the course the policy links to, and takes its quiz
    courses = page.locator("#policy-courses")
    expect(courses.locator("h2")).to_have_text("Kursy")
    with page.expect_navigation():
        courses.get_by_role("link", name=COURSE).click()
    expect(page.locator("h1")).to_have_text(COURSE)
    with page.expect_navigation():
        page.get_by_role("link", name="Rozwiąż test").click()
    expect(page.locator("h1")).to_contain_text(COURSE)
    # a wrong answer to the second question: 50%, failed
    page.check(f"#c-{answers[1][0].pk}")
    page.check(f"#c-{answers[2][1].pk}")
    with page.expect_navigation():
        page.get_by_role("button", name="Wyślij odpowiedzi").click()
    expect(page.locator(".alert-warning")).to_contain_text("próg zaliczenia to 80%")
    expect(page.locator("#attempts li")).to_have_count(1)
    expect(page.locator("#attempts")).to_contain_text("niezaliczona")
    expect(page.locator("#enrolment-status")).not_to_contain_text("zaliczony")
    # and again, all right: passed, with a certificate
    with page.expect_navigation():
        page.get_by_role("link", name="Rozwiąż test").click()
    page.check(f"#c-{answers[1][0].pk}")
    page.check(f"#c-{answers[2][0].pk}")
    with page.expect_navigation():
        page.get_by_role("button", name="Wyślij odpowiedzi").click()
    expect(page.locator(".alert-success")).to_contain_text("Twój certyfikat jest gotowy")
    expect(page.locator("#attempts li")).to_have_count(2)
    with page.expect_navigation():
        page.locator("#certificates a").first.click()
    # and downloads the certificate: a PDF in Polish naming her and the course
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Pobierz certyfikat (PDF)").click()
    content = Path(download_info.value.path()).read_bytes()
    assert content.startswith(b"%PDF")
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)
    text = re.sub(r"\s+", " ", text)
    assert "Certyfikat ukończenia" in text
    assert "Anna Wójcik" in text
    assert COURSE in text

    # Then the director's dashboard shows one more acknowledged: two, and one pending
    director.reload()
    expect(director.locator("#campaign-dashboard [data-total=accepted]")).to_have_text("2")
    expect(director.locator("#campaign-dashboard [data-total=pending]")).to_have_text("1")
    expect(row.locator("[data-column=accepted]")).to_have_text("2")
    # and the drill-down names her with the version she acknowledged
    row.locator("[data-column=accepted] a").click()
    expect(director.locator("#campaign-people")).to_contain_text("Anna Wójcik")
    expect(director.locator("#campaign-people")).to_contain_text("version 1")
