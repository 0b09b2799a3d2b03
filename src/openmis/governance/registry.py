"""Object declarations of the governance app.

Governance sits on top of the stack (beside appraisal): it reads the portfolio and the
organization, and shows itself on their pages only through the hallways' extension points
(``core.extensions.register_tile`` / ``register_panel`` / ``register_hook``).
"""

from django.utils.translation import gettext_lazy

from openmis.core.extensions import register_hook, register_panel, register_tile
from openmis.core.notifications import register_kind
from openmis.core.registry import on_call, register, register_page
from openmis.governance import (
    acknowledgements,
    assignments,
    compliance,
    feed,
    policies,
    policy_panels,
    training,
    training_tiles,
)
from openmis.governance.audience_forms import FIELDS as AUDIENCE_FIELDS
from openmis.governance.audience_forms import AudienceForm
from openmis.governance.filters import (
    AUDIENCE_SEARCH,
    PROCEDURE_SEARCH,
    AudienceFilterSet,
    ProcedureFilterSet,
)
from openmis.governance.filters_policies import (
    EXCEPTION_FILTERS,
    EXCEPTION_SEARCH,
    PolicyExceptionFilterSet,
)
from openmis.governance.forms_policies import (
    EXCEPTION_FIELDS,
    POLICY_FIELDS,
    VERSION_FIELDS,
    PolicyVersionForm,
)
from openmis.governance.models import (
    Acknowledgement,
    Audience,
    Campaign,
    Certificate,
    Course,
    CourseAssignment,
    CoursePage,
    Enrolment,
    ExternalCertificate,
    Policy,
    PolicyException,
    PolicyVersion,
    Procedure,
    ProcedureStep,
    QuizChoice,
    QuizQuestion,
)
from openmis.governance.procedure_forms import PROCEDURE_FIELDS, ProcedureForm
from openmis.governance.views import assignments as assignment_views
from openmis.meetings.feed_hooks import FEED_DUE_DATES_HOOK
from openmis.org import roles
from openmis.org.models import Department, Person
from openmis.portfolio.access import ACCESS_GRANTED_HOOK
from openmis.portfolio.models import System
from openmis.portfolio.services import GO_LIVE_HOOK, STAGE_CHANGED_HOOK

NAV = gettext_lazy("Governance")

# ---------------------------------------------------------------- policies
register(
    Policy,
    slug="policies",
    picker_hint="owner",
    list_columns=["title", "owner", "department", "next_review"],
    form_fields=POLICY_FIELDS,
    natural_key=["title"],
    filters=["owner", "department", "systems", "approvers"],
    search=["title"],
    department_field="department",
    nav_group=NAV,
    detail_exclude=("next_review",),  # shown once, above the actions, with "overdue" in red
    detail_context=on_call("openmis.governance.views.policies.policy_context"),
    delete_warnings=policies.policy_delete_warnings,
    visible_to=policies.visible_policies,
)
register(
    PolicyVersion,
    slug="policy-versions",
    detail_exclude=("text",),  # shown rendered by its template
    list_columns=["policy", "number", "state", "change", "author", "published_at"],
    form_fields=VERSION_FIELDS,
    export_fields=[
        "id",
        *VERSION_FIELDS,
        "number",
        "state",
        "author",
        "approved_by",
        "change",
        "sha256",
        "published_at",
    ],
    natural_key=["id"],
    filters=["policy", "state", "change"],
    search=["policy__title", "summary", "text"],
    select=["policy"],
    department_field="policy__department",
    nav_group=NAV,
    in_menu=False,
    form_class=PolicyVersionForm,
    serializer_class="openmis.governance.api.policies.PolicyVersionSerializer",
    detail_context=on_call("openmis.governance.views.policies.version_context"),
    visible_to=policies.visible_versions,
    # the drafts a published version went through: for its editors, approvers and the MIS
    # office, as the drafts themselves (policies.draft_readers)
    history_redacted={"text": policies.draft_readers, "summary": policies.draft_readers},
    object_access=policies.version_access,
)
register(
    PolicyException,
    slug="policy-exceptions",
    picker_hint="policy",
    list_columns=["policy", "person", "department", "system", "approver", "expires"],
    form_fields=EXCEPTION_FIELDS,
    natural_key=["id"],
    filters=EXCEPTION_FILTERS,
    search=EXCEPTION_SEARCH,
    filterset_class=PolicyExceptionFilterSet,
    select=["policy"],
    department_field="policy__department",
    nav_group=NAV,
    visible_to=policies.visible_exceptions,
    hidden_reason=policies.EXCEPTION_READERS,
)
register_page(
    NAV,
    gettext_lazy("Policy reviews due"),
    "governance:policy_review_due",
    policies.MANAGE_PERMISSION,
)
register_kind(
    policies.REVIEW_REMINDER,
    policies.REVIEW_REMINDER_LABEL,
    gettext_lazy(
        "To a policy's owner, 30 days before its review date (and once it is overdue); "
        "sent by the daily command governance_daily."
    ),
)
register_panel(
    System,
    "governance/panels/system_policies.html",
    context=policy_panels.system_policies,
    permission=policy_panels.can_view_policies,
    vary=policy_panels.system_visibility,
    name="governance.system_policies",
)
register_tile(
    "governance/tiles/policy_reviews.html",
    context=policy_panels.review_tile,
    permission=policies.MANAGE_PERMISSION,
    roles={roles.DIRECTOR: 50, roles.STAFF: 60},
    name="governance.policy_reviews",
)

