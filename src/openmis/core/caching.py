"""Caching for OpenMIS, in one place.

Two kinds of caching live here:

* **The per-request memo** (:func:`per_request`): a value computed once while a request is
  served (the person of a login, the departments above theirs, the roles they hold) and
  forgotten when the request ends or when anything is written. It lives in a context
  variable, so it never outlives its request and never leaks into the next test, task or
  thread. Outside a request nothing is memoised unless the caller opens a
  :func:`request_scope`.

* **The shared cache with generations** (:func:`get_or_set`): a value kept in Django's cache
  (per process, or Redis shared by all) under a key that holds the *generations* of what it
  depends on, named by app label::

      caching.get_or_set(("impact", system.pk), compute, depends_on=("portfolio",))

  Every committed write to a model of an OpenMIS app (or to auth's users and groups) moves
  its app's generation, so the next reader misses and computes anew; a write elsewhere (a
  warehouse import in ``bi``) leaves the value alone. Nothing is ever deleted: stale entries
  are never read again and expire.

Why generations per app label, stored in the database (:class:`~openmis.core.models.
CacheGeneration`): every process (gunicorn workers, the task worker, the CLI) must see a
write at once, also with the default per-process cache, and a write must move the generation
in the writer's own transaction (a rolled-back write moves nothing). The table holds one row
per app that was ever written; reading it is one query a request (as the single generation
of before), memoised until the request ends or the process writes. Per app rather than per
model: a page shows rows of several models of an app together (a system with its costs and
contracts), so per-model labels would be listed by hand everywhere and easily forgotten;
apps are few and a dependency is declared in one word. The extra ``*`` generation is in
every key: :func:`bump` with no label (a bulk write whose app is not known) drops everything.

What a login writes (``last_login``) and writes to ``core.installation``, ``core.apitoken``,
the generations themselves and notices sent (``core.notice``) move nothing: no cached page
shows them.
"""

from __future__ import annotations

import functools
import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

from django.apps import apps
from django.core.cache import cache
from django.core.signals import request_started
from django.db import connection
from django.db.models import ForeignObjectRel
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

F = TypeVar("F", bound=Callable[..., Any])

_memo: ContextVar[dict | None] = ContextVar("openmis_request_memo", default=None)


@contextmanager
def request_scope() -> Iterator[None]:
    """Memoise :func:`per_request` functions until the block ends."""
    token = _memo.set({})
    try:
        yield
    finally:
        _memo.reset(token)


def _arg_key(arg: Any) -> Any:
    meta = getattr(arg, "_meta", None)
    if meta is not None:  # a model instance (a user, a person): by type and primary key
        return (meta.label_lower, arg.pk)
    if getattr(arg, "is_anonymous", False):
        return ("anonymous",)
    return arg


def per_request(fn: F) -> F:
    """Compute ``fn(*args)`` once per request; arguments are keyed by value, model instances by
    primary key. The undecorated function stays reachable as ``fn.uncached``."""

    @functools.wraps(fn)
    def wrapper(*args):
        memo = _memo.get()
        if memo is None:
            return fn(*args)
        key = (wrapper, *(_arg_key(a) for a in args))
        try:
            return memo[key]
        except KeyError:
            value = memo[key] = fn(*args)
            return value

    wrapper.uncached = fn  # type: ignore[attr-defined]
    return wrapper  # type: ignore[return-value]


def forget_request_memo() -> None:
    """Drop what this request memoised (done on every write, so a memo is never stale)."""
    memo = _memo.get()
    if memo:
        memo.clear()


@receiver(post_save)
@receiver(post_delete)
@receiver(m2m_changed)
def _on_any_write(**kwargs):
    forget_request_memo()


# --- keys ----------------------------------------------------------------------------------------


def key(*parts) -> str:
    """A cache key from any parts (hashed, so user input never reaches the backend raw)."""
    digest = hashlib.sha256("\x1f".join(str(p) for p in parts).encode()).hexdigest()[:32]
    return f"openmis:{digest}"


# --- generations ---------------------------------------------------------------------------------

EVERYTHING = "*"
WATCHED_APPS = {"auth"}  # besides every OpenMIS app
# Writes no page shows: a bump on each would empty every cache whenever anybody signs in.
UNWATCHED_MODELS = {"core.installation", "core.apitoken", "core.cachegeneration", "core.notice"}
UNSHOWN_FIELDS = {"auth.user": frozenset({"last_login"})}

_generations: ContextVar[dict[str, int] | None] = ContextVar("openmis_generations", default=None)


def generations() -> dict[str, int]:
    """Every app's generation, read once per request (and again after a write here)."""
    value = _generations.get()
    if value is None:
        with connection.cursor() as cursor:
            cursor.execute(_sql()["read"])
            value = dict(cursor.fetchall())
        _generations.set(value)
    return value


def generation(*labels: str) -> tuple[int, ...]:
    """The generations of ``labels``, the ``*`` generation first."""
    current = generations()
    return tuple(current.get(label, 0) for label in (EVERYTHING, *labels))


def bump(*labels: str) -> None:
    """Move the generations of ``labels`` (app labels; none: everything) by one.

    For writes that send no signals (``QuerySet.update``, ``bulk_create``): the writer says
    which app it changed. An upsert inside the caller's transaction, so concurrent writers
    never lose a bump and a rolled-back write moves nothing.
    """
    with connection.cursor() as cursor:
        for label in sorted(set(labels or (EVERYTHING,))):
            cursor.execute(_sql()["bump"], [label])
    _generations.set(None)


