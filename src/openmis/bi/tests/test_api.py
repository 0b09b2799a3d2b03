"""The BI API: ``POST /api/bi/query/``, ``POST /api/bi/sql/`` and loading files by upload.

The sample orders (factories.ORDERS_CSV), by hand:

    id region status    amount quantity order_date customer_id
    1  North  completed 100.50 1        2024-01-05 1
    2  North  completed 200.00 2        2024-01-20 2
    3  South  cancelled  50.25 1        2024-02-03 3
    4  South  completed 300.00 3        2024-02-14 1
    5  West   completed  25.00 5        2024-03-01 4
    6  North  completed  75.25 1        2024-03-15 2
"""

import subprocess
import sys
import tempfile
from pathlib import Path

# Ibis patches sqlglot's PostgreSQL generator when its SQL dialects are imported; imported
# here, before any test generates SQL, so the date filters below do not depend on the order
# tests run in (see test_date_filters_compile_for_postgresql_whatever_ran_before).
import ibis.backends.sql.dialects  # noqa: F401
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from openmis.bi import loading
from openmis.bi.models import Dataset, ImportJob, Relationship
from openmis.bi.tests import factories as f
from openmis.org.roles import ANALYST, EMPLOYEE, LEADER

pytestmark = pytest.mark.django_db

QUERY = "/api/bi/query/"
SQL = "/api/bi/sql/"


@pytest.fixture
def analyst(make_user):
    return make_user(ANALYST)


@pytest.fixture
def api(analyst, api_client_for):
    """An analyst's API client, with the sample orders loaded."""
    f.orders()
    return api_client_for(analyst)


@pytest.fixture
def with_customers():
    """Orders related to customers by ``customer_id``, under the name ``customer``."""
    orders = f.orders()
    customers = f.load_csv("customers", f.CUSTOMERS_CSV)
    return Relationship.objects.create(
        dataset=orders,
        name="customer",
        column="customer_id",
        target=customers,
        target_column="id",
    )


def query(client, spec):
    return client.post(QUERY, spec, format="json")


# --- the shape of a result ------------------------------------------------------------------------


def test_columns_are_the_dimensions_in_order_then_the_measures_in_order(api):
    # Given a spec naming two dimensions and three measures, one of them with its own name
    spec = {
        "dataset": "orders",
        "dimensions": ["status", "region"],
        "measures": [
            {"agg": "count"},
            {"agg": "sum", "column": "amount", "as": "revenue"},
            {"agg": "max", "column": "quantity"},
        ],
    }
    # When it is asked through the API
    response = query(api, spec)
    # Then the columns are the dimensions, then the measures, named <agg>_<column> or count
    assert response.status_code == 200
    assert response.json() == {
        "columns": ["status", "region", "count", "revenue", "max_quantity"],
        "rows": [
            ["cancelled", "South", 1, 50.25, 1],
            ["completed", "North", 3, 375.75, 2],
            ["completed", "South", 1, 300.0, 3],
            ["completed", "West", 1, 25.0, 5],
        ],
        "truncated": False,
        "cached": False,
    }


def test_the_same_query_again_is_served_from_the_cache(api):
    # Given a query answered once
    spec = {"dataset": "orders", "measures": [{"agg": "count"}]}
    first = query(api, spec).json()
    # When it is asked again
    second = query(api, spec).json()
    # Then the rows are the same and the second answer says it came from the cache
    assert first == {"columns": ["count"], "rows": [[6]], "truncated": False, "cached": False}
    assert second == {"columns": ["count"], "rows": [[6]], "truncated": False, "cached": True}


def test_answers_say_how_long_the_server_took(api):
    # Given a query and an SQL statement
    spec = {"dataset": "orders", "measures": [{"agg": "count"}]}
    # When each is answered
    answers = [query(api, spec), api.post(SQL, {"sql": "SELECT count(*) FROM orders"})]
    # Then each carries the server's own time in a Server-Timing header, as browsers read it
    for response in answers:
        assert response.status_code == 200
        name, duration = response["Server-Timing"].split(";dur=")
        assert name == "query"
        assert float(duration) >= 0


