"""Every state change and every warehouse read of the BI app.

One path serves the UI, the API, exports, alerts and deliveries: :func:`run_query` and
:func:`run_sql` build the reader's catalog and row policies, compile through
:mod:`openmis.analytics`, and cache results under a key made of the SQL that actually runs
(which names the dataset versions and embeds the reader's row rules), so an import or a
rule change can never serve a stale or someone else's result.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import pickle
import threading
from decimal import Decimal, InvalidOperation

import ibis
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

import openmis
from openmis.analytics import compile as qcompile
from openmis.analytics import guard, template
from openmis.analytics.catalog import Condition, Relation, RowPolicy, TableInfo
from openmis.analytics.spec import parse_spec
from openmis.bi import access
from openmis.bi.engine import get_warehouse
from openmis.bi.models import Dataset
from openmis.core import caching, permissions

__all__ = [
    "ReaderContext",
    "can_use_sql",
    "column_values",
    "compile_spec",
    "dataset_profile",
    "get_warehouse",
    "readable_datasets",
    "reader_context",
    "run_query",
    "run_sql",
]


def location_of(dataset: Dataset):
    """Where the live data of ``dataset`` is: its current version, or its external table."""
    wh = get_warehouse()
    if dataset.external_table:
        return wh.external_location(dataset.external_table)
    return wh.location(dataset.key, dataset.data_version)


# --- catalog and policies ----------------------------------------------------------------------


def readable_datasets(user):
    """Datasets with data that ``user`` may query (their rows may still be restricted)."""
    if not permissions.has_perm(user, "bi.view_dataset"):
        return Dataset.objects.none()
    return Dataset.objects.filter(data_version__gt=0)


def _coerce(value: str, type_name: str):
    """A rule's text value as the column's type; None when it cannot be one."""
    try:
        if type_name.startswith(("int", "uint")):
            return int(value)
        if type_name.startswith("float"):
            return float(value)
        if type_name.startswith("decimal"):
            return Decimal(value)
        if type_name == "boolean":
            return value.strip().lower() in {"1", "true", "yes", "t"}
    except (ValueError, InvalidOperation):
        return None
    return value


def _typed_policy(policy: RowPolicy | None, columns: dict[str, str]) -> RowPolicy | None:
    if policy is None:
        return None
    alternatives = []
    for alternative in policy.alternatives:
        conditions = []
        usable = True
        for c in alternative:
            if c.column not in columns:
                usable = False  # a rule on a column the data no longer has admits nothing
                break
            if isinstance(c.value, list):
                values = [
                    v for v in (_coerce(x, columns[c.column]) for x in c.value) if v is not None
                ]
                if not values:
                    usable = False
                    break
                conditions.append(Condition(c.column, c.op, values))
            else:
                value = _coerce(c.value, columns[c.column])
                if value is None:
                    usable = False
                    break
                conditions.append(Condition(c.column, c.op, value))
        if usable:
            alternatives.append(tuple(conditions))
    return RowPolicy(tuple(alternatives))


class ReaderContext:
    """What one reader may query: the catalog of datasets and their row policies."""

    def __init__(self, user):
        self.user = user
        datasets = list(
            readable_datasets(user).prefetch_related("columns", "rules", "relationships__target")
        )
        by_name = {d.name: d for d in datasets}
        self.datasets = by_name
        self.columns = {d.name: {c.name: c.type for c in d.columns.all()} for d in datasets}
        catalog = {}
        for d in datasets:
            relations = tuple(
                Relation(r.name, r.target.name, r.column, r.target_column)
                for r in d.relationships.all()
                if r.target.name in by_name
            )
            catalog[d.name] = TableInfo(
                name=d.name,
                columns=self.columns[d.name],
                location=location_of(d),
                relations=relations,
                version=d.data_version,
            )
        self.catalog = catalog
        self.relations = {
            d.name: {
                r.name: r.target.name for r in d.relationships.all() if r.target.name in by_name
            }
            for d in datasets
        }
        self.policies = {
            d.name: _typed_policy(access.policy_for(user, d), self.columns[d.name])
            for d in datasets
        }
        # What an answer depends on besides the query: the versions, places and columns of
        # the data, and the rows this reader may see. Equal fingerprints give equal answers
        # (and equal compiled SQL).
        self.fingerprint = hashlib.sha256(
            repr(
                (
                    get_warehouse().dialect,
                    sorted(
                        (n, t.location, t.version, t.relations, sorted(t.columns.items()))
                        for n, t in catalog.items()
                    ),
                    sorted(self.policies.items(), key=lambda item: item[0]),
                )
            ).encode()
        ).hexdigest()

    def __getstate__(self):
        state = dict(self.__dict__)
        state["user"] = None  # cached per user already; the user object is not needed
        return state

    def cache_seconds(self, names) -> int:
        """How long results over the datasets ``names`` may be cached."""
        if any(self.datasets[n].external_table for n in names if n in self.datasets):
            return settings.BI_EXTERNAL_CACHE_SECONDS
        return settings.BI_RESULT_CACHE_SECONDS

    def field_choices(self, dataset: str) -> list[tuple[str, str]]:
        """``(field, type)`` of a dataset's columns, then its related datasets' columns."""
        fields = list(self.columns[dataset].items())
        for relation, target in self.relations.get(dataset, {}).items():
            fields += [(f"{relation}.{c}", t) for c, t in self.columns[target].items()]
        return fields


READER_DEPENDS_ON = ("bi", "org", "auth")  # datasets and rules; departments; roles


# Reader contexts as objects, per process, under their shared cache key (which holds the
# generations they depend on): reading one back from the cache unpickles its datasets.
_reader_contexts = caching.ProcessCache(maxsize=256)


@caching.per_request
def reader_context(user) -> ReaderContext:
    """The reader's catalog and row policies: built once per request, and kept in the shared
    cache until datasets, rules (``bi``), departments (``org``) or roles (``auth``) change."""
    key_parts = ("bi-reader", user.pk)

    def shared() -> ReaderContext:
        ctx = caching.get_or_set(
            key_parts, lambda: ReaderContext(user), depends_on=READER_DEPENDS_ON
        )
        ctx.user = None  # shared between requests: the user is not kept
        return ctx

    return _reader_contexts.get_or_set(caching.versioned_key(key_parts, READER_DEPENDS_ON), shared)


def _answer_key(sql: str) -> str:
    """The shared cache's key of the answer to ``sql``: the SQL that runs names the dataset
    versions it reads (their files or tables) and embeds the reader's row rules, so a new
    import or a rule change gives a new key; the release, the engine and the row cap decide
    the shape of the answer."""
    return caching.key(
        "bi-answer", openmis.__version__, get_warehouse().dialect, settings.BI_ROW_CAP, sql
    )


def _cached_execute(sql: str, locations, *, use_cache: bool = True, ttl: int | None = None) -> dict:
    """The answer to ``sql`` (``"cached"``: whether it came from the shared cache)."""
    wh = get_warehouse()
    key = _answer_key(sql)
    if use_cache:
        hit = cache.get(key)
        if hit is not None:
            return {**hit, "cached": True}
    # Identical concurrent queries in this process run once; the others wait for its result.
    with _flight(key):
        if use_cache:
            hit = cache.get(key)
            if hit is not None:
                return {**hit, "cached": True}
        result = wh.execute(
            sql,
            locations=locations,
            timeout=settings.BI_QUERY_TIMEOUT,
            row_cap=settings.BI_ROW_CAP,
        ).to_json()
        _cache_result(key, result, settings.BI_RESULT_CACHE_SECONDS if ttl is None else ttl)
    return {**result, "cached": False}


def result_fits_cache(result: dict) -> bool:
    """Whether ``result`` is small enough to be cached (``OPENMIS_BI_RESULT_CACHE_MAX_BYTES``).

    The cache is bounded in entries, not bytes: a few results of 100,000 rows each would fill
    a server's memory. Measured as the cache stores it (pickled).
    """
    limit = settings.BI_RESULT_CACHE_MAX_BYTES
    return len(pickle.dumps(result, pickle.HIGHEST_PROTOCOL)) <= limit


def _cache_result(key: str, result: dict, ttl: int) -> None:
    """Keep ``result`` under ``key`` for ``ttl`` seconds, unless it is too large to keep."""
    if ttl is not None and ttl <= 0:
        # What setting it with such a timeout does (the entry expires at once), without
        # pickling the result to measure it: the result cache is off.
        cache.delete(key)
        return
    if result_fits_cache(result):
        cache.set(key, result, ttl)


_flights: dict[str, threading.Lock] = {}
_flights_lock = threading.Lock()


class _flight:
    def __init__(self, key: str):
        with _flights_lock:
            self.lock = _flights.setdefault(key, threading.Lock())
        self.key = key

    def __enter__(self):
        self.lock.acquire()

    def __exit__(self, *exc):
        self.lock.release()
        with _flights_lock:
            if not self.lock.locked():
                _flights.pop(self.key, None)


def compile_spec(user, data, *, today: dt.date | None = None, context: ReaderContext | None = None):
    """The SQL that answers query spec ``data`` for ``user``, and the locations it reads."""
    ctx = context or reader_context(user)
    spec = parse_spec(data, ctx.catalog)
    today = today or timezone.localdate()
    expr = qcompile.compile_query(spec, ctx.catalog, ctx.policies, today=today)
    sql = qcompile.to_sql(expr, get_warehouse().dialect)
    names = {spec.dataset, *(r.target for r in ctx.catalog[spec.dataset].relations)}
    return spec, sql, [ctx.catalog[n].location for n in names]


# Compiled SQL, per process: it depends only on the spec, the reader's fingerprint (dataset
# versions and places, relations, row policies), the day and the code, which cannot change
# while the process runs, so its key needs no version of the compiler.
_compiled_sql = caching.ProcessCache(maxsize=512)
# The same, per shape of spec (its filter values left out; see openmis.analytics.template):
# a question asked with a new filter value reuses its shape's compile. None: a shape that
# cannot be templated, compiled whole every time.
_templates = caching.ProcessCache(maxsize=512)


def _compiled(user, data, today, ctx: ReaderContext):
    """The SQL of query spec ``data`` for this reader, the locations it reads and how long its
    result may be cached.

    Compiling through Ibis costs 3 to 20 ms, as much as a small query itself, so it is kept
    (in this process) even when results are not: a forced re-run still reads fresh data. A
    spec not seen before whose shape was (another filter value) puts its values' literals
    into the shape's compiled SQL, which gives the SQL compiling it would.
    """

    def compile_now():
        spec = parse_spec(data, ctx.catalog)
        dialect = get_warehouse().dialect

        def compile_sql(some_spec):
            expr = qcompile.compile_query(some_spec, ctx.catalog, ctx.policies, today=today)
            return qcompile.to_sql(expr, dialect)

        shape, literals = template.split(spec, ctx.catalog)
        sql_template = _templates.get_or_set(
            (shape, ctx.fingerprint, today, dialect),
            lambda: template.build(shape, compile_sql, dialect),
        )
        sql = compile_sql(spec) if sql_template is None else sql_template.render(literals)
        names = {spec.dataset, *(r.target for r in ctx.catalog[spec.dataset].relations)}
        return sql, [ctx.catalog[n].location for n in names], ctx.cache_seconds(names)

    spec_key = (json.dumps(data, sort_keys=True, default=str), ctx.fingerprint, today)
    return _compiled_sql.get_or_set(spec_key, compile_now)


def run_query(user, data, *, today: dt.date | None = None, use_cache: bool = True) -> dict:
    """Answer a query spec as ``user`` sees the data: ``{"columns", "rows", "truncated"}``.

    Raises :class:`~openmis.analytics.errors.AnalyticsError` (a 400 for callers).
    """
    ctx = reader_context(user)
    sql, locations, ttl = _compiled(user, data, today or timezone.localdate(), ctx)
    return _cached_execute(sql, locations, use_cache=use_cache, ttl=ttl)


def can_use_sql(user) -> bool:
    return access.may_use_sql(user)


def run_sql(user, sql: str, *, use_cache: bool = True) -> dict:
    """Run read-only SQL as ``user``: only the datasets and rows they may read are visible."""
    ctx = reader_context(user)
    safe, locations = _secured_sql(ctx, sql)
    return _cached_execute(
        safe, locations, use_cache=use_cache, ttl=ctx.cache_seconds(list(ctx.catalog))
    )


def _secured_sql(ctx: ReaderContext, sql: str):
    """``sql`` as it may run for this reader (their datasets and rows only), and what it reads."""
    dialect = get_warehouse().dialect
    tables = {
        name: qcompile.to_sql(qcompile.secured_table(ctx.catalog, name, ctx.policies), dialect)
        for name in ctx.catalog
    }
    safe = guard.secure_sql(sql, dialect=dialect, tables=tables)
    return safe, [info.location for info in ctx.catalog.values()]


# --- what a reader may know of a dataset outside a query -----------------------------------------

PROFILE_TOP = 5


def dataset_profile(user, dataset: Dataset) -> dict | None:
    """The profile of ``dataset`` as ``user`` may see it: ``{"row_count": n, "columns":
    {name: {"nulls", "distinct", "min", "max", "top": [[value, count], ...]}}}``.

    The one source of the dataset page's profile, ``/api/bi/datasets/{id}/profile/`` and the
    builder's value suggestions. A reader who may read every row gets the profile stored at
    load time; any other reader gets one computed through their row rules (cached like any
    result, under SQL that embeds their rules). None while there is nothing to show: no
    data, a stored profile still being computed, or no right to read the warehouse.
    """
    if not dataset.data_version or not permissions.has_perm(user, "bi.view_dataset"):
        return None
    if access.reads_every_row(user, dataset):
        return dataset.profile or None
    ctx = reader_context(user)
    if dataset.name not in ctx.catalog:
        return None
    return _reader_profile(ctx, dataset.name)


def _reader_profile(ctx: ReaderContext, name: str, top: int = PROFILE_TOP) -> dict:
    """The profile of dataset ``name`` over the rows the reader's policy admits."""
    dialect = get_warehouse().dialect
    table = qcompile.secured_table(ctx.catalog, name, ctx.policies)
    locations = [ctx.catalog[name].location]
    ttl = ctx.cache_seconds([name])
    columns = ctx.columns[name]
    metrics = [table.count().name("rows")]
    for i, (column, type_name) in enumerate(columns.items()):
        col = table[column]
        value = col.cast("int32") if type_name == "boolean" else col
        metrics += [
            (table.count() - col.count()).name(f"nulls_{i}"),
            col.nunique().name(f"distinct_{i}"),
            value.min().name(f"min_{i}"),
            value.max().name(f"max_{i}"),
        ]
    summary = _cached_execute(
        qcompile.to_sql(table.aggregate(metrics), dialect), locations, ttl=ttl
    )
    row = summary["rows"][0]
    out: dict = {"row_count": int(row[0] or 0), "columns": {}}
    for i, (column, type_name) in enumerate(columns.items()):
        nulls, distinct, low, high = row[1 + 4 * i : 5 + 4 * i]
        if type_name == "boolean":
            low, high = (None if v is None else bool(v) for v in (low, high))
        col = table[column]
        count = "count" if column != "count" else "frequency"  # never the column's name
        frequent = (
            table.filter(col.notnull())
            .group_by(column)
            .aggregate(**{count: col.count()})
            .order_by([ibis.desc(count), ibis.asc(column)])
            .limit(top)
        )
        tops = _cached_execute(qcompile.to_sql(frequent, dialect), locations, ttl=ttl)
        out["columns"][column] = {
            "nulls": int(nulls or 0),
            "distinct": int(distinct or 0),
            "min": low,
            "max": high,
            "top": [[value, int(n)] for value, n in tops["rows"]],
        }
    return out


