"""Sample data of the portfolio models for the generic object tests (see
openmis/core/tests/samples.py for what each entry means)."""

import itertools

from openmis.portfolio.tests import factories as f

_n = itertools.count()

SAMPLES = {
    "portfolio.system": {
        "make": lambda dept: f.SystemFactory(business_owner=dept),
        "form": lambda dept: {
            "name": f"Payroll {next(_n)}",
            "kind": "application",
            "business_owner": dept.pk,
            "hosting": "saas",
            "criticality": "high",
            "users": 40,
        },
        "change": ("users", 55),
        "owned_by": lambda obj: obj.business_owner,
    },
    "portfolio.vendor": {
        "make": lambda dept: f.VendorFactory(),
        "form": lambda dept: {"name": f"Asseco {next(_n)}"},
        "change": ("phone", "+48 22 000 00 00"),
        "owned_by": None,
    },
    "portfolio.capability": {
        "make": lambda dept: f.CapabilityFactory(),
        "form": lambda dept: {"name": f"Invoicing {next(_n)}"},
        "change": ("description", "Issue and track invoices."),
        "owned_by": None,
    },
    "portfolio.systemcost": {
        "make": lambda dept: f.SystemCostFactory(system=f.SystemFactory(business_owner=dept)),
        "form": lambda dept: {
            "system": f.SystemFactory(business_owner=dept).pk,
            "year": 2026,
            "category": "hosting",
            "amount": "5000.00",
            "currency": "PLN",
        },
        "change": ("note", "Two servers."),
        "owned_by": lambda obj: obj.system.business_owner,
    },
    "portfolio.dependency": {
        "make": lambda dept: f.DependencyFactory(target=f.SystemFactory(business_owner=dept)),
        "form": lambda dept: {
            "source": f.SystemFactory().pk,
            "target": f.SystemFactory(business_owner=dept).pk,
            "data_exchanged": "Orders",
        },
        "change": ("interface", "REST API"),
        "owned_by": lambda obj: obj.target.business_owner,
    },
    "portfolio.contract": {
        "make": lambda dept: f.ContractFactory(system=f.SystemFactory(business_owner=dept)),
        "form": lambda dept: {
            "title": f"Support {next(_n)}",
            "vendor": f.VendorFactory().pk,
            "system": f.SystemFactory(business_owner=dept).pk,
            "value": "24000.00",
            "currency": "PLN",
            "start_date": "2026-01-01",
            "end_date": "2027-12-31",
            "notice_days": 90,
        },
        "change": ("notice_days", 60),
        "owned_by": lambda obj: obj.system.business_owner,
    },
    "portfolio.deploymentproject": {
        "make": lambda dept: f.ProjectFactory(system=f.SystemFactory(business_owner=dept)),
        "form": lambda dept: {
            "name": f"Roll-out {next(_n)}",
            "system": f.SystemFactory(business_owner=dept).pk,
            "budget": "150000.00",
            "spent": "0",
            "currency": "PLN",
            "start_date": "2026-01-01",
            "planned_go_live": "2026-06-30",
        },
        "change": ("spent", 1000),
        "owned_by": lambda obj: obj.system.business_owner,
    },
    "portfolio.milestone": {
        "make": lambda dept: f.MilestoneFactory(
            project=f.ProjectFactory(system=f.SystemFactory(business_owner=dept))
        ),
        "form": lambda dept: {
            "project": f.ProjectFactory(system=f.SystemFactory(business_owner=dept)).pk,
            "name": "Data migrated",
            "due_date": "2026-03-01",
        },
        "change": ("name", "Data migrated and checked"),
        "owned_by": lambda obj: obj.project.system.business_owner,
    },
    "portfolio.lifecycletransition": {
        "make": lambda dept: f.TransitionFactory(system=f.SystemFactory(business_owner=dept)),
        "form": lambda dept: {
            "system": f.SystemFactory(business_owner=dept).pk,
            "to_stage": "piloting",
            "date": "2026-01-01",
        },
        "change": ("note", "edited"),
        "owned_by": lambda obj: obj.system.business_owner,
    },
    "portfolio.systemaccess": {
        "make": lambda dept: f.AccessFactory(system=f.SystemFactory(business_owner=dept)),
        "form": lambda dept: {
            "person": f.PersonFactory().pk,
            "system": f.SystemFactory(business_owner=dept).pk,
            "account": f"jkowalski{next(_n)}",
            "valid_from": "2026-01-01",
        },
        "change": ("role_in_system", "administrator"),
        "owned_by": lambda obj: obj.system.business_owner,
    },
}
