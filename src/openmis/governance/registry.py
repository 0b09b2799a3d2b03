"""Object declarations of the governance app.

Governance sits on top of the stack (beside appraisal): it reads the portfolio and the
organization, and shows itself on their pages only through the hallways' extension points
(``core.extensions.register_tile`` / ``register_panel`` / ``register_hook``).
"""

from django.utils.translation import gettext_lazy

from openmis.core.extensions import register_tile
from openmis.core.registry import on_call, register
from openmis.governance import training, training_tiles
from openmis.governance.models import (
    Certificate,
    Course,
    CoursePage,
    Enrolment,
    ExternalCertificate,
    QuizChoice,
    QuizQuestion,
)
from openmis.org import roles

NAV = gettext_lazy("Governance")
HIDDEN = gettext_lazy(
    "Only the person, their manager, their department's leader and the MIS office see this."
)

COURSE_FIELDS = [
    "title",
    "description",
    "systems",
    "validity_months",
    "pass_mark",
    "attempt_limit",
]
register(
    Course,
    slug="courses",
    list_columns=["title", "course_version", "validity_months", "pass_mark", "attempt_limit"],
    form_fields=COURSE_FIELDS,
    export_fields=["id", *COURSE_FIELDS, "course_version"],
    natural_key=["title"],
    filters=["systems"],
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
    export_fields=["id", "person", "course", "due_date", "status"],
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