def test_an_uncached_question_costs_two_database_queries(api, settings, django_assert_num_queries):
    # Given the result cache off, and the analyst's token used once (their permissions, the
    # dataset and the compiled shape of the question are kept from then on)
    settings.BI_RESULT_CACHE_SECONDS = 0

    def spec(day):
        return {
            "dataset": "orders",
            "measures": [{"agg": "sum", "column": "amount", "as": "revenue"}],
            "filters": [{"column": "order_date", "op": "<=", "value": f"2024-03-{day:02d}"}],
        }

    assert query(api, spec(1)).json()["rows"] == [[675.75]]
    # When the question is asked with filter values never asked before
    for day, revenue in ((2, 675.75), (14, 675.75), (15, 751.0)):
        # Then each answer runs its query and reads the database twice: the token with its
        # user (one query, so a revoked token or a deactivated account counts at once), and
        # the cache generations (permissions and dataset are kept under them)
        with django_assert_num_queries(2):
            answer = query(api, spec(day))
        assert answer.status_code == 200
        assert (answer.json()["rows"], answer.json()["cached"]) == ([[revenue]], False)


def test_fields_of_a_related_dataset_are_relation_dot_column(api, with_customers):
    # Given orders related to customers as "customer"
    spec = {
        "dataset": "orders",
        "dimensions": ["customer.segment"],
        "measures": [
            {"agg": "sum", "column": "amount"},
            {"agg": "count_distinct", "column": "customer.name"},
        ],
        "order_by": [{"column": "customer.segment"}],
    }
    # When revenue is asked by the customer's segment
    response = query(api, spec)
    # Then the related field is a column named by its path, measures of it by <agg>_<rel>_<col>
    assert response.status_code == 200
    assert response.json()["columns"] == [
        "customer.segment",
        "sum_amount",
        "count_distinct_customer_name",
    ]
    assert response.json()["rows"] == [
        ["Enterprise", 400.5, 1],
        ["Public sector", 25.0, 1],
        ["SMB", 325.5, 2],
    ]


def test_raw_fields_of_a_related_dataset(api, with_customers):
    # Given orders related to customers
    spec = {
        "dataset": "orders",
        "fields": ["id", "customer.name", "customer.region"],
        "filters": [{"column": "customer.region", "op": "=", "value": "West"}],
    }
    # When raw rows with the customer's fields are asked
    response = query(api, spec)
    # Then each row carries its customer's fields
    assert response.json()["columns"] == ["id", "customer.name", "customer.region"]
    assert response.json()["rows"] == [[5, "Delta", "West"]]


def test_dates_are_iso_strings_and_decimals_json_numbers(api):
    # Given orders whose amount is loaded as a decimal
    dataset = Dataset.objects.create(name="ledger", title="Ledger")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "ledger.csv"
        path.write_text(f.ORDERS_CSV, encoding="utf-8")
        job = loading.import_now(dataset, path, column_types={"amount": "decimal(10,2)"})
    assert job.status == ImportJob.Status.DONE
    assert dict(dataset.columns.values_list("name", "type"))["amount"] == "decimal(10,2)"
    spec = {
        "dataset": "ledger",
        "dimensions": [{"column": "order_date", "bucket": "month", "as": "month"}],
        "measures": [
            {"agg": "sum", "column": "amount"},
            {"agg": "min", "column": "order_date"},
        ],
    }
    # When amounts are summed by month
    response = query(api, spec)
    # Then dates come as ISO strings, decimals as numbers (never as strings)
    body = response.json()
    assert body["columns"] == ["month", "sum_amount", "min_order_date"]
    assert body["rows"] == [
        ["2024-01-01", 300.5, "2024-01-05"],
        ["2024-02-01", 350.25, "2024-02-03"],
        ["2024-03-01", 100.25, "2024-03-01"],
    ]
    assert all(isinstance(row[1], float) for row in body["rows"])
    # And raw rows too: the decimal amount is a number, the date a string
    raw = query(api, {"dataset": "ledger", "fields": ["amount", "order_date"], "limit": 1}).json()
    assert raw["rows"] == [[100.5, "2024-01-05"]]


# --- each aggregation, computed by hand -----------------------------------------------------------