@functools.cache
def _sql() -> dict[str, str]:
    """The two statements, written once (the read runs on every page)."""
    from openmis.core.models import CacheGeneration

    meta = CacheGeneration._meta
    qn = connection.ops.quote_name
    table, label, value = (
        qn(meta.db_table),
        qn(meta.get_field("label").column),
        qn(meta.get_field("value").column),
    )
    return {
        "read": f"SELECT {label}, {value} FROM {table}",  # noqa: S608
        # SQLite (3.24+) and PostgreSQL both have this upsert.
        "bump": (
            f"INSERT INTO {table} ({label}, {value}) VALUES (%s, 1) "  # noqa: S608
            f"ON CONFLICT ({label}) DO UPDATE SET {value} = {table}.{value} + 1"
        ),
    }


@receiver(request_started)
def _forget_generations(**kwargs):
    _generations.set(None)


def _label_of(model) -> str | None:
    """The app label whose generation a write to ``model`` moves (None: it moves nothing)."""
    meta = getattr(model, "_meta", None)
    if meta is None or meta.apps is not apps:
        return None  # not a model, or a historical model inside a migration
    if meta.label_lower in UNWATCHED_MODELS:
        return None
    if meta.app_label in WATCHED_APPS or meta.app_label in _openmis_apps():
        return meta.app_label
    return None


@functools.cache
def _openmis_apps() -> frozenset[str]:
    return frozenset(
        config.label for config in apps.get_app_configs() if config.name.startswith("openmis.")
    )


@receiver(post_save)
@receiver(post_delete)
def _on_write(sender, **kwargs):
    if kwargs.get("raw"):
        return
    label = _label_of(sender)
    if label is None:
        return
    fields = kwargs.get("update_fields")
    if fields and frozenset(fields) <= UNSHOWN_FIELDS.get(sender._meta.label_lower, frozenset()):
        return
    bump(label)


@receiver(m2m_changed)
def _on_m2m(sender, action, **kwargs):
    if not action.startswith("post_"):
        return
    labels = {_label_of(kwargs["model"]), _label_of(type(kwargs["instance"]))} - {None}
    if labels:
        bump(*labels)


# --- the shared cache ----------------------------------------------------------------------------

_MISSING = object()
DEFAULT_TIMEOUT = 600


def versioned_key(key_parts: Iterable, depends_on: Iterable[str]) -> str:
    """The key of a value made of ``key_parts`` that depends on the apps ``depends_on``."""
    labels = tuple(sorted(set(depends_on)))
    return key(*key_parts, "\x1e", *labels, "\x1e", *generation(*labels))


def get_or_set(
    key_parts: Iterable,
    fn: Callable[[], Any],
    *,
    depends_on: Iterable[str],
    timeout: int = DEFAULT_TIMEOUT,
) -> Any:
    """``fn()``, kept in the shared cache under ``key_parts`` until any app of ``depends_on``
    is written (or ``timeout`` seconds pass). ``key_parts`` must name everything else the
    value depends on: the user or what they may see, the language, the day..."""
    cache_key = versioned_key(key_parts, depends_on)
    value = cache.get(cache_key, _MISSING)
    if value is _MISSING:
        value = fn()
        cache.set(cache_key, value, timeout)
    return value


def depends_on_model(model) -> frozenset[str]:
    """The app labels a page of ``model``'s rows may show: its own, those of the models it
    points to (followed on, a person's department's parent...), and those of the models that
    point at it (counts of related rows)."""
    return _model_apps(model._meta.label_lower)


@functools.cache
def _model_apps(label: str) -> frozenset[str]:
    model = apps.get_model(label)
    found, seen, todo = {model._meta.app_label}, set(), [model]
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        for f in current._meta.get_fields():
            related = f.related_model
            if related is None or isinstance(related, str):
                continue
            if not isinstance(f, ForeignObjectRel):  # forward: follow on
                found.add(related._meta.app_label)
                todo.append(related)
            elif current is model:  # reverse, one level: the counts of the page
                found.add(related._meta.app_label)
    return frozenset(found)


class RequestMemoMiddleware:
    """Open a per-request memo around the rest of the request (views, API, templates)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with request_scope():
            return self.get_response(request)


_process_caches: list[ProcessCache] = []


def clear_process_caches() -> None:
    """Empty every :class:`ProcessCache` of this process (tests start from nothing)."""
    for kept in _process_caches:
        kept.clear()


class ProcessCache:
    """A small least-recently-used cache in this process, for values that depend only on
    their key and on the code that made them (compiled SQL): the code cannot change while a
    process runs, so the key needs no version. Thread-safe; ``maxsize`` entries at most."""

    def __init__(self, maxsize: int = 256):
        self.maxsize = maxsize
        self._data: OrderedDict = OrderedDict()
        self._lock = threading.Lock()
        _process_caches.append(self)

    def get_or_set(self, cache_key, fn: Callable[[], Any]) -> Any:
        """The value kept under ``cache_key``, or ``fn()`` kept from now on."""
        with self._lock:
            if cache_key in self._data:
                self._data.move_to_end(cache_key)
                return self._data[cache_key]
        value = fn()
        with self._lock:
            self._data[cache_key] = value
            self._data.move_to_end(cache_key)
            while len(self._data) > self.maxsize:
                self._data.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._data.clear()

    def __len__(self) -> int:
        return len(self._data)
