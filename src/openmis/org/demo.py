"""The demo organization: a mid-size Polish company with the demo logins of README.md."""

from __future__ import annotations

import random

from auditlog.context import disable_auditlog, set_actor
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from openmis.core.demotext import Texts
from openmis.core.models import Installation
from openmis.org.demo_texts import POLISH
from openmis.org.models import Department, Person, Role
from openmis.org.roles import ANALYST, DIRECTOR, EMPLOYEE, LEADER, STAFF

DEMO_PASSWORD = "demo"  # noqa: S105  (documented demo login; README says to change it)

# name, code, parent, region, headcount (leader included)
DEPARTMENTS = [
    ("Management", "MGT", None, "", 8),
    ("MIS", "MIS", None, "", 18),
    ("Marketing", "MKT", None, "", 22),
    ("Sales", "SAL", None, "", 6),
    ("Sales North", "SAL-N", "Sales", "North", 14),
    ("Sales South", "SAL-S", "Sales", "South", 14),
    ("Sales West", "SAL-W", "Sales", "West", 12),
    ("Finance", "FIN", None, "", 20),
    ("Customer Relations", "CRM", None, "", 28),
    ("HR", "HR", None, "", 10),
    ("Operations", "OPS", None, "", 48),
]

# username, first name, last name, department, job title, role
DEMO_USERS = [
    ("director", "Anna", "Kowalska", "MIS", "MIS director", DIRECTOR),
    ("staff", "Piotr", "Nowak", "MIS", "Systems administrator", STAFF),
    ("marketing", "Katarzyna", "Wiśniewska", "Marketing", "Marketing director", LEADER),
    ("finance", "Tomasz", "Wójcik", "Finance", "Chief financial officer", LEADER),
    ("analyst", "Magdalena", "Kamińska", "Sales", "Sales analyst", ANALYST),
    ("employee", "Jan", "Lewandowski", "Operations", "Logistics specialist", EMPLOYEE),
]

FIRST_NAMES = {
    "f": [
        "Agnieszka",
        "Aleksandra",
        "Barbara",
        "Dorota",
        "Ewa",
        "Joanna",
        "Julia",
        "Karolina",
        "Maria",
        "Marta",
        "Monika",
        "Natalia",
        "Paulina",
        "Zofia",
        "Izabela",
        "Beata",
        "Justyna",
        "Weronika",
        "Alicja",
        "Hanna",
    ],
    "m": [
        "Adam",
        "Andrzej",
        "Bartosz",
        "Dawid",
        "Grzegorz",
        "Jakub",
        "Kamil",
        "Krzysztof",
        "Łukasz",
        "Marcin",
        "Mateusz",
        "Michał",
        "Paweł",
        "Rafał",
        "Robert",
        "Stanisław",
        "Szymon",
        "Wojciech",
        "Marek",
        "Filip",
    ],
}
LAST_NAMES = [
    ("Zieliński", "Zielińska"),
    ("Szymański", "Szymańska"),
    ("Woźniak", "Woźniak"),
    ("Dąbrowski", "Dąbrowska"),
    ("Kozłowski", "Kozłowska"),
    ("Jankowski", "Jankowska"),
    ("Mazur", "Mazur"),
    ("Kwiatkowski", "Kwiatkowska"),
    ("Krawczyk", "Krawczyk"),
    ("Piotrowski", "Piotrowska"),
    ("Grabowski", "Grabowska"),
    ("Nowakowski", "Nowakowska"),
    ("Pawłowski", "Pawłowska"),
    ("Michalski", "Michalska"),
    ("Król", "Król"),
    ("Wieczorek", "Wieczorek"),
    ("Jabłoński", "Jabłońska"),
    ("Wróbel", "Wróbel"),
    ("Majewski", "Majewska"),
    ("Olszewski", "Olszewska"),
    ("Stępień", "Stępień"),
    ("Malinowski", "Malinowska"),
]
TITLES = {
    "Management": ["Management board member", "Executive assistant", "Strategy manager"],
    "MIS": [
        "Systems administrator",
        "Software developer",
        "Database administrator",
        "Service desk specialist",
        "Business analyst",
        "Network engineer",
    ],
    "Marketing": [
        "Marketing specialist",
        "Brand manager",
        "Content specialist",
        "Digital campaign manager",
    ],
    "Sales": ["Sales manager", "Sales analyst"],
    "Finance": ["Accountant", "Financial controller", "Payroll specialist", "Financial analyst"],
    "Customer Relations": [
        "Customer service agent",
        "Key account manager",
        "Customer success specialist",
    ],
    "HR": ["HR specialist", "Recruiter", "Training coordinator"],
    "Operations": [
        "Logistics specialist",
        "Warehouse coordinator",
        "Purchasing specialist",
        "Production planner",
        "Quality inspector",
    ],
}
ASCII = str.maketrans("ąćęłńóśźżĄĆĘŁŃÓŚŹŻ", "acelnoszzACELNOSZZ")


