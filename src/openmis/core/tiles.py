"""Core's own tile on the home page: the last audited changes."""

from __future__ import annotations

from openmis.core.extensions import register_tile


def recent_changes(request) -> dict:
    """The home page's last ten audited changes, newest first."""
    from auditlog.models import LogEntry

    return {"recent_changes": LogEntry.objects.select_related("actor", "content_type")[:10]}


def register_tiles() -> None:
    """Register core's tiles (called from ``CoreConfig.ready()``)."""
    register_tile(
        "core/tiles/recent_changes.html",
        context=recent_changes,
        permission="auditlog.view_logentry",
        order=90,
        name="core.recent_changes",
    )
