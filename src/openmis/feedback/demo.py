"""Demo feedback: ≈300 items over the last six months and ≈30 improvements built from them,
and the story of one client's complaint (see :func:`load_story`).

The legacy CRM and the old Reporting Server collect most of the complaints; Salesforce, live
for about seventy days, is praised since its go-live, so its post-implementation review shows
the improvement. Feedback is tied to the demo meetings and priority clients when the meetings
demo has created them.
"""

from __future__ import annotations

import itertools
import random
from collections import defaultdict
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from auditlog.context import disable_auditlog
from django.utils import timezone

from openmis.core.demotext import Texts
from openmis.feedback import demo_texts
from openmis.feedback.models import Feedback, FeedbackStatusChange, Improvement, StatusChange
from openmis.feedback.services import feedback_givers
from openmis.org import demo as org_demo
from openmis.org.models import Department, Person
from openmis.portfolio import demo as portfolio_demo
from openmis.portfolio.models import DeploymentProject, System

DAYS = 182
LEGACY_CRM = "Legacy CRM 2012"
REPORTING = "Reporting Server"
SALESFORCE = "Salesforce Sales Cloud"
CLOUD_CRM = "Cloud CRM"

PROBLEMS = [
    "It is slow in the morning when everyone logs in.",
    "The export to Excel loses Polish characters.",
    "We retype the same data from another system every day.",
    "Search does not find customers by tax number.",
    "The screen freezes when a list has more than a few hundred rows.",
    "Permissions are too coarse: we cannot share one view without sharing everything.",
    "Printing a document takes five clicks and often fails.",
    "There is no way to undo a mistaken change.",
    "It logs us out in the middle of work.",
    "Error messages do not say what to do.",
]
IDEAS = [
    "A saved filter per team would save us time every day.",
    "Send a weekly summary by e-mail instead of us opening the report.",
    "Let us attach scanned documents directly to the record.",
    "A mobile view for the sales team on the road.",
    "Import from the bank statement instead of typing payments.",
    "Show the customer's open invoices next to the order.",
    "Single sign-on with our Microsoft accounts.",
]
PRAISE = [
    "Much faster than before, the team likes it.",
    "The new dashboard answers the questions we used to ask IT for.",
    "Training was short and people found their way quickly.",
    "Works well on the laptop and on the phone.",
    "Fewer errors since the data comes in automatically.",
]
QUESTIONS = [
    "Who do we ask for access for a new colleague?",
    "Can it keep the history of changes for audits?",
    "Is there a way to bulk-update records?",
    "When will the old data be migrated?",
]
SPECIFIC = {
    LEGACY_CRM: {
        "problem": [
            "The CRM crashes when opening a customer with many contacts.",
            "Duplicate customers again: the CRM does not check the tax number.",
            "Complaints cannot be linked to the order in the CRM.",
            "The CRM only runs in Internet Explorer mode.",
            "Nightly synchronisation with the ERP failed again; data is a day old.",
            "The call history from telephony arrives hours late in the CRM.",
        ],
        "idea": ["Move the complaint history to the new CRM first."],
    },
    REPORTING: {
        "problem": [
            "Monthly sales report times out at month end.",
            "Reports show yesterday's figures; we need today's.",
            "Report subscriptions stopped sending after the server restart.",
            "The margin report disagrees with Finance's figures.",
            "Each new report needs a request to IT and waits weeks.",
        ],
        "idea": ["Let analysts build reports themselves from the data warehouse."],
    },
    SALESFORCE: {
        "problem": [
            "Opportunities from the old CRM were not migrated with their notes.",
            "Quotes do not pick up the new price list.",
        ],
        "praise": [
            "The pipeline view finally shows every deal in one place.",
            "Quotes go out in minutes instead of a day.",
            "The mobile app is great for visits at customers.",
            "Forecasts are now the same numbers for Sales and Finance.",
            "Much easier than the old CRM.",
        ],
        "question": ["Can we see the customer's invoices from the ERP in Salesforce?"],
    },
}

