"""Demo staffing: the MIS team of 12 (the director, the staff login and ten colleagues of
the MIS department) with staff profiles, a skills catalogue, the skills ten demo systems
need and the team's skills matrix. Two systems (payroll and the firewalls) can be run by one
person only, so the director's cockpit and their pages flag them."""

from __future__ import annotations

from datetime import date, timedelta

from auditlog.context import disable_auditlog
from django.utils import timezone

from openmis.core.demotext import Texts
from openmis.org import demo as org_demo
from openmis.org.models import Person
from openmis.portfolio import demo as portfolio_demo
from openmis.staffing import demo_texts
from openmis.staffing.models import Skill, SkillLevel, StaffProfile, SystemSkill

C = Skill.Category
# name, category
SKILLS = [
    ("Comarch ERP XL configuration", C.APPLICATION),
    ("Enova365 payroll setup", C.APPLICATION),
    ("Salesforce administration", C.APPLICATION),
    ("Microsoft 365 administration", C.APPLICATION),
    ("API and EDI integration", C.APPLICATION),
    ("Active Directory and group policies", C.INFRASTRUCTURE),
    ("Windows Server", C.INFRASTRUCTURE),
    ("Linux administration", C.INFRASTRUCTURE),
    ("VMware vSphere", C.INFRASTRUCTURE),
    ("Backup and recovery", C.INFRASTRUCTURE),
    ("SQL Server", C.DATA),
    ("PostgreSQL", C.DATA),
    ("ETL and data modelling", C.DATA),
    ("Firewall configuration", C.SECURITY),
    ("Identity and access management", C.SECURITY),
    ("Incident and change management (ITIL)", C.PROCESS),
]
ERP, PAYROLL, SF, M365, API, AD, WIN, LINUX, VMW, BACKUP, MSSQL, PG, ETL, FW, IAM, ITIL = (
    name for name, _category in SKILLS
)

# system (demo English name): {skill: minimum level}
NEEDS = {
    "Comarch ERP XL": {ERP: 4, MSSQL: 3, WIN: 3},
    "Enova365 Payroll": {PAYROLL: 3, MSSQL: 3},
    "Salesforce Sales Cloud": {SF: 3, API: 2},
    "Microsoft 365": {M365: 3, IAM: 3},
    "Active Directory": {AD: 4, WIN: 3},
    "Data Warehouse": {PG: 3, ETL: 4},
    "Firewall Cluster": {FW: 4, LINUX: 3},
    "Backup Platform": {BACKUP: 3, VMW: 3},
    "Virtualisation Cluster": {VMW: 4, LINUX: 3},
    "EDI Gateway": {API: 3, LINUX: 2},
}

# role in the team, seniority, years in the team, {skill: level}; the first two rows are the
# director's and the staff login's, the others go to MIS colleagues in their order
TEAM = [
    ("MIS director", "lead", 9, {ERP: 3, M365: 3, ITIL: 5, IAM: 3, SF: 2}),
    (
        "Systems administrator",
        "senior",
        6,
        {WIN: 4, AD: 4, M365: 4, IAM: 4, BACKUP: 4, VMW: 3, LINUX: 2, ITIL: 3},
    ),
    ("ERP specialist", "senior", 7, {ERP: 5, MSSQL: 4, WIN: 3, ETL: 2, ITIL: 3}),
    ("ERP and payroll specialist", "senior", 11, {ERP: 4, PAYROLL: 5, MSSQL: 3, WIN: 3}),
    ("CRM administrator", "mid", 3, {SF: 4, API: 3, M365: 2, ITIL: 2, LINUX: 2}),
    (
        "Network and security engineer",
        "senior",
        8,
        {FW: 5, LINUX: 4, VMW: 4, IAM: 3, BACKUP: 3},
    ),
    ("Systems administrator", "mid", 4, {WIN: 3, AD: 4, VMW: 4, LINUX: 3, BACKUP: 3, M365: 3}),
    ("Database administrator", "senior", 5, {MSSQL: 5, PG: 4, ETL: 4, LINUX: 3, BACKUP: 4}),
    ("BI developer", "mid", 2, {PG: 3, ETL: 4, MSSQL: 3, API: 2}),
    ("Integration developer", "mid", 3, {API: 5, LINUX: 3, PG: 3, SF: 3, FW: 2}),
    ("Service desk lead", "mid", 6, {M365: 3, AD: 2, ITIL: 4, IAM: 2, PAYROLL: 1}),
    ("Junior systems administrator", "junior", 1, {WIN: 2, LINUX: 2, VMW: 2, M365: 2, FW: 2}),
]


def texts(language: str) -> Texts:
    """The demo staffing's texts in ``language`` (``en`` or ``pl``)."""
    return Texts(language, demo_texts.POLISH)


def english_texts() -> list[str]:
    """Every English text the demo writes (each must have its Polish one)."""
    return [name for name, _c in SKILLS] + sorted({row[0] for row in TEAM})


def _team() -> list[Person]:
    """The twelve people of the team: the director, the staff login, then the MIS
    department's other active people (without a login) in the order they were created."""
    logins = {
        p.user.username: p
        for p in Person.objects.filter(user__username__in=["director", "staff"]).select_related(
            "user"
        )
    }
    if set(logins) != {"director", "staff"}:
        return []
    mis = org_demo.departments().get("MIS")
    others = list(
        Person.objects.filter(department=mis, active=True, user__isnull=True).order_by("pk")[
            : len(TEAM) - 2
        ]
    )
    return [logins["director"], logins["staff"], *others]


def load(today: date | None = None, *, language: str = "en") -> None:
    """Create the demo staffing (after the organization and portfolio demos), written in
    ``language``."""
    today = today or timezone.localdate()
    t = texts(language)
    people = _team()
    if len(people) < len(TEAM):
        return
    systems = portfolio_demo.systems()
    with disable_auditlog():
        skills = {
            name: Skill.objects.create(name=t(name), category=category) for name, category in SKILLS
        }
        for system_name, needs in NEEDS.items():
            system = systems.get(system_name)
            if system is None:
                continue
            SystemSkill.objects.bulk_create(
                SystemSkill(system=system, skill=skills[s], min_level=m) for s, m in needs.items()
            )
        director = people[0]
        for n, (person, (title, seniority, years, levels)) in enumerate(
            zip(people, TEAM, strict=True)
        ):
            StaffProfile.objects.create(
                person=person,
                role_title=t(title),
                seniority=seniority,
                start_date=today.replace(day=1) - timedelta(days=365 * years + 30 * n),
            )
            SkillLevel.objects.bulk_create(
                SkillLevel(
                    person=person,
                    skill=skills[s],
                    level=level,
                    assessed_on=today - timedelta(days=20 + 11 * n + 3 * i),
                    assessor=None if person == director else director,
                )
                for i, (s, level) in enumerate(levels.items())
            )


def reset() -> None:
    """Remove the demo staffing: the matrix, the needs, the skills and the profiles."""
    with disable_auditlog():
        SkillLevel.objects.all().delete()
        SystemSkill.objects.all().delete()
        Skill.objects.all().delete()
        StaffProfile.objects.all().delete()
