"""The governance app's own pages, beside the generic ones of its registered types."""

from django.urls import path

from openmis.core import registry
from openmis.governance.views import acknowledgements, compliance, policies, training


def _procedure_pages():
    """The procedure's form with its steps inline (in place of the generic form) and its PDF."""
    from openmis.governance.models import Procedure
    from openmis.governance.procedure_views import ProcedureEditView, ProcedurePDFView

    kw = {"object_type": registry.get(Procedure)}
    return [
        path("procedures/add/", ProcedureEditView.as_view(**kw), name="procedure_steps_add"),
        path(
            "procedures/<int:pk>/edit/",
            ProcedureEditView.as_view(**kw),
            name="procedure_steps_edit",
        ),
        path("procedures/<int:pk>/pdf/", ProcedurePDFView.as_view(), name="procedure_pdf"),
    ]


urlpatterns = [
    *_procedure_pages(),
    *training.urlpatterns,
    *compliance.urlpatterns,
    *[
        path(
            f"policy-versions/<int:pk>/{name}/",
            policies.transition,
            {"name": name},
            name=f"policy_version_{name}",
        )
        for name in ("submit", "approve", "reject", "retire")
    ],
    path("policies/<int:pk>/publish/", policies.publish, name="policy_publish"),
    path("policies/<int:pk>/new-draft/", policies.new_draft, name="policy_new_draft"),
    path("policies/<int:pk>/reviewed/", policies.mark_reviewed, name="policy_reviewed"),
    path("policies/<int:pk>/diff/", policies.diff, name="policy_diff"),
    path(
        "acknowledgements/<int:pk>/answer/",
        acknowledgements.answer,
        name="acknowledgement_answer",
    ),
    path("policies/review-due/", policies.review_due, name="policy_review_due"),
]
