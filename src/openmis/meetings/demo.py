"""Demo meetings: weekly series with the Marketing, Finance and Customer Relations leaders
with six months of history (agenda with carry-over, minutes, outcomes, action items, some of
them overdue for the ``marketing`` login), and a monthly series with a priority client."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from auditlog.context import disable_auditlog
from django.utils import timezone

from openmis.core.demotext import Texts
from openmis.meetings import agenda, materialising
from openmis.meetings.demo_texts import POLISH
from openmis.meetings.models import (
    ActionItem,
    AgendaItem,
    Attendance,
    Client,
    ClientContact,
    FeedToken,
    MeetingSeries,
    Occurrence,
    Outcome,
)
from openmis.org import demo as org_demo
from openmis.org.models import Department, Person

CLIENTS = [
    # name, tier, notes, contacts (name, role)
    (
        "Hurtownia Farmaceutyczna Medica",
        "A",
        "Largest wholesale customer; EDI orders and a customer portal.",
        [("Marek Zieliński", "IT director"), ("Alicja Dąbrowska", "Purchasing manager")],
    ),
    (
        "Sieć Sklepów Lokalnych",
        "A",
        "Franchise network of 120 shops; weekly replenishment files.",
        [("Paweł Szymański", "Head of operations"), ("Natalia Woźniak", "E-commerce lead")],
    ),
    (
        "Miejskie Przedsiębiorstwo Komunikacyjne",
        "B",
        "Public tender customer; strict reporting requirements.",
        [("Krzysztof Kaczmarek", "Procurement officer")],
    ),
]
# title, department, leader login or job title, weekday, local time, systems the meetings
# talk about (looked up by name, missing ones ignored)
WEEKLY = [
    (
        "Weekly with Marketing leaders",
        "Marketing",
        "marketing",
        "MO",
        time(10, 0),
        ["Synerise Marketing Automation", "Newsletter Tool", "Customer Survey Tool"],
    ),
    (
        "Weekly with Finance leaders",
        "Finance",
        "finance",
        "TU",
        time(9, 0),
        ["Comarch ERP XL", "Expense Claims", "Bank Connector"],
    ),
    (
        "Weekly with Customer Relations leaders",
        "Customer Relations",
        "Head of Customer Relations",
        "TH",
        time(11, 0),
        ["Cloud CRM", "Contact Centre Telephony", "Complaints Tracker"],
    ),
]
TOPICS = [
    "How is {system} working for the team since the last release?",
    "Report from {system} is slow at month end",
    "Training needs for {system}",
    "Data quality in {system}",
    "Integration of {system} with the data warehouse",
    "Licence count of {system} for next year",
    "Feature request: export from {system} to Excel",
]
GENERAL_TOPICS = [
    "Budget for the next quarter",
    "New joiners and their accounts",
    "Security awareness campaign",
    "Priorities for the MIS backlog",
    "Feedback from customers on the online portal",
]
DECISIONS = [
    "Pilot the change with one team for two weeks before rolling it out.",
    "MIS prepares an estimate before the next meeting.",
    "The current process stays until the new release is tested.",
    "Move the report to the overnight batch.",
    "Add the topic to the improvement backlog with high priority.",
]
INFORMATION = [
    "The vendor confirmed the fix for the next release.",
    "Usage grew by 15 % since the last month.",
    "Two people from the team completed the advanced training.",
    "The interface has been stable since the hosting change.",
]
OVERDUE_ACTIONS = [
    "Send the campaign results to MIS",
    "List the newsletter segments to migrate",
    "Prepare the figures for the marketing dashboard",
]
ACTIONS = [
    "Collect examples of the slow report",
    "Send the list of users who need training",
    "Check the licence count with the vendor",
    "Describe the export format the team needs",
    "Test the new release in the pilot group",
    "Update the process description",
]


def story_year(today: date) -> int:
    """The year of the demo's story (issue "closed loop"): a priority client's complaint in
    the March meeting, a go-live in June. The current year once its summer is far enough
    behind to compare the weeks after the go-live with those before; the year before until
    then, so the story stays plausible whenever the demo is loaded."""
    return today.year if today >= date(today.year, 8, 15) else today.year - 1


def texts(language: str) -> Texts:
    """The demo meetings' texts in ``language`` (``en`` or ``pl``)."""
    return Texts(language, POLISH)


def _minutes(items: list[AgendaItem], decisions: list[str], rng: random.Random, t) -> str:
    lines = [t("## Summary"), "", t(rng.choice(INFORMATION)), "", t("## Points"), ""]
    for item in items:
        state = {
            AgendaItem.Status.DONE: "closed",
            AgendaItem.Status.OPEN: "continues next week",
            AgendaItem.Status.PARKED: "parked",
        }[item.status]
        lines.append(f"- **{item.title}** — {t(state)}")
    if decisions:
        lines += ["", t("## Decisions"), ""] + [f"1. {t(d)}" for d in decisions]
    return "\n".join(lines)


def _leader(department: Department, key: str) -> Person | None:
    person = Person.objects.filter(user__username=key).first()
    if person is None:
        person = Person.objects.filter(department=department, job_title=key).first()
    return person or department.people.order_by("pk").first()


