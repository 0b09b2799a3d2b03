"""What the SQL guard refuses or carries over, as data: statement types, denied functions,
table options."""

from __future__ import annotations

from sqlglot import exp
from sqlglot.tokens import TokenType

# Statements and clauses that write, change the session or reach outside the query. A node of
# one of these types anywhere in the tree (a CTE, a subquery) refuses the whole query.
STATEMENT_TYPES: tuple[type[exp.Expression], ...] = tuple(
    cls
    for cls in (
        getattr(exp, name, None)
        for name in (
            "Alter",
            "Analyze",
            "Attach",
            "Cache",
            "Command",
            "Comment",
            "Commit",
            "ConnectTo",
            "Copy",
            "Create",
            "Declare",
            "Delete",
            "Describe",
            "Detach",
            "Directory",
            "Disconnect",
            "Drop",
            "Execute",
            "ExecuteSql",
            "Export",
            "Get",
            "Grant",
            "Insert",
            "Install",
            "Kill",
            "ListStage",
            "LoadData",
            "LockingStatement",
            "Merge",
            "MultitableInserts",
            "Pragma",
            "Put",
            "Refresh",
            "Revoke",
            "Rollback",
            "Set",
            "Show",
            "StoredProcedure",
            "Summarize",
            "SwapTable",
            "Transaction",
            "TruncateTable",
            "Uncache",
            "Undrop",
            "Update",
            "Use",
        )
    )
    if isinstance(cls, type)
)

# What a statement is called in a refusal, when its class name does not say it.
STATEMENT_NAMES: dict[type[exp.Expression], str] = {
    exp.TruncateTable: "TRUNCATE",
    exp.Transaction: "BEGIN TRANSACTION",
    exp.LoadData: "LOAD DATA",
    exp.Directory: "INSERT OVERWRITE DIRECTORY",
    exp.Values: "VALUES list",
}

# Query bodies: what may stand where a query is expected (a CTE, a subquery, a set operand).
QUERY_TYPES = (exp.Select, exp.SetOperation, exp.Subquery, exp.Values)

# Functions refused by name, wherever they appear (compared on the lower-cased SQL name).
DENIED_FUNCTION_PREFIXES = (
    "read_",
    "pg_",
    "lo_",
    "dblink",
    "query_to_",
    "duckdb_",
    "pragma_",
    "parquet_",
    "iceberg_",
    "delta_",
    "postgres_",
    "mysql_",
    "sqlite_",
)
DENIED_FUNCTIONS = frozenset(
    {
        "current_setting",
        "set_config",
        "getenv",
        "glob",
        "sniff_csv",
        "query",
        "query_table",
        "copy_to",
        "load_extension",
        "txid_current",
        "nextval",
        "setval",
        "next_value_for",
        "json_execute_serialized_sql",
        "which_secret",
    }
)

# Table arguments that change what a table reference reads (time travel, partitions, hints,
# staged files); none of them makes sense on a dataset.
TABLE_OPTIONS = (
    "hints",
    "system_time",
    "version",
    "format",
    "pattern",
    "when",
    "partition",
    "changes",
    "rows_from",
    "indexed",
    "ordinality",
)

# Parts of a table reference that move over to the secured relation replacing it.
CARRIED_TABLE_ARGS = ("joins", "laterals", "pivots", "sample")

# Tokens a query can start with; any other first word names the statement when parsing fails.
QUERY_START_TOKENS = frozenset(
    {TokenType.SELECT, TokenType.WITH, TokenType.FROM, TokenType.L_PAREN}
)