# title, system, reach, impact, confidence, effort, status, reason for declining
IMPROVEMENTS = [
    ("Deduplicate customers by tax number", LEGACY_CRM, 60, "2", 80, 3, "done", ""),
    (
        "Link complaints to orders",
        LEGACY_CRM,
        40,
        "1",
        80,
        4,
        "declined",
        "The legacy CRM is being retired; the Cloud CRM links them from day one.",
    ),
    (
        "Faster customer screen",
        LEGACY_CRM,
        60,
        "1",
        50,
        6,
        "declined",
        "Not worth the effort a few months before the Cloud CRM goes live.",
    ),
    ("Real-time call history", LEGACY_CRM, 55, "2", 80, 5, "planned", ""),
    ("Migrate complaint history to the Cloud CRM", CLOUD_CRM, 60, "2", 100, 4, "in_progress", ""),
    ("Fix nightly ERP synchronisation", LEGACY_CRM, 60, "3", 80, 2, "in_progress", ""),
    ("Month-end report performance", REPORTING, 40, "2", 80, 3, "in_progress", ""),
    ("Intraday report refresh", REPORTING, 35, "2", 50, 6, "under_review", ""),
    ("Restore report subscriptions", REPORTING, 25, "1", 100, 0.5, "done", ""),
    ("Reconcile the margin report with Finance", REPORTING, 20, "2", 80, 2, "planned", ""),
    ("Self-service reports on the data warehouse", REPORTING, 40, "3", 50, 12, "under_review", ""),
    ("Migrate opportunity notes", SALESFORCE, 45, "1", 100, 2, "done", ""),
    ("Price list sync for quotes", SALESFORCE, 45, "2", 80, 1.5, "done", ""),
    ("ERP invoices in Salesforce", SALESFORCE, 45, "2", 80, 5, "planned", ""),
    ("Sales forecast dashboard", SALESFORCE, 30, "1", 80, 2, "new", ""),
    ("Bank statement import", "Comarch ERP XL", 20, "2", 80, 3, "planned", ""),
    ("Open invoices next to the order", "Comarch ERP XL", 60, "1", 80, 2, "under_review", ""),
    ("Undo for accidental changes", "Comarch ERP XL", 160, "0.5", 50, 8, "new", ""),
    ("Polish characters in Excel exports", "Comarch ERP XL", 120, "1", 100, 1, "done", ""),
    ("Single sign-on for the HR Portal", "HR Portal", 200, "1", 80, 3, "in_progress", ""),
    ("Mobile view of payslips", "HR Portal", 200, "0.5", 80, 4, "new", ""),
    (
        "Attach scanned documents",
        "HR Portal",
        30,
        "1",
        50,
        3,
        "declined",
        "The document management system will hold scans; the portal links to them.",
    ),
    ("Saved filters per team", "OpenMIS", 60, "0.5", 80, 1, "done", ""),
    ("Weekly summary e-mail", "OpenMIS", 80, "0.5", 80, 1, "planned", ""),
    ("Clearer error messages", "Complaints Tracker", 28, "0.5", 80, 1, "new", ""),
    ("Bulk update of records", "Complaints Tracker", 28, "1", 50, 2, "under_review", ""),
    ("Session timeout after 8 hours", "Contact Centre Telephony", 28, "0.25", 100, 0.5, "done", ""),
    ("Faster morning log-in", "Data Warehouse", 30, "1", 50, 4, "new", ""),
    ("Finer permissions for shared views", "OpenMIS", 40, "1", 80, 3, "under_review", ""),
    (
        "One-click printing",
        "Enova365 Payroll",
        12,
        "0.5",
        80,
        1,
        "declined",
        "Printing is done once a month by two people; other work comes first.",
    ),
]
# Words of the feedback each improvement answers (case-insensitive).
KEYWORDS = {
    "Deduplicate customers by tax number": ["duplicate", "tax number"],
    "Link complaints to orders": ["complaints cannot"],
    "Faster customer screen": ["crashes", "freezes", "slow"],
    "Real-time call history": ["call history"],
    "Fix nightly ERP synchronisation": ["synchronisation", "retype", "day old"],
    "Month-end report performance": ["times out", "slow"],
    "Intraday report refresh": ["yesterday"],
    "Restore report subscriptions": ["subscriptions"],
    "Reconcile the margin report with Finance": ["margin"],
    "Self-service reports on the data warehouse": ["build reports", "new report"],
    "Migrate opportunity notes": ["notes"],
    "Price list sync for quotes": ["price list"],
    "ERP invoices in Salesforce": ["invoices"],
    "Sales forecast dashboard": ["forecast", "dashboard"],
    "Bank statement import": ["bank statement"],
    "Open invoices next to the order": ["open invoices"],
    "Undo for accidental changes": ["undo"],
    "Polish characters in Excel exports": ["polish characters"],
    "Single sign-on for the HR Portal": ["sign-on", "logs us out"],
    "Mobile view of payslips": ["mobile"],
    "Attach scanned documents": ["scanned"],
    "Saved filters per team": ["saved filter"],
    "Weekly summary e-mail": ["weekly summary"],
    "Clearer error messages": ["error messages"],
    "Bulk update of records": ["bulk"],
    "Session timeout after 8 hours": ["logs us out"],
    "Faster morning log-in": ["morning"],
    "Finer permissions for shared views": ["permissions"],
    "One-click printing": ["printing"],
}
STATUS_PATH = ["new", "under_review", "planned", "in_progress", "done"]
KIND_FOR_TEXT = {"problem": PROBLEMS, "idea": IDEAS, "praise": PRAISE, "question": QUESTIONS}