# ---------------------------------------------------------------- audiences, procedures
register(
    Audience,
    slug="audiences",
    list_columns=["name", "whole_organization", "sub_departments"],
    form_fields=AUDIENCE_FIELDS,
    natural_key=["name"],
    filters=["whole_organization", "departments", "roles", "systems"],
    search=AUDIENCE_SEARCH,
    filterset_class=AudienceFilterSet,
    form_class=AudienceForm,
    serializer_class="openmis.governance.serializers.AudienceSerializer",
    detail_context=on_call("openmis.governance.audience_members.audience_context"),
    after_save=on_call("openmis.governance.audience_members.audience_saved"),
    nav_group=NAV,
)

register(
    Procedure,
    slug="procedures",
    detail_exclude=("description",),  # shown rendered by its template
    list_columns=["title", "owner", "updated"],
    form_fields=PROCEDURE_FIELDS,
    natural_key=["title"],
    filters=["owner", "systems"],
    search=PROCEDURE_SEARCH,
    filterset_class=ProcedureFilterSet,
    form_class=ProcedureForm,
    detail_context=on_call("openmis.governance.procedure_views.procedure_context"),
    nav_group=NAV,
)
register(
    ProcedureStep,
    slug="procedure-steps",
    picker_hint="procedure",
    list_columns=["procedure", "number", "text", "responsible_role", "system"],
    form_fields=["procedure", "number", "text", "responsible_role", "system"],
    natural_key=["procedure", "number"],
    filters=["procedure", "responsible_role", "system"],
    search=["text", "procedure__title"],
    select=["procedure"],
    nav_group=NAV,
    in_menu=False,
)

# ---------------------------------------------------------------- training
HIDDEN = gettext_lazy(
    "Only the person, their manager, their department's leader and the MIS office see this."
)