def _history(series, rng, now, today, systems, t, overdue_owner=None) -> None:
    """Agenda, minutes, outcomes and action items of the past meetings of ``series``."""
    people = list(series.attendees.all()) or [series.organiser]
    meetings = list(
        series.occurrences.exclude(status=Occurrence.Status.CANCELLED).order_by("start")
    )
    past = [o for o in meetings if o.end <= now]
    for n, occurrence in enumerate(past):
        agenda.carry_over(occurrence, now)
        for k in range(rng.randint(1, 3)):
            template = rng.choice(TOPICS) if systems and rng.random() < 0.7 else None
            system = rng.choice(systems) if template else None
            title = (
                t(template).format(system=system.name)
                if template
                else t(rng.choice(GENERAL_TOPICS))
            )
            AgendaItem.objects.create(
                occurrence=occurrence, title=title, system=system, position=10 + k
            )
        items = list(occurrence.agenda_items.order_by("position", "pk"))
        for item in items:
            roll = rng.random()
            item.status = (
                AgendaItem.Status.DONE
                if roll < 0.6
                else AgendaItem.Status.PARKED
                if roll < 0.68
                else AgendaItem.Status.OPEN
            )
            item.save()
        decisions = rng.sample(DECISIONS, rng.randint(0, 2))
        for text in decisions:
            Outcome.objects.create(occurrence=occurrence, kind=Outcome.Kind.DECISION, text=t(text))
        Outcome.objects.create(
            occurrence=occurrence, kind=Outcome.Kind.INFORMATION, text=t(rng.choice(INFORMATION))
        )
        for _k in range(rng.randint(0, 2)):
            title = t(rng.choice(ACTIONS))
            outcome = Outcome.objects.create(
                occurrence=occurrence, kind=Outcome.Kind.ACTION, text=title
            )
            due = occurrence.start.date() + timedelta(days=rng.choice([7, 10, 14]))
            done = due < today and rng.random() < 0.85
            ActionItem.objects.create(
                title=title,
                occurrence=occurrence,
                outcome=outcome,
                owner=rng.choice(people),
                due_date=due,
                status=ActionItem.Status.DONE if done else ActionItem.Status.OPEN,
                done_on=due - timedelta(days=1) if done else None,
            )
        occurrence.minutes = _minutes(items, decisions, rng, t)
        occurrence.save()
        late = {len(past) - 2: 0, len(past) - 4: 1, len(past) - 7: 2}
        if overdue_owner is not None and n in late:
            title = t(OVERDUE_ACTIONS[late[n]])
            outcome = Outcome.objects.create(
                occurrence=occurrence, kind=Outcome.Kind.ACTION, text=title
            )
            ActionItem.objects.create(
                title=title,
                occurrence=occurrence,
                outcome=outcome,
                owner=overdue_owner,
                due_date=today - timedelta(days=3 + 4 * (len(past) - n)),
            )
    upcoming = [o for o in meetings if o.end > now]
    if upcoming:
        agenda.carry_over(upcoming[0], now)


