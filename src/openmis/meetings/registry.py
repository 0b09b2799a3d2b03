"""Object declarations of the meetings app."""

from datetime import timedelta

from django.forms import modelform_factory
from django.utils.translation import gettext_lazy

from openmis.core.extensions import register_tile
from openmis.core.notifications import register_kind
from openmis.core.periodic import register_periodic
from openmis.core.registry import register, register_page
from openmis.meetings import (
    actions,
    attendance,
    confidentiality,
    materialising,
    services,
    tiles,
)
from openmis.meetings.filters import ACTION_FILTERS, ACTION_SEARCH, ActionItemFilterSet
from openmis.meetings.forms import (
    SERIES_FIELDS,
    ActionItemObjectForm,
    AttendanceObjectForm,
    MeetingLinkedForm,
    MeetingSeriesForm,
    OccurrenceForm,
)
from openmis.meetings.models import (
    ActionItem,
    AgendaItem,
    Attendance,
    Client,
    ClientContact,
    MeetingSeries,
    Occurrence,
    Outcome,
)
from openmis.org import roles

NAV = gettext_lazy("Meetings")


def series_context(series: MeetingSeries, request) -> dict:
    """:func:`openmis.meetings.views.series_context`, imported on the first detail page: the
    views import icalendar, which the site need not load to start."""
    from openmis.meetings.views import series_context

    return series_context(series, request)


def occurrence_context(occurrence: Occurrence, request) -> dict:
    """:func:`openmis.meetings.views.occurrence_context`, imported on the first detail page."""
    from openmis.meetings.views import occurrence_context

    return occurrence_context(occurrence, request)


AGENDA_FIELDS = ["occurrence", "title", "notes", "status", "system", "position"]
OUTCOME_FIELDS = ["occurrence", "kind", "text"]
ATTENDANCE_FIELDS = ["occurrence", "person", "contact", "status"]
ACTION_FIELDS = ["title", "occurrence", "outcome", "owner", "contact", "due_date", "status"]

