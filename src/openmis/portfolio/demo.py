"""Demo portfolio: ~40 systems of a mid-size company with vendors, costs over three years,
contracts, dependencies and two deployment projects (one recently live)."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from auditlog.context import disable_auditlog
from django.utils import timezone

from openmis.core.demotext import Texts
from openmis.org import demo as org_demo
from openmis.org.models import Department, Person
from openmis.portfolio.demo_texts import POLISH
from openmis.portfolio.models import (
    Capability,
    Contract,
    Dependency,
    DeploymentProject,
    LifecycleTransition,
    Milestone,
    System,
    SystemAccess,
    SystemCost,
    Vendor,
)

VENDORS = [
    "Comarch",
    "Asseco Poland",
    "SAP",
    "Microsoft",
    "Salesforce",
    "Atlassian",
    "Oracle",
    "Sage",
    "Enova",
    "Synerise",
    "OVHcloud",
    "Beyond.pl",
    "Cisco",
    "Veeam",
    "Fortinet",
]
CAPABILITIES = [
    "Customer management",
    "Order management",
    "Finance and accounting",
    "Payroll",
    "Human resources",
    "Warehouse and logistics",
    "Marketing",
    "Reporting and BI",
    "Collaboration",
    "IT infrastructure",
    "Security",
    "Integration",
]
# name, kind, owner dept, vendor, hosting, criticality, users, capability, stage, value, health
SYSTEMS = [
    (
        "Comarch ERP XL",
        "application",
        "Finance",
        "Comarch",
        "on_premises",
        "critical",
        160,
        "Finance and accounting",
        "deployed",
        5,
        3,
    ),
    (
        "Enova365 Payroll",
        "application",
        "HR",
        "Enova",
        "on_premises",
        "high",
        12,
        "Payroll",
        "deployed",
        4,
        4,
    ),
    (
        "HR Portal",
        "application",
        "HR",
        "Asseco Poland",
        "private_cloud",
        "medium",
        200,
        "Human resources",
        "deployed",
        3,
        2,
    ),
    (
        "Legacy CRM 2012",
        "application",
        "Customer Relations",
        "Oracle",
        "on_premises",
        "high",
        60,
        "Customer management",
        "retiring",
        3,
        1,
    ),
    (
        "Salesforce Sales Cloud",
        "application",
        "Sales",
        "Salesforce",
        "saas",
        "critical",
        45,
        "Customer management",
        "deployed",
        5,
        5,
    ),
    (
        "Service Desk",
        "application",
        "MIS",
        "Atlassian",
        "saas",
        "high",
        200,
        "IT infrastructure",
        "deployed",
        4,
        4,
    ),
    (
        "Confluence Wiki",
        "application",
        "MIS",
        "Atlassian",
        "saas",
        "medium",
        200,
        "Collaboration",
        "deployed",
        3,
        4,
    ),
    (
        "Microsoft 365",
        "service",
        "MIS",
        "Microsoft",
        "saas",
        "critical",
        200,
        "Collaboration",
        "deployed",
        5,
        5,
    ),
    (
        "Active Directory",
        "infrastructure",
        "MIS",
        "Microsoft",
        "on_premises",
        "critical",
        200,
        "Security",
        "deployed",
        5,
        3,
    ),
    (
        "Warehouse WMS",
        "application",
        "Operations",
        "Asseco Poland",
        "on_premises",
        "critical",
        48,
        "Warehouse and logistics",
        "deployed",
        5,
        2,
    ),
    (
        "Courier Integration",
        "integration",
        "Operations",
        None,
        "on_premises",
        "high",
        0,
        "Integration",
        "deployed",
        4,
        3,
    ),
    (
        "E-commerce Shop",
        "application",
        "Sales",
        None,
        "public_cloud",
        "critical",
        15,
        "Order management",
        "deployed",
        5,
        4,
    ),
    (
        "Synerise Marketing Automation",
        "application",
        "Marketing",
        "Synerise",
        "saas",
        "high",
        22,
        "Marketing",
        "deployed",
        4,
        4,
    ),
    (
        "Newsletter Tool",
        "application",
        "Marketing",
        None,
        "saas",
        "low",
        5,
        "Marketing",
        "deployed",
        2,
        3,
    ),
    (
        "Data Warehouse",
        "infrastructure",
        "MIS",
        "OVHcloud",
        "private_cloud",
        "high",
        30,
        "Reporting and BI",
        "deployed",
        5,
        3,
    ),
    (
        "Reporting Server",
        "application",
        "MIS",
        "Microsoft",
        "on_premises",
        "medium",
        40,
        "Reporting and BI",
        "retiring",
        2,
        2,
    ),
    (
        "OpenMIS",
        "application",
        "MIS",
        None,
        "on_premises",
        "medium",
        200,
        "Reporting and BI",
        "deployed",
        4,
        5,
    ),
    (
        "EDI Gateway",
        "integration",
        "Operations",
        "Comarch",
        "on_premises",
        "high",
        0,
        "Integration",
        "deployed",
        4,
        3,
    ),
    (
        "Integration Bus",
        "integration",
        "MIS",
        None,
        "private_cloud",
        "critical",
        0,
        "Integration",
        "deployed",
        5,
        4,
    ),
    (
        "Document Archive",
        "application",
        "Finance",
        "Asseco Poland",
        "on_premises",
        "medium",
        80,
        "Finance and accounting",
        "deployed",
        3,
        2,
    ),
    (
        "Expense Claims",
        "application",
        "Finance",
        None,
        "saas",
        "low",
        200,
        "Finance and accounting",
        "deployed",
        2,
        4,
    ),
    (
        "Bank Connector",
        "integration",
        "Finance",
        "Comarch",
        "on_premises",
        "critical",
        0,
        "Finance and accounting",
        "deployed",
        5,
        3,
    ),
    (
        "Contact Centre Telephony",
        "service",
        "Customer Relations",
        "Cisco",
        "on_premises",
        "high",
        28,
        "Customer management",
        "deployed",
        4,
        2,
    ),
    (
        "Complaints Tracker",
        "application",
        "Customer Relations",
        None,
        "on_premises",
        "medium",
        28,
        "Customer management",
        "deployed",
        3,
        2,
    ),
    (
        "Cloud CRM",
        "application",
        "Customer Relations",
        "Salesforce",
        "saas",
        "high",
        28,
        "Customer management",
        "piloting",
        None,
        None,
    ),
    (
        "Self-service BI",
        "application",
        "MIS",
        None,
        "private_cloud",
        "medium",
        60,
        "Reporting and BI",
        "evaluating",
        None,
        None,
    ),
    (
        "Mobile Sales App",
        "application",
        "Sales",
        None,
        "public_cloud",
        "medium",
        30,
        "Order management",
        "proposed",
        None,
        None,
    ),
    (
        "Backup Platform",
        "infrastructure",
        "MIS",
        "Veeam",
        "on_premises",
        "critical",
        0,
        "IT infrastructure",
        "deployed",
        5,
        4,
    ),
    (
        "Firewall Cluster",
        "infrastructure",
        "MIS",
        "Fortinet",
        "on_premises",
        "critical",
        0,
        "Security",
        "deployed",
        5,
        4,
    ),
    (
        "Virtualisation Cluster",
        "infrastructure",
        "MIS",
        "Microsoft",
        "on_premises",
        "critical",
        0,
        "IT infrastructure",
        "deployed",
        5,
        3,
    ),
    (
        "Colocation Racks",
        "infrastructure",
        "MIS",
        "Beyond.pl",
        "private_cloud",
        "high",
        0,
        "IT infrastructure",
        "deployed",
        4,
        4,
    ),
    (
        "VPN Service",
        "service",
        "MIS",
        "Fortinet",
        "on_premises",
        "high",
        120,
        "Security",
        "deployed",
        4,
        4,
    ),
    (
        "Intranet",
        "application",
        "HR",
        None,
        "on_premises",
        "low",
        200,
        "Collaboration",
        "deployed",
        2,
        2,
    ),
    (
        "Recruitment System",
        "application",
        "HR",
        None,
        "saas",
        "low",
        6,
        "Human resources",
        "deployed",
        2,
        4,
    ),
    (
        "Fleet Tracking",
        "service",
        "Operations",
        None,
        "saas",
        "medium",
        10,
        "Warehouse and logistics",
        "deployed",
        3,
        4,
    ),
    (
        "Quality Management",
        "application",
        "Operations",
        None,
        "on_premises",
        "medium",
        14,
        "Warehouse and logistics",
        "deployed",
        3,
        3,
    ),
    (
        "Sage Symfonia (old)",
        "application",
        "Finance",
        "Sage",
        "on_premises",
        "low",
        4,
        "Finance and accounting",
        "retired",
        1,
        1,
    ),
    (
        "Price Calculator",
        "application",
        "Sales",
        None,
        "on_premises",
        "medium",
        20,
        "Order management",
        "deployed",
        3,
        1,
    ),
    (
        "Partner Portal",
        "application",
        "Sales",
        None,
        "public_cloud",
        "medium",
        70,
        "Order management",
        "deployed",
        3,
        3,
    ),
    (
        "Customer Survey Tool",
        "application",
        "Marketing",
        None,
        "saas",
        "low",
        8,
        "Marketing",
        "deployed",
        2,
        4,
    ),
]
# what each demo system is for
DESCRIPTIONS = {
    "Comarch ERP XL": "Ledger, invoicing, purchasing and stock: the company's books.",
    "Enova365 Payroll": "Payroll and social security filings.",
    "HR Portal": "Leave requests, payslips and personal data for every employee.",
    "Legacy CRM 2012": "Customer records and complaints of the contact centre, being replaced.",
    "Salesforce Sales Cloud": "Pipeline, quotes and accounts of the sales teams.",
    "Service Desk": "IT requests and incidents of the whole company.",
    "Confluence Wiki": "Procedures, meeting notes and team pages.",
    "Microsoft 365": "E-mail, calendars, Teams and documents.",
    "Active Directory": "Accounts, groups and sign-in for every system.",
    "Warehouse WMS": "Stock locations, picking and shipping in the warehouse.",
    "Courier Integration": "Labels and tracking with the courier companies.",
    "E-commerce Shop": "The online shop for business and private customers.",
    "Synerise Marketing Automation": "Campaigns, segments and web tracking.",
    "Newsletter Tool": "The monthly newsletter and its subscribers.",
    "Data Warehouse": "Sales, finance and marketing data for reporting.",
    "Reporting Server": "Scheduled reports from the data warehouse, to be retired.",
    "OpenMIS": "The MIS office's portfolio, meetings, feedback and BI.",
    "EDI Gateway": "Electronic orders and invoices with wholesale customers.",
    "Integration Bus": "Moves orders, invoices and customers between systems.",
    "Document Archive": "Scanned invoices and contracts, kept for audits.",
    "Expense Claims": "Business trip and expense claims with approvals.",
    "Bank Connector": "Bank statements in, payment orders out.",
    "Contact Centre Telephony": "Calls, queues and recordings of the contact centre.",
    "Complaints Tracker": "Customer complaints and their resolution.",
    "Cloud CRM": "The new CRM of the contact centre, in pilot.",
    "Self-service BI": "Dashboards analysts build themselves, under evaluation.",
    "Mobile Sales App": "Orders and customer visits from a phone, proposed.",
    "Backup Platform": "Nightly backups of servers and databases.",
    "Firewall Cluster": "The company's network perimeter.",
    "Virtualisation Cluster": "Hosts the on-premises servers.",
    "Colocation Racks": "Racks, power and connectivity at the data centre.",
    "VPN Service": "Remote access for staff working from home.",
    "Intranet": "Company news and the staff directory.",
    "Recruitment System": "Job offers, candidates and interviews.",
    "Fleet Tracking": "Positions and routes of the delivery vans.",
    "Quality Management": "Inspections, non-conformities and corrective actions.",
    "Sage Symfonia (old)": "The former accounting system, kept read-only.",
    "Price Calculator": "Price lists and discounts for quotes and the shop.",
    "Partner Portal": "Orders and price lists for resellers.",
    "Customer Survey Tool": "Satisfaction surveys after orders and calls.",
}
# feeding system -> dependent system, data
DEPENDENCIES = [
    ("Active Directory", "Microsoft 365", "Identities"),
    ("Active Directory", "Service Desk", "Identities"),
    ("Active Directory", "HR Portal", "Identities"),
    ("Active Directory", "VPN Service", "Identities"),
    ("Active Directory", "OpenMIS", "Identities"),
    ("Enova365 Payroll", "Comarch ERP XL", "Payroll postings"),
    ("HR Portal", "Enova365 Payroll", "Employee changes"),
    ("Comarch ERP XL", "Data Warehouse", "Ledger, invoices"),
    ("E-commerce Shop", "Integration Bus", "Orders"),
    ("Integration Bus", "Comarch ERP XL", "Orders"),
    ("Integration Bus", "Warehouse WMS", "Orders to pick"),
    ("Warehouse WMS", "Courier Integration", "Shipments"),
    ("Courier Integration", "E-commerce Shop", "Tracking numbers"),
    ("Comarch ERP XL", "EDI Gateway", "Invoices"),
    ("EDI Gateway", "Comarch ERP XL", "Purchase orders"),
    ("Bank Connector", "Comarch ERP XL", "Bank statements"),
    ("Comarch ERP XL", "Bank Connector", "Payment orders"),
    ("Salesforce Sales Cloud", "Integration Bus", "Quotes, accounts"),
    ("Integration Bus", "Salesforce Sales Cloud", "Invoices, payments"),
    ("Legacy CRM 2012", "Complaints Tracker", "Customers"),
    ("Contact Centre Telephony", "Legacy CRM 2012", "Call records"),
    ("Salesforce Sales Cloud", "Data Warehouse", "Pipeline"),
    ("Synerise Marketing Automation", "Data Warehouse", "Campaign results"),
    ("E-commerce Shop", "Synerise Marketing Automation", "Web events"),
    ("Data Warehouse", "Reporting Server", "Reports data"),
    ("Data Warehouse", "OpenMIS", "BI warehouse"),
    ("Comarch ERP XL", "Document Archive", "Scanned invoices"),
    ("Virtualisation Cluster", "Comarch ERP XL", "Hosting"),
    ("Virtualisation Cluster", "Warehouse WMS", "Hosting"),
    ("Virtualisation Cluster", "Active Directory", "Hosting"),
    ("Backup Platform", "Virtualisation Cluster", "Backups"),
    ("Firewall Cluster", "VPN Service", "Network"),
    ("Colocation Racks", "Virtualisation Cluster", "Power, racks"),
    ("Price Calculator", "E-commerce Shop", "Prices"),
    ("Partner Portal", "Integration Bus", "Partner orders"),
    ("Legacy CRM 2012", "Cloud CRM", "Customer migration"),
    ("Fleet Tracking", "Warehouse WMS", "Vehicle positions"),
    ("Comarch ERP XL", "Expense Claims", "Cost centres"),
]
COST_PROFILE = {  # base yearly cost by hosting, split into categories
    "saas": {"subscription": 1.0, "support": 0.05, "staff": 0.2},
    "on_premises": {"licence": 0.3, "support": 0.25, "hosting": 0.15, "staff": 0.45},
    "private_cloud": {"hosting": 0.5, "support": 0.2, "staff": 0.3},
    "public_cloud": {"hosting": 0.6, "support": 0.1, "staff": 0.4},
}


def texts(language: str) -> Texts:
    """The demo portfolio's texts in ``language`` (``en`` or ``pl``)."""
    return Texts(language, POLISH)


