"""Training: taking a quiz (UI and API), the attempt limit, answers to a changed quiz, the
states of certificates, raising a course's version, the certificate PDF and who may get it,
external certificates' files, and the "My training" tile."""

import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from openmis.conftest import ROLES
from openmis.core.models import Attachment
from openmis.governance import training
from openmis.governance.models import Attempt, Certificate, Course, Enrolment, QuizChoice
from openmis.governance.tests import factories_training as f
from openmis.org.roles import ANALYST, DIRECTOR, EMPLOYEE, LEADER, STAFF
from openmis.org.tests.factories import DepartmentFactory, user_with_role

pytestmark = pytest.mark.django_db


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def learner(department):
    return user_with_role(EMPLOYEE, department, username="learner")


@pytest.fixture
def quiz(learner):
    course, questions = f.course_with_quiz(attempt_limit=2, validity_months=12)
    enrolment = f.EnrolmentFactory(person=learner.person, course=course)
    return enrolment, questions


def right_answers(questions) -> dict:
    return {str(q.pk): [c.pk for c in q.choices.all() if c.correct] for q in questions}


def wrong_answers(questions) -> dict:
    return {str(q.pk): [c.pk for c in q.choices.all() if not c.correct][:1] for q in questions}


def fingerprint_of(enrolment) -> str:
    return training.fingerprint(Course.objects.get(pk=enrolment.course_id))


# --- taking the quiz in the browser --------------------------------------------------------------


def test_the_enrolled_person_passes_the_quiz_and_gets_a_certificate(learner, quiz):
    enrolment, questions = quiz
    client = client_of(learner)
    url = reverse("governance:enrolment_quiz", args=[enrolment.pk])

    page = client.get(url)
    assert page.status_code == 200
    assert f'type="radio" name="q-{questions[0].pk}"' in page.content.decode()
    assert f'type="checkbox" name="q-{questions[1].pk}"' in page.content.decode()
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.IN_PROGRESS

    data = {"fingerprint": page.context["fingerprint"]}
    data |= {f"q-{k}": v for k, v in right_answers(questions).items()}
    response = client.post(url, data)

    assert response.status_code == 302
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.PASSED
    certificate = Certificate.objects.get(enrolment=enrolment)
    today = timezone.localdate()
    assert certificate.issued_on == today
    assert certificate.valid_until == training.add_months(today, 12) - timedelta(days=1)
    assert certificate.score == Decimal("100.00")
    assert certificate.person_id == learner.person.pk


def test_the_score_is_written_in_the_readers_language_and_attempts_end_with_a_pass(learner, quiz):
    enrolment, questions = quiz
    client = client_of(learner)
    client.cookies["django_language"] = "pl"
    url = reverse("governance:enrolment_quiz", args=[enrolment.pk])
    data = {"fingerprint": client.get(url).context["fingerprint"]}
    data |= {f"q-{k}": v for k, v in wrong_answers(questions).items()}
    data[f"q-{questions[0].pk}"] = right_answers(questions)[str(questions[0].pk)]
    failed = client.post(url, data, follow=True)
    [message] = [str(m) for m in failed.context["messages"]]
    assert "50,00%" in message  # not 50.00 in Polish
    assert 'id="attempts"' in failed.content.decode()

    data = {"fingerprint": client.get(url).context["fingerprint"]}
    data |= {f"q-{k}": v for k, v in right_answers(questions).items()}
    passed = client.post(url, data, follow=True)
    [message] = [str(m) for m in passed.context["messages"]]
    assert "100,00%" in message
    # once passed, the attempts left no longer matter: the status stands alone
    status = passed.content.decode().split('id="enrolment-status"')[1].split("</p>")[0]
    assert "·" not in status


def test_a_failed_attempt_is_recorded_without_a_certificate(learner, quiz):
    enrolment, questions = quiz
    outcome = training.submit(enrolment, wrong_answers(questions), fingerprint_of(enrolment))
    assert outcome.attempt.score == Decimal("0.00")
    assert outcome.attempt.passed is False
    assert outcome.attempts_left == 1
    assert outcome.certificate is None
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.FAILED


