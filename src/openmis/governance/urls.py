"""The governance app's own pages, beside the generic ones of its registered types."""

from django.urls import path

from openmis.core import registry


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


urlpatterns = [*_procedure_pages()]