def value_suggestions(user, dataset: Dataset) -> dict[str, list]:
    """Values to offer in the builder's filters, by column: the most frequent ones the
    reader may see (from :func:`dataset_profile`)."""
    profile = dataset_profile(user, dataset) or {}
    return {
        name: [value for value, _n in stats.get("top", []) if value is not None]
        for name, stats in profile.get("columns", {}).items()
    }


#: Values a filter's picker offers at most (and what one search may read back).
VALUES_LIMIT = 100
VALUES_SEARCH_MAX = 200


def column_values(
    user, dataset: str, column: str, search: str = "", *, limit: int = VALUES_LIMIT
) -> dict:
    """The distinct values of ``column`` (a path of ``dataset``, ``relation.column`` too)
    that ``user`` may read, those holding ``search`` (any case) when given, in order, at
    most ``limit``: ``{"values": [...], "truncated": bool}``. For a filter's value picker.

    Goes the way a query does: the reader's catalog and row rules, the spec's parser (an
    unknown dataset or column is a :class:`~openmis.analytics.errors.SpecError`, a 400),
    the warehouse's timeout and row cap, and the result cache under SQL embedding the
    rules. Nulls are left out (the filter has "is empty" for them).
    """
    ctx = reader_context(user)
    limit = max(1, min(int(limit), VALUES_LIMIT))
    spec = parse_spec({"dataset": dataset, "dimensions": [column]}, ctx.catalog)
    expr = qcompile.compile_query(spec, ctx.catalog, ctx.policies, today=timezone.localdate())
    value = expr[spec.dimensions[0].name]
    expr = expr.filter(value.notnull())
    search = search.strip()[:VALUES_SEARCH_MAX]
    if search:
        expr = expr.filter(value.cast("string").lower().contains(search.lower()))
    expr = expr.order_by(value).limit(limit + 1)
    names = {spec.dataset, *(r.target for r in ctx.catalog[spec.dataset].relations)}
    result = _cached_execute(
        qcompile.to_sql(expr, get_warehouse().dialect),
        [ctx.catalog[n].location for n in names],
        ttl=ctx.cache_seconds(names),
    )
    values = [row[0] for row in result["rows"]]
    return {"values": values[:limit], "truncated": len(values) > limit}


def save_question(question, user):
    from openmis.core.services import save_object

    return save_object(question, user)