AGGREGATIONS = [
    ("sum", "amount", "sum_amount", 751.0),
    ("avg", "amount", "avg_amount", pytest.approx(751.0 / 6)),
    ("min", "amount", "min_amount", 25.0),
    ("max", "amount", "max_amount", 300.0),
    ("count", "amount", "count_amount", 6),
    ("count", None, "count", 6),
    ("count_distinct", "region", "count_distinct_region", 3),
    ("count_distinct", "customer_id", "count_distinct_customer_id", 4),
    # sorted: 25, 50.25, 75.25, 100.5, 200, 300 -> (75.25 + 100.5) / 2
    ("median", "amount", "median_amount", 87.875),
    # sorted: 1, 1, 1, 2, 3, 5 -> (1 + 2) / 2
    ("median", "quantity", "median_quantity", 1.5),
    ("sum", "quantity", "sum_quantity", 13),
    ("min", "order_date", "min_order_date", "2024-01-05"),
    ("max", "order_date", "max_order_date", "2024-03-15"),
    ("min", "region", "min_region", "North"),
]


@pytest.mark.parametrize(("agg", "column", "name", "expected"), AGGREGATIONS)
def test_each_aggregation_over_the_whole_dataset(api, agg, column, name, expected):
    # Given one measure over every order
    measure = {"agg": agg, **({"column": column} if column else {})}
    # When it is asked
    response = query(api, {"dataset": "orders", "measures": [measure]})
    # Then its one value is the hand-computed one, under its default name
    assert response.status_code == 200
    assert response.json()["columns"] == [name]
    assert response.json()["rows"] == [[expected]]


def test_each_aggregation_by_region(api):
    # Given every aggregation of the amount by region
    aggs = ["sum", "avg", "min", "max", "count", "count_distinct", "median"]
    spec = {
        "dataset": "orders",
        "dimensions": ["region"],
        "measures": [{"agg": a, "column": "amount"} for a in aggs],
    }
    # When it is asked
    response = query(api, spec)
    # Then each group's values are the hand-computed ones
    assert response.json()["columns"] == ["region", *(f"{a}_amount" for a in aggs)]
    assert response.json()["rows"] == [
        # North: 100.50, 200.00, 75.25
        ["North", 375.75, 125.25, 75.25, 200.0, 3, 3, 100.5],
        # South: 50.25, 300.00
        ["South", 350.25, 175.125, 50.25, 300.0, 2, 2, 175.125],
        ["West", 25.0, 25.0, 25.0, 25.0, 1, 1, 25.0],
    ]


# --- filters --------------------------------------------------------------------------------------

FILTERS = [
    ({"column": "status", "op": "=", "value": "completed"}, [1, 2, 4, 5, 6]),
    ({"column": "region", "op": "!=", "value": "North"}, [3, 4, 5]),
    ({"column": "region", "op": "in", "value": ["South", "West"]}, [3, 4, 5]),
    ({"column": "region", "op": "not_in", "value": ["North"]}, [3, 4, 5]),
    ({"column": "amount", "op": ">", "value": 100}, [1, 2, 4]),
    ({"column": "amount", "op": "<=", "value": "75.25"}, [3, 5, 6]),
    ({"column": "order_date", "op": "between", "value": ["2024-02-01", "2024-02-29"]}, [3, 4]),
    ({"column": "order_date", "op": ">=", "value": "2024-03-01"}, [5, 6]),
    ({"column": "status", "op": "contains", "value": "cancel"}, [3]),
    ({"column": "region", "op": "starts_with", "value": "No"}, [1, 2, 6]),
    ({"column": "region", "op": "contains", "value": "north"}, []),  # case-sensitive
    ({"column": "amount", "op": "is_null"}, []),
    ({"column": "amount", "op": "not_null"}, [1, 2, 3, 4, 5, 6]),
]


@pytest.mark.parametrize(
    ("flt", "ids"), FILTERS, ids=[f"{x['op']}-{x['column']}" for x, _ in FILTERS]
)
def test_filters_select_the_rows_they_name(api, flt, ids):
    # Given a filter on the raw rows
    spec = {"dataset": "orders", "fields": ["id"], "filters": [flt], "order_by": ["id"]}
    # When it is asked
    response = query(api, spec)
    # Then exactly the matching orders come back
    assert response.status_code == 200
    assert response.json()["rows"] == [[i] for i in ids]


