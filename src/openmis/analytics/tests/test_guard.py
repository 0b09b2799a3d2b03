"""Tests of the read-only SQL guard of the BI SQL editor (``openmis.analytics.guard``).

The hostile corpus is checked twice: by the guard alone, and on a DuckDB warehouse set up the
way the BI engine runs user SQL, where a refused statement must leave no trace.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest
import sqlglot
from sqlglot import exp

from openmis.analytics.errors import SqlRefused
from openmis.analytics.guard import secure_sql

# Runs alike on every database engine: the PostgreSQL pass leaves it out.
pytestmark = pytest.mark.engine_neutral

ORDERS_SQL = """SELECT * FROM "ds1_v1"."main"."data" AS "t0" WHERE "t0"."region" IN ('EU')"""
CUSTOMERS_SQL = 'SELECT * FROM "ds2_v1"."main"."data" AS "t0"'
TABLES = {"orders": ORDERS_SQL, "customers": CUSTOMERS_SQL}
FAKE_DIR = "/srv/openmis/warehouse"
PG_ORDERS = """SELECT * FROM "warehouse"."ds12_v3" AS "t0" WHERE "t0"."region" IN ('EU')"""
PG_CUSTOMERS = 'SELECT * FROM "warehouse"."ds13_v1" AS "t0"'
PG_TABLES = {"orders": PG_ORDERS, "customers": PG_CUSTOMERS}

UNKNOWN = "you can query orders, customers"
FILES = "Files and URLs cannot be read"
QUALIFIED = "Qualified table names such as"
TABLE_FUNCTION = "Table functions such as"
ONE_STATEMENT = r"^Only one statement can be run at a time\.$"


def refused_because(statement: str) -> str:
    """The refusal of a statement that is not a query, e.g. ``this is a DELETE``."""
    return rf"^Only SELECT queries can be run; this is {re.escape(statement)}\.$"


def contains(statement: str) -> str:
    """The refusal of a write hidden inside a query, e.g. ``this query contains a DELETE``."""
    return rf"^Only SELECT queries can be run; this query contains {re.escape(statement)}\.$"


# Each case: (id, SQL, regex the refusal must match). ``{dir}`` stands for the warehouse
# directory, so that the engine test can see whether a file appeared there.
HOSTILE: list[tuple[str, str, str]] = [
    # DML and DDL
    ("insert", "INSERT INTO orders VALUES (9, 'US', 1.0, 1)", refused_because("an INSERT")),
    ("update", "UPDATE orders SET region = 'US'", refused_because("an UPDATE")),
    ("delete", "DELETE FROM orders", refused_because("a DELETE")),
    (
        "merge",
        "MERGE INTO orders USING customers ON orders.id = customers.id WHEN MATCHED THEN DELETE",
        refused_because("a MERGE"),
    ),
    ("create-table-as", "CREATE TABLE stolen AS SELECT * FROM orders", r"CREATE TABLE\.$"),
    ("create-view", "CREATE VIEW v AS SELECT * FROM orders", r"this is a CREATE VIEW\.$"),
    ("drop", "DROP TABLE orders", refused_because("a DROP TABLE")),
    ("alter", "ALTER TABLE orders ADD COLUMN x INTEGER", refused_because("an ALTER TABLE")),
    ("truncate", "TRUNCATE orders", refused_because("a TRUNCATE")),
    ("create-macro", "CREATE MACRO steal() AS TABLE SELECT 1", refused_because("a CREATE MACRO")),
    (
        "create-secret",
        "CREATE SECRET s3key (TYPE s3, KEY_ID 'k', SECRET 's')",
        refused_because("a CREATE SECRET"),
    ),
    # Writes wrapped in a query
    (
        "cte-delete",
        "WITH x AS (DELETE FROM orders RETURNING *) SELECT * FROM x",
        contains("a DELETE"),
    ),
    (
        "cte-update",
        "WITH x AS (UPDATE orders SET region = 'US' RETURNING *) SELECT * FROM x",
        contains("an UPDATE"),
    ),
    (
        "cte-then-insert",
        "WITH x AS (SELECT 1) INSERT INTO orders SELECT * FROM x",
        refused_because("an INSERT"),
    ),
    (
        "subquery-cte-delete",
        "SELECT * FROM orders WHERE id IN "
        "(WITH d AS (DELETE FROM orders RETURNING id) SELECT id FROM d)",
        contains("a DELETE"),
    ),
    # More than one statement, comments and case tricks
    ("two-statements", "SELECT 1; DROP TABLE orders", ONE_STATEMENT),
    ("two-selects", "SELECT * FROM orders; SELECT * FROM customers", ONE_STATEMENT),
    ("mixed-case-comment", "sElEcT 1; /* */ dRoP table orders", ONE_STATEMENT),
    ("line-comment", "SELECT 1 --\n; DELETE FROM orders", ONE_STATEMENT),
    ("unparsable-second", "SELECT 1; EXPORT DATABASE '{dir}/dump'", ONE_STATEMENT),
    ("mysql-comment", "/*!*/ DELETE FROM orders", refused_because("a DELETE")),
    # Files in and out of the engine
    ("copy-to", "COPY orders TO '{dir}/out.csv'", refused_because("a COPY")),
    ("copy-from", "COPY orders FROM '/etc/passwd'", refused_because("a COPY")),
    (
        "copy-query-to",
        "COPY (SELECT * FROM orders) TO '{dir}/out.parquet' (FORMAT parquet)",
        refused_because("a COPY"),
    ),
    ("export-database", "EXPORT DATABASE '{dir}/dump'", refused_because("an EXPORT")),
    ("import-database", "IMPORT DATABASE '{dir}/dump'", refused_because("an IMPORT")),
    ("attach", "ATTACH '{dir}/evil.duckdb' AS evil", refused_because("an ATTACH")),
    ("detach", "DETACH ds1_v1", refused_because("a DETACH")),
    ("install", "INSTALL httpfs", refused_because("an INSTALL")),
    ("load", "LOAD httpfs", refused_because("a LOAD")),
    # Session and engine state
    ("set", "SET enable_external_access = true", refused_because("a SET")),
    ("reset", "RESET lock_configuration", refused_because("a RESET")),
    ("pragma", "PRAGMA database_list", refused_because("a PRAGMA")),
    ("use", "USE ds1_v1", refused_because("a USE")),
    ("call", "CALL pragma_version()", refused_because("a CALL")),
    ("vacuum", "VACUUM", refused_because("a VACUUM")),
    ("checkpoint", "CHECKPOINT", refused_because("a CHECKPOINT")),
    ("begin", "BEGIN TRANSACTION", refused_because("a BEGIN TRANSACTION")),
    ("grant", "GRANT SELECT ON orders TO public", refused_because("a GRANT")),
    ("describe", "DESCRIBE orders", refused_because("a DESCRIBE")),
    ("explain-analyze", "EXPLAIN ANALYZE SELECT * FROM orders", refused_because("an EXPLAIN")),
    ("pivot-statement", "PIVOT orders ON region USING sum(amount)", refused_because("a PIVOT")),
    # Files, URLs and table functions as row sources
    ("read-csv", "SELECT * FROM read_csv('/etc/passwd')", rf"^{TABLE_FUNCTION} read_csv "),
    (
        "read-parquet-url",
        "SELECT * FROM read_parquet('http://example.com/x.parquet')",
        rf"^{TABLE_FUNCTION} read_parquet ",
    ),
    ("read-json", "SELECT * FROM read_json('{dir}/x.json')", rf"^{TABLE_FUNCTION} read_json "),
    ("string-as-table", "SELECT * FROM '/etc/passwd'", rf'^{FILES}: "/etc/passwd" is not'),
    ("url-as-table", "FROM 'https://example.com/a.csv'", rf'^{FILES}: "https://example.com/'),
    ("quoted-file", 'SELECT * FROM "{dir}/orders.csv"', rf"^{FILES}: "),
    ("glob", "SELECT * FROM glob('*')", rf"^{TABLE_FUNCTION} glob "),
    ("query-table", "SELECT * FROM query_table('orders')", rf"^{TABLE_FUNCTION} query_table "),
    ("query", "SELECT * FROM query('SELECT 1')", rf"^{TABLE_FUNCTION} query "),
    ("duckdb-tables", "SELECT * FROM duckdb_tables()", rf"^{TABLE_FUNCTION} duckdb_tables "),
    ("range", "SELECT * FROM range(10)", rf"^{TABLE_FUNCTION} generate_series "),
    ("unnest", "SELECT * FROM unnest([1, 2])", rf"^{TABLE_FUNCTION} unnest "),
    (
        "lateral-function",
        "SELECT * FROM orders, LATERAL read_csv('/etc/passwd')",
        rf"^{TABLE_FUNCTION} read_csv ",
    ),
    (
        "nested-read",
        "SELECT * FROM orders WHERE id IN (SELECT id FROM read_csv('{dir}/ids.csv'))",
        rf"^{TABLE_FUNCTION} read_csv ",
    ),
    (
        "serialized-sql",
        "SELECT * FROM json_execute_serialized_sql(json_serialize_sql('SELECT 1'))",
        rf"^{TABLE_FUNCTION} json_execute_serialized_sql ",
    ),
    # CTE names that the engine would not resolve to the CTE
    (
        "recursive-self-read",
        'WITH RECURSIVE "{dir}/f.csv" AS (SELECT * FROM "{dir}/f.csv") SELECT * FROM "{dir}/f.csv"',
        rf"^{FILES}: ",
    ),
    (
        "recursive-forward-read",
        'WITH RECURSIVE a AS (SELECT * FROM "x.csv"), "x.csv" AS (SELECT 1) SELECT * FROM a',
        rf'^{FILES}: "x.csv"',
    ),
    # Catalogs, schemas and attached files
    (
        "information-schema",
        "SELECT * FROM information_schema.tables",
        rf"^{QUALIFIED} information_schema\.tables are not allowed; use the dataset name\.$",
    ),
    ("pg-catalog", "SELECT * FROM pg_catalog.pg_user", rf"^{QUALIFIED} pg_catalog\.pg_user "),
    ("attached-file", "SELECT * FROM ds1_v1.main.data", rf"^{QUALIFIED} ds1_v1\.main\.data "),
    ("schema-prefix", "SELECT * FROM main.orders", rf"^{QUALIFIED} main\.orders "),
    ("unknown-table", "SELECT * FROM payroll", rf'^Unknown table "payroll": {UNKNOWN}\.$'),
    # Denied scalar functions
    ("pg-read-file", "SELECT pg_read_file('/etc/passwd')", r"^Function pg_read_file cannot "),
    ("read-text", "SELECT read_text('/etc/passwd')", r"^Function read_text cannot be used\.$"),
    ("getenv", "SELECT getenv('HOME') FROM orders", r"^Function getenv cannot be used\.$"),
    ("current-setting", "SELECT current_setting('threads')", r"^Function current_setting "),
    ("nextval", "SELECT nextval('seq')", r"^Function nextval cannot be used\.$"),
    (
        "denied-in-where",
        "SELECT id FROM orders WHERE region = DUCKDB_SECRETS()",
        r"^Function duckdb_secrets cannot be used\.$",
    ),
    (
        "prefixed-function",
        "SELECT main.read_csv('/etc/passwd')",
        r"^Function calls with a prefix such as main\.read_csv\(\) are not allowed",
    ),
    # Clauses that write or lock
    ("select-into", "SELECT * INTO newtable FROM orders", r"^SELECT \.\.\. INTO cannot be used"),
    ("for-update", "SELECT * FROM orders FOR UPDATE", r"^FOR UPDATE and FOR SHARE locks "),
    ("time-travel", "SELECT * FROM orders AT (VERSION => 1)", r"^Table options such as time "),
    # Degenerate input
    ("empty", "", r"^The query is empty\.$"),
    ("whitespace", " \n\t  ", r"^The query is empty\.$"),
    ("comment-only", "/* nothing */ ;", r"^The query is empty\.$"),
    (
        "too-long",
        "SELECT " + "1 + " * 25_000 + "1",
        r"^The query is too long: 100008 characters, the limit is 100000\.$",
    ),
    ("unparsable", "SELECT * FROM orders WHERE", r"^The SQL could not be parsed: "),
    ("unterminated", "SELECT 'abc", r"^The SQL could not be parsed: "),
]

HOSTILE_PARAMS = [pytest.param(sql, match, id=case) for case, sql, match in HOSTILE]


def expand(snapshot: str) -> str:
    """A snapshot with each ``<name>`` marker replaced by that secured relation in parentheses."""
    for marker, relation in (
        ("<orders>", ORDERS_SQL),
        ("<customers>", CUSTOMERS_SQL),
        ("<pg_orders>", PG_ORDERS),
        ("<pg_customers>", PG_CUSTOMERS),
    ):
        snapshot = snapshot.replace(marker, "(" + relation + ")")
    return snapshot


def plain_table_names(sql: str, dialect: str) -> set[str]:
    """The table names of ``sql`` that are neither qualified nor the name of a CTE."""
    tree = sqlglot.parse_one(sql, dialect=dialect)
    ctes = {cte.alias_or_name.lower() for cte in tree.find_all(exp.CTE)}
    return {
        table.name.lower()
        for table in tree.find_all(exp.Table)
        if not table.args.get("db") and table.name.lower() not in ctes
    }


def qualified_table_names(sql: str, dialect: str) -> set[str]:
    """The qualified table names of ``sql``, as ``catalog.db.name``."""
    tree = sqlglot.parse_one(sql, dialect=dialect)
    return {
        ".".join(part.name for part in table.parts)
        for table in tree.find_all(exp.Table)
        if table.args.get("db")
    }


# --- the hostile corpus ----------------------------------------------------------------------


def test_the_corpus_is_large_and_has_unique_cases():
    # Given the hostile corpus
    ids = [case for case, _sql, _match in HOSTILE]
    # Then it has at least 45 cases, each named once
    assert len(ids) >= 45
    assert len(set(ids)) == len(ids)


@pytest.mark.parametrize(("sql", "match"), HOSTILE_PARAMS)
def test_hostile_sql_is_refused_with_its_reason(sql: str, match: str):
    # Given a hostile statement
    sql = sql.replace("{dir}", FAKE_DIR)
    # When the guard checks it, then it refuses, naming the reason
    with pytest.raises(SqlRefused, match=match):
        secure_sql(sql, dialect="duckdb", tables=TABLES)


def test_refusals_are_exact_sentences():
    # Given statements refused for different reasons, when checked, then each says why
    cases = {
        "SELECT 1; DROP TABLE orders": "Only one statement can be run at a time.",
        "INSERT INTO orders VALUES (1)": "Only SELECT queries can be run; this is an INSERT.",
        "SELECT * FROM foo": 'Unknown table "foo": you can query orders, customers.',
        "SELECT * FROM read_csv('x.csv')": "Table functions such as read_csv cannot be used.",
        "SELECT pg_read_file('/etc/passwd')": "Function pg_read_file cannot be used.",
        "SELECT * FROM main.orders": (
            "Qualified table names such as main.orders are not allowed; use the dataset name."
        ),
        "SELECT * FROM orders WHERE": (
            "The SQL could not be parsed: Required keyword: 'this' missing for "
            "<class 'sqlglot.expressions.query.Where'> (line 1, column 26)."
        ),
    }
    for sql, reason in cases.items():
        with pytest.raises(SqlRefused) as refusal:
            secure_sql(sql, dialect="duckdb", tables=TABLES)
        assert refusal.value.detail == reason


def test_unknown_table_without_any_dataset():
    # Given a user who may see no dataset, when they query one, then the refusal says so
    with pytest.raises(SqlRefused) as refusal:
        secure_sql("SELECT * FROM orders", dialect="duckdb", tables={})
    assert refusal.value.detail == 'Unknown table "orders": no dataset is available to you.'


def test_max_length_is_the_caller_s_choice():
    # Given a limit of 10 characters
    # When a query of 10 then 11 characters is checked
    accepted = secure_sql("SELECT 1  ", dialect="duckdb", tables=TABLES, max_length=10)
    # Then the first passes and the second is refused
    assert accepted == "SELECT 1"
    with pytest.raises(SqlRefused, match=r"^The query is too long: 11 characters, the limit"):
        secure_sql("SELECT 1   ", dialect="duckdb", tables=TABLES, max_length=10)


def test_a_deeply_nested_query_is_refused_not_crashed():
    # Given a query nested far deeper than a person writes
    sql = "SELECT " + "(" * 3000 + "1" + ")" * 3000
    # When it is checked, then it is refused cleanly
    with pytest.raises(SqlRefused, match=r"^The query is nested too deeply to be checked\.$"):
        secure_sql(sql, dialect="duckdb", tables=TABLES)


def test_an_unknown_dialect_is_a_programming_error():
    with pytest.raises(ValueError, match="nosuchdialect"):
        secure_sql("SELECT 1", dialect="nosuchdialect", tables=TABLES)


# --- accepted queries ------------------------------------------------------------------------

SNAPSHOTS = {
    "SELECT * FROM orders": "SELECT * FROM <orders> AS orders",
    "SELECT o.id, c.name FROM orders AS o JOIN customers c ON o.customer_id = c.id": (
        "SELECT o.id, c.name FROM <orders> AS o JOIN <customers> AS c ON o.customer_id = c.id"
    ),
    # A CTE named like a dataset reads the dataset; the query then reads the CTE
    "WITH orders AS (SELECT * FROM orders WHERE amount > 10) "
    "SELECT region, count(*) FROM orders GROUP BY region": (
        "WITH orders AS (SELECT * FROM <orders> AS orders WHERE amount > 10) "
        "SELECT region, COUNT(*) FROM orders GROUP BY region"
    ),
    "SELECT region FROM orders UNION SELECT name FROM customers": (
        "SELECT region FROM <orders> AS orders UNION SELECT name FROM <customers> AS customers"
    ),
    "select region, SUM(amount) as total from ORDERS where amount > 0 group by region "
    "having sum(amount) > 5 order by total desc limit 10;": (
        "SELECT region, SUM(amount) AS total FROM <orders> AS ORDERS WHERE amount > 0 "
        "GROUP BY region HAVING SUM(amount) > 5 ORDER BY total DESC LIMIT 10"
    ),
    'SELECT "Orders".id FROM "Orders" -- a comment is dropped': (
        'SELECT "Orders".id FROM <orders> AS "Orders"'
    ),
    # A reference that matches a CTE only case-insensitively is pointed at the CTE exactly
    'WITH "Orders" AS (SELECT 1 AS id) SELECT * FROM orders': (
        'WITH "Orders" AS (SELECT 1 AS id) SELECT * FROM "Orders" AS orders'
    ),
    "FROM orders SELECT region": "SELECT region FROM <orders> AS orders",
}


@pytest.mark.parametrize(("sql", "expected"), list(SNAPSHOTS.items()))
def test_accepted_sql_is_rewritten_to_the_secured_relations(sql: str, expected: str):
    # Given an accepted query, when the guard rewrites it
    secured = secure_sql(sql, dialect="duckdb", tables=TABLES)
    # Then every dataset reads its secured relation under the user's alias or name
    assert secured == expand(expected)


ACCEPTED = [
    "SELECT * FROM orders",
    "SELECT o.id, c.name FROM orders o JOIN customers AS c ON o.customer_id = c.id",
    "SELECT * FROM orders o LEFT JOIN customers c USING (id) WHERE c.name IS NULL",
    "WITH orders AS (SELECT * FROM orders WHERE amount > 10) SELECT * FROM orders",
    "WITH big AS (SELECT * FROM orders WHERE amount > 10), names AS (SELECT * FROM customers) "
    "SELECT * FROM big JOIN names ON big.customer_id = names.id",
    "SELECT * FROM (SELECT region, amount FROM orders) AS sub WHERE sub.amount > 1",
    "SELECT * FROM orders WHERE customer_id IN (SELECT id FROM customers WHERE name LIKE 'A%')",
    "SELECT * FROM orders o WHERE EXISTS (SELECT 1 FROM customers c WHERE c.id = o.customer_id)",
    "SELECT id FROM orders UNION ALL SELECT id FROM customers EXCEPT SELECT 3",
    "SELECT id, amount, rank() OVER (PARTITION BY region ORDER BY amount DESC) FROM orders",
    "SELECT id, sum(amount) OVER w FROM orders WINDOW w AS (ORDER BY id)",
    "SELECT region, count(*) AS n FROM orders GROUP BY region HAVING count(*) > 1 "
    "ORDER BY n DESC LIMIT 5 OFFSET 1",
    'SELECT * FROM "ORDERS"',
    'SELECT "Orders".* FROM "Orders"',
    "SELECT * FROM Customers",
    "SELECT * FROM (SELECT * FROM orders JOIN customers ON orders.customer_id = customers.id)",
    "SELECT * FROM (orders JOIN customers ON orders.customer_id = customers.id)",
    "SELECT * FROM (WITH orders AS (SELECT 1 AS id) SELECT * FROM orders) AS inner_q, orders",
    "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 3) "
    "SELECT * FROM r, orders",
    "SELECT * FROM (VALUES (1, 'a')) AS t(id, label) JOIN orders USING (id)",
    "SELECT [x * 2 FOR x IN [1, 2]], list_transform([1], y -> y + 1) FROM orders",
    "SELECT * FROM orders TABLESAMPLE 50%",
    "SELECT 1;",
]


@pytest.mark.parametrize("sql", ACCEPTED)
def test_accepted_sql_reads_datasets_through_their_secured_relations_only(sql: str):
    # Given an accepted query, when the guard rewrites it
    secured = secure_sql(sql, dialect="duckdb", tables=TABLES)
    # Then no dataset name is left to the engine, only the secured relations' own tables
    assert plain_table_names(secured, "duckdb") & set(TABLES) == set()
    assert qualified_table_names(secured, "duckdb") <= {"ds1_v1.main.data", "ds2_v1.main.data"}
    # And the result is a single query
    statements = sqlglot.parse(secured, dialect="duckdb")
    assert len(statements) == 1
    assert isinstance(statements[0], (exp.Select, exp.SetOperation))


def test_the_guard_adds_no_limit():
    # Given a query without LIMIT, when rewritten, then it still has none
    secured = secure_sql("SELECT id FROM orders", dialect="duckdb", tables=TABLES)
    assert sqlglot.parse_one(secured, dialect="duckdb").args.get("limit") is None


def test_dataset_names_in_tables_match_whatever_their_case():
    # Given a mapping written with a capital letter, when the user types lower-case
    secured = secure_sql("SELECT * FROM orders", dialect="duckdb", tables={"Orders": ORDERS_SQL})
    # Then the dataset is still found
    assert secured == expand("SELECT * FROM <orders> AS orders")


# --- DuckDB: the engine as the BI app runs it ------------------------------------------------

ORDER_ROWS = [
    (1, "EU", 10.5, 1),
    (2, "US", 20.0, 2),
    (3, "EU", 30.0, 2),
    (4, "APAC", 5.0, 1),
]
CUSTOMER_ROWS = [(1, "Acme"), (2, "Globex")]
ENGINE_TABLES = {
    "orders": """SELECT * FROM "ds1_v1"."main"."data" WHERE region = 'EU'""",
    "customers": 'SELECT * FROM "ds2_v1"."main"."data"',
}


@dataclass
class Warehouse:
    """Two dataset files attached read-only to an in-memory connection, as in production."""

    directory: Path
    connection: duckdb.DuckDBPyConnection
    run: Callable[[str], list[tuple]]

    def state(self) -> tuple[int, list[tuple[str, int, str]]]:
        """Row count of the orders file, and every file in the directory with size and hash."""
        (count,) = self.connection.execute('SELECT count(*) FROM "ds1_v1"."main"."data"').fetchone()
        files = [
            (str(path.relative_to(self.directory)), path.stat().st_size, _digest(path))
            for path in sorted(self.directory.rglob("*"))
            if path.is_file()
        ]
        return count, files


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Warehouse]:
    directory = tmp_path_factory.mktemp("warehouse")
    for name, columns, rows in (
        (
            "ds1.duckdb",
            "id INTEGER, region VARCHAR, amount DOUBLE, customer_id INTEGER",
            ORDER_ROWS,
        ),
        ("ds2.duckdb", "id INTEGER, name VARCHAR", CUSTOMER_ROWS),
    ):
        writer = duckdb.connect(str(directory / name))
        writer.execute(f"CREATE TABLE data ({columns})")
        placeholders = ", ".join("?" * len(rows[0]))
        writer.executemany(f"INSERT INTO data VALUES ({placeholders})", rows)  # noqa: S608
        writer.close()
    (directory / "f.csv").write_text("secret\nleaked\n")
    connection = duckdb.connect()
    connection.execute(f"ATTACH '{directory / 'ds1.duckdb'}' AS ds1_v1 (READ_ONLY)")
    connection.execute(f"ATTACH '{directory / 'ds2.duckdb'}' AS ds2_v1 (READ_ONLY)")
    connection.execute("SET enable_external_access = false")
    connection.execute("SET lock_configuration = true")

    def run(sql: str) -> list[tuple]:
        secured = secure_sql(sql, dialect="duckdb", tables=ENGINE_TABLES)
        return connection.execute(secured).fetchall()

    yield Warehouse(directory, connection, run)
    connection.close()


def test_the_row_level_rule_holds_whatever_the_user_filters(warehouse: Warehouse):
    # Given orders restricted to EU rows
    # When the user asks for every row, trying to widen the filter
    rows = warehouse.run("SELECT * FROM orders WHERE region <> 'EU' OR 1=1 ORDER BY id")
    # Then only the EU rows come back
    assert rows == [(1, "EU", 10.5, 1), (3, "EU", 30.0, 2)]


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        ("SELECT count(*) FROM orders", [(2,)]),
        (
            "SELECT o.id, c.name FROM orders AS o JOIN customers c ON o.customer_id = c.id "
            "ORDER BY o.id",
            [(1, "Acme"), (3, "Globex")],
        ),
        (
            "WITH orders AS (SELECT * FROM orders WHERE amount > 20) SELECT id FROM orders",
            [(3,)],
        ),
        ("SELECT id FROM orders UNION SELECT id FROM customers ORDER BY 1", [(1,), (2,), (3,)]),
        (
            "SELECT id, rank() OVER (ORDER BY amount DESC) FROM orders ORDER BY id",
            [(1, 2), (3, 1)],
        ),
        (
            "SELECT region, sum(amount) AS total FROM orders GROUP BY region "
            "HAVING count(*) > 1 ORDER BY total DESC LIMIT 1",
            [("EU", 40.5)],
        ),
        ('SELECT "Orders".id FROM "Orders" ORDER BY 1', [(1,), (3,)]),
        (
            "SELECT name FROM customers WHERE id IN (SELECT customer_id FROM orders) ORDER BY 1",
            [("Acme",), ("Globex",)],
        ),
        # A WITH RECURSIVE CTE named like a dataset: its base term reads the secured dataset
        (
            "WITH RECURSIVE orders AS (SELECT id, amount FROM orders UNION ALL "
            "SELECT id, amount - 10 FROM orders WHERE amount > 15) "
            "SELECT id, amount FROM orders ORDER BY id, amount",
            [(1, 10.5), (3, 10.0), (3, 20.0), (3, 30.0)],
        ),
    ],
)
def test_accepted_sql_runs_on_duckdb(warehouse: Warehouse, sql: str, expected: list[tuple]):
    # Given the warehouse, when an accepted query runs, then it returns the visible rows
    assert warehouse.run(sql) == expected


@pytest.mark.parametrize(("sql", "match"), HOSTILE_PARAMS)
def test_hostile_sql_leaves_no_side_effect_on_duckdb(warehouse: Warehouse, sql: str, match: str):
    # Given the warehouse as it is
    before = warehouse.state()
    # When a hostile statement is sent down the path user SQL takes
    with pytest.raises(SqlRefused, match=match):
        warehouse.run(sql.replace("{dir}", str(warehouse.directory)))
    # Then it was refused and nothing changed: rows, file bytes, no new file
    assert warehouse.state() == before
    assert before[0] == len(ORDER_ROWS)


# --- PostgreSQL ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        ("SELECT * FROM orders", "SELECT * FROM <pg_orders> AS orders"),
        (
            'SELECT "Orders".id, c.name FROM "Orders" JOIN customers AS c '
            'ON "Orders".customer_id = c.id',
            'SELECT "Orders".id, c.name FROM <pg_orders> AS "Orders" '
            'JOIN <pg_customers> AS c ON "Orders".customer_id = c.id',
        ),
        (
            "SELECT region, count(*) FILTER (WHERE amount > 10) FROM orders GROUP BY region",
            "SELECT region, COUNT(*) FILTER(WHERE amount > 10) "
            "FROM <pg_orders> AS orders GROUP BY region",
        ),
        ("TABLE customers", "SELECT * FROM <pg_customers> AS customers"),
        ("SELECT * FROM ONLY orders", "SELECT * FROM <pg_orders> AS orders"),
        (
            'WITH "Orders" AS (SELECT 1 AS id) SELECT * FROM orders',
            'WITH "Orders" AS (SELECT 1 AS id) SELECT * FROM "Orders" AS orders',
        ),
    ],
)
def test_postgres_queries_are_rewritten(sql: str, expected: str):
    # Given a query in PostgreSQL's dialect, when rewritten, then it reads the secured relations
    assert secure_sql(sql, dialect="postgres", tables=PG_TABLES) == expand(expected)


@pytest.mark.parametrize(
    ("sql", "match"),
    [
        ("SELECT pg_read_file('/etc/passwd')", r"^Function pg_read_file cannot be used\.$"),
        ("SELECT pg_sleep(60)", r"^Function pg_sleep cannot be used\.$"),
        ("SELECT set_config('role', 'admin', false)", r"^Function set_config cannot be used"),
        ("SELECT lo_import('/etc/passwd')", r"^Function lo_import cannot be used\.$"),
        ("SELECT query_to_xml('SELECT 1', true, true, '')", r"^Function query_to_xml cannot "),
        ("SELECT txid_current()", r"^Function txid_current cannot be used\.$"),
        ("SELECT * FROM pg_catalog.pg_user", rf"^{QUALIFIED} pg_catalog\.pg_user "),
        ("SELECT * FROM pg_user", rf'^Unknown table "pg_user": {UNKNOWN}\.$'),
        ("SELECT * FROM dblink('host=x', 'SELECT 1') AS t(a int)", rf"^{TABLE_FUNCTION} dblink "),
        ("SELECT * FROM orders FOR SHARE", r"^FOR UPDATE and FOR SHARE locks "),
        ("SELECT 1 INTO TEMP t", r"^SELECT \.\.\. INTO cannot be used"),
        ("COPY orders FROM PROGRAM 'id'", refused_because("a COPY")),
        ("DO $$ BEGIN PERFORM 1; END $$", refused_because("a DO")),
        ("SET ROLE admin", refused_because("a SET")),
        ("LISTEN jobs", refused_because("a LISTEN")),
        ("WITH d AS (DELETE FROM orders RETURNING *) SELECT * FROM d", contains("a DELETE")),
        ("SELECT 'pg_authid'::regclass", r"^Object identifier types such as regclass cannot "),
        ("SELECT 1; SELECT pg_sleep(60)", ONE_STATEMENT),
    ],
)
def test_postgres_hostile_sql_is_refused(sql: str, match: str):
    with pytest.raises(SqlRefused, match=match):
        secure_sql(sql, dialect="postgres", tables=PG_TABLES)


# --- other dialects --------------------------------------------------------------------------


@pytest.mark.parametrize("dialect", ["clickhouse", "trino"])
@pytest.mark.parametrize(
    "sql",
    [
        "SELECT region, count(*) FROM orders GROUP BY region",
        "SELECT * FROM file('/etc/passwd')",
        "SELECT * FROM system.tables",
        "SELECT * FROM orders SETTINGS max_execution_time = 0",
        "SELECT * FROM TABLE(system.query(query => 'SELECT 1'))",
        "SELECT * FROM orders INTO OUTFILE 'x.csv'",
        "INSERT INTO orders VALUES (1)",
        "SELECT 1; SELECT 2",
        "",
    ],
)
def test_other_dialects_answer_without_crashing(dialect: str, sql: str):
    # Given a dialect the BI app may meet behind an Ibis URL, when the guard checks SQL
    try:
        secured = secure_sql(sql, dialect=dialect, tables=TABLES)
    except SqlRefused as refusal:
        # Then it either refuses with a sentence
        assert refusal.detail.endswith(".")
        return
    # Or returns SQL that reads the secured relations only
    assert plain_table_names(secured, dialect) & set(TABLES) == set()
    assert qualified_table_names(secured, dialect) <= {"ds1_v1.main.data", "ds2_v1.main.data"}
