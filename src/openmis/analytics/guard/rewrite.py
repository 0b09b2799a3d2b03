"""The rewriting of the SQL guard: table names resolved in scope (CTEs first), datasets
replaced by their secured relations."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

import sqlglot
from sqlglot import exp
from sqlglot.dialects.dialect import Dialect
from sqlglot.errors import SqlglotError

from openmis.analytics.errors import SqlRefused
from openmis.analytics.guard.checks import unwrap
from openmis.analytics.guard.rules import CARRIED_TABLE_ARGS
from openmis.analytics.i18n import _


class Rewriter:
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
        for arg in CARRIED_TABLE_ARGS:
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
            if not isinstance(unwrap(tree), (exp.Select, exp.SetOperation)):
                raise ValueError(f"The secured relation of {key} is not a query.")
            self.parsed[key] = unwrap(tree)
        return self.parsed[key]


def _children(node: exp.Expression) -> Iterator[tuple[str, exp.Expression]]:
    """The child nodes of ``node`` with the name of the argument holding each."""
    for key, value in list(node.args.items()):
        if isinstance(value, exp.Expression):
            yield key, value
        elif isinstance(value, list):
            yield from ((key, item) for item in list(value) if isinstance(item, exp.Expression))
