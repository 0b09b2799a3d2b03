"""Object declarations of the feedback app."""

from django.utils.translation import gettext_lazy

from openmis.core.extensions import register_hook, register_panel, register_tile
from openmis.core.notifications import register_kind
from openmis.core.registry import register, register_page
from openmis.feedback import agenda, confidentiality, panels, tiles
from openmis.feedback.filters import (
    FILTERS,
    IMPROVEMENT_FILTERS,
    IMPROVEMENT_SEARCH,
    SEARCH,
    FeedbackFilterSet,
    ImprovementFilterSet,
)
from openmis.feedback.forms import (
    FEEDBACK_FIELDS,
    IMPROVEMENT_FIELDS,
    FeedbackForm,
    ImprovementForm,
)
from openmis.feedback.models import Feedback, FeedbackStatusChange, Improvement, StatusChange
from openmis.feedback.services import (
    DELIVERED,
    STATUS_CHANGE,
    TRIAGE_PERMISSION,
    TRIAGED,
    project_went_live,
)
from openmis.feedback.views import feedback_context, improvement_context
from openmis.meetings.extensions import AGENDA_COPIED_HOOK, AGENDA_FORM_HOOK, AGENDA_LINKS_HOOK
from openmis.meetings.followup import FOLLOW_UP_HOOK
from openmis.meetings.models import AgendaItem, Occurrence
from openmis.org import roles
from openmis.portfolio.models import DeploymentProject, System
from openmis.portfolio.services import GO_LIVE_HOOK, RETIREMENT_HOOK

NAV = gettext_lazy("Feedback")

register(
    Feedback,
    slug="feedback",
    picker_hint="system",
    list_columns=["summary", "system", "kind", "rating", "status", "department", "date"],
    form_fields=FEEDBACK_FIELDS,
    export_fields=["id", *FEEDBACK_FIELDS, "status", "status_reason", "duplicate_of"],
    natural_key=["id"],
    filters=FILTERS,
    search=SEARCH,
    department_field="department",
    nav_group=NAV,
    form_class=FeedbackForm,
    filterset_class=FeedbackFilterSet,
    serializer_class="openmis.feedback.api.FeedbackSerializer",
    detail_context=feedback_context,
    visible_to=confidentiality.visible_feedback,
    hidden_missing=True,
    set_only_by={"confidential": confidentiality.sees_all},
)
register(
    Improvement,
    slug="improvements",
    picker_hint="system",
    list_columns=["title", "system", "status", "priority", "reach", "impact", "effort", "project"],
    form_fields=IMPROVEMENT_FIELDS,
    export_fields=["id", *IMPROVEMENT_FIELDS, "priority", "status", "decline_reason"],
    natural_key=["system", "title"],
    filters=["status", *IMPROVEMENT_FILTERS],
    search=IMPROVEMENT_SEARCH,
    filterset_class=ImprovementFilterSet,
    department_field="system__business_owner",
    nav_group=NAV,
    form_class=ImprovementForm,
    serializer_class="openmis.feedback.api.ImprovementSerializer",
    detail_context=improvement_context,
)
register(
    StatusChange,
    slug="status-changes",
    list_columns=["improvement", "from_status", "to_status", "reason", "changed_by", "created"],
    form_fields=["improvement", "from_status", "to_status", "reason"],
    export_fields=[
        "id",
        "improvement",
        "from_status",
        "to_status",
        "reason",
        "changed_by",
        "notified",
        "created",
    ],
    natural_key=["id"],
    filters=["improvement", "to_status"],
    search=["improvement__title", "reason"],
    department_field="improvement__system__business_owner",
    nav_group=NAV,
    in_menu=False,
    serializer_class="openmis.feedback.api.StatusChangeSerializer",
    read_only=True,
)