def test_several_filters_all_apply(api):
    spec = {
        "dataset": "orders",
        "measures": [{"agg": "sum", "column": "amount"}],
        "filters": [
            {"column": "status", "op": "=", "value": "completed"},
            {"column": "region", "op": "in", "value": ["North", "South"]},
            {"column": "quantity", "op": "<", "value": 3},
        ],
    }
    # orders 1, 2 and 6 are completed, North or South, and of fewer than 3 items
    assert query(api, spec).json()["rows"] == [[375.75]]


# --- bad requests ---------------------------------------------------------------------------------

BAD_SPECS = [
    (
        {"dataset": "orders", "measures": [{"agg": "total", "column": "amount"}]},
        {
            "measures[0].agg": [
                "Choose an aggregation among: sum, avg, min, max, count, count_distinct, median."
            ]
        },
    ),
    (
        {"dataset": "orders", "measures": [{"agg": "count"}, {"agg": "sum", "column": "nope"}]},
        {"measures[1].column": ['Dataset "orders" has no column "nope".']},
    ),
    (
        {"dataset": "orders", "measures": [{"agg": "sum", "column": "region"}]},
        {
            "measures[0].column": [
                'The aggregation "sum" needs a numeric column; "region" is string.'
            ]
        },
    ),
    (
        {"dataset": "orders", "measures": [{"agg": "avg"}]},
        {"measures[0].column": ['The aggregation "avg" needs a column.']},
    ),
    (
        {
            "dataset": "orders",
            "measures": [{"agg": "count"}],
            "filters": [{"column": "amount", "op": ">", "value": "lots"}],
        },
        {"filters[0].value": ['"lots" is not a number.']},
    ),
    (
        {
            "dataset": "orders",
            "measures": [{"agg": "count"}],
            "filters": [{"column": "region", "op": "like", "value": "N%"}],
        },
        {
            "filters[0].op": [
                "Choose an operator among: =, !=, <, <=, >, >=, in, not_in, between, contains, "
                "starts_with, is_null, not_null, last, this, previous."
            ]
        },
    ),
    (
        {"dataset": "orders", "dimensions": [{"column": "region", "bucket": "month"}]},
        {
            "dimensions[0].bucket": [
                'A time bucket needs a date or timestamp column; "region" is string.'
            ]
        },
    ),
    (
        {"dataset": "orders", "measures": [{"agg": "count"}], "limit": 0},
        {"limit": ["The limit must be a whole number between 1 and 1,000,000."]},
    ),
    ({"dataset": "orders"}, {"measures": ["Ask for at least one measure, dimension or field."]}),
    ({"dataset": "nope", "measures": [{"agg": "count"}]}, {"dataset": ['Unknown dataset "nope".']}),
    ({"measures": [{"agg": "count"}]}, {"dataset": ["Name the dataset to query."]}),
    (
        {"dataset": "orders", "measures": [{"agg": "count"}], "group_by": ["region"]},
        {
            "group_by": [
                'Unknown key "group_by"; a query may have: dataset, measures, dimensions, '
                "filters, order_by, limit, fields."
            ]
        },
    ),
]


@pytest.mark.parametrize(("spec", "errors"), BAD_SPECS, ids=[next(iter(e)) for _, e in BAD_SPECS])
def test_a_bad_spec_is_a_400_keyed_by_the_path_of_the_mistake(api, spec, errors):
    # Given a spec with one mistake
    # When it is asked
    response = query(api, spec)
    # Then the answer is a 400 whose key is the path of the mistake
    assert response.status_code == 400
    assert response.json() == errors


@pytest.mark.parametrize("body", [[{"dataset": "orders"}], "orders", 42])
def test_a_body_that_is_not_an_object_is_a_400(api, body):
    response = api.post(QUERY, body, format="json")
    assert response.status_code == 400
    assert response.json() == {"detail": "Send the query spec as a JSON object."}


def test_a_dataset_without_data_is_unknown(api):
    # Given a dataset created but never loaded
    Dataset.objects.create(name="empty", title="Empty")
    # When it is queried
    response = query(api, {"dataset": "empty", "measures": [{"agg": "count"}]})
    # Then it is not offered to queries at all
    assert response.status_code == 400
    assert response.json() == {"dataset": ['Unknown dataset "empty".']}


