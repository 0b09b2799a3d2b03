"""The checks of the SQL guard: one statement, a read-only query, plain tables as sources,
no denied function; each refusal with a sentence for the user."""

from __future__ import annotations

from sqlglot import exp
from sqlglot.dialects.dialect import Dialect
from sqlglot.errors import ParseError, SqlglotError, TokenError
from sqlglot.tokens import Token, TokenType

from openmis.analytics.errors import SqlRefused
from openmis.analytics.guard.rules import (
    DENIED_FUNCTION_PREFIXES,
    DENIED_FUNCTIONS,
    QUERY_START_TOKENS,
    QUERY_TYPES,
    STATEMENT_NAMES,
    STATEMENT_TYPES,
    TABLE_OPTIONS,
)
from openmis.analytics.i18n import _


def parse_one_query(sql: str, engine: Dialect) -> exp.Expression:
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
        if first.token_type not in QUERY_START_TOKENS:
            raise SqlRefused(_not_a_query(first.text.upper(), contained=False)) from None
        raise _unparsable(error) from None
    except SqlglotError as error:
        raise _unparsable(error) from None
    trees = [tree for tree in parsed if tree is not None]
    if len(trees) != 1:
        raise SqlRefused(_("Only one statement can be run at a time."))
    tree = trees[0]
    if not isinstance(tree, (exp.Select, exp.SetOperation, exp.Subquery)) or not isinstance(
        unwrap(tree), (exp.Select, exp.SetOperation)
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


def unwrap(node: exp.Expression) -> exp.Expression:
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
    for cls, name in STATEMENT_NAMES.items():
        if isinstance(node, cls):
            return name
    if isinstance(node, (*STATEMENT_TYPES, exp.Pivot)):
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
    return name in DENIED_FUNCTIONS or name.startswith(DENIED_FUNCTION_PREFIXES)


def _display_name(node: exp.Expression) -> str:
    """A short name for a table source, for refusals: ``read_csv``, ``unnest``."""
    if isinstance(node, exp.Func):
        return _function_names(node)[0]
    return type(node).__name__.lower()


def check_nodes(tree: exp.Expression) -> None:
    """Refuse writes, session changes, locks and denied functions anywhere in the tree."""
    for node in tree.walk():
        if isinstance(node, STATEMENT_TYPES):
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


def check_shapes(tree: exp.Expression) -> None:
    """Refuse anything but plain tables, subqueries and VALUES as sources of rows."""
    for node in tree.walk():
        if isinstance(node, (exp.From, exp.Join)):
            _check_source(node.this)
        elif isinstance(node, exp.Lateral):
            if not isinstance(node.this, exp.Subquery):
                raise SqlRefused(_table_function(_display_name(node.this)))
        elif isinstance(node, exp.CTE):
            if not isinstance(node.this, QUERY_TYPES):
                raise SqlRefused(_not_a_query(_statement_name(node.this), contained=True))
        elif isinstance(node, exp.Subquery):
            if not isinstance(node.this, (*QUERY_TYPES, exp.Table)):
                raise SqlRefused(_not_a_query(_statement_name(node.this), contained=True))
        elif isinstance(node, exp.SetOperation):
            for operand in (node.this, node.expression):
                if not isinstance(operand, QUERY_TYPES):
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
    for option in TABLE_OPTIONS:
        if table.args.get(option):
            raise SqlRefused(
                _(
                    "Table options such as time travel, partitions or hints cannot be used "
                    "on %(table)s."
                )
                % {"table": name.name}
            )


def check_generated(sql: str, engine: Dialect) -> None:
    """Parse SQL that sqlglot generated and check it as strictly as the user's."""
    try:
        tree = parse_one_query(sql, engine)
        check_shapes(tree)
        check_nodes(tree)
    except SqlRefused as refusal:
        raise SqlRefused(
            _("The query could not be checked safely after rewriting: %(reason)s")
            % {"reason": refusal.detail}
        ) from None