def load(now: datetime | None = None, *, language: str = "en") -> int:
    """Create the demo meetings as of ``now``, written in ``language``; returns the number of
    series."""
    from openmis.portfolio import demo as portfolio_demo
    from openmis.portfolio.models import System

    now = now or timezone.now()
    today = timezone.localdate(now)
    rng = random.Random(11)
    t = texts(language)
    systems_t = portfolio_demo.texts(language)
    org_t = org_demo.texts(language)
    director = Person.objects.filter(user__username="director").first()
    departments = org_demo.departments()
    if director is None or not {"Marketing", "Finance", "Customer Relations"} <= set(departments):
        return 0
    with disable_auditlog():
        clients = []
        for name, tier, notes, contacts in CLIENTS:
            client = Client.objects.create(name=name, tier=tier, notes=t(notes))
            for contact, role in contacts:
                first, last = contact.split(" ", 1)
                ClientContact.objects.create(
                    client=client,
                    name=contact,
                    role=t(role),
                    email=f"{first.lower()}.{last.lower()}@example.com".replace("ń", "n")
                    .replace("ą", "a")
                    .replace("ę", "e")
                    .replace("ó", "o")
                    .replace("ł", "l")
                    .replace("ś", "s")
                    .replace("ż", "z")
                    .replace("ź", "z")
                    .replace("ć", "c"),
                )
            clients.append(client)
        weekday_index = {"MO": 0, "TU": 1, "WE": 2, "TH": 3, "FR": 4}
        all_series = []
        for title, dept_name, leader_key, weekday, at, system_names in WEEKLY:
            department = departments[dept_name]
            leader = _leader(department, org_t(leader_key))
            first = today - timedelta(weeks=26)
            first += timedelta(days=(weekday_index[weekday] - first.weekday()) % 7)
            skipped = [first + timedelta(weeks=9), first + timedelta(weeks=29)]
            series = MeetingSeries.objects.create(
                title=t(title),
                kind=MeetingSeries.Kind.DEPARTMENT,
                department=department,
                organiser=director,
                location=t("MIS meeting room / Teams"),
                start_date=first,
                start_time=at,
                duration_minutes=45,
                frequency=MeetingSeries.Frequency.WEEKLY,
                weekdays=weekday,
                skipped_dates="\n".join(d.isoformat() for d in skipped),
                notes=t("How the systems we deployed work for the team, what to improve next."),
            )
            others = list(
                department.people.filter(active=True)
                .exclude(pk=getattr(leader, "pk", None))
                .order_by("pk")[:2]
            )
            series.attendees.set([p for p in [director, leader, *others] if p is not None])
            materialising.materialise(series, now)
            systems = list(System.objects.filter(name__in=systems_t.all(system_names)))
            systems = systems or list(System.objects.filter(business_owner=department)[:3])
            # one meeting six weeks ago moved by a day
            moved = series.occurrences.filter(start__lt=now - timedelta(weeks=5)).order_by(
                "-start"
            )[0]
            moved.start += timedelta(days=1)
            moved.end += timedelta(days=1)
            moved.save()
            overdue_owner = leader if dept_name == "Marketing" else None
            _history(series, rng, now, today, systems, t, overdue_owner)
            all_series.append(series)
        # the marketing leader also has items due soon
        marketing = all_series[0]
        next_meeting = marketing.occurrences.filter(start__gte=now).order_by("start").first()
        leader = _leader(departments["Marketing"], "marketing")
        if next_meeting is not None and leader is not None:
            for days, title in [(2, "Agree the KPI list for the new dashboard")]:
                ActionItem.objects.create(
                    title=t(title),
                    occurrence=next_meeting,
                    owner=leader,
                    due_date=today + timedelta(days=days),
                )
        # and the demo employee one of their own (employees see only theirs)
        employee = Person.objects.filter(user__username="employee").first()
        if next_meeting is not None and employee is not None:
            ActionItem.objects.create(
                title=t("Send the delivery dates the campaign calendar needs"),
                occurrence=next_meeting,
                owner=employee,
                due_date=today + timedelta(days=5),
            )
        # a monthly series with the first priority client, second Wednesday at 14:00
        client = clients[0]
        crm = departments["Customer Relations"]
        # from January of the story's year at the latest, so its March meeting exists
        start = min(today - timedelta(days=190), date(story_year(today), 1, 1))
        series = MeetingSeries.objects.create(
            title=t("Monthly with {client}").format(client=client.name),
            kind=MeetingSeries.Kind.CLIENT,
            department=crm,
            client=client,
            organiser=director,
            location=t("Client's office, Warsaw"),
            start_date=start,
            start_time=time(14, 0),
            duration_minutes=90,
            frequency=MeetingSeries.Frequency.MONTHLY,
            weekdays="WE",
            week_of_month=2,
            notes=t("Service review: EDI orders, the customer portal, open issues."),
            # what a client says in its meetings is read by the MIS office, the attendees and
            # Customer Relations only
            confidential=True,
        )
        series.attendees.set(
            [p for p in [director, _leader(crm, org_t("Head of Customer Relations"))] if p]
        )
        series.client_attendees.set(client.contacts.all())
        # its history reaches further back than a series entered today gets: materialise it
        # as of half a year after its start first
        earliest = timezone.make_aware(datetime.combine(start, time(0, 0)))
        materialising.materialise(series, min(now, earliest + materialising.WINDOW_BACK))
        materialising.materialise(series, now)
        _history(
            series,
            rng,
            now,
            today,
            list(System.objects.filter(name__in=systems_t.all(["Cloud CRM", "Comarch ERP XL"]))),
            t,
        )
        _attendance(series, rng, now)
        all_series.append(series)
        # mark every series as materialised at its final version
        for s in all_series:
            s.refresh_from_db()
            materialising.materialise(s, now)
    return len(all_series)


def _attendance(series, rng, now) -> None:
    """Who came to the series' meetings held so far: its people mostly present (now and then
    excused), the client's contacts present or absent."""
    people = list(series.attendees.order_by("pk"))
    contacts = list(series.client_attendees.order_by("pk"))
    rows = []
    held = series.occurrences.filter(start__lt=now).exclude(status=Occurrence.Status.CANCELLED)
    for occurrence in held.order_by("start"):
        for person in people:
            status = Attendance.Status.EXCUSED if rng.random() < 0.1 else Attendance.Status.PRESENT
            rows.append(Attendance(occurrence=occurrence, person=person, status=status))
        for contact in contacts:
            status = Attendance.Status.ABSENT if rng.random() < 0.2 else Attendance.Status.PRESENT
            rows.append(Attendance(occurrence=occurrence, contact=contact, status=status))
    Attendance.objects.bulk_create(rows)


def reset() -> None:
    """Remove the demo data."""
    with disable_auditlog():
        Attendance.objects.all().delete()
        ActionItem.objects.all().delete()
        Outcome.objects.all().delete()
        AgendaItem.objects.all().delete()
        Occurrence.objects.all().delete()
        MeetingSeries.objects.all().delete()
        ClientContact.objects.all().delete()
        Client.objects.all().delete()
        FeedToken.objects.all().delete()
