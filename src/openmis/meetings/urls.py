"""Pages of the meetings app beyond the generic ones (added to the "meetings" namespace)."""

from django.urls import path

from openmis.meetings import views

urlpatterns = [
    path("series/<int:pk>/current/", views.series_current, name="series_current"),
    path("occurrences/<int:pk>/agenda/", views.agenda_add, name="agenda_add"),
    path("occurrences/<int:pk>/minutes/", views.minutes_save, name="minutes_save"),
    path("occurrences/<int:pk>/minutes/preview/", views.minutes_preview, name="minutes_preview"),
    path("occurrences/<int:pk>/outcomes/", views.outcome_add, name="outcome_add"),
    path("occurrences/<int:pk>/actions/", views.action_add, name="action_add"),
    path("occurrences/<int:pk>/attendance/", views.attendance_save, name="attendance_save"),
    path("occurrences/<int:pk>/move/", views.occurrence_move, name="occurrence_move"),
    path("occurrences/<int:pk>/cancel/", views.occurrence_cancel, name="occurrence_cancel"),
    path("agenda-items/<int:pk>/status/", views.agenda_status, name="agenda_status"),
    path("agenda-items/<int:pk>/bring-back/", views.agenda_bring_back, name="agenda_bring_back"),
    path("action-items/<int:pk>/status/", views.action_status, name="action_status"),
    path("week/", views.week, name="week"),
    path("overdue/", views.overdue, name="overdue"),
    path("calendar/", views.calendar, name="calendar"),
    path("calendar/rotate/", views.calendar_rotate, name="calendar_rotate"),
    path("feed/<str:key>.ics", views.feed, name="feed"),
    path("feed/<str:key>/series/<int:pk>.ics", views.series_feed, name="series_feed"),
]