def test_unauthenticated_requests_are_401(api_client_for):
    f.orders()
    client = api_client_for(None)
    spec = {"dataset": "orders", "measures": [{"agg": "count"}]}
    assert client.post(QUERY, spec, format="json").status_code == 401
    assert client.post(SQL, {"sql": "SELECT 1 AS one"}, format="json").status_code == 401


def test_a_role_without_the_warehouse_is_403(make_user, api_client_for):
    # Given a user without any role (so without bi.view_dataset)
    f.orders()
    client = api_client_for(make_user(None))
    # When they query
    response = query(client, {"dataset": "orders", "measures": [{"agg": "count"}]})
    # Then they are refused, and nothing was computed (so nothing cached for the next reader)
    assert response.status_code == 403
    assert response.json() == {"detail": "Your role does not allow asking questions of the data."}
    analyst = api_client_for(make_user(ANALYST))
    again = query(analyst, {"dataset": "orders", "measures": [{"agg": "count"}]}).json()
    assert (again["rows"], again["cached"]) == ([[6]], False)


# --- SQL ------------------------------------------------------------------------------------------


def test_sql_returns_columns_rows_and_flags(api):
    # Given read-only SQL over the orders
    sql = "SELECT region, sum(amount) AS revenue FROM orders GROUP BY region ORDER BY region"
    # When it is run
    response = api.post(SQL, {"sql": sql}, format="json")
    # Then the result has the API's shape
    assert response.status_code == 200
    assert response.json() == {
        "columns": ["region", "revenue"],
        "rows": [["North", 375.75], ["South", 350.25], ["West", 25.0]],
        "truncated": False,
        "cached": False,
    }


def test_sql_joins_datasets_by_their_names(api, with_customers):
    sql = (
        "SELECT c.segment, count(*) AS n FROM orders o JOIN customers c ON c.id = o.customer_id "
        "GROUP BY c.segment ORDER BY c.segment"
    )
    response = api.post(SQL, {"sql": sql}, format="json")
    assert response.json()["rows"] == [["Enterprise", 2], ["Public sector", 1], ["SMB", 3]]


REFUSED = [
    ("DROP TABLE orders", "Only SELECT queries can be run; this is a DROP TABLE."),
    ("SELECT 1; SELECT 2", "Only one statement can be run at a time."),
    (
        "SELECT * FROM read_csv('/etc/passwd')",
        "Table functions such as read_csv cannot be used.",
    ),
]


@pytest.mark.parametrize(("sql", "reason"), REFUSED, ids=["drop", "two-statements", "read-csv"])
def test_sql_refusals_are_a_400_with_the_reason(api, sql, reason):
    # Given SQL that is not a single read-only query over datasets
    # When it is sent
    response = api.post(SQL, {"sql": sql}, format="json")
    # Then it is refused with the reason, and the dataset is still there
    assert response.status_code == 400
    assert response.json() == {"detail": reason}
    count = api.post(SQL, {"sql": "SELECT count(*) AS n FROM orders"}, format="json")
    assert count.json()["rows"] == [[6]]


@pytest.mark.parametrize("role", [EMPLOYEE, LEADER])
def test_roles_without_the_sql_permission_get_403(make_user, api_client_for, role):
    f.orders()
    client = api_client_for(make_user(role))
    response = client.post(SQL, {"sql": "SELECT count(*) AS n FROM orders"}, format="json")
    assert response.status_code == 403
    assert response.json() == {"detail": "Your role does not allow SQL queries."}


# --- uploads --------------------------------------------------------------------------------------


def upload_url(dataset):
    return f"/api/bi/datasets/{dataset.pk}/upload/"


def csv_file(text=f.ORDERS_CSV, name="orders.csv"):
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


def test_an_upload_returns_202_with_the_job_that_loads_the_file(analyst, api_client_for):
    # Given a new, empty dataset
    dataset = Dataset.objects.create(name="sales", title="Sales")
    client = api_client_for(analyst)
    # When a CSV file is uploaded to it
    response = client.post(upload_url(dataset), {"file": csv_file()}, format="multipart")
    # Then the answer is the job, run at once in tests
    assert response.status_code == 202
    job = ImportJob.objects.get()
    assert response.json() == {"id": job.pk, "status": "done"}
    assert (job.status, job.rows, job.file_name, job.mode) == ("done", 6, "orders.csv", "replace")
    # And the dataset holds the file's rows, and the stored upload is gone
    dataset.refresh_from_db()
    assert (dataset.row_count, dataset.data_version) == (6, job.pk)
    assert not Path(job.path).exists()
    spec = {"dataset": "sales", "measures": [{"agg": "sum", "column": "amount"}]}
    assert query(client, spec).json()["rows"] == [[751.0]]


