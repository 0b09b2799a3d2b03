"""Sample data of the appraisal models for the generic object tests (see
openmis/core/tests/samples.py for what each entry means)."""

import itertools

from openmis.appraisal.tests import factories as f
from openmis.org.tests.factories import PersonFactory

_n = itertools.count()


def _with_two_criteria(evaluation):
    """A judgement compares the criteria of its evaluation: the 2 x 2 sample needs two."""
    f.CriterionFactory(evaluation=evaluation)
    f.CriterionFactory(evaluation=evaluation)
    return evaluation


SAMPLES = {
    "appraisal.evaluation": {
        "make": lambda dept: f.EvaluationFactory(department=dept),
        "form": lambda dept: {
            "title": f"CRM replacement {next(_n)}",
            "need": "Customer data is split across three tools.",
            "department": dept.pk,
            "horizon_years": 5,
            # valid in both without a question: 1 % on the form (which takes percent), 100 %
            # in the API (a fraction; at most 1 there)
            "discount_rate": "1",
            "currency": "PLN",
            "status": "draft",
            "distribution": "pert",
            "draws": 10000,
            "seed": 1,
            "line_correlation": "0.3",
        },
        "change": ("status", "review"),
        "owned_by": lambda obj: obj.department,
    },
    "appraisal.alternative": {
        "make": lambda dept: f.AlternativeFactory(evaluation__department=dept),
        "form": lambda dept: {
            "evaluation": f.EvaluationFactory(department=dept).pk,
            "name": "Cloud CRM",
        },
        "change": ("description", "SaaS, per-seat pricing."),
        "owned_by": lambda obj: obj.evaluation.department,
    },
    "appraisal.cashflowline": {
        "make": lambda dept: f.CashFlowLineFactory(alternative__evaluation__department=dept),
        "form": lambda dept: {
            "alternative": f.AlternativeFactory(evaluation__department=dept).pk,
            "year": 1,
            "category": "subscription",
            "amount": "-24000.00",
        },
        "change": ("note", "List price, 40 seats."),
        "owned_by": lambda obj: obj.alternative.evaluation.department,
    },
    "appraisal.criterion": {
        "make": lambda dept: f.CriterionFactory(evaluation__department=dept),
        "form": lambda dept: {
            "evaluation": f.EvaluationFactory(department=dept).pk,
            "name": "Security",
            "type": "benefit",
        },
        "change": ("type", "cost"),
        "owned_by": lambda obj: obj.evaluation.department,
    },
    "appraisal.score": {
        "make": lambda dept: f.ScoreFactory(person=PersonFactory(department=dept)),
        "form": lambda dept: (
            lambda alt: {
                "alternative": alt.pk,
                "criterion": f.CriterionFactory(evaluation=alt.evaluation).pk,
                "person": PersonFactory(department=dept).pk,
                "value": "8.0",
            }
        )(f.AlternativeFactory()),
        "change": ("value", 3),
        "owned_by": lambda obj: obj.person.department,
    },
    "appraisal.judgement": {
        "make": lambda dept: f.JudgementFactory(person=PersonFactory(department=dept)),
        "form": lambda dept: {
            "evaluation": _with_two_criteria(f.EvaluationFactory()).pk,
            "person": PersonFactory(department=dept).pk,
            "matrix": "[[1, 2], [0.5, 1]]",
        },
        "change": ("matrix", [[1, 5], [0.2, 1]]),
        "owned_by": lambda obj: obj.person.department,
    },
    "appraisal.decision": {
        "make": lambda dept: f.DecisionFactory(evaluation__department=dept),
        "form": lambda dept: (
            lambda ev: {
                "evaluation": ev.pk,
                "chosen": f.AlternativeFactory(evaluation=ev).pk,
                "decided_by": PersonFactory(department=dept).pk,
                "decided_on": "2026-11-20",
                "rationale": "Best long-term return.",
            }
        )(f.EvaluationFactory(department=dept)),
        "change": ("rationale", "Confirmed by the board."),
        "owned_by": lambda obj: obj.evaluation.department,
    },
}
