"""Training pages beyond the generic ones: a course's reading, the quiz its enrolled person
takes, the certificate PDF, raising a course's version and editing a question's answers."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import inlineformset_factory
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from openmis.core import formatting, permissions, registry
from openmis.core.forms import style_widgets
from openmis.core.markdown import render_markdown
from openmis.core.views.generic import ObjectView
from openmis.governance import training
from openmis.governance.models import (
    Certificate,
    Course,
    Enrolment,
    ExternalCertificate,
    QuizChoice,
    QuizQuestion,
)
from openmis.org.people import person_of

# --- detail pages --------------------------------------------------------------------------------


def course_context(course: Course, request) -> dict:
    """The course's description and pages rendered, its quiz size and the user's enrolment."""
    pages = [
        {"page": p, "html": render_markdown(p.body)}
        for p in course.pages.order_by("position", "pk")
    ]
    person = person_of(request.user)
    mine = None
    if person is not None:
        mine = Enrolment.objects.filter(person=person, course=course).first()
    questions = training.questions_of(course)
    return {
        "description_html": render_markdown(course.description),
        "course_pages": pages,
        "question_count": course.questions.count(),
        "my_enrolment": mine,
        # the quiz is taken from here too: refused (the reason shown) or open to the enrolled
        "my_quiz_refusal": training.refusal(mine, questions) if mine is not None else None,
        "can_manage_course": permissions.can(request.user, registry.get(Course), "change", course),
        "can_edit_quiz": permissions.can(request.user, registry.get(QuizQuestion), "add"),
        "questions": questions
        if permissions.can(request.user, registry.get(QuizQuestion), "view")
        else [],
    }


def question_context(question: QuizQuestion, request) -> dict:
    return {
        "choices": list(question.choices.all()),
        "can_edit_choices": permissions.can(request.user, registry.get(QuizChoice), "change"),
    }


def enrolment_context(enrolment: Enrolment, request) -> dict:
    """The attempts, the certificates and whether the viewer may take the quiz now."""
    certificate = training.current_certificate(enrolment)
    person = person_of(request.user)
    own = person is not None and person.pk == enrolment.person_id
    questions = training.questions_of(enrolment.course) if own else []
    return {
        "attempts": list(enrolment.attempts.order_by("taken_at", "pk")),
        "certificates": [
            {"certificate": c, "state": training.state(c)}
            for c in enrolment.certificates.order_by("-issued_on", "-pk")
        ],
        "shown_status": training.enrolment_status(enrolment, certificate),
        "own": own,
        "quiz_refusal": training.refusal(enrolment, questions) if own else None,
        "attempts_left": training.attempts_left(enrolment),
    }


def certificate_context(certificate: Certificate, request) -> dict:
    return {"certificate_state": training.state(certificate)}


def external_context(certificate: ExternalCertificate, request) -> dict:
    state = None
    if certificate.expires_on is not None:
        probe = Certificate(valid_until=certificate.expires_on)
        state = training.state(probe)
    return {"certificate_state": state}


# --- taking the quiz -----------------------------------------------------------------------------


class QuizView(ObjectView):
    """``enrolments/<pk>/quiz/``: the quiz of the enrolment's course, for its person only."""

    @property
    def object_type(self):
        return registry.get(Enrolment)

    def enrolment(self, pk) -> Enrolment:
        enrolment = self.get_object(pk)
        self.require("view", enrolment)
        person = person_of(self.request.user)
        if person is None or person.pk != enrolment.person_id:
            raise PermissionDenied(_("Only the person enrolled may take the quiz."))
        return enrolment

    def render(self, enrolment, questions, picked=None, status=200, error=None):
        items = [
            {
                "question": q,
                "multiple": training.is_multiple(q),
                "choices": [
                    {"choice": c, "checked": c.pk in (picked or {}).get(q.pk, ())}
                    for c in q.choices.all()
                ],
            }
            for q in questions
        ]
        context = self.context(
            object=enrolment,
            course=enrolment.course,
            items=items,
            fingerprint=training.fingerprint(enrolment.course, questions),
            refusal=training.refusal(enrolment, questions),
            attempts_left=training.attempts_left(enrolment),
            error=error,
        )
        return TemplateResponse(self.request, "governance/quiz.html", context, status=status)

    def get(self, request, pk):
        enrolment = self.enrolment(pk)
        training.start(enrolment)
        return self.render(enrolment, training.questions_of(enrolment.course))

    def post(self, request, pk):
        enrolment = self.enrolment(pk)
        raw = {
            key.removeprefix("q-"): request.POST.getlist(key)
            for key in request.POST
            if key.startswith("q-")
        }
        picked = {}
        for key, values in raw.items():
            try:
                picked[int(key)] = {int(v) for v in values}
            except ValueError:
                continue
        try:
            outcome = training.submit(enrolment, raw, request.POST.get("fingerprint", ""))
        except training.QuizChanged as exc:
            questions = training.questions_of(enrolment.course)
            return self.render(enrolment, questions, picked, status=409, error=str(exc))
        except training.AttemptRefused as exc:
            questions = training.questions_of(enrolment.course)
            return self.render(enrolment, questions, picked, status=400, error=str(exc))
        except ValidationError as exc:
            questions = training.questions_of(enrolment.course)
            message = " ".join(m for ms in exc.message_dict.values() for m in ms)
            return self.render(enrolment, questions, picked, status=400, error=message)
        score = formatting.number_text(outcome.attempt.score, 2)  # 66,67 in Polish
        if outcome.attempt.passed:
            messages.success(
                request,
                _("You passed with %(score)s%%. Your certificate is ready.") % {"score": score},
            )
        else:
            messages.warning(
                request,
                _("You scored %(score)s%%; the pass mark is %(mark)s%%.")
                % {"score": score, "mark": enrolment.course.pass_mark},
            )
        return redirect(registry.get(Enrolment).url("detail", enrolment))