def _kind(rng: random.Random, weights: dict[str, float]) -> str:
    kinds = list(weights)
    return rng.choices(kinds, weights=[weights[k] for k in kinds])[0]


def _rating(rng: random.Random, kind: str, mean: float) -> int | None:
    if kind == "question" and rng.random() < 0.6:
        return None
    shift = {"problem": -0.8, "idea": 0, "praise": 1.0, "question": 0}[kind]
    return max(1, min(5, round(rng.gauss(mean + shift, 0.7))))


def texts(language: str) -> Texts:
    """The demo feedback's texts in ``language`` (``en`` or ``pl``)."""
    return Texts(language, demo_texts.POLISH)


def _text(rng: random.Random, system_name: str, kind: str, t: Texts) -> str:
    """Feedback of ``kind`` on the system of English demo name ``system_name``."""
    specific = SPECIFIC.get(system_name, {}).get(kind, [])
    if specific and rng.random() < 0.7:
        return t(rng.choice(specific))
    return t(rng.choice(KIND_FOR_TEXT[kind]))


def _plan(systems: dict[str, System], rng: random.Random, today: date, go_live: date | None):
    """``[(system, date, kind weights, mean rating)]``: what each demo item will be."""
    plan = []
    for name, count, weights, mean in [
        (LEGACY_CRM, 48, {"problem": 7, "idea": 2, "question": 1}, 2.3),
        (REPORTING, 36, {"problem": 6, "idea": 3, "question": 1}, 2.6),
    ]:
        if name in systems:
            plan += [
                (systems[name], today - timedelta(days=rng.randrange(DAYS)), weights, mean)
                for _i in range(count)
            ]
    if SALESFORCE in systems and go_live is not None:
        after_days = max(1, (today - go_live).days + 1)
        plan += [
            (
                systems[SALESFORCE],
                go_live - timedelta(days=1 + rng.randrange(90)),
                {"problem": 5, "question": 3, "idea": 2},
                3.1,
            )
            for _i in range(12)
        ]
        plan += [
            (
                systems[SALESFORCE],
                go_live + timedelta(days=rng.randrange(after_days)),
                {"praise": 6, "idea": 2, "question": 1, "problem": 1},
                3.9,
            )
            for _i in range(30)
        ]
    others = [
        s
        for n, s in systems.items()
        if n not in (LEGACY_CRM, REPORTING, SALESFORCE) and s.lifecycle_stage == "deployed"
    ]
    weights = [max(s.users, 5) for s in others]
    for system in rng.choices(others, weights=weights, k=160) if others else []:
        mean = 2.4 + 0.45 * (system.technical_health or 3)
        plan.append(
            (
                system,
                today - timedelta(days=rng.randrange(DAYS)),
                {"problem": 4, "idea": 3, "praise": 2, "question": 1},
                mean,
            )
        )
    return plan