def test_the_attempt_beyond_the_limit_is_refused_with_a_clear_message(
    learner, quiz, api_client_for
):
    enrolment, questions = quiz
    api = api_client_for(learner)
    url = f"/api/governance/enrolments/{enrolment.pk}/attempt/"
    body = {"quiz": fingerprint_of(enrolment), "answers": wrong_answers(questions)}
    for left in (1, 0):
        response = api.post(url, body, format="json")
        assert response.status_code == 200
        assert response.json() == {
            "score": 0.0,
            "passed": False,
            "pass_mark": 80,
            "attempts_left": left,
            "certificate": None,
        }

    response = api.post(url, {**body, "answers": right_answers(questions)}, format="json")

    assert response.status_code == 400
    assert response.json() == {
        "non_field_errors": ["You have used all 2 attempts this course allows."]
    }
    assert Attempt.objects.filter(enrolment=enrolment).count() == 2
    assert not Certificate.objects.filter(enrolment=enrolment).exists()
    page = client_of(learner).get(reverse("governance:enrolment_quiz", args=[enrolment.pk]))
    assert "You have used all 2 attempts this course allows." in page.content.decode()


def test_the_api_passes_the_quiz(learner, quiz, api_client_for):
    enrolment, questions = quiz
    api = api_client_for(learner)
    shown = api.get(f"/api/governance/enrolments/{enrolment.pk}/quiz/").json()
    assert [q["id"] for q in shown["questions"]] == [q.pk for q in questions]
    assert "correct" not in str(shown)  # the quiz as shown does not give the answers away
    answers = {str(q["id"]): [] for q in shown["questions"]} | right_answers(questions)

    response = api.post(
        f"/api/governance/enrolments/{enrolment.pk}/attempt/",
        {"quiz": shown["quiz"], "answers": answers},
        format="json",
    )

    certificate = Certificate.objects.get(enrolment=enrolment)
    assert response.status_code == 200
    assert response.json() == {
        "score": 100.0,
        "passed": True,
        "pass_mark": 80,
        "attempts_left": 2,  # a fresh set for when the certificate expires
        "certificate": certificate.pk,
    }


def test_answers_to_a_changed_quiz_are_409_and_shown_again(learner, quiz, api_client_for):
    enrolment, questions = quiz
    api = api_client_for(learner)
    shown = api.get(f"/api/governance/enrolments/{enrolment.pk}/quiz/").json()
    # the MIS office fixes which answer is right meanwhile
    QuizChoice.objects.filter(question=questions[0]).update(correct=True)
    answers = right_answers(questions)

    response = api.post(
        f"/api/governance/enrolments/{enrolment.pk}/attempt/",
        {"quiz": shown["quiz"], "answers": answers},
        format="json",
    )

    assert response.status_code == 409
    body = response.json()
    assert body["answers"] == answers
    assert body["quiz"]["quiz"] == fingerprint_of(enrolment) != shown["quiz"]
    assert body["detail"] == "The quiz changed since it was shown to you. Answer it again."
    assert not Attempt.objects.filter(enrolment=enrolment).exists()


def test_the_quiz_page_shows_the_answers_again_when_the_quiz_changed(learner, quiz):
    enrolment, questions = quiz
    client = client_of(learner)
    url = reverse("governance:enrolment_quiz", args=[enrolment.pk])
    shown = client.get(url).context["fingerprint"]
    f.QuizChoiceFactory(question=questions[1], text="New answer", correct=False)
    picked = questions[1].choices.filter(correct=True).first()

    response = client.post(url, {"fingerprint": shown, f"q-{questions[1].pk}": [picked.pk]})

    assert response.status_code == 409
    html = response.content.decode()
    assert "The quiz changed since it was shown to you. Answer it again." in html
    assert f'value="{picked.pk}" id="c-{picked.pk}" checked' in html
    assert "New answer" in html
    assert not Attempt.objects.filter(enrolment=enrolment).exists()


@pytest.mark.parametrize("who", ["manager", "colleague", DIRECTOR])
def test_only_the_enrolled_person_takes_the_quiz(who, learner, quiz, department, api_client_for):
    enrolment, questions = quiz
    if who == "manager":
        user = user_with_role(EMPLOYEE, department, username="boss")
        learner.person.manager = user.person
        learner.person.save()
    elif who == "colleague":
        user = user_with_role(EMPLOYEE, department, username="colleague")
    else:
        user = user_with_role(DIRECTOR, department, username="director2")

    response = api_client_for(user).post(
        f"/api/governance/enrolments/{enrolment.pk}/attempt/",
        {"quiz": fingerprint_of(enrolment), "answers": right_answers(questions)},
        format="json",
    )
    page = client_of(user).get(reverse("governance:enrolment_quiz", args=[enrolment.pk]))

    assert response.status_code == (404 if who == "colleague" else 403)
    assert page.status_code == 403
    assert not Attempt.objects.exists()
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.ASSIGNED