def systems(queryset=None) -> dict[str, System]:
    """Every system (of ``queryset``, in its order) by its demo English name, whatever the
    language the demo was loaded in; a system the demo did not create keeps its own name."""
    english = {}
    for row in SYSTEMS:
        for language in ("en", "pl"):
            english.setdefault(texts(language)(row[0]), row[0])
    queryset = System.objects.all() if queryset is None else queryset
    return {english.get(s.name, s.name): s for s in queryset}


def load(today: date | None = None, *, language: str = "en") -> int:
    """Create the demo portfolio, named in ``language``; returns the number of systems."""
    today = today or timezone.localdate()
    rng = random.Random(7)
    t = texts(language)
    departments = org_demo.departments()
    mis_people = list(Person.objects.filter(department__code="MIS").order_by("pk"))
    staff = Person.objects.filter(user__username="staff").first() or (
        mis_people[0] if mis_people else None
    )
    with disable_auditlog():
        vendors = {name: Vendor.objects.create(name=name) for name in VENDORS}
        capabilities = {name: Capability.objects.create(name=t(name)) for name in CAPABILITIES}
        systems = {}
        stages = list(System.Stage.values)
        for name, kind, dept, vendor, hosting, crit, users, cap, stage, value, health in SYSTEMS:
            system = System.objects.create(
                name=t(name),
                description=t(DESCRIPTIONS.get(name, "")),
                kind=kind,
                business_owner=departments[dept],
                technical_owner=rng.choice(mis_people) if mis_people else None,
                vendor=vendors.get(vendor),
                hosting=hosting,
                criticality=crit,
                users=users,
                capability=capabilities[cap],
                lifecycle_stage=stage,
                business_value=value,
                technical_health=health,
            )
            system.departments_served.add(departments[dept])
            systems[name] = system
            # lifecycle history up to the current stage (the systems of the two projects
            # below follow their project: chosen before it started, deployed at go-live)
            when = today - timedelta(days=rng.randint(700, 2500))
            previous = ""
            for step in stages[: stages.index(stage) + 1]:
                note = ""
                if name in PROJECT_HISTORY:
                    days_ago, note = PROJECT_HISTORY[name][step]
                    when = today - timedelta(days=days_ago)
                    note = t(note) if note else note
                LifecycleTransition.objects.create(
                    system=system, from_stage=previous, to_stage=step, date=when, note=note
                )
                previous = step
                when += timedelta(days=rng.randint(30, 240))
                if when > today:
                    when = today
            # costs for the last three years
            if stage in ("deployed", "retiring", "piloting"):
                base = Decimal(rng.randint(2, 60) * 5000)
                for year in range(today.year - 2, today.year + 1):
                    growth = Decimal("1.04") ** (year - today.year + 2)
                    for category, share in COST_PROFILE[hosting].items():
                        SystemCost.objects.create(
                            system=system,
                            year=year,
                            category=category,
                            amount=(base * Decimal(str(share)) * growth).quantize(Decimal("1")),
                        )
        Dependency.objects.bulk_create(
            Dependency(source=systems[source], target=systems[target], data_exchanged=t(data))
            for source, target, data in DEPENDENCIES
        )
        for i, system in enumerate(s for s in systems.values() if s.vendor_id):
            end = today + timedelta(days=40 + 37 * i)
            Contract.objects.create(
                title=f"{system.vendor.name} — {system.name}",
                vendor=system.vendor,
                system=system,
                owner=system.technical_owner or staff,
                value=Decimal(rng.randint(1, 40) * 6000),
                start_date=end - timedelta(days=3 * 365),
                end_date=end,
                notice_days=rng.choice([30, 60, 90, 90, 180]),
                auto_renewal=rng.random() < 0.5,
            )
        # a project that went live recently, and one under way
        live = DeploymentProject.objects.create(
            name=t("Salesforce roll-out for Sales"),
            system=systems["Salesforce Sales Cloud"],
            manager=staff,
            budget=Decimal(420000),
            spent=Decimal(436500),
            start_date=today - timedelta(days=300),
            planned_go_live=today - timedelta(days=75),
            go_live=today - timedelta(days=70),
        )
        for n, (label, offset) in enumerate(
            [
                ("Requirements signed off", 270),
                ("Data migrated", 160),
                ("Users trained", 90),
                ("Go-live", 70),
            ]
        ):
            Milestone.objects.create(
                project=live,
                name=t(label),
                due_date=today - timedelta(days=offset + (n % 2) * 5),
                done_date=today - timedelta(days=offset),
            )
        running = DeploymentProject.objects.create(
            name=t("Cloud CRM for Customer Relations"),
            system=systems["Cloud CRM"],
            manager=staff,
            budget=Decimal(310000),
            spent=Decimal(190000),
            start_date=today - timedelta(days=120),
            planned_go_live=today + timedelta(days=90),
        )
        for label, offset, done in [
            ("Pilot group selected", -100, True),
            ("Customer data migrated", -10, False),
            ("Contact centre trained", 40, False),
            ("Go-live", 90, False),
        ]:
            Milestone.objects.create(
                project=running,
                name=t(label),
                due_date=today + timedelta(days=offset),
                done_date=today + timedelta(days=offset) if done else None,
            )
        _access_lists(systems.values(), today, rng)
    return len(systems)


