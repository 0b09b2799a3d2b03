"""Demo evaluations: a CRM replacement, a BI platform and a laptop fleet refresh (PLN)."""

from __future__ import annotations

from decimal import Decimal

from auditlog.context import disable_auditlog
from django.utils import timezone

from openmis.appraisal.demo_texts import POLISH
from openmis.appraisal.models import (
    Alternative,
    CashFlowLine,
    Criterion,
    Decision,
    Evaluation,
    Judgement,
    Score,
)
from openmis.core.demotext import Texts
from openmis.org import demo as org_demo
from openmis.org.models import Person

D = Decimal

# title, department, need, horizon, rate,
#   alternatives: name, status quo?, lines: (year or (from, to), category, amount, min, max)
EVALUATIONS = [
    (
        "CRM replacement",
        "Customer Relations",
        "The 2012 on-premises CRM is out of support, slow, and keeps customer data apart from "
        "sales; agents retype orders and complaints take days to route.",
        5,
        "0.08",
        [
            (
                "Cloud CRM (SaaS)",
                False,
                [
                    (0, "implementation", -180000, -150000, -260000),
                    (0, "data_migration", -60000, -40000, -110000),
                    (0, "training", -35000, -30000, -50000),
                    ((1, 5), "subscription", -96000, -90000, -110000),
                    ((1, 5), "support", -12000, None, None),
                    ((1, 5), "hours_saved", 140000, 80000, 190000),
                    ((2, 5), "revenue", 60000, 20000, 110000),
                ],
            ),
            (
                "On-premises upgrade",
                False,
                [
                    (0, "licences", -210000, -200000, -230000),
                    (0, "hardware", -95000, -85000, -120000),
                    (0, "implementation", -120000, -100000, -180000),
                    (0, "training", -20000, None, None),
                    ((1, 5), "support", -42000, -38000, -48000),
                    ((1, 5), "staff", -60000, -50000, -75000),
                    ((1, 5), "hours_saved", 90000, 50000, 120000),
                    (5, "residual", 30000, 0, 50000),
                ],
            ),
            (
                "Keep the current CRM",
                True,
                [
                    ((1, 5), "support", -55000, -50000, -80000),
                    ((1, 5), "staff", -70000, -65000, -90000),
                    ((3, 5), "other", -40000, -10000, -120000),
                ],
            ),
        ],
    ),
    (
        "BI platform",
        "MIS",
        "Sales and marketing build reports in spreadsheets from CSV extracts; numbers differ "
        "between departments and nobody can share a dashboard.",
        4,
        "0.09",
        [
            (
                "Open-source BI on our servers",
                False,
                [
                    (0, "hardware", -70000, -60000, -90000),
                    (0, "implementation", -90000, -70000, -140000),
                    (0, "training", -25000, None, None),
                    ((1, 4), "staff", -45000, -35000, -60000),
                    ((1, 4), "hours_saved", 110000, 60000, 150000),
                ],
            ),
            (
                "Commercial cloud BI",
                False,
                [
                    (0, "implementation", -60000, -50000, -80000),
                    (0, "training", -30000, None, None),
                    ((1, 4), "subscription", -72000, -70000, -85000),
                    ((1, 4), "hours_saved", 120000, 70000, 160000),
                ],
            ),
        ],
    ),
    (
        "Laptop fleet refresh",
        "Operations",
        "140 laptops are six years old; repairs and lost hours are rising.",
        4,
        "0.07",
        [
            (
                "Buy 140 laptops",
                False,
                [
                    (0, "hardware", -616000, -590000, -650000),
                    (0, "implementation", -28000, None, None),
                    ((1, 4), "support", -21000, None, None),
                    ((1, 4), "hours_saved", 150000, 110000, 190000),
                    (4, "residual", 70000, 40000, 90000),
                ],
            ),
            (
                "Lease 140 laptops",
                False,
                [
                    (0, "implementation", -28000, None, None),
                    ((1, 4), "subscription", -190000, -185000, -198000),
                    ((1, 4), "hours_saved", 150000, 110000, 190000),
                ],
            ),
            (
                "Keep and repair",
                True,
                [
                    ((1, 4), "support", -95000, -80000, -140000),
                ],
            ),
        ],
    ),
]
CRITERIA = [
    ("Security", "benefit"),
    ("Usability", "benefit"),
    ("Vendor viability", "benefit"),
    ("Integration", "benefit"),
    ("Implementation risk", "cost"),
]
# Pairwise judgements of two stakeholders on the five criteria (Saaty scale)
JUDGEMENTS = [
    [
        [1, 3, 5, 2, 3],
        [1 / 3, 1, 3, 1 / 2, 1],
        [1 / 5, 1 / 3, 1, 1 / 4, 1 / 2],
        [1 / 2, 2, 4, 1, 2],
        [1 / 3, 1, 2, 1 / 2, 1],
    ],
    [
        [1, 2, 4, 3, 2],
        [1 / 2, 1, 3, 1, 1],
        [1 / 4, 1 / 3, 1, 1 / 2, 1 / 2],
        [1 / 3, 1, 2, 1, 1],
        [1 / 2, 1, 2, 1, 1],
    ],
]
# scores by alternative index and criterion index, per stakeholder (0-10)
SCORES = {
    0: [[8, 8, 7, 8, 4], [6, 6, 8, 7, 6], [3, 4, 5, 3, 2]],
    1: [[7, 7, 6, 8, 5], [7, 8, 8, 7, 4], [4, 3, 5, 4, 3]],
}


