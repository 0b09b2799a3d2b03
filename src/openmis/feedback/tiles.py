"""Feedback's tile on the home page: the lowest-rated systems in use."""

from __future__ import annotations

from openmis.feedback import services


def lowest_rated(request) -> dict:
    """The five systems in use with the lowest average rating of the last 90 days."""
    return {"lowest_rated": services.lowest_rated_systems()}
