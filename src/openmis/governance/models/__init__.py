"""The governance app's models, one module per aggregate (policies, audiences, training...)."""

from openmis.governance.models.acknowledgements import Acknowledgement, Campaign  # noqa: F401
from openmis.governance.models.assignments import CourseAssignment, EnrolmentSource  # noqa: F401
from openmis.governance.models.audiences import Audience  # noqa: F401
from openmis.governance.models.policies import Policy, PolicyException, PolicyVersion  # noqa: F401
from openmis.governance.models.procedures import Procedure, ProcedureStep  # noqa: F401
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
