"""Errors of the analytics layer. Each carries a message meant for the user."""

from __future__ import annotations


class AnalyticsError(Exception):
    """Base class: ``detail`` is a sentence a user can act on."""

    def __init__(self, detail: str):
        super().__init__(detail)
        self.detail = detail


class SpecError(AnalyticsError):
    """A query spec is invalid; ``field`` is the path of the bad part, e.g. ``measures[0].agg``."""

    def __init__(self, field: str, detail: str):
        super().__init__(detail)
        self.field = field


class SqlRefused(AnalyticsError):
    """User SQL was refused by the guard, before it reached the engine."""


class QueryFailed(AnalyticsError):
    """The engine refused or failed to run a query (bad SQL, type error, memory limit)."""


class QueryTimeout(QueryFailed):
    """The query ran past its statement timeout and was interrupted."""


class ImportFailed(AnalyticsError):
    """A file could not be loaded; ``line`` and ``column`` say where, when the engine knows."""

    def __init__(self, detail: str, *, line: int | None = None, column: str | None = None):
        super().__init__(detail)
        self.line = line
        self.column = column
