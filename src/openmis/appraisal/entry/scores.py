"""The scores matrix: a stakeholder's scores of every alternative on every criterion at once."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views import View

from openmis.appraisal.entry.common import stakeholders, visible_evaluation
from openmis.appraisal.entry.save import save_scores
from openmis.appraisal.models import Evaluation, Score
from openmis.core import permissions, registry
from openmis.core.services import ConflictError

SCORE_MIN, SCORE_MAX = Decimal(0), Decimal(10)


def parse_score(text: str) -> Decimal | None:
    """A score as typed: "7", "7.5" or "7,5"; empty is no score. Raises ValueError with the
    message to show."""
    text = text.strip().replace(",", ".")
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueError(_("Enter a number from 0 to 10, e.g. 7 or 7,5.")) from None
    if not value.is_finite() or not SCORE_MIN <= value <= SCORE_MAX:
        raise ValueError(_("Enter a number from 0 to 10, e.g. 7 or 7,5."))
    if value != value.quantize(Decimal("0.1")):
        raise ValueError(_("Use at most one decimal place, e.g. 7,5."))
    return value.quantize(Decimal("0.1"))


def score_text(value: Decimal | None) -> str:
    """A stored score in the reader's number format: "7", "7,5" in Polish."""
    if value is None:
        return ""
    places = 0 if value == value.to_integral_value() else 1
    return number_format(value, places, use_l10n=True)


class ScoresView(LoginRequiredMixin, View):
    """Every score of one stakeholder on one evaluation: shown (GET) and saved in one post,
    all or nothing; a bad cell is named by its alternative and criterion."""

    def setup_for(self, request, pk, requested):
        self.evaluation = visible_evaluation(request.user, pk)
        self.people = stakeholders(request.user, Score, requested)
        self.alternatives = list(self.evaluation.alternatives.order_by("pk"))
        self.criteria = list(self.evaluation.criteria.order_by("pk"))
        self.current = {
            (s.alternative_id, s.criterion_id): s
            for s in Score.objects.filter(
                alternative__evaluation=self.evaluation, person=self.people.person
            )
        }
        # A score's department is its stakeholder's: one probe answers for every cell.
        probe = Score(person=self.people.person)
        score_type = registry.get(Score)
        self.perms = {
            a: permissions.can(request.user, score_type, a, probe)
            for a in ("add", "change", "delete")
        }

    @staticmethod
    def field(alternative, criterion) -> str:
        return f"score-{alternative.pk}-{criterion.pk}"

    def render(self, request, texts, errors, status=200, error=None):
        rows = [
            {
                "alternative": a,
                "cells": [
                    {
                        "name": self.field(a, c),
                        "criterion": c,
                        "text": texts[(a.pk, c.pk)],
                        "errors": errors.get((a.pk, c.pk), []),
                    }
                    for c in self.criteria
                ],
            }
            for a in self.alternatives
        ]
        bad = [
            {"alternative": a.name, "criterion": c.name, "message": " ".join(msgs)}
            for a in self.alternatives
            for c in self.criteria
            if (msgs := errors.get((a.pk, c.pk)))
        ]
        context = {
            "evaluation": self.evaluation,
            "object_type": registry.get(Evaluation),
            "people": self.people,
            "criteria": self.criteria,
            "rows": rows,
            "bad_cells": bad,
            "error": error,
            "editable": any(self.perms.values()),
            "shown": " ".join(f"{a.pk}" for a in self.alternatives)
            + ";"
            + " ".join(f"{c.pk}" for c in self.criteria),
        }
        return TemplateResponse(request, "appraisal/scores.html", context, status=status)

    def stored_texts(self):
        return {
            (a.pk, c.pk): score_text(getattr(self.current.get((a.pk, c.pk)), "value", None))
            for a in self.alternatives
            for c in self.criteria
        }

    def get(self, request, pk):
        self.setup_for(request, pk, request.GET.get("person"))
        return self.render(request, self.stored_texts(), {})

    def post(self, request, pk):
        self.setup_for(request, pk, request.POST.get("person"))
        if not any(self.perms.values()):
            raise PermissionDenied(
                _("Your role does not allow you to enter the scores of this stakeholder.")
            )
        shown = request.POST.get("shown", "")
        expected = (
            " ".join(f"{a.pk}" for a in self.alternatives)
            + ";"
            + " ".join(f"{c.pk}" for c in self.criteria)
        )
        if shown != expected:
            message = _(
                "The alternatives or criteria of this evaluation changed since the page was "
                "loaded; nothing was saved. Enter the scores again."
            )
            return self.render(request, self.stored_texts(), {}, status=409, error=message)
        texts, values, errors = {}, {}, {}
        for a in self.alternatives:
            for c in self.criteria:
                key = (a.pk, c.pk)
                texts[key] = request.POST.get(self.field(a, c), "").strip()
                try:
                    values[key] = parse_score(texts[key])
                except ValueError as error:
                    errors[key] = [str(error)]
        if errors:
            message = _("Nothing was saved: correct the marked scores.")
            return self.render(request, texts, errors, status=400, error=message)
        needed = {
            "add": any(v is not None and k not in self.current for k, v in values.items()),
            "change": any(
                v is not None and k in self.current and self.current[k].value != v
                for k, v in values.items()
            ),
            "delete": any(v is None and k in self.current for k, v in values.items()),
        }
        if any(needed[a] and not self.perms[a] for a in needed):
            raise PermissionDenied(_("Your role does not allow this."))
        try:
            added, changed, removed = save_scores(
                self.people.person, values, self.current, request.user
            )
        except (ValidationError, ConflictError) as error:
            message = getattr(error, "message", None) or " ".join(error.messages)
            return self.render(request, texts, {}, status=409, error=message)
        messages.success(
            request,
            _(
                "Saved the scores of %(person)s: %(added)d added, %(changed)d changed, "
                "%(removed)d removed."
            )
            % {
                "person": self.people.person,
                "added": added,
                "changed": changed,
                "removed": removed,
            },
        )
        url = reverse("appraisal:scores-matrix", args=[self.evaluation.pk])
        return redirect(f"{url}?{urlencode({'person': self.people.person.pk})}")