def _email(first: str, last: str, taken: set[str]) -> str:
    base = f"{first}.{last}".lower().translate(ASCII)
    email, n = f"{base}@example.com", 2
    while email in taken:
        email, n = f"{base}{n}@example.com", n + 1
    taken.add(email)
    return email


def reset() -> None:
    """Remove the demo organization and the demo logins."""
    User = get_user_model()
    with disable_auditlog():
        Person.objects.update(manager=None)
        Person.objects.all().delete()
        Department.objects.update(parent=None)
        Department.objects.all().delete()
        User.objects.filter(username__in=[u[0] for u in DEMO_USERS]).delete()


def texts(language: str) -> Texts:
    """The demo organization's texts in ``language`` (``en`` or ``pl``)."""
    return Texts(language, POLISH)


def departments() -> dict[str, Department]:
    """The demo departments by their English name, whatever the language they were loaded in
    (found by code, which does not change with the language)."""
    codes = {code: name for name, code, *_rest in DEPARTMENTS}
    return {codes[d.code]: d for d in Department.objects.filter(code__in=codes)}


@transaction.atomic
def load(seed: int = 2026, *, language: str = "en") -> dict[str, int]:
    """Create the demo organization (≈200 people in 11 departments) and the demo logins,
    named in ``language``; the demo people read and are written to in it."""
    rng = random.Random(seed)
    t = texts(language)
    person_language = t.language if t.language in ("en", "pl") else ""
    User = get_user_model()
    taken: set[str] = set()
    with disable_auditlog():
        departments: dict[str, Department] = {}
        for name, code, parent, region, _size in DEPARTMENTS:
            departments[name] = Department.objects.create(
                name=t(name), code=code, parent=departments.get(parent), region=t(region)
            )
        roles = {r.slug: r.group for r in Role.objects.select_related("group")}
        people = []
        users: dict[str, Person] = {}
        for username, first, last, dept, title, role in DEMO_USERS:
            user = User.objects.create_user(
                username=username,
                email=_email(first, last, taken),
                password=None,
                first_name=first,
                last_name=last,
            )
            user.set_password(DEMO_PASSWORD)
            user.save()
            user.groups.add(roles.get(role) or Group.objects.get(name=role))
            person = Person.objects.create(
                first_name=first,
                last_name=last,
                email=user.email,
                job_title=t(title),
                department=departments[dept],
                user=user,
                language=person_language,
            )
            users[username] = person
        leaders = {
            dept: users[username]
            for username, _first, _last, dept, title, _role in DEMO_USERS
            if title != "Sales analyst"
        }
        for name, _code, parent, _region, size in DEPARTMENTS:
            dept = departments[name]
            already = sum(1 for p in users.values() if p.department_id == dept.pk)
            leader = leaders.get(name) or leaders.get(parent or "")
            for i in range(size - already):
                sex = rng.choice("fm")
                first = rng.choice(FIRST_NAMES[sex])
                last = rng.choice(LAST_NAMES)[0 if sex == "m" else 1]
                titles = TITLES.get(parent or name, ["Specialist"])
                people.append(
                    Person(
                        first_name=first,
                        last_name=last,
                        email=_email(first, last, taken),
                        job_title=t(rng.choice(titles)) if i else t(f"Head of {name}"),
                        department=dept,
                        manager=leader,
                        phone=f"+48 22 {rng.randint(100, 999)} {rng.randint(10, 99)} "
                        f"{rng.randint(10, 99)}",
                        active=rng.random() > 0.03,
                        language=person_language,
                    )
                )
        Person.objects.bulk_create(people)
    installation = Installation.current()
    installation.demo_mode = True
    installation.save()
    # A few real, audited changes so the cockpit and the change log have history to show.
    director = users["director"].user
    with set_actor(director):
        mis = departments["MIS"]
        mis.description = t("Designs, runs and secures the organization's computer systems.")
        mis.save()
        analyst = users["analyst"]
        analyst.phone = "+48 22 555 01 02"
        analyst.save()
    return {"departments": len(departments), "people": Person.objects.count()}


def is_loaded() -> bool:
    return Person.objects.exists() or Department.objects.exists()
