"""Old names of :mod:`openmis.core.caching`, for the modules not yet moved to it
(``core.permissions`` and ``meetings.services``). New code uses :mod:`openmis.core.caching`
and says what its values depend on."""

from __future__ import annotations

from openmis.core import caching
from openmis.core.caching import key

__all__ = ["bump", "generation", "key"]


def generation() -> int:
    """A number that goes up with any write at all (a value keyed by it depends on everything)."""
    return caching.total_generation()


def bump() -> None:
    """Drop every cached value (a bulk write whose app the caller does not say)."""
    caching.bump()
