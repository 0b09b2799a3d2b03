"""The governance app's models, one module per aggregate (policies, audiences, training...)."""

from openmis.governance.models.training import (  # noqa: F401
    Attempt,
    Certificate,
    Course,
    CoursePage,
    Enrolment,
    ExternalCertificate,
    QuizChoice,
    QuizQuestion,
)