def _meetings(today: date):
    """Past demo meetings by department and by client, if the meetings demo made any."""
    try:
        from openmis.meetings.models import Client, Occurrence
    except ImportError:  # pragma: no cover - the meetings app is always installed
        return {}, {}, []
    by_department, by_client = defaultdict(list), defaultdict(list)
    now = timezone.make_aware(datetime.combine(today, time(23, 59)))
    since = now - timedelta(days=DAYS)
    meetings = Occurrence.objects.filter(start__lte=now, start__gte=since).select_related("series")
    for meeting in meetings.exclude(status="cancelled"):
        series = meeting.series
        if getattr(series, "client_id", None):
            by_client[series.client_id].append(meeting)
        elif getattr(series, "department_id", None):
            by_department[series.department_id].append(meeting)
    return by_department, by_client, list(Client.objects.all())


def load(today: date | None = None, *, language: str = "en") -> None:
    """Create the demo feedback and improvements (after the portfolio and meetings demos),
    written in ``language``."""
    today = today or timezone.localdate()
    rng = random.Random(11)
    t = texts(language)
    # by their English demo name, so the plan below reads the same in either language
    systems = portfolio_demo.systems(System.objects.prefetch_related("departments_served"))
    english = {s.pk: name for name, s in systems.items()}
    if not systems:
        return
    departments = list(Department.objects.all())
    people = defaultdict(list)
    for person in Person.objects.filter(active=True).order_by("pk"):
        people[person.department_id].append(person)
    salesforce_live = (
        DeploymentProject.objects.filter(system__name=SALESFORCE, go_live__isnull=False)
        .order_by("-go_live")
        .values_list("go_live", flat=True)
        .first()
    )
    by_department, by_client, clients = _meetings(today)
    customer_relations = org_demo.departments().get("Customer Relations")
    items = []
    for system, when, weights, mean in _plan(systems, rng, today, salesforce_live):
        kind = _kind(rng, weights)
        served = list(system.departments_served.all()) or [system.business_owner]
        department = rng.choice([*served, rng.choice(departments)])
        client = occurrence = None
        if clients and customer_relations is not None and rng.random() < 0.1:
            client = rng.choice(clients)
            department = customer_relations
            if by_client.get(client.pk) and rng.random() < 0.6:
                occurrence = rng.choice(by_client[client.pk])
        elif by_department.get(department.pk) and rng.random() < 0.35:
            occurrence = rng.choice(by_department[department.pk])
        if occurrence is not None:
            when = timezone.localtime(occurrence.start).date()
        author = None
        if people.get(department.pk) and client is None and rng.random() < 0.85:
            author = rng.choice(people[department.pk])
        items.append(
            Feedback(
                system=system,
                department=department,
                client=client,
                author=author,
                occurrence=occurrence,
                kind=kind,
                rating=_rating(rng, kind, mean),
                people_affected=rng.choice([1, 2, 5, 10, 20, 40]) if kind != "praise" else 0,
                hours_per_month=Decimal(rng.choice([0, 1, 2, 4, 8, 16]))
                if kind == "problem"
                else Decimal(0),
                text=_text(rng, english[system.pk], kind, t),
                date=min(when, today),
                language=rng.choice(["pl", "pl", ""]) if author else "",
                # bulk_create skips Feedback.save: what a client said is confidential there
                confidential=client is not None,
            )
        )
    with disable_auditlog():
        Feedback.objects.bulk_create(items)
        _improvements(rng, systems, today, t)
        _triage(rng, today)
    load_story(today, t)


