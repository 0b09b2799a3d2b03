"""External tables: a table of another database registered as a dataset and read in place,
never copied, never written, and never dropped with the dataset."""

import uuid

import duckdb
import pytest
from django.conf import settings
from django.test import Client

from openmis.bi import engine, services
from openmis.bi.models import Dataset, RowRule
from openmis.org.roles import ANALYST, STAFF
from openmis.org.tests.factories import DepartmentFactory, user_with_role

pytestmark = pytest.mark.django_db

ROWS = [(1, "Alfa", "North", 1200.5), (2, "Beta", "South", 300.0), (3, "Gamma", "North", 99.5)]


@pytest.fixture
def external(tmp_path):
    """A customers table in an external database of the engine in use: a configured DuckDB
    file for the embedded warehouse, another schema of the database for PostgreSQL."""
    url = settings.WAREHOUSE_URL or ""
    if url.startswith("postgres"):
        import psycopg

        schema = f"crm_{uuid.uuid4().hex[:8]}"
        conninfo = url.split("?", 1)[0]
        with psycopg.connect(conninfo, autocommit=True) as pg:
            pg.execute(f'CREATE SCHEMA "{schema}"')
            pg.execute(
                f'CREATE TABLE "{schema}".customers '
                "(id bigint, name text, region text, revenue double precision)"
            )
            with pg.cursor() as cur:
                insert = f'INSERT INTO "{schema}".customers VALUES (%s, %s, %s, %s)'  # noqa: S608
                cur.executemany(insert, ROWS)
        yield {
            "reference": f"{schema}.customers",
            "check": lambda: _pg_count(conninfo, schema),
            "unknown": "No table nosuch.table_x was found in the database.",
        }
        with psycopg.connect(conninfo, autocommit=True) as pg:
            pg.execute(f'DROP SCHEMA "{schema}" CASCADE')
        return
    path = tmp_path / "crm.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE customers (id BIGINT, name VARCHAR, region VARCHAR, revenue DOUBLE)")
    con.executemany("INSERT INTO customers VALUES (?, ?, ?, ?)", ROWS)
    con.close()
    old, engine._warehouse = engine._warehouse, None
    settings.BI_EXTERNAL_DUCKDB = {"crm": str(path)}
    try:
        yield {
            "reference": "crm.customers",
            "check": lambda: _duck_count(path),
            "unknown": "Unknown external database 'nosuch' (configured: crm).",
        }
    finally:
        settings.BI_EXTERNAL_DUCKDB = {}
        engine._warehouse = old


def _pg_count(conninfo, schema):
    import psycopg

    with psycopg.connect(conninfo) as pg:
        count = f'SELECT count(*) FROM "{schema}".customers'  # noqa: S608  (our own name)
        return pg.execute(count).fetchone()[0]


def _duck_count(path):
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute("SELECT count(*) FROM customers").fetchone()[0]
    finally:
        con.close()


@pytest.fixture
def analyst():
    client = Client()
    user = user_with_role(ANALYST, DepartmentFactory(name="Sales"), username="ext-analyst")
    client.force_login(user)
    return user, client


def test_an_external_table_is_registered_read_and_queried_in_place(external, analyst):
    user, client = analyst
    # Given an analyst registering the external customers table as a dataset
    response = client.post(
        "/bi/datasets/add/",
        {
            "name": "crm_customers",
            "title": "CRM customers",
            "external_table": external["reference"],
        },
    )
    assert response.status_code == 302
    dataset = Dataset.objects.get(name="crm_customers")
    # When they read it
    page = client.get(dataset.get_absolute_url())
    assert page.context["can_upload"] is False
    response = client.post(f"/bi/datasets/{dataset.pk}/refresh/")
    # Then its columns and profile are known, and questions run on it where it is
    dataset.refresh_from_db()
    assert response.status_code == 302
    assert list(dataset.columns.values_list("name", "type")) == [
        ("id", "int64"),
        ("name", "string"),
        ("region", "string"),
        ("revenue", "float64"),
    ]
    assert (dataset.row_count, dataset.data_version) == (3, 1)
    result = services.run_query(
        user,
        {
            "dataset": "crm_customers",
            "measures": [{"agg": "sum", "column": "revenue"}],
            "dimensions": ["region"],
        },
    )
    assert result["rows"] == [["North", 1300.0], ["South", 300.0]]
    sql = services.run_sql(user, "SELECT count(*) AS n FROM crm_customers WHERE region = 'North'")
    assert sql["rows"] == [[2]]


def test_row_rules_hold_on_external_tables(external, analyst):
    user, _client = analyst
    dataset = Dataset(name="crm_customers", title="CRM", external_table=external["reference"])
    dataset.full_clean()
    dataset.save()
    from openmis.bi import loading

    loading.refresh_external(dataset)
    Dataset.objects.filter(pk=dataset.pk).update(restricted=True)
    RowRule.objects.create(
        dataset=dataset, match=RowRule.Match.VALUES, column="region", values="South"
    )
    # When the analyst, admitted to South only, lists the customers
    result = services.run_query(user, {"dataset": "crm_customers", "fields": ["name"]})
    # Then only South's customer is there
    assert result["rows"] == [["Beta"]]


def test_a_wrong_reference_is_a_field_error(external, analyst):
    _user, client = analyst
    response = client.post(
        "/bi/datasets/add/",
        {"name": "nowhere", "title": "Nowhere", "external_table": "nosuch.table_x"},
    )
    assert response.status_code == 400
    assert response.context["form"].errors["external_table"] == [external["unknown"]]
    assert not Dataset.objects.filter(name="nowhere").exists()


def test_deleting_the_dataset_leaves_the_external_table_alone(
    external, analyst, django_capture_on_commit_callbacks
):
    _user, client = analyst
    client.post(
        "/bi/datasets/add/",
        {"name": "crm_customers", "title": "CRM", "external_table": external["reference"]},
    )
    dataset = Dataset.objects.get(name="crm_customers")
    client.post(f"/bi/datasets/{dataset.pk}/refresh/")
    staff = Client()
    staff.force_login(user_with_role(STAFF, DepartmentFactory(name="MIS")))
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(f"/bi/datasets/{dataset.pk}/delete/")
    assert response.status_code == 302
    assert not Dataset.objects.filter(pk=dataset.pk).exists()
    assert external["check"]() == 3


def test_files_cannot_be_uploaded_into_an_external_dataset(external, analyst):
    from django.core.files.uploadedfile import SimpleUploadedFile

    _user, client = analyst
    client.post(
        "/bi/datasets/add/",
        {"name": "crm_customers", "title": "CRM", "external_table": external["reference"]},
    )
    dataset = Dataset.objects.get(name="crm_customers")
    response = client.post(
        f"/bi/datasets/{dataset.pk}/upload/",
        {"file": SimpleUploadedFile("x.csv", b"id\n1\n")},
    )
    assert response.status_code == 403
    assert dataset.imports.count() == 0
