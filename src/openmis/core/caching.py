"""Caching for OpenMIS, in one place.

This module starts with the per-request memo: a value computed once while a request is
served (the person of a login, the departments above theirs, the roles they hold) and
forgotten when the request ends or when anything is written. It replaces attributes stuck on
the user object: a memo lives in a context variable, so it never outlives its request and
never leaks into the next test, task or thread.

Outside a request (commands, tasks, tests that call a function directly) nothing is memoised
unless the caller opens a scope with :func:`request_scope`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

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


class RequestMemoMiddleware:
    """Open a per-request memo around the rest of the request (views, API, templates)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with request_scope():
            return self.get_response(request)
