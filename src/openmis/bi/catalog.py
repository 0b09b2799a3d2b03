"""The catalog of every loaded dataset, unrestricted, and the checks made against it when a
dataset or a question is saved (installed into the models by :mod:`openmis.bi.apps`)."""

from __future__ import annotations

from openmis.analytics import compile as qcompile
from openmis.analytics import guard
from openmis.analytics.catalog import Relation, TableInfo
from openmis.analytics.spec import parse_spec
from openmis.bi.engine import get_warehouse
from openmis.bi.models import Dataset
from openmis.bi.services import location_of


def check_external_table(reference: str) -> None:
    """Check that ``reference`` names a table the warehouse can read in place. Raises
    AnalyticsError."""
    warehouse = get_warehouse()
    warehouse.describe(warehouse.external_location(reference))


def full_catalog():
    """Every loaded dataset, unrestricted: to validate saved questions, not to run them."""
    datasets = list(
        Dataset.objects.filter(data_version__gt=0).prefetch_related(
            "columns", "relationships__target"
        )
    )
    return {
        d.name: TableInfo(
            name=d.name,
            columns={c.name: c.type for c in d.columns.all()},
            location=location_of(d),
            relations=tuple(
                Relation(r.name, r.target.name, r.column, r.target_column)
                for r in d.relationships.all()
            ),
            version=d.data_version,
        )
        for d in datasets
    }


def check_spec(data) -> Dataset | None:
    """Validate a saved question's spec; the dataset it names. Raises AnalyticsError."""
    spec = parse_spec(data, full_catalog())
    return Dataset.objects.filter(name=spec.dataset).first()


def check_sql(sql: str) -> None:
    """Validate a saved question's SQL against the guard. Raises SqlRefused."""
    dialect = get_warehouse().dialect
    catalog = full_catalog()
    tables = {
        name: qcompile.to_sql(qcompile.secured_table(catalog, name, {}), dialect)
        for name in catalog
    }
    guard.secure_sql(sql, dialect=dialect, tables=tables)