# --- certificates: states, versions --------------------------------------------------------------


def test_certificate_states_by_date():
    certificate = f.CertificateFactory(issued_on=date(2025, 3, 10), valid_until=date(2026, 3, 9))
    assert training.state(certificate, date(2025, 12, 8)) == training.VALID
    assert training.state(certificate, date(2025, 12, 9)) == training.EXPIRING  # 90 days before
    assert training.state(certificate, date(2026, 3, 9)) == training.EXPIRING  # its last day
    assert training.state(certificate, date(2026, 3, 10)) == training.EXPIRED
    certificate.voided_on = date(2025, 6, 1)
    assert training.state(certificate, date(2025, 7, 1)) == training.VOID
    certificate.voided_on, certificate.valid_until = None, None
    assert training.state(certificate, date(2099, 1, 1)) == training.VALID


@pytest.mark.parametrize(
    ("issued", "months", "until"),
    [
        (date(2026, 1, 15), 12, date(2027, 1, 14)),
        (date(2026, 1, 31), 1, date(2026, 2, 27)),
        (date(2024, 2, 29), 12, date(2025, 2, 27)),
        (date(2026, 11, 1), 3, date(2027, 1, 31)),
        (date(2026, 1, 1), None, None),
    ],
)
def test_valid_until(issued, months, until):
    assert training.valid_until(issued, months) == until


def test_an_expired_certificate_shows_the_enrolment_expired_and_allows_a_new_attempt(learner, quiz):
    enrolment, questions = quiz
    training.submit(enrolment, right_answers(questions), fingerprint_of(enrolment))
    certificate = Certificate.objects.get(enrolment=enrolment)
    enrolment.refresh_from_db()
    assert training.refusal(enrolment, questions) == "You have already passed this course."
    Certificate.objects.filter(pk=certificate.pk).update(valid_until=date(2020, 1, 1))
    certificate.refresh_from_db()

    assert training.enrolment_status(enrolment, certificate) == Enrolment.Status.EXPIRED
    assert training.refusal(enrolment, questions) is None


@pytest.mark.parametrize("void", [True, False])
def test_raising_the_version_voids_earlier_certificates_when_asked(void, learner, quiz, director):
    enrolment, questions = quiz
    training.submit(enrolment, right_answers(questions), fingerprint_of(enrolment))
    course = enrolment.course
    course.refresh_from_db()

    response = client_of(director).post(
        reverse("governance:course_raise_version", args=[course.pk]),
        {"version": course.version, **({"void_earlier": "on"} if void else {})},
    )

    assert response.status_code == 302
    course.refresh_from_db()
    assert course.course_version == 2
    certificate = Certificate.objects.get(enrolment=enrolment)
    enrolment.refresh_from_db()
    if void:
        assert certificate.voided_on == timezone.localdate()
        assert training.state(certificate) == training.VOID
        assert enrolment.status == Enrolment.Status.ASSIGNED
        page = client_of(learner).get(certificate.get_absolute_url())
        assert '<span class="badge text-bg-secondary">void</span>' in page.content.decode()
    else:
        assert certificate.voided_on is None
        assert enrolment.status == Enrolment.Status.PASSED


@pytest.mark.parametrize("role", [STAFF, LEADER, ANALYST, EMPLOYEE])
def test_only_the_mis_office_raises_a_course_version(role, department):
    course = f.CourseFactory()
    user = user_with_role(role, department)
    response = client_of(user).post(
        reverse("governance:course_raise_version", args=[course.pk]),
        {"version": course.version, "void_earlier": "on"},
    )
    course.refresh_from_db()
    if role == STAFF:
        assert response.status_code == 302 and course.course_version == 2
    else:
        assert response.status_code == 403 and course.course_version == 1


# --- the certificate PDF -------------------------------------------------------------------------