# --- the certificate PDF -------------------------------------------------------------------------


class CertificatePdfView(ObjectView):
    """``certificates/<pk>/certificate.pdf``: for its holder, their manager, their department's
    leader and the MIS office (those who may see the certificate)."""

    @property
    def object_type(self):
        return registry.get(Certificate)

    def get(self, request, pk):
        from openmis.governance.certificate_pdf import render_certificate  # fpdf2 when asked

        certificate = self.get_object(pk)
        self.require("view", certificate)
        content = render_certificate(certificate, training.state(certificate))
        response = HttpResponse(content, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="certificate-{certificate.pk}.pdf"'
        return response


# --- raising a course's version ------------------------------------------------------------------


class RaiseVersionForm(forms.Form):
    void_earlier = forms.BooleanField(
        label=gettext_lazy("Void the certificates issued for earlier versions"),
        required=False,
        help_text=gettext_lazy(
            "Their holders must pass the quiz of the new version; void certificates stay on "
            "record, shown as void."
        ),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class RaiseVersionView(ObjectView):
    """``courses/<pk>/raise-version/``: the course changed; asks whether earlier certificates
    stay valid."""

    @property
    def object_type(self):
        return registry.get(Course)

    def course(self, pk) -> Course:
        course = self.get_object(pk)
        self.require("change", course)
        return course

    def render(self, course, form, status=200, error=None):
        style_widgets(form)
        context = self.context(object=course, form=form, error=error)
        return TemplateResponse(
            self.request, "governance/raise_version.html", context, status=status
        )

    def get(self, request, pk):
        course = self.course(pk)
        return self.render(course, RaiseVersionForm(initial={"version": course.version}))

    def post(self, request, pk):
        course = self.course(pk)
        form = RaiseVersionForm(request.POST)
        if not form.is_valid():
            return self.render(course, form, status=400)
        if form.cleaned_data["version"] != course.version:
            return self.render(
                course,
                RaiseVersionForm(initial={"version": course.version}),
                status=409,
                error=_("Someone else changed this course meanwhile. Check it and ask again."),
            )
        voided = training.raise_version(course, form.cleaned_data["void_earlier"])
        course.refresh_from_db()
        messages.success(
            request,
            ngettext(
                "The course is now at version %(version)s; %(voided)s certificate was voided.",
                "The course is now at version %(version)s; %(voided)s certificates were voided.",
                voided,
            )
            % {"version": course.course_version, "voided": voided},
        )
        return redirect(registry.get(Course).url("detail", course))


# --- a question's answers (a formset) ------------------------------------------------------------

QuizChoiceFormSet = inlineformset_factory(
    QuizQuestion, QuizChoice, fields=["text", "correct"], extra=3, can_delete=True, max_num=20
)


class ChoicesView(ObjectView):
    """``questions/<pk>/answers/``: the answers of a quiz question, several at once."""

    @property
    def object_type(self):
        return registry.get(QuizQuestion)

    def question(self, pk) -> QuizQuestion:
        question = self.get_object(pk)
        self.require("change", question)
        if not permissions.can(self.request.user, registry.get(QuizChoice), "change"):
            raise PermissionDenied(_("Your role does not allow you to change quiz answers."))
        return question

    def render(self, question, formset, status=200):
        for form in formset:
            style_widgets(form)
        context = self.context(object=question, formset=formset)
        return TemplateResponse(self.request, "governance/choices.html", context, status=status)

    def get(self, request, pk):
        question = self.question(pk)
        return self.render(question, QuizChoiceFormSet(instance=question))

    def post(self, request, pk):
        question = self.question(pk)
        formset = QuizChoiceFormSet(request.POST, instance=question)
        if not formset.is_valid():
            return self.render(question, formset, status=400)
        kept = [
            f.cleaned_data
            for f in formset.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE")
        ]
        if not any(c.get("correct") for c in kept):
            formset._non_form_errors = formset.error_class(
                [_("Mark at least one answer as correct.")]
            )
            return self.render(question, formset, status=400)
        formset.save()
        return redirect(registry.get(QuizQuestion).url("detail", question))


urlpatterns = [
    path("enrolments/<int:pk>/quiz/", QuizView.as_view(), name="enrolment_quiz"),
    path(
        "certificates/<int:pk>/certificate.pdf",
        CertificatePdfView.as_view(),
        name="certificate_pdf",
    ),
    path(
        "courses/<int:pk>/raise-version/", RaiseVersionView.as_view(), name="course_raise_version"
    ),
    path("quiz-questions/<int:pk>/answers/", ChoicesView.as_view(), name="question_choices"),
]