def test_the_import_job_api_tells_the_status_and_rows(analyst, api_client_for):
    # Given a file uploaded through the API
    dataset = Dataset.objects.create(name="sales", title="Sales")
    client = api_client_for(analyst)
    job_id = client.post(upload_url(dataset), {"file": csv_file()}, format="multipart").json()["id"]
    # When the job is looked up
    detail = client.get(f"/api/bi/imports/{job_id}/")
    # Then it says the job is done, with the rows loaded
    assert detail.status_code == 200
    body = detail.json()
    assert body["status"] == "done"
    assert body["progress"] == 1.0
    assert body["rows"] == 6
    assert body["error"] == ""


def test_an_upload_appends(analyst, api_client_for):
    # Given the orders loaded once
    dataset = f.orders()
    client = api_client_for(analyst)
    # When the same file is appended
    response = client.post(
        upload_url(dataset), {"file": csv_file(), "mode": "append"}, format="multipart"
    )
    # Then the dataset has twice the rows
    assert response.status_code == 202
    assert response.json()["status"] == "done"
    assert ImportJob.objects.get(pk=response.json()["id"]).mode == "append"
    dataset.refresh_from_db()
    assert dataset.row_count == 12


def test_column_types_given_with_dotted_form_keys(analyst, api_client_for):
    # Given a new dataset
    dataset = Dataset.objects.create(name="sales", title="Sales")
    client = api_client_for(analyst)
    # When the file is uploaded with the id typed as text ("column_types.<column>" form keys)
    response = client.post(
        upload_url(dataset),
        {"file": csv_file(), "column_types.id": "string"},
        format="multipart",
    )
    # Then the job records the type and the column has it
    assert response.status_code == 202
    job = ImportJob.objects.get()
    assert job.column_types == {"id": "string"}
    assert dataset.columns.get(name="id").type == "string"


def test_column_types_given_as_json_text(analyst, api_client_for):
    # Given a new dataset
    dataset = Dataset.objects.create(name="sales", title="Sales")
    client = api_client_for(analyst)
    # When the file is uploaded with column types as JSON, as the API documents them
    response = client.post(
        upload_url(dataset),
        {"file": csv_file(), "column_types": '{"id": "string"}'},
        format="multipart",
    )
    # Then the types are used (or the request is refused), never silently dropped
    assert response.status_code == 202
    assert ImportJob.objects.get().column_types == {"id": "string"}
    assert dataset.columns.get(name="id").type == "string"


def test_bad_column_types_are_a_400_and_no_job(analyst, api_client_for):
    # Given the orders loaded once
    dataset = f.orders()
    version = dataset.data_version
    client = api_client_for(analyst)
    # When a file is uploaded with an unknown column type
    response = client.post(
        upload_url(dataset),
        {"file": csv_file(), "column_types.amount": "money"},
        format="multipart",
    )
    # Then it is refused, no job is queued and the data is as it was
    assert response.status_code == 400
    assert response.json() == {"column_types": ["Unknown type “money”."]}
    assert ImportJob.objects.filter(dataset=dataset).count() == 1
    dataset.refresh_from_db()
    assert (dataset.data_version, dataset.row_count) == (version, 6)


def test_an_unsupported_file_type_is_a_400(analyst, api_client_for):
    dataset = f.orders()
    client = api_client_for(analyst)
    response = client.post(
        upload_url(dataset), {"file": csv_file(name="orders.pdf")}, format="multipart"
    )
    assert response.status_code == 400
    assert response.json() == {
        "file": ["Unsupported file type “pdf”: use CSV, XLSX, Parquet or JSON."]
    }
    assert ImportJob.objects.filter(dataset=dataset).count() == 1