def _certificate_for_person(department):
    holder = user_with_role(EMPLOYEE, department, username="holder")
    holder.person.first_name, holder.person.last_name = "Zażółć", "Gęślą"
    holder.person.save()
    course = f.CourseFactory(title="Ochrona danych osobowych (RODO)")
    enrolment = f.EnrolmentFactory(person=holder.person, course=course)
    return holder, f.CertificateFactory(enrolment=enrolment)


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("holder", True),
        ("manager", True),
        ("leader", True),
        (DIRECTOR, True),
        (STAFF, True),
        ("colleague", False),
        ("other leader", False),
        (ANALYST, False),
    ],
)
def test_the_certificate_pdf_is_for_its_holder_manager_leader_and_the_mis_office(who, allowed):
    home, away = DepartmentFactory(name="Home"), DepartmentFactory(name="Away")
    holder, certificate = _certificate_for_person(home)
    if who == "holder":
        user = holder
    elif who == "manager":
        user = user_with_role(EMPLOYEE, away, username="manager")
        holder.person.manager = user.person
        holder.person.save()
    elif who == "leader":
        user = user_with_role(LEADER, home)
    elif who == "other leader":
        user = user_with_role(LEADER, away)
    elif who == "colleague":
        user = user_with_role(EMPLOYEE, home)
    else:
        user = user_with_role(who, home)

    response = client_of(user).get(reverse("governance:certificate_pdf", args=[certificate.pk]))

    if not allowed:
        assert response.status_code == 403
        return
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Zażółć Gęślą" in text
    assert "Ochrona danych osobowych (RODO)" in text
    assert "Valid until" in text


def test_a_void_certificate_pdf_says_so(department):
    holder, certificate = _certificate_for_person(department)
    Certificate.objects.filter(pk=certificate.pk).update(voided_on=date(2026, 2, 1))
    response = client_of(holder).get(reverse("governance:certificate_pdf", args=[certificate.pk]))
    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert "VOID" in text


# --- external certificates' files ----------------------------------------------------------------

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _upload(api, certificate, name, content):
    upload = io.BytesIO(content)
    upload.name = name
    return api.post(
        "/api/core/attachments/?object_type=governance.externalcertificate"
        f"&object_id={certificate.pk}",
        {"file": upload},
        format="multipart",
    )


def test_an_external_certificate_file_is_checked_by_its_content(director, api_client_for):
    certificate = f.ExternalCertificateFactory()
    api = api_client_for(director)

    refused = _upload(api, certificate, "scan.pdf", b"MZ\x90\x00\x03" + b"\x00" * 200)
    page = _upload(api, certificate, "scan.pdf", b"<html><script>alert(1)</script></html>")

    assert refused.status_code == 400
    assert refused.json() == {"file": ["The file's content is not of a type that may be attached."]}
    assert page.status_code == 400
    assert Attachment.objects.count() == 0
    assert _upload(api, certificate, "scan.pdf", PDF_BYTES).status_code == 201
    assert Attachment.objects.count() == 1


@override_settings(OPENMIS_ATTACHMENT_MAX_BYTES=1024)
def test_an_external_certificate_file_over_the_limit_is_refused_naming_it(director, api_client_for):
    certificate = f.ExternalCertificateFactory()
    response = _upload(api_client_for(director), certificate, "scan.pdf", PDF_BYTES + b"0" * 2000)
    assert response.status_code == 400
    assert response.json() == {
        "file": ["The file is larger than 1.0\xa0KB, the most a file may hold."]
    }
    assert Attachment.objects.count() == 0


@pytest.mark.parametrize(("who", "status"), [("holder", 200), ("colleague", 404), (DIRECTOR, 200)])
def test_external_certificate_files_are_served_to_permitted_users_only(
    who, status, department, director, api_client_for
):
    holder = user_with_role(EMPLOYEE, department, username="holder")
    certificate = f.ExternalCertificateFactory(person=holder.person)
    attachment = _upload(api_client_for(director), certificate, "scan.pdf", PDF_BYTES).json()
    user = {"holder": holder, DIRECTOR: director}.get(who) or user_with_role(EMPLOYEE, department)

    response = api_client_for(user).get(f"/api/core/attachments/{attachment['id']}/download/")

    assert response.status_code == status
    if status == 200:
        assert b"".join(response.streaming_content) == PDF_BYTES