def _improvements(rng: random.Random, systems: dict[str, System], today: date, t: Texts) -> None:
    by_system = defaultdict(list)
    for feedback in Feedback.objects.exclude(kind="praise").order_by("pk"):
        by_system[feedback.system_id].append(feedback)
    projects = {p.system_id: p for p in DeploymentProject.objects.all()}
    staff = Person.objects.filter(user__username="staff").select_related("user").first()
    actor = staff.user if staff else None
    for title, name, reach, impact, confidence, effort, status, reason in IMPROVEMENTS:
        system = systems.get(name)
        if system is None:
            continue
        improvement = Improvement.objects.create(
            title=t(title),
            system=system,
            description=t(title) + ".",
            reach=reach,
            impact=impact,
            confidence=confidence,
            effort=Decimal(str(effort)),
            status=status,
            decline_reason=t(reason) if reason else "",
            project=projects.get(system.pk)
            if status in ("planned", "in_progress", "done")
            else None,
        )
        source = by_system.get(system.pk, [])
        keywords = demo_texts.KEYWORDS if t.language == "pl" else KEYWORDS
        words = keywords.get(title, [])
        matching = [f for f in source if any(w in f.text.lower() for w in words)]
        if matching:
            improvement.feedback.add(*matching[:12])
        else:
            improvement.feedback.add(*_asked_for(rng, improvement, today, t))
        notified = len(feedback_givers(improvement))
        # The history that led to the status, spread over the last weeks.
        path = STATUS_PATH[: STATUS_PATH.index(status) + 1] if status != "declined" else ["new"]
        steps = list(itertools.pairwise(path))
        if status == "declined":
            steps.append(("new", "declined"))
        when = timezone.now() - timedelta(days=rng.randint(20, 120))
        for old, new in steps:
            change = StatusChange.objects.create(
                improvement=improvement,
                from_status=old,
                to_status=new,
                reason=improvement.decline_reason if new == "declined" else "",
                changed_by=actor,
                notified=notified,
            )
            when += timedelta(days=rng.randint(3, 15))
            StatusChange.objects.filter(pk=change.pk).update(created=min(when, timezone.now()))


def _triage(rng: random.Random, today: date) -> None:
    """What the MIS office made of the feedback: grouped items follow their improvement
    (answered when it is done, declined when it was declined, else planned); most of the rest
    older than two weeks was acknowledged, the latest items are new."""
    staff = Person.objects.filter(user__username="staff").select_related("user").first()
    actor = staff.user if staff else None
    by_improvement = {"done": "answered", "declined": "declined"}
    changes = []
    moved = []
    grouped = Feedback.objects.filter(improvements__isnull=False).prefetch_related("improvements")
    for feedback in grouped.distinct().order_by("pk"):
        statuses = {i.status for i in feedback.improvements.all()}
        status = next((by_improvement[s] for s in ("done", "declined") if s in statuses), None)
        if status is None or (status == "declined" and statuses - {"declined"}):
            status = "planned"
        reason = ""
        if status == "declined":
            reasons = [i.decline_reason for i in feedback.improvements.all() if i.decline_reason]
            reason = reasons[0] if reasons else ""
        moved.append((feedback, status, reason))
    for feedback in Feedback.objects.filter(improvements__isnull=True).order_by("pk"):
        if feedback.date < today - timedelta(days=14) and rng.random() < 0.8:
            moved.append((feedback, "acknowledged", ""))
    for feedback, status, reason in moved:
        changes.append(
            FeedbackStatusChange(
                feedback=feedback,
                from_status="new",
                to_status=status,
                reason=reason,
                changed_by=actor,
            )
        )
        feedback.status, feedback.status_reason = status, reason
    Feedback.objects.bulk_update([f for f, _s, _r in moved], ["status", "status_reason"])
    FeedbackStatusChange.objects.bulk_create(changes)