def _access_lists(systems, today: date, rng: random.Random) -> None:
    """Who uses which system: the people of a running system's department (and those below
    it) and a few of the MIS office, since some day in the last years (one former user each)."""
    from openmis.org import tree

    people: dict[int, list[int]] = {}
    for pk, department in Person.objects.filter(active=True).values_list("pk", "department_id"):
        people.setdefault(department, []).append(pk)
    mis = [pk for d in Department.objects.filter(code="MIS") for pk in people.get(d.pk, [])]
    rows = []
    for system in systems:
        if system.lifecycle_stage not in ("deployed", "retiring", "piloting"):
            continue
        users = sorted(
            {pk for d in tree.descendants(system.business_owner_id) for pk in people.get(d, [])}
            | set(mis[:2])
        )
        for n, person in enumerate(users):
            since = today - timedelta(days=rng.randint(30, 900))
            rows.append(
                SystemAccess(
                    person_id=person,
                    system=system,
                    valid_from=since,
                    valid_until=today - timedelta(days=10) if n == len(users) - 1 else None,
                    role_in_system="administrator" if person in mis else "user",
                )
            )
    SystemAccess.objects.bulk_create(rows)


# Days before the demo's day of each move of the systems whose deployment projects the demo
# holds, and the note kept with it (go-live 70 days ago; a pilot started 100 days ago).
PROJECT_HISTORY = {
    "Salesforce Sales Cloud": {
        "proposed": (460, ""),
        "evaluating": (420, ""),
        "piloting": (180, "Pilot with two sales teams"),
        "deployed": (70, "Salesforce roll-out for Sales"),
    },
    "Cloud CRM": {
        "proposed": (240, ""),
        "evaluating": (200, ""),
        "piloting": (100, "Cloud CRM for Customer Relations"),
    },
}


def reset() -> None:
    with disable_auditlog():
        SystemAccess.objects.all().delete()
        Milestone.objects.all().delete()
        DeploymentProject.objects.all().delete()
        Contract.objects.all().delete()
        Dependency.objects.all().delete()
        SystemCost.objects.all().delete()
        LifecycleTransition.objects.all().delete()
        System.objects.all().delete()
        Capability.objects.all().delete()
        Vendor.objects.all().delete()