# --- who sees whose training ---------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_enrolments_each_role_sees(role, api_client_for):
    home, away = DepartmentFactory(name="Home"), DepartmentFactory(name="Away")
    user = user_with_role(role, home)
    own = f.EnrolmentFactory(person=user.person)
    same_department = f.EnrolmentFactory(person=user_with_role(EMPLOYEE, home).person)
    elsewhere = f.EnrolmentFactory(person=user_with_role(EMPLOYEE, away).person)

    response = api_client_for(user).get("/api/governance/enrolments/")

    seen = {row["id"] for row in response.json()["results"]}
    expected = {
        DIRECTOR: {own.pk, same_department.pk, elsewhere.pk},
        STAFF: {own.pk, same_department.pk, elsewhere.pk},
        LEADER: {own.pk, same_department.pk},
        ANALYST: {own.pk},
        EMPLOYEE: {own.pk},
    }[role]
    assert response.status_code == 200
    assert seen == expected


@pytest.mark.parametrize("role", ROLES)
def test_only_the_mis_office_manages_courses(role, department, api_client_for):
    user = user_with_role(role, department)
    course = f.CourseFactory(pass_mark=80)
    api = api_client_for(user)

    created = api.post(
        "/api/governance/courses/",
        {"title": "Phishing", "pass_mark": 70, "attempt_limit": 2, "validity_months": 12},
        format="json",
    )
    changed = api.patch(
        f"/api/governance/courses/{course.pk}/",
        {"pass_mark": 50, "version": course.version},
        format="json",
    )
    listed = api.get("/api/governance/courses/")

    course.refresh_from_db()
    assert listed.status_code == 200  # everyone reads the courses
    if role in (DIRECTOR, STAFF):
        assert (created.status_code, changed.status_code) == (201, 200)
        assert course.pass_mark == 50
    else:
        assert (created.status_code, changed.status_code) == (403, 403)
        assert course.pass_mark == 80
        assert list(Course.objects.values_list("title", flat=True)) == [course.title]


@pytest.mark.parametrize("role", [LEADER, ANALYST, EMPLOYEE])
def test_quiz_answers_are_hidden_from_those_who_take_quizzes(role, department, api_client_for):
    user = user_with_role(role, department)
    f.QuizChoiceFactory(correct=True)
    assert api_client_for(user).get("/api/governance/quiz-choices/").status_code == 403
    assert api_client_for(user).get("/api/governance/quiz-questions/").status_code == 403


# --- editing a question's answers ----------------------------------------------------------------


def _formset(question, rows):
    data = {
        "choices-TOTAL_FORMS": str(len(rows)),
        "choices-INITIAL_FORMS": str(sum(1 for r in rows if r.get("id"))),
        "choices-MIN_NUM_FORMS": "0",
        "choices-MAX_NUM_FORMS": "20",
    }
    for i, row in enumerate(rows):
        for key, value in row.items():
            if key == "correct" and not value:
                continue
            data[f"choices-{i}-{key}"] = "on" if value is True else value
        data[f"choices-{i}-question"] = question.pk
    return data


def test_the_mis_office_edits_a_questions_answers_with_a_formset(director):
    question = f.QuizQuestionFactory()
    old = f.QuizChoiceFactory(question=question, text="Old", correct=True)
    url = reverse("governance:question_choices", args=[question.pk])
    client = client_of(director)
    assert client.get(url).status_code == 200

    response = client.post(
        url,
        _formset(
            question,
            [
                {"id": old.pk, "text": "Old", "correct": False, "DELETE": "on"},
                {"text": "Phishing", "correct": True},
                {"text": "Fishing", "correct": False},
            ],
        ),
    )

    assert response.status_code == 302
    assert list(question.choices.values_list("text", "correct")) == [
        ("Phishing", True),
        ("Fishing", False),
    ]


def test_the_answers_page_leads_back_and_labels_every_box(director):
    question = f.QuizQuestionFactory()
    choice = f.QuizChoiceFactory(question=question, text="Old", correct=True)
    page = client_of(director).get(reverse("governance:question_choices", args=[question.pk]))
    html = page.content.decode()
    course_url = question.course.get_absolute_url()
    question_url = question.get_absolute_url()
    assert f'<li class="breadcrumb-item"><a href="{course_url}">' in html
    crumb = f'<li class="breadcrumb-item"><a href="{question_url}">Question {question.position}</a>'
    assert crumb in html
    assert f'<a class="btn btn-link" href="{question_url}" id="choices-cancel">Cancel</a>' in html
    assert '<th scope="col">Answer</th>' in html
    for name in ("text", "correct", "DELETE"):
        assert f'<label class="visually-hidden" for="id_choices-0-{name}">' in html
    assert choice.pk