def _asked_for(
    rng: random.Random, improvement: Improvement, today: date, t: Texts
) -> list[Feedback]:
    """A few feedback items asking for ``improvement`` in its own words, for an improvement
    that no generated item matches."""
    system = improvement.system
    people = list(Person.objects.filter(department=system.business_owner_id, active=True))
    return Feedback.objects.bulk_create(
        Feedback(
            system=system,
            department=system.business_owner,
            author=rng.choice(people) if people else None,
            kind="idea",
            rating=rng.choice([2, 3, 3, 4]),
            people_affected=rng.choice([5, 10, 20]),
            text=t("{title}, please.").format(title=improvement.title),
            date=today - timedelta(days=rng.randrange(120, DAYS)),
            language=rng.choice(["pl", ""]),
        )
        for _i in range(rng.randint(1, 3))
    )


def reset() -> None:
    """Remove the demo feedback and improvements."""
    with disable_auditlog():
        StatusChange.objects.all().delete()
        Improvement.objects.all().delete()
        Feedback.objects.all().delete()


# --- the story of one complaint (issue "closed loop") ----------------------------------------
#
# In the March meeting with the first priority client, its IT director complains that EDI order
# confirmations arrive the next morning. MIS makes it an improvement, appraises the options
# (the appraisal demo links its evaluation), decides it in April, builds it in a deployment
# project that goes live in June through the real go-live, which answers the feedback and
# e-mails every giver; the meetings of the series follow it, and the EDI Gateway's review shows
# the ratings before and after.

STORY_SYSTEM = "EDI Gateway"
STORY_CLIENT = "Hurtownia Farmaceutyczna Medica"
STORY_COMPLAINT = (
    "Order confirmations over EDI arrive the next morning, so our pharmacies phone us to ask "
    "whether their orders were accepted."
)
STORY_IMPROVEMENT = "Real-time EDI order confirmations"
STORY_DESCRIPTION = (
    "Send the confirmation of each EDI order as soon as the ERP accepts it, with the rejected "
    "lines and why, instead of in the nightly batch."
)
STORY_PROJECT = "Real-time EDI confirmations for Medica"
# days before the go-live, rating, text: the weeks before (grouped into the improvement)
STORY_BEFORE = [
    (82, 2, "Confirmations are late again; the pharmacies call us to check their orders."),
    (70, 1, "We cannot tell a rejected order from one still waiting for the night run."),
    (61, 2, "Order status over EDI is a day old; customers ask us before the system knows."),
    (47, 2, "Confirmations are late again; the pharmacies call us to check their orders."),
    (33, 3, "We cannot tell a rejected order from one still waiting for the night run."),
    (19, 2, "Order status over EDI is a day old; customers ask us before the system knows."),
    (8, 2, "Confirmations are late again; the pharmacies call us to check their orders."),
]
# share of the days since the go-live, rating, text: the weeks after
STORY_AFTER = [
    (0.04, 4, "Confirmations now arrive within minutes; the pharmacies stopped calling."),
    (0.12, 4, "Rejected lines are reported at once, so we correct them the same day."),
    (0.2, 5, "Confirmations now arrive within minutes; the pharmacies stopped calling."),
    (0.3, 3, "Mostly fast; a few confirmations still waited an hour during the ERP update."),
    (0.42, 5, "Rejected lines are reported at once, so we correct them the same day."),
    (0.55, 4, "Order status is current; the customer portal and EDI finally agree."),
    (0.68, 5, "Confirmations now arrive within minutes; the pharmacies stopped calling."),
    (0.8, 4, "Order status is current; the customer portal and EDI finally agree."),
    (0.92, 4, "Rejected lines are reported at once, so we correct them the same day."),
]
# month of the story's year, agenda point, what the minutes say about it
STORY_MEETINGS = [
    (
        3,
        "Late EDI order confirmations",
        "The client's IT director: confirmations arrive the next morning and the pharmacies "
        "phone to check their orders. MIS records it and compares the options by April.",
    ),
    (
        4,
        "Options for real-time EDI confirmations",
        "MIS presented the appraisal of three options. Decided: real-time confirmations from "
        "the EDI Gateway, live in June.",
    ),
    (
        5,
        "Real-time EDI confirmations: testing with the client",
        "Test messages exchanged with the client's EDI team; rejected lines are reported with "
        "their reason. On track for June.",
    ),
    (
        6,
        "Real-time EDI confirmations are live",
        "Live since {date}. The feedback it answers is closed and its givers were told.",
    ),
    (
        7,
        "Real-time EDI confirmations: the first weeks",
        "The client confirms: the pharmacies' calls about order status have stopped. The "
        "ratings of the EDI Gateway went up.",
    ),
]