def _lines(alternative, spec):
    for years, category, amount, low, high in spec:
        first, last = years if isinstance(years, tuple) else (years, years)
        for year in range(first, last + 1):
            lo, hi = (low, high) if low is not None else (None, None)
            if lo is not None and lo > hi:
                lo, hi = hi, lo
            yield CashFlowLine(
                alternative=alternative,
                year=year,
                category=category,
                amount=D(amount),
                minimum=None if lo is None else D(lo),
                maximum=None if hi is None else D(hi),
            )


def texts(language: str) -> Texts:
    """The demo evaluations' texts in ``language`` (``en`` or ``pl``)."""
    return Texts(language, POLISH)


def load(*, language: str = "en") -> int:
    """Create the demo evaluations, written in ``language``; returns how many."""
    t = texts(language)
    departments = org_demo.departments()
    stakeholders = list(
        Person.objects.filter(user__username__in=["marketing", "finance"]).order_by("pk")
    )
    director = Person.objects.filter(user__username="director").first()
    with disable_auditlog():
        for title, dept, need, horizon, rate, alternatives in EVALUATIONS:
            evaluation = Evaluation.objects.create(
                title=t(title),
                need=t(need),
                department=departments[dept],
                owner=director,
                horizon_years=horizon,
                discount_rate=D(rate),
                currency="PLN",
                status="review",
            )
            alts = []
            for name, status_quo, spec in alternatives:
                alt = Alternative.objects.create(
                    evaluation=evaluation, name=t(name), is_status_quo=status_quo
                )
                CashFlowLine.objects.bulk_create(_lines(alt, spec))
                alts.append(alt)
            criteria = [
                Criterion.objects.create(evaluation=evaluation, name=t(name), type=kind)
                for name, kind in CRITERIA
            ]
            for person, matrix in zip(stakeholders, JUDGEMENTS, strict=False):
                Judgement.objects.create(evaluation=evaluation, person=person, matrix=matrix)
            for s, person in enumerate(stakeholders):
                Score.objects.bulk_create(
                    Score(
                        alternative=alt, criterion=crit, person=person, value=D(SCORES[s][a % 3][c])
                    )
                    for a, alt in enumerate(alts)
                    for c, crit in enumerate(criteria)
                )
        laptops = Evaluation.objects.get(title=t("Laptop fleet refresh"))
        laptops.status = "decided"
        laptops.save()
        if director is not None:
            Decision.objects.create(
                evaluation=laptops,
                chosen=laptops.alternatives.get(name=t("Buy 140 laptops")),
                decided_by=director,
                rationale=t(
                    "Buying has the higher NPV over four years and leaves a residual "
                    "value; leasing costs more once support is included."
                ),
            )
        _story(t, departments, director)
    return len(EVALUATIONS)


# The options compared for the improvement of the demo's story (see feedback.demo.load_story):
# name, status quo?, cash flow lines as in EVALUATIONS
STORY_ALTERNATIVES = [
    (
        "Real-time messages from the EDI Gateway",
        False,
        [
            (0, "implementation", -42000, -36000, -55000),
            (0, "training", -3500, None, None),
            ((1, 3), "support", -6000, None, None),
            ((1, 3), "hours_saved", 38000, 26000, 46000),
        ],
    ),
    (
        "An extra confirmation run at noon",
        False,
        [
            (0, "implementation", -9000, -7000, -12000),
            ((1, 3), "hours_saved", 14000, 8000, 18000),
        ],
    ),
    (
        "Keep the nightly batch",
        True,
        [((1, 3), "other", -12000, -8000, -18000)],
    ),
]


def _story(t, departments, director) -> None:
    """The appraisal of the story's improvement: three options compared, the real-time one
    decided in the April meeting, its deployment project linked."""
    from openmis.feedback import demo as feedback_demo
    from openmis.feedback.models import Improvement

    improvement = (
        Improvement.objects.filter(
            title=feedback_demo.texts(t.language)(feedback_demo.STORY_IMPROVEMENT)
        )
        .select_related("system", "project")
        .first()
    )
    if improvement is None or director is None or "Customer Relations" not in departments:
        return
    decided = improvement.status_changes.filter(to_status="planned").first()
    evaluation = Evaluation.objects.create(
        title=improvement.title,
        need=t(
            "The priority client's pharmacies learn the next morning whether their EDI orders "
            "were accepted, and phone Customer Relations to ask."
        ),
        department=departments["Customer Relations"],
        owner=director,
        horizon_years=3,
        discount_rate=D("0.08"),
        currency="PLN",
        status="decided",
    )
    evaluation.systems.add(improvement.system)
    evaluation.improvements.add(improvement)
    chosen = None
    for name, status_quo, spec in STORY_ALTERNATIVES:
        alternative = Alternative.objects.create(
            evaluation=evaluation, name=t(name), is_status_quo=status_quo
        )
        CashFlowLine.objects.bulk_create(_lines(alternative, spec))
        chosen = chosen or alternative
    meeting = None
    if decided is not None:
        from openmis.meetings.models import Occurrence

        day = timezone.localtime(decided.created).date()
        meeting = Occurrence.objects.filter(
            series__client__name=feedback_demo.STORY_CLIENT, start__date=day
        ).first()
    Decision.objects.create(
        evaluation=evaluation,
        chosen=chosen,
        decided_by=director,
        decided_on=timezone.localtime(decided.created).date() if decided else timezone.localdate(),
        meeting=meeting,
        project=improvement.project,
        rationale=t(
            "Only real-time messages stop the calls: the noon run still leaves the afternoon "
            "orders unconfirmed until the next day, and it pays back within the first year."
        ),
    )


def reset() -> None:
    with disable_auditlog():
        Decision.objects.all().delete()
        Evaluation.objects.all().delete()