COURSE_FIELDS = [
    "title",
    "description",
    "systems",
    "required_for_users",
    "policies",
    "validity_months",
    "pass_mark",
    "attempt_limit",
]
register(
    Course,
    slug="courses",
    detail_exclude=("description",),  # shown rendered by its template
    list_columns=["title", "course_version", "validity_months", "pass_mark", "attempt_limit"],
    form_fields=COURSE_FIELDS,
    export_fields=["id", *COURSE_FIELDS, "course_version"],
    natural_key=["title"],
    filters=["systems", "required_for_users"],
    search=["title", "description"],
    nav_group=NAV,
    attachments=True,
    serializer_class="openmis.governance.serializers_training.CourseSerializer",
    detail_context=on_call("openmis.governance.views.training.course_context"),
)
register(
    CoursePage,
    slug="course-pages",
    picker_hint="course",
    list_columns=["title", "course", "position"],
    form_fields=["course", "position", "title", "body"],
    natural_key=["course", "position"],
    filters=["course"],
    search=["title", "body"],
    nav_group=NAV,
    in_menu=False,
)
register(
    QuizQuestion,
    slug="quiz-questions",
    picker_hint="course",
    list_columns=["text", "course", "position"],
    form_fields=["course", "position", "text"],
    natural_key=["id"],
    filters=["course"],
    search=["text"],
    nav_group=NAV,
    in_menu=False,
    detail_context=on_call("openmis.governance.views.training.question_context"),
)
register(
    QuizChoice,
    slug="quiz-choices",
    picker_hint="question",
    list_columns=["text", "question", "correct"],
    form_fields=["question", "text", "correct"],
    natural_key=["id"],
    filters=["question", "correct"],
    search=["text"],
    nav_group=NAV,
    in_menu=False,
)
register(
    Enrolment,
    slug="enrolments",
    picker_hint="course",
    list_columns=["person", "course", "due_date", "status"],
    form_fields=["person", "course", "due_date"],
    export_fields=["id", "person", "course", "due_date", "status", "cancel_reason"],
    natural_key=["person", "course"],
    filters=["person", "course", "status"],
    search=["person__first_name", "person__last_name", "course__title"],
    department_field="person__department",
    nav_group=NAV,
    visible_to=training.visible_training,
    hidden_reason=HIDDEN,
    serializer_class="openmis.governance.serializers_training.EnrolmentSerializer",
    detail_context=on_call("openmis.governance.views.training.enrolment_context"),
)
register(
    Certificate,
    slug="certificates",
    picker_hint="person",
    list_columns=["course", "person", "course_version", "issued_on", "valid_until", "voided_on"],
    form_fields=[
        "enrolment",
        "person",
        "course",
        "course_version",
        "score",
        "issued_on",
        "valid_until",
    ],
    export_fields=[
        "id",
        "person",
        "course",
        "course_version",
        "score",
        "issued_on",
        "valid_until",
        "voided_on",
    ],
    natural_key=["id"],
    filters=["person", "course"],
    search=["course__title", "person__first_name", "person__last_name"],
    department_field="person__department",
    nav_group=NAV,
    read_only=True,
    visible_to=training.visible_training,
    hidden_reason=HIDDEN,
    detail_context=on_call("openmis.governance.views.training.certificate_context"),
)
EXTERNAL_FIELDS = ["person", "title", "issuer", "issued_on", "expires_on"]
register(
    ExternalCertificate,
    slug="external-certificates",
    picker_hint="person",
    list_columns=["title", "person", "issuer", "expires_on"],
    form_fields=EXTERNAL_FIELDS,
    natural_key=["id"],
    filters=["person"],
    search=["title", "issuer", "person__first_name", "person__last_name"],
    department_field="person__department",
    nav_group=NAV,
    attachments=True,
    visible_to=training.visible_training,
    hidden_reason=HIDDEN,
    detail_context=on_call("openmis.governance.views.training.external_context"),
)
register_tile(
    "governance/tiles/my_training.html",
    context=training_tiles.my_training,
    permission="governance.view_enrolment",
    roles={
        roles.EMPLOYEE: 20,
        roles.LEADER: 60,
        roles.ANALYST: 80,
        roles.STAFF: 95,
        roles.DIRECTOR: 95,
    },
    name="governance.my_training",
)

