"""The read-only SQL guard of the BI SQL editor (``POST /api/bi/sql/``).

User SQL never reaches the engine as typed. :func:`secure_sql` parses it with sqlglot, accepts
one read-only query only (a SELECT, or a set operation of SELECTs, optionally with CTEs),
replaces every dataset it names by the *secured relation* of that dataset (its SQL already
filtered by the user's row-level rules), and returns SQL that sqlglot generated from the checked
tree. Every check is made on the parse tree, never on the text.

The guard is one layer of several: the engine is expected to run the result on a connection that
cannot write (DuckDB files attached ``READ_ONLY``, ``enable_external_access=false``,
``lock_configuration=true``; a read-only role on PostgreSQL) and with row and time limits.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

import ibis.backends.sql.dialects  # noqa: F401  (before any SQL is written: see the package)
import sqlglot
from sqlglot import exp
from sqlglot.dialects.dialect import Dialect
from sqlglot.errors import ParseError, SqlglotError, TokenError
from sqlglot.tokens import Token, TokenType

from openmis.analytics.errors import SqlRefused
from openmis.analytics.i18n import _

__all__ = ["secure_sql"]

# Statements and clauses that write, change the session or reach outside the query. A node of
# one of these types anywhere in the tree (a CTE, a subquery) refuses the whole query.
_STATEMENT_TYPES: tuple[type[exp.Expression], ...] = tuple(
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
_STATEMENT_NAMES: dict[type[exp.Expression], str] = {
    exp.TruncateTable: "TRUNCATE",
    exp.Transaction: "BEGIN TRANSACTION",
    exp.LoadData: "LOAD DATA",
    exp.Directory: "INSERT OVERWRITE DIRECTORY",
    exp.Values: "VALUES list",
}

# Query bodies: what may stand where a query is expected (a CTE, a subquery, a set operand).
_QUERY_TYPES = (exp.Select, exp.SetOperation, exp.Subquery, exp.Values)

# Functions refused by name, wherever they appear (compared on the lower-cased SQL name).
_DENIED_FUNCTION_PREFIXES = (
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
_DENIED_FUNCTIONS = frozenset(
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
_TABLE_OPTIONS = (
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
_CARRIED_TABLE_ARGS = ("joins", "laterals", "pivots", "sample")

# Tokens a query can start with; any other first word names the statement when parsing fails.
_QUERY_START_TOKENS = frozenset(
    {TokenType.SELECT, TokenType.WITH, TokenType.FROM, TokenType.L_PAREN}
)


def secure_sql(
    sql: str, *, dialect: str, tables: Mapping[str, str], max_length: int = 100_000
) -> str:
    """Check user SQL and return SQL that the engine may run.

    Parameters
    ----------
    sql
        The SQL typed by the user in the BI SQL editor.
    dialect
        The sqlglot dialect of the engine: ``"duckdb"`` or ``"postgres"`` (any sqlglot dialect
        is accepted).
    tables
        The datasets the user may see: the name used in SQL (lower-case, ``orders``) -> the SQL
        text, in ``dialect``, of the secured relation for it (a SELECT already filtered by the
        user's row-level rules).
    max_length
        The longest SQL accepted, in characters.

    Returns
    -------
    str
        One read-only query, generated by sqlglot in ``dialect`` from the checked tree, in which
        every dataset reference reads ``(<secured SQL>) AS <alias or dataset name>``, so the
        user's column references keep working. Comments are dropped; no LIMIT is added.

    Raises
    ------
    SqlRefused
        The SQL is empty, too long, not parsable, more than one statement, not a read-only
        query, or reads anything but the given datasets (files, URLs, table functions, system
        catalogs, qualified names, unknown tables), or calls a denied function.
    ValueError
        ``dialect`` is unknown or a secured relation is not a query (a programming error).
    """
    if not isinstance(sql, str):
        raise SqlRefused(_("The query must be text."))
    if len(sql) > max_length:
        raise SqlRefused(
            _("The query is too long: %(length)d characters, the limit is %(limit)d.")
            % {"length": len(sql), "limit": max_length}
        )
    if not sql.strip():
        raise SqlRefused(_("The query is empty."))
    engine = Dialect.get_or_raise(dialect)
    known = {name.lower(): text for name, text in tables.items()}
    try:
        tree = _parse_one_query(sql, engine)
        _check_shapes(tree)
        _check_nodes(tree)
        rewriter = _Rewriter(engine, known)
        rewriter.visit(tree, {})
        # Check again what sqlglot generates for the user's part, the secured relations aside.
        _check_generated(tree.sql(dialect=engine, comments=False), engine)
        rewriter.fill_secured_relations()
        return tree.sql(dialect=engine, comments=False)
    except RecursionError:
        raise SqlRefused(_("The query is nested too deeply to be checked.")) from None


def _parse_one_query(sql: str, engine: Dialect) -> exp.Expression:
    """Parse ``sql`` into the tree of exactly one statement, which must be a query."""
    try:
        tokens = engine.tokenize(sql)
    except TokenError as error:
        raise _unparsable(error) from None
    statements = _split_statements(tokens)
    if not statements:
        raise SqlRefused(_("The query is empty."))
    if len(statements) > 1:
        raise SqlRefused(_("Only one statement can be run at a time."))
    first = statements[0][0]
    try:
        parsed = engine.parser().parse(tokens, sql)
    except ParseError as error:
        if first.token_type not in _QUERY_START_TOKENS:
            raise SqlRefused(_not_a_query(first.text.upper(), contained=False)) from None
        raise _unparsable(error) from None
    except SqlglotError as error:
        raise _unparsable(error) from None
    trees = [tree for tree in parsed if tree is not None]
    if len(trees) != 1:
        raise SqlRefused(_("Only one statement can be run at a time."))
    tree = trees[0]
    if not isinstance(tree, (exp.Select, exp.SetOperation, exp.Subquery)) or not isinstance(
        _unwrap(tree), (exp.Select, exp.SetOperation)
    ):
        raise SqlRefused(_not_a_query(_statement_name(tree, first), contained=False))
    return tree


def _split_statements(tokens: list[Token]) -> list[list[Token]]:
    """Group tokens into statements at semicolons, leaving out empty ones."""
    statements: list[list[Token]] = [[]]
    for token in tokens:
        if token.token_type == TokenType.SEMICOLON:
            statements.append([])
        else:
            statements[-1].append(token)
    return [statement for statement in statements if statement]


def _unwrap(node: exp.Expression) -> exp.Expression:
    """The query inside any number of parentheses."""
    while isinstance(node, exp.Subquery) and isinstance(node.this, exp.Expression):
        node = node.this
    return node


def _unparsable(error: Exception) -> SqlRefused:
    """The refusal of SQL sqlglot could not read, quoting sqlglot's first error."""
    description, line, column = _brief(error)
    if line and column:
        return SqlRefused(
            _("The SQL could not be parsed: %(error)s (line %(line)s, column %(column)s).")
            % {"error": description, "line": line, "column": column}
        )
    return SqlRefused(_("The SQL could not be parsed: %(error)s.") % {"error": description})


def _brief(error: Exception) -> tuple[str, int | None, int | None]:
    """The first error sqlglot reports (its text, without a final period), line and column."""
    details = getattr(error, "errors", None)
    if details:
        first = details[0]
        description = str(first.get("description") or "syntax error").rstrip(".")
        return description, first.get("line"), first.get("col")
    message = str(error).splitlines()[0] if str(error) else "syntax error"
    return (message[:200]).rstrip("."), None, None


def _statement_name(node: exp.Expression, first: Token | None = None) -> str:
    """What the user would call a statement: ``INSERT``, ``CREATE MACRO``, ``LOAD``."""
    if isinstance(node, exp.Command):
        name = str(node.this or "").upper()
        rest = node.expression
        rest = rest.name if isinstance(rest, exp.Expression) else str(rest or "")
        words = rest.split(None, 1)
        if name in {"CREATE", "DROP", "ALTER"} and words:
            name = f"{name} {words[0].upper()}"
        return name or "command"
    if isinstance(node, (exp.Create, exp.Drop, exp.Alter)):
        kind = str(node.args.get("kind") or "").upper()
        return f"{type(node).__name__.upper()} {kind}".strip()
    for cls, name in _STATEMENT_NAMES.items():
        if isinstance(node, cls):
            return name
    if isinstance(node, (*_STATEMENT_TYPES, exp.Pivot)):
        return type(node).__name__.upper()
    if first is not None:
        return first.text.upper()
    return type(node).__name__.upper()


def _not_a_query(name: str, *, contained: bool) -> str:
    """The refusal of a statement that is not a query; English needs "a" or "an" before the
    statement's name, so each article is a sentence of its own."""
    an = name[:1] in "AEIOU" and not name.startswith(("USE", "UNI"))
    if contained and an:
        message = _("Only SELECT queries can be run; this query contains an %(statement)s.")
    elif contained:
        message = _("Only SELECT queries can be run; this query contains a %(statement)s.")
    elif an:
        message = _("Only SELECT queries can be run; this is an %(statement)s.")
    else:
        message = _("Only SELECT queries can be run; this is a %(statement)s.")
    return message % {"statement": name}


def _function_names(node: exp.Func) -> list[str]:
    """The lower-cased SQL names a function node goes by."""
    if isinstance(node, (exp.Anonymous, exp.AnonymousAggFunc)):
        return [node.name.lower()]
    return [name.lower() for name in type(node).sql_names()]


def _is_denied_function(name: str) -> bool:
    return name in _DENIED_FUNCTIONS or name.startswith(_DENIED_FUNCTION_PREFIXES)


def _display_name(node: exp.Expression) -> str:
    """A short name for a table source, for refusals: ``read_csv``, ``unnest``."""
    if isinstance(node, exp.Func):
        return _function_names(node)[0]
    return type(node).__name__.lower()


def _check_nodes(tree: exp.Expression) -> None:
    """Refuse writes, session changes, locks and denied functions anywhere in the tree."""
    for node in tree.walk():
        if isinstance(node, _STATEMENT_TYPES):
            raise SqlRefused(_not_a_query(_statement_name(node), contained=True))
        if isinstance(node, exp.Into):
            raise SqlRefused(
                _("SELECT ... INTO cannot be used: query results cannot be stored in a table.")
            )
        if isinstance(node, exp.Lock):
            raise SqlRefused(_("FOR UPDATE and FOR SHARE locks cannot be used; queries only read."))
        if isinstance(node, exp.Select):
            for option in ("settings", "options", "format"):
                if node.args.get(option):
                    raise SqlRefused(
                        _(
                            "Query %(clause)s clauses cannot be used; the server sets how "
                            "queries run."
                        )
                        % {"clause": option.upper()}
                    )
        if isinstance(node, exp.ObjectIdentifier):
            raise SqlRefused(
                _("Object identifier types such as %(type)s cannot be used.")
                % {"type": node.name.lower()}
            )
        if isinstance(node, exp.Dot) and isinstance(node.expression, exp.Func):
            raise SqlRefused(
                _(
                    "Function calls with a prefix such as %(prefix)s.%(function)s() are not "
                    "allowed; call functions by their plain name."
                )
                % {"prefix": node.this.sql(), "function": _display_name(node.expression)}
            )
        if isinstance(node, exp.Func):
            for name in _function_names(node):
                if _is_denied_function(name):
                    raise SqlRefused(_("Function %(name)s cannot be used.") % {"name": name})


def _check_shapes(tree: exp.Expression) -> None:
    """Refuse anything but plain tables, subqueries and VALUES as sources of rows."""
    for node in tree.walk():
        if isinstance(node, (exp.From, exp.Join)):
            _check_source(node.this)
        elif isinstance(node, exp.Lateral):
            if not isinstance(node.this, exp.Subquery):
                raise SqlRefused(_table_function(_display_name(node.this)))
        elif isinstance(node, exp.CTE):
            if not isinstance(node.this, _QUERY_TYPES):
                raise SqlRefused(_not_a_query(_statement_name(node.this), contained=True))
        elif isinstance(node, exp.Subquery):
            if not isinstance(node.this, (*_QUERY_TYPES, exp.Table)):
                raise SqlRefused(_not_a_query(_statement_name(node.this), contained=True))
        elif isinstance(node, exp.SetOperation):
            for operand in (node.this, node.expression):
                if not isinstance(operand, _QUERY_TYPES):
                    raise SqlRefused(_not_a_query(_statement_name(operand), contained=True))
        elif isinstance(node, exp.Table):
            _check_table(node)


def _check_source(source: exp.Expression | None) -> None:
    if isinstance(source, (exp.Table, exp.Subquery, exp.Values)):
        return
    if isinstance(source, exp.Lateral) and isinstance(source.this, exp.Subquery):
        return
    if source is None:
        raise SqlRefused(_("A FROM or JOIN clause names no table."))
    if isinstance(source, exp.Lateral):
        source = source.this
    raise SqlRefused(_table_function(_display_name(source)))


def _table_function(name: str) -> str:
    return _("Table functions such as %(name)s cannot be used.") % {"name": name}


def _check_table(table: exp.Table) -> None:
    """A table reference must be one plain name (a dataset or a CTE), with no options."""
    name = table.this
    if isinstance(name, exp.Dot) or table.args.get("db") or table.args.get("catalog"):
        parts = ".".join(
            part.sql() if not isinstance(part, exp.Identifier) else part.name
            for part in table.parts
        )
        raise SqlRefused(
            _("Qualified table names such as %(name)s are not allowed; use the dataset name.")
            % {"name": parts}
        )
    if table.args.get("rows_from") or isinstance(name, exp.Func) or name is None:
        shown = _display_name(name) if name is not None else "rows from"
        raise SqlRefused(_table_function(shown))
    if not isinstance(name, exp.Identifier):
        raise SqlRefused(
            _("%(sql)s cannot be used as a table; use a dataset name.") % {"sql": name.sql()}
        )
    for option in _TABLE_OPTIONS:
        if table.args.get(option):
            raise SqlRefused(
                _(
                    "Table options such as time travel, partitions or hints cannot be used "
                    "on %(table)s."
                )
                % {"table": name.name}
            )


def _check_generated(sql: str, engine: Dialect) -> None:
    """Parse SQL that sqlglot generated and check it as strictly as the user's."""
    try:
        tree = _parse_one_query(sql, engine)
        _check_shapes(tree)
        _check_nodes(tree)
    except SqlRefused as refusal:
        raise SqlRefused(
            _("The query could not be checked safely after rewriting: %(reason)s")
            % {"reason": refusal.detail}
        ) from None


class _Rewriter:
    """Resolves table names in scope and puts the secured relations in place of datasets."""

    def __init__(self, engine: Dialect, tables: Mapping[str, str]):
        self.engine = engine
        self.tables = tables
        self.parsed: dict[str, exp.Expression] = {}
        self.pending: list[tuple[exp.Subquery, str]] = []

    def visit(self, node: exp.Expression, ctes: Mapping[str, exp.Identifier]) -> None:
        """Rewrite ``node`` and below, where ``ctes`` are the CTE names in scope."""
        scope = ctes
        for value in node.args.values():
            if isinstance(value, exp.With):
                scope = self.visit_with(value, ctes)
        for _key, child in _children(node):
            if not isinstance(child, exp.With):
                self.visit(child, scope)
        if isinstance(node, exp.Table):
            self.resolve(node, scope)

    def visit_with(
        self, with_: exp.With, outer: Mapping[str, exp.Identifier]
    ) -> dict[str, exp.Identifier]:
        """Rewrite the CTE bodies in order; return the names in scope after the WITH.

        A CTE sees the CTEs defined before it, never later ones. Its own name means itself
        only in the recursive term (right of the top UNION) of a ``WITH RECURSIVE`` CTE;
        anywhere else it means the dataset, as in DuckDB, where a self-reference elsewhere
        falls through to the catalog (and to files, by replacement scan).
        """
        scope = dict(outer)
        defined: set[str] = set()
        for cte in with_.expressions:
            alias = cte.args.get("alias")
            identifier = alias.this if isinstance(alias, exp.TableAlias) else None
            if not isinstance(identifier, exp.Identifier) or not identifier.name:
                raise SqlRefused(_("Every query in a WITH clause needs a name."))
            key = identifier.name.lower()
            if key in defined:
                raise SqlRefused(
                    _('The WITH clause defines "%(name)s" more than once.')
                    % {"name": identifier.name}
                )
            defined.add(key)
        recursive = bool(with_.args.get("recursive"))
        for cte in with_.expressions:
            identifier = cte.args["alias"].this
            body = cte.this
            own_scope = {**scope, identifier.name.lower(): identifier}
            if (
                recursive
                and isinstance(body, exp.Union)
                and not any(isinstance(value, exp.With) for value in body.args.values())
            ):
                for key, child in _children(body):
                    self.visit(child, own_scope if key == "expression" else scope)
            else:
                self.visit(body, scope)
            scope = own_scope
        return scope

    def resolve(self, table: exp.Table, ctes: Mapping[str, exp.Identifier]) -> None:
        """Point a table reference at its CTE, or replace it by its dataset's secured relation."""
        typed = table.this
        key = typed.name.lower()
        if key in ctes:
            defined = ctes[key]
            if typed.name != defined.name or typed.quoted != defined.quoted:
                # The engine must find the CTE, whatever its rules on case and quotes.
                if not table.args.get("alias"):
                    table.set("alias", exp.TableAlias(this=typed.copy()))
                table.set("this", defined.copy())
            return
        if key not in self.tables:
            raise SqlRefused(self.unknown(typed.name))
        alias = table.args.get("alias") or exp.TableAlias(this=typed.copy())
        secured = exp.Subquery(this=exp.Table(this=exp.to_identifier("secured_relation")))
        secured.set("alias", alias)
        for arg in _CARRIED_TABLE_ARGS:
            if table.args.get(arg):
                secured.set(arg, table.args[arg])
        table.replace(secured)
        self.pending.append((secured, key))

    def unknown(self, name: str) -> str:
        params = {"name": name, "datasets": ", ".join(self.tables)}
        if any(mark in name for mark in "/\\:.") or name.lower().startswith(("http", "s3")):
            if self.tables:
                message = _(
                    'Files and URLs cannot be read: "%(name)s" is not a dataset; '
                    "you can query %(datasets)s."
                )
            else:
                message = _(
                    'Files and URLs cannot be read: "%(name)s" is not a dataset; '
                    "no dataset is available to you."
                )
        elif self.tables:
            message = _('Unknown table "%(name)s": you can query %(datasets)s.')
        else:
            message = _('Unknown table "%(name)s": no dataset is available to you.')
        return message % params

    def fill_secured_relations(self) -> None:
        """Put a copy of each dataset's secured relation into the subqueries made for it."""
        for subquery, key in self.pending:
            subquery.set("this", self.secured(key).copy())

    def secured(self, key: str) -> exp.Expression:
        if key not in self.parsed:
            try:
                tree = sqlglot.parse_one(self.tables[key], dialect=self.engine)
            except SqlglotError as error:
                raise ValueError(
                    f"The secured relation of {key} is not valid SQL: {error}"
                ) from None
            if not isinstance(_unwrap(tree), (exp.Select, exp.SetOperation)):
                raise ValueError(f"The secured relation of {key} is not a query.")
            self.parsed[key] = _unwrap(tree)
        return self.parsed[key]


def _children(node: exp.Expression) -> Iterator[tuple[str, exp.Expression]]:
    """The child nodes of ``node`` with the name of the argument holding each."""
    for key, value in list(node.args.items()):
        if isinstance(value, exp.Expression):
            yield key, value
        elif isinstance(value, list):
            yield from ((key, item) for item in list(value) if isinstance(item, exp.Expression))