register(
    Client,
    slug="clients",
    list_columns=["name", "tier", "notes"],
    form_fields=["name", "tier", "notes"],
    natural_key=["name"],
    filters=["tier"],
    search=["name", "notes"],
    nav_group=NAV,
)
register(
    ClientContact,
    slug="client-contacts",
    picker_hint="client",
    list_columns=["name", "client", "role", "email", "phone"],
    form_fields=["client", "name", "email", "phone", "role"],
    natural_key=["client", "name"],
    filters=["client"],
    search=["name", "email", "role", "client__name"],
    nav_group=NAV,
)
register(
    MeetingSeries,
    slug="series",
    picker_hint="department",
    list_columns=["title", "kind", "department", "client", "frequency", "start_time", "organiser"],
    form_fields=SERIES_FIELDS,
    natural_key=["title"],
    filters=["kind", "department", "client", "frequency", "organiser"],
    search=["title", "notes", "client__name"],
    department_field="department",
    nav_group=NAV,
    form_class=MeetingSeriesForm,
    serializer_class="openmis.meetings.api.MeetingSeriesSerializer",
    detail_context=series_context,
    delete_warnings=services.delete_warnings,
    # A new or changed series has its meetings at once; pages only read them.
    after_save=materialising.series_saved,
    # only the MIS office marks a client's meetings confidential (confidentiality.py)
    set_only_by={"confidential": confidentiality.sees_all},
)
register(
    Occurrence,
    slug="occurrences",
    list_columns=["start", "series", "status", "end"],
    form_fields=["series", "start", "end", "status", "minutes", "confidential"],
    natural_key=["id"],
    filters=["series", "status", "series__department"],
    search=["series__title", "minutes"],
    department_field="series__department",
    nav_group=NAV,
    detail_context=occurrence_context,
    serializer_class="openmis.meetings.api.OccurrenceSerializer",
    prefetch=attendance.PREFETCH,  # the API's attendance of each meeting
    attachments=True,  # minutes, slides, signed lists of attendance
    form_class=OccurrenceForm,
    # Every meeting is listed; a confidential one's minutes only for its readers.
    redacted={"minutes": confidentiality.minutes_rule},
    set_only_by={"confidential": confidentiality.sees_all},
)
register(
    AgendaItem,
    slug="agenda-items",
    list_columns=["title", "occurrence", "status", "system"],
    form_fields=AGENDA_FIELDS,
    natural_key=["id"],
    filters=["status", "occurrence", "occurrence__series", "system"],
    search=["title", "notes"],
    department_field="occurrence__series__department",
    nav_group=NAV,
    in_menu=False,
    select=["occurrence__series"],
    form_class=modelform_factory(AgendaItem, form=MeetingLinkedForm, fields=AGENDA_FIELDS),
    # a confidential meeting's points are missing for those who may not read it
    visible_to=confidentiality.visible_meeting_parts,
    hidden_missing=True,
)
register(
    Outcome,
    slug="outcomes",
    list_columns=["text", "kind", "occurrence"],
    form_fields=OUTCOME_FIELDS,
    natural_key=["id"],
    filters=["kind", "occurrence", "occurrence__series"],
    search=["text"],
    department_field="occurrence__series__department",
    nav_group=NAV,
    in_menu=False,
    select=["occurrence__series"],
    form_class=modelform_factory(Outcome, form=MeetingLinkedForm, fields=OUTCOME_FIELDS),
    visible_to=confidentiality.visible_meeting_parts,
    hidden_missing=True,
)
register(
    ActionItem,
    slug="action-items",
    list_columns=["title", "owner", "contact", "due_date", "status", "occurrence"],
    form_fields=ACTION_FIELDS,
    natural_key=["id"],
    filters=ACTION_FILTERS,
    search=ACTION_SEARCH,
    filterset_class=ActionItemFilterSet,
    department_field="owner__department",
    # a client contact's item: the department of its meeting's series (actions.py)
    department_resolver=actions.action_department,
    nav_group=NAV,
    select=["occurrence__series", "contact__client"],
    form_class=modelform_factory(ActionItem, form=ActionItemObjectForm, fields=ACTION_FIELDS),
    # Employees see their own; those who see the meetings see them all, but those of a
    # confidential meeting only when they may read it (or do the item). The refusal names
    # nothing of the item (it is the 403 employees always had for others' items).
    visible_to=actions.visible_action_items,
    hidden_reason=gettext_lazy(
        "This action item is someone else's: your role shows you only your own action items."
    ),
)
register(
    Attendance,
    slug="attendance",
    list_columns=["occurrence", "person", "contact", "status"],
    form_fields=ATTENDANCE_FIELDS,
    natural_key=["id"],
    filters=["status", "occurrence", "occurrence__series", "person", "contact"],
    search=["person__first_name", "person__last_name", "contact__name"],
    # recorded by those who may change the meeting: its series' department
    department_field="occurrence__series__department",
    nav_group=NAV,
    in_menu=False,  # recorded on the meeting's page
    select=["occurrence__series", "person", "contact"],
    form_class=modelform_factory(Attendance, form=AttendanceObjectForm, fields=ATTENDANCE_FIELDS),
)

register_page(
    NAV, gettext_lazy("This week's meetings"), "meetings:week", "meetings.view_occurrence"
)
register_page(
    NAV, gettext_lazy("Overdue action items"), "meetings:overdue", "meetings.view_actionitem"
)
register_page(
    NAV, gettext_lazy("My calendar feed"), "meetings:calendar", "meetings.view_actionitem"
)

register_kind(
    actions.ACTION_REMINDER,
    gettext_lazy("Action items due"),
    gettext_lazy("To the owner of open action items due today or overdue, at most once a day."),
)


register_tile(
    "meetings/tiles/my_actions.html",
    context=tiles.my_actions,
    roles={
        roles.EMPLOYEE: 10,
        roles.ANALYST: 40,
        roles.LEADER: 50,
        roles.STAFF: 50,
        roles.DIRECTOR: 60,
    },
    name="meetings.my_actions",
)
register_tile(
    "meetings/tiles/overdue.html",
    context=tiles.overdue,
    permission="meetings.view_meetingseries",
    roles={roles.DIRECTOR: 20, roles.STAFF: 40},
    name="meetings.overdue",
)
register_tile(
    "meetings/tiles/department_actions.html",
    context=tiles.department_actions,
    permission="meetings.view_occurrence",
    roles={roles.LEADER: 30},
    name="meetings.department_actions",
)
register_tile(
    "meetings/tiles/week.html",
    context=tiles.this_week,
    roles={roles.DIRECTOR: 65, roles.STAFF: 60, roles.LEADER: 60, roles.ANALYST: 60},
    name="meetings.week",
)
# Meetings are materialised by the worker (at its start, then hourly: the window moves on
# daily, points carry once a meeting ended) and by the write paths, never by a page view.
register_periodic(materialising.materialise_due, every=timedelta(hours=1))
