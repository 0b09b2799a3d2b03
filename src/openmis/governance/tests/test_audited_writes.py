"""Governance's own writes go through core's audited save path: each appears in the change
history, credited to the user who made it (quiz answers edited on their formset, a step
deleted on its procedure's form, an acknowledgement answered through the API)."""

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from openmis.conftest import logged_in
from openmis.governance.models import Acknowledgement, ProcedureStep, QuizChoice
from openmis.governance.tests import factories_training as f
from openmis.governance.tests.test_acknowledgements import (
    _publish,
    _user_of,
    world,  # noqa: F401 (fixture)
)
from openmis.governance.tests.test_procedures import _management, _procedure_with_steps
from openmis.governance.tests.test_training import _formset
from openmis.org import roles
from openmis.org.tests.factories import user_with_role

pytestmark = pytest.mark.django_db

CREATE, UPDATE, DELETE = LogEntry.Action.CREATE, LogEntry.Action.UPDATE, LogEntry.Action.DELETE


def _entries(model, pk) -> list[tuple]:
    return list(
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(model), object_pk=str(pk)
        )
        .order_by("pk")
        .values_list("action", "actor_id")
    )


def test_editing_quiz_answers_is_in_the_history_by_its_editor(director):
    question = f.QuizQuestionFactory()
    old = f.QuizChoiceFactory(question=question, text="Old", correct=True)
    kept = f.QuizChoiceFactory(question=question, text="Kept", correct=False)
    response = logged_in(director).post(
        reverse("governance:question_choices", args=[question.pk]),
        _formset(
            question,
            [
                {"id": old.pk, "text": "Old", "correct": True, "DELETE": "on"},
                {"id": kept.pk, "text": "Kept, reworded", "correct": True},
                {"text": "New", "correct": False},
            ],
        ),
    )
    assert response.status_code == 302
    new = QuizChoice.objects.get(text="New")
    assert _entries(QuizChoice, old.pk)[-1] == (DELETE, director.pk)
    assert _entries(QuizChoice, kept.pk)[-1] == (UPDATE, director.pk)
    assert _entries(QuizChoice, new.pk) == [(CREATE, director.pk)]
    kept.refresh_from_db()
    assert kept.version == 2  # the optimistic lock counted the change


def test_deleting_a_step_on_the_procedure_form_is_in_the_history_by_its_editor():
    procedure, first, second = _procedure_with_steps()
    staff = user_with_role(roles.STAFF)
    response = logged_in(staff).post(
        f"/governance/procedures/{procedure.pk}/edit/",
        {
            "title": procedure.title,
            "owner": procedure.owner_id,
            "version": procedure.version,
            **_management(2, initial=2),
            "steps-0-id": first.pk,
            "steps-0-number": "1",
            "steps-0-text": first.text,
            "steps-1-id": second.pk,
            "steps-1-number": "2",
            "steps-1-text": second.text,
            "steps-1-DELETE": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert not ProcedureStep.objects.filter(pk=second.pk).exists()
    assert _entries(ProcedureStep, second.pk)[-1] == (DELETE, staff.pk)


@pytest.mark.parametrize("answer", ["acknowledge", "decline"])
def test_answering_an_acknowledgement_through_the_api_is_in_the_history_by_its_person(
    world,  # noqa: F811
    answer,
    api_client_for,
):
    _publish(world)
    anna = world["people"]["Anna"]
    user = _user_of(anna)
    ack = Acknowledgement.objects.get(person=anna)
    response = api_client_for(user).post(
        f"/api/governance/acknowledgements/{ack.pk}/{answer}/",
        {"reason": "Not my system."},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert _entries(Acknowledgement, ack.pk)[-1] == (UPDATE, user.pk)
