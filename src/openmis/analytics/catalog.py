"""Plain descriptions of what a query may read: datasets, where they live, how they relate.

Everything here is plain, immutable data, built by the BI app from its models and handed to
``compile`` and ``guard``; nothing here touches an engine.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Location:
    """Where one version of a dataset lives in the engine.

    DuckDB: ``catalog`` is the alias the version file is attached under (``ds12_v3``),
    ``database`` is ``"main"``, ``table`` is ``"data"``. PostgreSQL: ``catalog`` is ``None``,
    ``database`` is the warehouse schema, ``table`` is ``ds12_v3``.
    """

    catalog: str | None
    database: str | None
    table: str


@dataclass(frozen=True)
class Relation:
    """A many-to-one link: rows of the owning dataset point at one row of ``target``.

    ``name`` is how fields are addressed in a spec: ``customer.region``.
    """

    name: str
    target: str
    local_key: str
    remote_key: str


@dataclass(frozen=True)
class TableInfo:
    """A dataset as the engine sees it: its columns (name -> Ibis type string) and location."""

    name: str
    columns: Mapping[str, str]
    location: Location
    relations: tuple[Relation, ...] = ()
    version: int = 1


@dataclass(frozen=True)
class Condition:
    """One comparison of a row-level rule or a filter: ``column op value``."""

    column: str
    op: str
    value: Any = None


@dataclass(frozen=True)
class RowPolicy:
    """Which rows of a dataset a user may see.

    Rows are visible when, for at least one alternative, all its conditions hold. An empty
    ``alternatives`` tuple is *default deny*: no row is visible. ``None`` in place of a policy
    means the dataset is not restricted for this user.
    """

    alternatives: tuple[tuple[Condition, ...], ...] = field(default_factory=tuple)


Catalog = Mapping[str, TableInfo]
Policies = Mapping[str, RowPolicy | None]
