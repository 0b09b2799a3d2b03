"""The organization's tile on the home page: active people per department."""

from __future__ import annotations

from django.db.models import Count, Q

from openmis.core import permissions, registry
from openmis.org.models import Department, Person


def can_view_people(user) -> bool:
    """Whether ``user`` may see the people tile (whoever may view people)."""
    return permissions.can(user, registry.get(Person), "view")


def people_per_department(request) -> dict:
    """Active people per department, largest first, with the total and a bar chart's data."""
    departments = list(
        Department.objects.annotate(headcount=Count("people", filter=Q(people__active=True)))
        .order_by("-headcount", "name")
        .values("pk", "name", "headcount")
    )
    return {
        "departments": departments,
        "headcount": sum(d["headcount"] for d in departments),
        "chart": {
            "names": [d["name"] for d in departments],
            "values": [d["headcount"] for d in departments],
        },
        "people_url": registry.get(Person).url("list"),
    }
