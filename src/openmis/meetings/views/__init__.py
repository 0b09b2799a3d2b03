"""Pages of the meetings app beyond the generic ones: the series and meeting pages with their
agenda, minutes, outcomes and action items; this week's meetings; overdue action items; the
calendar feeds (the cockpit tiles are in ``meetings.tiles``).

Modules: ``meeting`` (the series and meeting pages and their forms), ``lists`` (this week's
meetings, overdue action items) and ``feeds`` (the calendar feeds).
"""

from openmis.meetings.views.feeds import calendar, calendar_rotate, feed, series_feed
from openmis.meetings.views.lists import overdue, week
from openmis.meetings.views.meeting import (
    action_add,
    action_status,
    agenda_add,
    agenda_bring_back,
    agenda_status,
    attendance_save,
    describe_rule,
    minutes_preview,
    minutes_save,
    occurrence_cancel,
    occurrence_context,
    occurrence_move,
    outcome_add,
    series_context,
    series_current,
)

__all__ = [
    "action_add",
    "action_status",
    "agenda_add",
    "agenda_bring_back",
    "agenda_status",
    "attendance_save",
    "calendar",
    "calendar_rotate",
    "describe_rule",
    "feed",
    "minutes_preview",
    "minutes_save",
    "occurrence_cancel",
    "occurrence_context",
    "occurrence_move",
    "outcome_add",
    "overdue",
    "series_context",
    "series_current",
    "series_feed",
    "week",
]
