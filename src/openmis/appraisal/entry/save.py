"""Writing a stakeholder's judgement or scores, all or nothing, audited like any other save."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from openmis.appraisal.models import Judgement, Score
from openmis.core.services import delete_object, save_object


def save_judgement(evaluation, person, matrix, user, expected_version=None) -> Judgement:
    """Store ``person``'s comparison matrix of the criteria of ``evaluation`` (created or
    replaced); raises ValidationError for a matrix the model refuses and ConflictError if
    the stored one changed since ``expected_version`` was read."""
    with transaction.atomic():
        judgement = Judgement.objects.filter(evaluation=evaluation, person=person).first()
        if judgement is None:
            judgement = Judgement(evaluation=evaluation, person=person)
            expected_version = None
        judgement.matrix = matrix
        judgement.full_clean()
        return save_object(judgement, user, expected_version)


def save_scores(
    person, values: dict[tuple[int, int], Decimal | None], current: dict, user
) -> tuple[int, int, int]:
    """Store ``person``'s scores: ``values[(alternative_id, criterion_id)]`` is the new score,
    None for none. ``current`` maps the same keys to the stored :class:`Score` rows. Returns
    how many were (added, changed, removed); writes nothing if any score is refused."""
    added = changed = removed = 0
    with transaction.atomic():
        for (alternative_id, criterion_id), value in values.items():
            score = current.get((alternative_id, criterion_id))
            if value is None:
                if score is not None:
                    delete_object(score, user)
                    removed += 1
                continue
            if score is not None and score.value == value:
                continue
            if score is None:
                score = Score(
                    alternative_id=alternative_id, criterion_id=criterion_id, person=person
                )
                added += 1
            else:
                changed += 1
            score.value = value
            score.full_clean()  # the view checked each cell; this is the model's last word
            save_object(score, user)
    return added, changed, removed
