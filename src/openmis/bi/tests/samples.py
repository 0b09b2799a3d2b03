"""Sample data of the BI models for the generic object tests (see
openmis/core/tests/samples.py for what each entry means).

Questions and dashboards are private to their owner unless shared; the samples share them
with every built-in role for editing, so that the generic tests check the role matrix. The
owner and sharing rules have their own tests (test_access.py).
"""

import itertools

from openmis.bi.models import Column, Dataset, ImportJob, Relationship, RowRule, Share
from openmis.bi.tests import factories as f

_n = itertools.count()


def _dataset_of(dept):
    """The department's loaded sample dataset (loaded once: loading is the slow part)."""
    return Dataset.objects.filter(department=dept, data_version__gt=0).first() or f.load_csv(
        f"sample_{next(_n)}", f.ORDERS_CSV, department=dept
    )


def _question_of(dept):
    from openmis.bi.models import Question

    return Question.objects.filter(department=dept).first() or f.shared_with_every_role(
        f.question(dept)
    )


def _subscription(dept):
    from openmis.bi.models import Subscription

    subscription = Subscription.objects.create(
        question=_question_of(dept),
        format=Subscription.Format.CSV,
        frequency=Subscription.Frequency.WEEKLY,
        department=dept,
    )
    subscription.departments.add(dept)
    return subscription


def _alert(dept):
    from openmis.bi.models import Alert

    return Alert.objects.create(
        question=_question_of(dept),
        column="revenue",
        condition=Alert.Condition.ABOVE,
        threshold=1000,
        department=dept,
    )


def _stranger():
    """A user without a role, owner of the samples others may not see."""
    from openmis.org.tests.factories import UserFactory

    return UserFactory()


def _customers():
    from openmis.bi.models import Dataset

    return Dataset.objects.filter(name="customers").first() or f.load_csv(
        "customers", f.CUSTOMERS_CSV
    )


SAMPLES = {
    "bi.dataset": {
        "make": lambda dept: Dataset.objects.create(
            name=f"sample_{next(_n)}", title="Sample", department=dept
        ),
        "form": lambda dept: {
            "name": f"new_dataset_{next(_n)}",
            "title": "Leads",
            "description": "Leads from the trade fair",
            "department": dept.pk,
        },
        "change": ("title", "Renamed dataset"),
        "owned_by": lambda obj: obj.department,
    },
    "bi.column": {
        "make": lambda dept: Column.objects.create(
            dataset=_dataset_of(dept),
            name=f"extra_{next(_n)}",
            type="string",
            position=9,
        ),
        "form": lambda dept: {
            "dataset": _dataset_of(dept).pk,
            "name": f"note_{next(_n)}",
            "type": "string",
            "role": "dimension",
        },
        "change": ("description", "The customer's note"),
        "owned_by": lambda obj: obj.dataset.department,
    },
    "bi.relationship": {
        "make": lambda dept: Relationship.objects.create(
            dataset=_dataset_of(dept),
            name=f"customer_{next(_n)}",
            column="customer_id",
            target=_customers(),
            target_column="id",
        ),
        "form": lambda dept: {
            "dataset": _dataset_of(dept).pk,
            "name": "buyer",
            "column": "customer_id",
            "target": _customers().pk,
            "target_column": "id",
        },
        "change": ("name", "client"),
        "owned_by": lambda obj: obj.dataset.department,
    },
    "bi.rowrule": {
        "make": lambda dept: RowRule.objects.create(
            dataset=_dataset_of(dept),
            match=RowRule.Match.REGION,
            column="region",
        ),
        "form": lambda dept: {
            "dataset": _dataset_of(dept).pk,
            "match": "values",
            "column": "region",
            "values": "North\nSouth",
        },
        "change": ("column", "status"),
        "owned_by": lambda obj: obj.dataset.department,
    },
    "bi.importjob": {
        "make": lambda dept: ImportJob.objects.create(
            dataset=_dataset_of(dept),
            file_name="orders.csv",
            path="/nonexistent/orders.csv",
            format="csv",
        ),
        "form": lambda dept: {"file_name": "x.csv"},
        "change": ("file_name", "y.csv"),
        "owned_by": lambda obj: obj.dataset.department,
    },
    "bi.question": {
        "make": lambda dept: f.shared_with_every_role(f.question(dept)),
        "form": lambda dept: {
            "title": f"Revenue by status {next(_n)}",
            "dataset": f.orders().pk,
            "chart": "bar",
            "visibility": "private",
            "department": dept.pk,
            "spec": {
                "dataset": "orders",
                "measures": [{"agg": "sum", "column": "amount"}],
                "dimensions": ["status"],
            },
        },
        "change": ("title", "Renamed question"),
        "owned_by": lambda obj: obj.department,
        # Private to another user, shared with no one (in no department, so that the other
        # samples, which take their department's question, do not pick it).
        "hidden": lambda dept: f.question(owner=_stranger()),
    },
    "bi.dashboard": {
        "make": lambda dept: f.shared_with_every_role(f.dashboard(dept)),
        "form": lambda dept: {
            "title": f"Board {next(_n)}",
            "department": dept.pk,
            "visibility": "private",
            "filters": ["region"],
        },
        "change": ("title", "Renamed dashboard"),
        "owned_by": lambda obj: obj.department,
        "hidden": lambda dept: f.dashboard(owner=_stranger()),
    },
    "bi.card": {
        "make": lambda dept: f.card(dept),
        "form": lambda dept: {
            "dashboard": f.shared_with_every_role(f.dashboard(dept)).pk,
            "text": "Revenue is in PLN.",
            "position": 1,
            "width": 6,
            "height": 4,
        },
        "change": ("width", 12),
        "owned_by": lambda obj: obj.dashboard.department,
    },
    "bi.share": {
        "make": lambda dept: Share.objects.create(
            question=f.shared_with_every_role(f.question(dept)), department=dept
        ),
        "form": lambda dept: {
            "question": _question_of(dept).pk,
            "department": dept.pk,
            "level": "view",
        },
        "change": ("level", "edit"),
        "owned_by": None,
    },
    "bi.subscription": {
        "make": _subscription,
        "form": lambda dept: {
            "question": _question_of(dept).pk,
            "format": "xlsx",
            "frequency": "monthly",
            "weekday": 0,
            "day_of_month": 15,
            "time": "07:30",
            "departments": [dept.pk],
            "department": dept.pk,
            "active": True,
        },
        "change": ("frequency", "daily"),
        "owned_by": lambda obj: obj.department,
        "owned_by_user": True,
    },
    "bi.alert": {
        "make": _alert,
        "form": lambda dept: {
            "question": _question_of(dept).pk,
            "column": "revenue",
            "condition": "below",
            "threshold": "50.5",
            "department": dept.pk,
            "active": True,
        },
        "change": ("column", "orders"),
        "owned_by": lambda obj: obj.department,
        "owned_by_user": True,
    },
}