register(
    FeedbackStatusChange,
    slug="feedback-status-changes",
    list_columns=["feedback", "from_status", "to_status", "reason", "changed_by", "created"],
    form_fields=["feedback", "from_status", "to_status", "reason", "duplicate_of"],
    export_fields=[
        "id",
        "feedback",
        "from_status",
        "to_status",
        "reason",
        "duplicate_of",
        "improvement",
        "changed_by",
        "created",
    ],
    natural_key=["id"],
    filters=["feedback", "to_status"],
    search=["reason"],
    select=["feedback__system"],
    department_field="feedback__department",
    nav_group=NAV,
    in_menu=False,
    serializer_class="openmis.feedback.api.FeedbackStatusChangeSerializer",
    read_only=True,
    visible_to=confidentiality.visible_status_changes,
    hidden_missing=True,
)
register_page(NAV, gettext_lazy("Triage queue"), "feedback:triage_queue", TRIAGE_PERMISSION)

register_kind(
    STATUS_CHANGE,
    gettext_lazy("Improvement status changed"),
    gettext_lazy("To each person whose feedback an improvement groups, when its status changes."),
)
register_kind(
    DELIVERED,
    gettext_lazy("Feedback answered by a go-live"),
    gettext_lazy(
        "To each person and client contact whose feedback a project's go-live answers: one "
        "e-mail naming the improvements it delivers."
    ),
)
register_kind(
    TRIAGED,
    gettext_lazy("Feedback declined or merged"),
    gettext_lazy(
        "To each person and client contact whose feedback is declined (with the reason) or "
        "merged into an earlier item, once per item."
    ),
)
register_tile(
    "feedback/tiles/lowest_rated.html",
    context=tiles.lowest_rated,
    permission="feedback.view_feedback",
    roles={roles.DIRECTOR: 30, roles.STAFF: 70},
    name="feedback.lowest_rated",
)
register_tile(
    "feedback/tiles/waiting.html",
    context=tiles.waiting_improvements,
    permission="feedback.view_improvement",
    roles={roles.DIRECTOR: 40, roles.STAFF: 80},
    name="feedback.waiting",
)
register_tile(
    "feedback/tiles/open_feedback.html",
    context=tiles.open_feedback,
    permission="feedback.view_feedback",
    roles={roles.DIRECTOR: 45, roles.STAFF: 90},
    name="feedback.open",
)
register_tile(
    "feedback/tiles/missed_acknowledgement.html",
    context=tiles.missed_acknowledgement,
    permission=TRIAGE_PERMISSION,
    roles={roles.DIRECTOR: 35},
    name="feedback.missed_acknowledgement",
)
register_tile(
    "feedback/tiles/department_feedback.html",
    context=tiles.department_feedback,
    permission="feedback.view_feedback",
    roles={roles.LEADER: 20},
    name="feedback.department",
)
register_panel(
    System,
    "feedback/panels/system_feedback.html",
    context=panels.system_feedback,
    permission=panels.can_view_feedback,
    vary=panels.system_visibility,
    name="feedback.system",
)
register_panel(
    Occurrence,
    "feedback/panels/meeting_feedback.html",
    context=panels.meeting_feedback,
    vary=panels.meeting_visibility,
    name="feedback.meeting",
)
# What still relies on a system about to retire: its open improvements.
register_hook(RETIREMENT_HOOK, panels.retirement_concern, name="feedback.improvements")
# A go-live delivers the open improvements the project implements and answers their feedback.
register_hook(GO_LIVE_HOOK, project_went_live, name="feedback.delivered")
register_panel(
    DeploymentProject,
    "feedback/panels/project_improvements.html",
    context=panels.project_improvements,
    permission=panels.can_view_improvements,
    vary=panels.project_visibility,
    name="feedback.project",
)
# "Since last time" on a meeting's page and in its follow-up API: the earlier feedback.
register_hook(FOLLOW_UP_HOOK, panels.meeting_follow_up, name="feedback.follow_up")
# The improvement an agenda point is about: picked when the point is added, shown beside it,
# and kept by its copies (meetings holds no key to improvements).
register_hook(AGENDA_FORM_HOOK, agenda.form_part, name="feedback.improvement")
register_hook(AGENDA_LINKS_HOOK, agenda.point_links, name="feedback.improvement")
register_hook(AGENDA_COPIED_HOOK, agenda.copy_links, name="feedback.improvement")
register_panel(
    AgendaItem,
    "feedback/panels/agenda_improvement.html",
    context=agenda.point_panel,
    permission=agenda.can_view_improvements,
    name="feedback.agenda_improvement",
)