def story_dates(today: date) -> dict[str, date]:
    """The days of the story, relative to ``today`` (see :func:`meetings.demo.story_year`):
    the go-live on the Tuesday of the third week of June; the days around it."""
    from openmis.meetings.demo import story_year

    year = story_year(today)
    june = date(year, 6, 15)
    go_live = june + timedelta(days=(1 - june.weekday()) % 7)
    return {
        "year": date(year, 1, 1),
        "go_live": go_live,
        "project_start": date(year, 4, 20),
        "in_progress": date(year, 5, 4),
    }


def _story_meetings(year: int):
    """The story's meetings by month: the monthly series with the priority client."""
    from openmis.meetings.models import MeetingSeries, Occurrence

    series = MeetingSeries.objects.filter(kind="client", client__name=STORY_CLIENT).first()
    if series is None:
        return None, {}
    meetings = {}
    for occurrence in series.occurrences.exclude(status=Occurrence.Status.CANCELLED).filter(
        start__year=year
    ):
        month = timezone.localtime(occurrence.start).month
        meetings.setdefault(month, occurrence)
    return series, meetings


def _at(day: date, hour: int = 12) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def load_story(today: date, t: Texts) -> Improvement | None:
    """Tell the story (after the other demo feedback; needs the meetings demo's priority
    client and its monthly series). Returns the improvement, None when the pieces are
    missing."""
    from openmis.meetings.models import AgendaItem, Outcome
    from openmis.portfolio.models import Milestone
    from openmis.portfolio.services import go_live

    days = story_dates(today)
    year = days["year"].year
    series, meetings = _story_meetings(year)
    system = portfolio_demo.systems().get(STORY_SYSTEM)
    if series is None or system is None or not {3, 4, 5, 6, 7} <= set(meetings):
        return None
    client = series.client
    contacts = list(client.contacts.order_by("pk"))
    relations = series.department
    colleagues = list(relations.people.filter(active=True).order_by("pk")[:3])
    staff = Person.objects.filter(user__username="staff").select_related("user").first()
    director = Person.objects.filter(user__username="director").select_related("user").first()
    if not contacts or staff is None or director is None:
        return None
    march = meetings[3]
    raised = timezone.localtime(march.start).date()
    decided = timezone.localtime(meetings[4].start).date()
    when_live = days["go_live"]
    givers = [("contact", c) for c in contacts] + [("author", p) for p in colleagues]

    def feedback(day, rating, text, n, kind, occurrence=None):
        role, giver = givers[n % len(givers)]
        return Feedback(
            system=system,
            department=relations,
            client=client,
            contact=giver if role == "contact" else None,
            author=giver if role == "author" else None,
            occurrence=occurrence,
            kind=kind,
            rating=rating,
            people_affected=20 if kind == "problem" else 0,
            hours_per_month=Decimal(16 if kind == "problem" else 0),
            text=t(text),
            date=day,
            language=t.language,  # the givers of the story speak the demo's language
            confidential=True,  # a client's words (bulk_create skips Feedback.save)
        )

    with disable_auditlog():
        complaint = feedback(raised, 1, STORY_COMPLAINT, 0, "problem", march)
        before = [complaint] + [
            feedback(when_live - timedelta(days=d), r, text, n + 1, "problem")
            for n, (d, r, text) in enumerate(STORY_BEFORE)
            if when_live - timedelta(days=d) != raised
        ]
        passed = min((today - when_live).days, 90) - 1
        after = [
            feedback(when_live + timedelta(days=round(share * passed)), r, text, n, "praise")
            for n, (share, r, text) in enumerate(STORY_AFTER)
        ]
        Feedback.objects.bulk_create(before + after)
        improvement = Improvement.objects.create(
            title=t(STORY_IMPROVEMENT),
            system=system,
            description=t(STORY_DESCRIPTION),
            reach=60,
            impact="2",
            confidence=80,
            effort=Decimal(3),
            status="in_progress",
        )
        improvement.feedback.add(*before)
        # triage: acknowledged after the meeting, planned once decided
        for item in before:
            for old, new, day in [
                ("new", "acknowledged", max(item.date, raised) + timedelta(days=1)),
                ("acknowledged", "planned", max(item.date, decided) + timedelta(days=1)),
            ]:
                change = FeedbackStatusChange.objects.create(
                    feedback=item, from_status=old, to_status=new, changed_by=staff.user
                )
                FeedbackStatusChange.objects.filter(pk=change.pk).update(created=_at(day))
        Feedback.objects.filter(pk__in=[f.pk for f in before]).update(status="planned")
        # the praise after the go-live read as the rest of the demo's feedback is
        read = [f for f in after if f.date < today - timedelta(days=14)]
        for item in read:
            change = FeedbackStatusChange.objects.create(
                feedback=item, from_status="new", to_status="acknowledged", changed_by=staff.user
            )
            FeedbackStatusChange.objects.filter(pk=change.pk).update(
                created=_at(item.date + timedelta(days=2))
            )
        Feedback.objects.filter(pk__in=[f.pk for f in read]).update(status="acknowledged")
        for old, new, day, by, reason in [
            ("new", "under_review", raised + timedelta(days=2), staff, ""),
            ("under_review", "planned", decided, director, t("Decided in the April meeting.")),
            ("planned", "in_progress", days["in_progress"], staff, ""),
        ]:
            change = StatusChange.objects.create(
                improvement=improvement,
                from_status=old,
                to_status=new,
                reason=reason,
                changed_by=by.user,
                notified=0,
            )
            StatusChange.objects.filter(pk=change.pk).update(created=_at(day))
        project = DeploymentProject.objects.create(
            name=t(STORY_PROJECT),
            system=system,
            manager=staff,
            budget=Decimal(48000),
            spent=Decimal(45500),
            start_date=days["project_start"],
            planned_go_live=when_live,
        )
        for label, day in [
            ("Message format agreed with the client", days["project_start"] + timedelta(days=9)),
            ("Tested with the client", when_live - timedelta(days=12)),
            ("Go-live", when_live),
        ]:
            Milestone.objects.create(project=project, name=t(label), due_date=day, done_date=day)
        improvement.project = project
        improvement.save()
    # the real go-live: the hook marks the improvement done, answers its feedback and
    # e-mails every giver once, in their language, as in production
    moment = timezone.now()
    go_live(project, when_live, director.user)
    StatusChange.objects.filter(improvement=improvement, created__gte=moment).update(
        created=_at(when_live, 17)
    )
    FeedbackStatusChange.objects.filter(feedback__in=before, created__gte=moment).update(
        created=_at(when_live, 17)
    )
    with disable_auditlog():
        for month, title, minutes in STORY_MEETINGS:
            occurrence = meetings[month]
            AgendaItem.objects.create(
                occurrence=occurrence,
                title=t(title),
                system=system,
                status=AgendaItem.Status.DONE,
                position=5,
            )
            said = t(minutes).format(date=when_live.isoformat())
            Outcome.objects.create(
                occurrence=occurrence,
                kind=Outcome.Kind.DECISION if month == 4 else Outcome.Kind.INFORMATION,
                text=said,
            )
            occurrence.minutes = f"{occurrence.minutes}\n\n## {t(title)}\n\n{said}".strip()
            occurrence.save()
    return improvement
