"""Test data of the BI app: small datasets loaded into the (throw-away) warehouse."""

from __future__ import annotations

import itertools
import tempfile
from pathlib import Path

from openmis.bi import loading
from openmis.bi.models import Card, Dashboard, Dataset, ImportJob, Question, Share

_n = itertools.count()

ORDERS_CSV = """id,region,status,amount,quantity,order_date,customer_id
1,North,completed,100.50,1,2024-01-05,1
2,North,completed,200.00,2,2024-01-20,2
3,South,cancelled,50.25,1,2024-02-03,3
4,South,completed,300.00,3,2024-02-14,1
5,West,completed,25.00,5,2024-03-01,4
6,North,completed,75.25,1,2024-03-15,2
"""
CUSTOMERS_CSV = """id,name,segment,region
1,Alfa,Enterprise,North
2,Beta,SMB,North
3,Gamma,SMB,South
4,Delta,Public sector,West
"""


def load_csv(name: str, text: str, *, restricted: bool = False, department=None) -> Dataset:
    """A dataset ``name`` holding the CSV ``text``, loaded through the real import path."""
    dataset = Dataset.objects.create(
        name=name, title=name.capitalize(), restricted=restricted, department=department
    )
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"{name}.csv"
        path.write_text(text, encoding="utf-8")
        job = loading.import_now(dataset, path)
    assert job.status == ImportJob.Status.DONE, job.error
    dataset.refresh_from_db()
    return dataset


def orders(department=None, *, restricted: bool = False) -> Dataset:
    """The sample orders dataset (created once per test)."""
    existing = Dataset.objects.filter(name="orders").first()
    if existing is not None:
        return existing
    return load_csv("orders", ORDERS_CSV, restricted=restricted, department=department)


def question(department=None, *, owner=None, visibility="private", **spec_overrides) -> Question:
    orders(department)
    spec = {
        "dataset": "orders",
        "measures": [{"agg": "sum", "column": "amount", "as": "revenue"}],
        "dimensions": ["region"],
        "order_by": [{"column": "region"}],
        **spec_overrides,
    }
    return Question.objects.create(
        title=f"Revenue by region {next(_n)}",
        spec=spec,
        chart="bar",
        dataset=Dataset.objects.get(name="orders"),
        owner=owner,
        department=department,
        visibility=visibility,
    )


def dashboard(department=None, *, owner=None, visibility="private") -> Dashboard:
    return Dashboard.objects.create(
        title=f"Sales {next(_n)}", owner=owner, department=department, visibility=visibility
    )


def shared_with_every_role(obj, level: str = Share.Level.EDIT):
    """Share ``obj`` with every built-in role, so only role permissions decide access."""
    from openmis.org.models import Role

    field = "question" if isinstance(obj, Question) else "dashboard"
    for role in Role.objects.all():
        Share.objects.create(**{field: obj}, role=role, level=level)
    return obj


def card(department=None) -> Card:
    board = shared_with_every_role(dashboard(department))
    return Card.objects.create(dashboard=board, question=question(department), position=0)
