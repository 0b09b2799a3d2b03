"""Training API beyond the generic objects: the quiz of an enrolment as its person sees it
(no correct answers, with its fingerprint) and submitting an attempt."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as gettext_now
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import exceptions, permissions, renderers, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from openmis.core import permissions as perms
from openmis.core import registry
from openmis.governance import training
from openmis.governance.models import Enrolment
from openmis.org.people import person_of


class QuizChoiceOut(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField()


class QuizQuestionOut(serializers.Serializer):
    id = serializers.IntegerField()
    position = serializers.IntegerField()
    text = serializers.CharField()
    multiple = serializers.BooleanField(help_text="More than one answer is correct.")
    choices = QuizChoiceOut(many=True)


class QuizOut(serializers.Serializer):
    enrolment = serializers.IntegerField()
    course = serializers.IntegerField()
    quiz = serializers.CharField(help_text="The quiz's fingerprint: send it back with the answers.")
    pass_mark = serializers.IntegerField()
    attempts_left = serializers.IntegerField(allow_null=True, help_text="null: no limit.")
    refusal = serializers.CharField(allow_null=True, help_text="Why no attempt may be made now.")
    questions = QuizQuestionOut(many=True)


class AttemptIn(serializers.Serializer):
    quiz = serializers.CharField(
        max_length=64, help_text="The fingerprint of the quiz the answers were given to."
    )
    answers = serializers.DictField(
        child=serializers.ListField(child=serializers.IntegerField(), max_length=50),
        help_text="Question id -> ids of the choices picked.",
    )


class AttemptOut(serializers.Serializer):
    score = serializers.DecimalField(max_digits=5, decimal_places=2, coerce_to_string=False)
    passed = serializers.BooleanField()
    pass_mark = serializers.IntegerField()
    attempts_left = serializers.IntegerField(allow_null=True)
    certificate = serializers.IntegerField(allow_null=True)


def _own_enrolment(request, pk) -> Enrolment:
    object_type = registry.get(Enrolment)
    if not perms.can(request.user, object_type, "view"):
        raise exceptions.PermissionDenied(gettext_now("Your role does not allow this."))
    enrolment = get_object_or_404(object_type.for_user(request.user), pk=pk)
    person = person_of(request.user)
    if person is None or person.pk != enrolment.person_id:
        raise exceptions.PermissionDenied(
            gettext_now("Only the person enrolled may take the quiz.")
        )
    return enrolment


def _quiz(enrolment: Enrolment) -> dict:
    questions = training.questions_of(enrolment.course)
    return {
        "enrolment": enrolment.pk,
        "course": enrolment.course_id,
        "quiz": training.fingerprint(enrolment.course, questions),
        "pass_mark": enrolment.course.pass_mark,
        "attempts_left": training.attempts_left(enrolment),
        "refusal": training.refusal(enrolment, questions),
        "questions": [
            {
                "id": q.pk,
                "position": q.position,
                "text": q.text,
                "multiple": training.is_multiple(q),
                "choices": [{"id": c.pk, "text": c.text} for c in q.choices.all()],
            }
            for q in questions
        ],
    }


class QuizView(APIView):
    """The quiz of an enrolment, for its person."""

    permission_classes = [permissions.IsAuthenticated]
    renderer_classes = [renderers.JSONRenderer]

    @extend_schema(
        responses={200: QuizOut},
        description=(
            "The quiz of the enrolment's course as its person answers it: questions and "
            "choices without which are correct, and the quiz's fingerprint to send back with "
            "the answers. Only the person enrolled."
        ),
    )
    def get(self, request, pk):
        return Response(_quiz(_own_enrolment(request, pk)))


class AttemptView(APIView):
    """Submit answers to an enrolment's quiz."""

    permission_classes = [permissions.IsAuthenticated]
    renderer_classes = [renderers.JSONRenderer]

    @extend_schema(
        request=AttemptIn,
        responses={
            200: AttemptOut,
            400: OpenApiResponse(
                inline_serializer(
                    "AttemptRefused",
                    {
                        name: serializers.ListField(child=serializers.CharField(), required=False)
                        for name in ("answers", "quiz", "non_field_errors")
                    },
                ),
                description="Answers that are not the quiz's, or no attempt allowed now "
                "(the attempt limit is reached, the course is passed).",
            ),
            409: OpenApiResponse(
                inline_serializer(
                    "QuizChanged",
                    {
                        "detail": serializers.CharField(),
                        "quiz": QuizOut(),
                        "answers": serializers.DictField(
                            child=serializers.ListField(child=serializers.IntegerField())
                        ),
                    },
                ),
                description="The quiz changed since it was fetched: the current quiz and the "
                "answers sent, which were not scored.",
            ),
        },
        description=(
            "Score the answers to the enrolment's quiz (`quiz` is the fingerprint of "
            "`GET .../quiz/`): returns the score in percent and whether it reaches the pass "
            "mark; a pass issues the certificate. Only the person enrolled."
        ),
    )
    def post(self, request, pk):
        enrolment = _own_enrolment(request, pk)
        form = AttemptIn(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        try:
            outcome = training.submit(enrolment, data["answers"], data["quiz"])
        except training.QuizChanged as exc:
            return Response(
                {"detail": str(exc), "quiz": _quiz(enrolment), "answers": data["answers"]},
                status=status.HTTP_409_CONFLICT,
            )
        except training.AttemptRefused as exc:
            raise exceptions.ValidationError({"non_field_errors": [str(exc)]}) from None
        except DjangoValidationError as exc:
            raise exceptions.ValidationError(exc.message_dict) from None
        return Response(
            {
                "score": outcome.attempt.score,
                "passed": outcome.attempt.passed,
                "pass_mark": enrolment.course.pass_mark,
                "attempts_left": outcome.attempts_left,
                "certificate": outcome.certificate.pk if outcome.certificate else None,
            }
        )