def test_a_question_without_a_correct_answer_is_refused(director):
    question = f.QuizQuestionFactory()
    response = client_of(director).post(
        reverse("governance:question_choices", args=[question.pk]),
        _formset(question, [{"text": "A", "correct": False}, {"text": "B", "correct": False}]),
    )
    assert response.status_code == 400
    assert "Mark at least one answer as correct." in response.content.decode()
    assert not question.choices.exists()


# --- My training ---------------------------------------------------------------------------------


def test_my_training_tile_is_amber_and_red(learner):
    today = timezone.localdate()
    expiring = f.CertificateFactory(
        enrolment=f.EnrolmentFactory(person=learner.person, course=f.CourseFactory(title="Soon")),
        valid_until=today + timedelta(days=30),
    )
    expired = f.CertificateFactory(
        enrolment=f.EnrolmentFactory(person=learner.person, course=f.CourseFactory(title="Gone")),
        valid_until=today - timedelta(days=1),
    )
    for certificate in (expiring, expired):
        Enrolment.objects.filter(pk=certificate.enrolment_id).update(status="passed")
    f.EnrolmentFactory(person=learner.person, course=f.CourseFactory(title="Todo"))
    f.EnrolmentFactory(course=f.CourseFactory(title="Someone else's"))

    html = client_of(learner).get("/").content.decode()

    assert 'id="my-training-heading"' in html
    assert "1 certificate expired" in html
    assert "1 certificate expires within 90 days" in html
    assert 'data-state="expiring"><a' in html and 'data-state="expired"><a' in html
    assert ">Soon</a>" in html and ">Gone</a>" in html and ">Todo</a>" in html
    assert "Someone else" not in html


def test_the_api_shows_an_enrolments_status_and_refuses_to_set_it(
    learner, quiz, director, api_client_for
):
    enrolment, _questions = quiz
    api = api_client_for(director)
    response = api.patch(
        f"/api/governance/enrolments/{enrolment.pk}/",
        {"status": "passed", "version": enrolment.version},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["status"] == "assigned"
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.ASSIGNED


@pytest.mark.parametrize("count", [2, 20])
def test_my_training_reads_a_fixed_number_of_queries(count, learner, django_assert_num_queries):
    for _ in range(count):
        f.CertificateFactory(enrolment=f.EnrolmentFactory(person=learner.person))
    with django_assert_num_queries(2):
        rows = training.my_training(learner.person, date(2026, 6, 1))
    assert len(rows) == count
    assert {r["state"] for r in rows} == {training.VALID}


def test_the_quiz_fingerprint_is_keyed_so_the_correct_choices_cannot_be_guessed(quiz, settings):
    # Given the quiz as its taker sees it (everything but which choices are correct)
    enrolment = quiz[0]
    course = Course.objects.get(pk=enrolment.course_id)
    shown = training.fingerprint(course)
    # When the same quiz is fingerprinted with another installation's secret
    settings.SECRET_KEY = "another installation's secret key, long enough to be one"
    # Then the fingerprint differs: it is a keyed hash, which the taker cannot recompute
    # offline for each guess of the correct choices
    assert training.fingerprint(course) != shown


def test_the_course_page_offers_its_quiz_to_the_enrolled_person_until_they_pass(learner, quiz):
    enrolment, questions = quiz
    client = client_of(learner)
    course_url = enrolment.course.get_absolute_url()
    quiz_url = reverse("governance:enrolment_quiz", args=[enrolment.pk])
    html = client.get(course_url).content.decode()
    assert f'id="take-quiz" href="{quiz_url}"' in html
    # someone not enrolled reads the course without the button
    other = user_with_role(EMPLOYEE, learner.person.department)
    assert 'id="take-quiz"' not in client_of(other).get(course_url).content.decode()
    # once passed, the page says so in place of the button
    data = {"fingerprint": fingerprint_of(enrolment)}
    data |= {f"q-{k}": v for k, v in right_answers(questions).items()}
    assert client.post(quiz_url, data).status_code == 302
    html = client.get(course_url).content.decode()
    assert 'id="take-quiz"' not in html
    assert "You have already passed this course." in html