# ---------------------------------------------------------------- acknowledgement campaigns
register(
    Campaign,
    slug="campaigns",
    picker_hint="policy",
    list_columns=["policy", "policy_version", "audience", "started_on", "closed_on"],
    form_fields=["policy", "policy_version", "audience", "started_on", "closed_on"],
    natural_key=["id"],
    filters=["policy", "audience"],
    search=["policy__title"],
    select=["policy", "policy_version"],
    department_field="policy__department",
    nav_group=NAV,
    read_only=True,
    visible_to=acknowledgements.visible_campaigns,
    detail_context=on_call("openmis.governance.views.acknowledgements.campaign_context"),
    # The dashboard is read far more often than people answer: the page is kept (its
    # counts depend on governance, org and auth, all in the type's cache_depends_on).
    page_cache=on_call("openmis.governance.views.acknowledgements.campaign_page_varies"),
)
register(
    Acknowledgement,
    slug="acknowledgements",
    picker_hint="person",
    list_columns=["person", "campaign", "state", "due_date", "acknowledged_number", "answered_at"],
    form_fields=["campaign", "person"],
    export_fields=[
        "id",
        "campaign",
        "person",
        "state",
        "asked_on",
        "due_date",
        "acknowledged_number",
        "acknowledged_sha256",
        "answered_at",
        "reason",
        "carried",
    ],
    natural_key=["id"],
    filters=["campaign", "person", "state", "carried"],
    search=["person__first_name", "person__last_name", "campaign__policy__title"],
    select=["person", "campaign__policy", "campaign__policy_version"],
    department_field="person__department",
    nav_group=NAV,
    read_only=True,
    visible_to=acknowledgements.visible_acknowledgements,
    hidden_reason=HIDDEN,
    serializer_class="openmis.governance.api.acknowledgements.AcknowledgementSerializer",
    detail_context=on_call("openmis.governance.views.acknowledgements.acknowledgement_context"),
)
register_kind(
    acknowledgements.REMINDER,
    acknowledgements.REMINDER_LABEL,
    gettext_lazy(
        "To a person asked to acknowledge a policy, a few days before the due date; sent by "
        "the daily command governance_daily."
    ),
)
register_kind(
    acknowledgements.ESCALATION,
    acknowledgements.ESCALATION_LABEL,
    gettext_lazy(
        "To the manager (or the department's leaders) of a person whose acknowledgement is "
        "overdue, once; sent by the daily command governance_daily."
    ),
)
register_hook(
    ACCESS_GRANTED_HOOK, acknowledgements.access_granted, name="governance.acknowledgements"
)
register_tile(
    "governance/tiles/my_acknowledgements.html",
    context=on_call("openmis.governance.views.acknowledgements.my_acknowledgements"),
    permission="governance.view_acknowledgement",
    roles={
        roles.EMPLOYEE: 15,
        roles.LEADER: 55,
        roles.ANALYST: 75,
        roles.STAFF: 90,
        roles.DIRECTOR: 90,
    },
    name="governance.my_acknowledgements",
)
register_panel(
    Policy,
    "governance/panels/policy_campaigns.html",
    context=on_call("openmis.governance.views.acknowledgements.policy_campaigns"),
    permission="governance.view_campaign",
    vary=lambda user: ("campaigns",),
    name="governance.policy_campaigns",
)
# ---------------------------------------------------------------- assignments, portfolio triggers
register(
    CourseAssignment,
    slug="course-assignments",
    picker_hint="course",
    list_columns=["course", "audience", "due_in_days", "active", "last_run"],
    form_fields=["course", "audience", "due_in_days", "active"],
    export_fields=["id", "course", "audience", "due_in_days", "active", "last_run"],
    natural_key=["course", "audience"],
    filters=["course", "audience", "active"],
    search=["course__title", "audience__name"],
    select=["course", "audience"],
    nav_group=NAV,
    after_save=on_call("openmis.governance.assignments.assignment_saved"),
    detail_context=on_call("openmis.governance.assignments.assignment_context"),
)
register_kind(
    assignments.DUE_SOON,
    assignments.DUE_SOON_LABEL,
    gettext_lazy(
        "To a person, a week before an assigned course is due; sent by the daily command "
        "governance_daily."
    ),
)
register_kind(
    assignments.OVERDUE,
    assignments.OVERDUE_LABEL,
    gettext_lazy(
        "To a person's manager, once an assigned course is overdue; sent by the daily command "
        "governance_daily."
    ),
)
register_panel(
    Course,
    "governance/assignments/course_panel.html",
    context=assignment_views.course_assignments,
    name="governance.course_assignments",
)
register_panel(
    Policy,
    "governance/assignments/policy_panel.html",
    context=assignment_views.policy_courses,
    permission=assignment_views.can_view_courses,
    name="governance.policy_courses",
)
register_hook(GO_LIVE_HOOK, assignments.project_went_live, name="governance.required_courses")
# the reader's own acknowledgement and training due dates in their calendar feed
register_hook(FEED_DUE_DATES_HOOK, feed.due_dates, name="governance.due_dates")
register_hook(ACCESS_GRANTED_HOOK, assignments.access_granted, name="governance.required_courses")
register_hook(STAGE_CHANGED_HOOK, assignments.stage_changed, name="governance.required_courses")

# ---------------------------------------------------------------- compliance view
register_panel(
    System,
    "governance/panels/compliance.html",
    context=on_call("openmis.governance.views.compliance.system_panel"),
    permission=compliance.can_view_overview,
    vary=on_call("openmis.governance.views.compliance.panel_visibility"),
    name="governance.system_compliance",
)
register_panel(
    Department,
    "governance/panels/compliance.html",
    context=on_call("openmis.governance.views.compliance.department_panel"),
    permission=compliance.can_view_overview,
    vary=on_call("openmis.governance.views.compliance.panel_visibility"),
    name="governance.department_compliance",
)
register_panel(
    Person,
    "governance/panels/compliance.html",
    context=on_call("openmis.governance.views.compliance.person_panel"),
    permission="governance.view_acknowledgement",
    vary=on_call("openmis.governance.views.compliance.panel_visibility"),
    name="governance.person_compliance",
)
register_page(
    NAV,
    gettext_lazy("Compliance"),
    "governance:compliance",
    policies.MANAGE_PERMISSION,  # the menu entry; department leaders reach it from their pages
)