def test_a_malformed_upload_is_a_failed_job_with_line_and_column(analyst, api_client_for):
    # Given the orders loaded once
    dataset = f.orders()
    version = dataset.data_version
    client = api_client_for(analyst)
    # When a file with a ragged line is uploaded to replace them
    ragged = f.ORDERS_CSV + "7,North,completed,10.00,1,2024-03-20,1,extra\n"
    response = client.post(upload_url(dataset), {"file": csv_file(ragged)}, format="multipart")
    # Then the job failed, saying where, and the dataset keeps its data
    assert response.status_code == 202
    job = ImportJob.objects.get(pk=response.json()["id"])
    assert response.json()["status"] == "failed"
    assert (job.status, job.error, job.error_line, job.rows) == (
        "failed",
        "Line 8: expected 7 columns, found 8.",
        8,
        None,
    )
    dataset.refresh_from_db()
    assert (dataset.data_version, dataset.row_count) == (version, 6)


def test_the_import_job_api_tells_the_error_and_its_line(analyst, api_client_for):
    dataset = f.orders()
    client = api_client_for(analyst)
    ragged = f.ORDERS_CSV + "7,North,completed,10.00,1,2024-03-20,1,extra\n"
    response = client.post(upload_url(dataset), {"file": csv_file(ragged)}, format="multipart")
    detail = client.get(f"/api/bi/imports/{response.json()['id']}/").json()
    assert detail["status"] == "failed"
    assert detail["error"] == "Line 8: expected 7 columns, found 8."
    assert detail["error_line"] == 8
    assert detail["rows"] is None


def test_an_empty_file_is_a_400(analyst, api_client_for):
    dataset = f.orders()
    client = api_client_for(analyst)
    response = client.post(upload_url(dataset), {"file": csv_file("")}, format="multipart")
    assert response.status_code == 400
    assert response.json() == {"file": ["The submitted file is empty."]}
    assert ImportJob.objects.filter(dataset=dataset).count() == 1


def test_sql_without_a_query_is_a_400(api):
    response = api.post(SQL, {}, format="json")
    assert response.status_code == 400
    assert response.json() == {"sql": ["This field is required."]}


def test_an_employee_cannot_upload(make_user, api_client_for):
    # Given the orders loaded once, and an employee
    dataset = f.orders()
    version = dataset.data_version
    client = api_client_for(make_user(EMPLOYEE))
    uploads = set(loading.upload_dir().iterdir())
    # When the employee uploads a file
    response = client.post(upload_url(dataset), {"file": csv_file()}, format="multipart")
    # Then it is refused, no job was created, no file stored, and the data is unchanged
    assert response.status_code == 403
    assert response.json() == {"detail": "Your role does not allow loading data."}
    assert ImportJob.objects.filter(dataset=dataset).count() == 1
    assert set(loading.upload_dir().iterdir()) == uploads
    dataset.refresh_from_db()
    assert dataset.data_version == version


def test_an_upload_to_a_missing_dataset_is_404(analyst, api_client_for):
    client = api_client_for(analyst)
    response = client.post("/api/bi/datasets/999999/upload/", {"file": csv_file()})
    assert response.status_code == 404
    assert ImportJob.objects.count() == 0


DATE_FILTER_FOR_POSTGRES = """
import datetime as dt

import sqlglot.expressions as sge

from openmis.analytics import compile
from openmis.analytics.catalog import Location, TableInfo
from openmis.analytics.spec import parse_spec

# What every load does first (Warehouse.profile quotes the column names), and the SQL guard:
print(sge.to_identifier("amount", quoted=True).sql("postgres"))
catalog = {"orders": TableInfo("orders", {"id": "int64", "order_date": "date"},
                               Location(None, "wh", "ds1_v1"))}
spec = parse_spec({"dataset": "orders", "fields": ["id"],
                   "filters": [{"column": "order_date", "op": ">=", "value": "2024-03-01"}]},
                  catalog)
expr = compile.compile_query(spec, catalog, {}, today=dt.date(2024, 3, 31))
print(compile.to_sql(expr, "postgres").splitlines()[-1].strip())
"""


def test_date_filters_compile_for_postgresql_whatever_ran_before():
    # Given a fresh process that quoted a PostgreSQL identifier first, as a load does
    # When a filter on a date is compiled for PostgreSQL
    done = subprocess.run(
        [sys.executable, "-c", DATE_FILTER_FOR_POSTGRES],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    # Then the date is a function PostgreSQL has
    assert done.stdout.splitlines() == ['"amount"', '"t0"."order_date" >= MAKE_DATE(2024, 3, 1)']
