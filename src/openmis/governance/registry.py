"""Object declarations of the governance app.

Governance sits on top of the stack (beside appraisal): it reads the portfolio and the
organization, and shows itself on their pages only through the hallways' extension points
(``core.extensions.register_tile`` / ``register_panel`` / ``register_hook``).
"""

from django.utils.translation import gettext_lazy

from openmis.core.registry import on_call, register
from openmis.governance.audience_forms import FIELDS as AUDIENCE_FIELDS
from openmis.governance.audience_forms import AudienceForm
from openmis.governance.filters import (
    AUDIENCE_SEARCH,
    PROCEDURE_SEARCH,
    AudienceFilterSet,
    ProcedureFilterSet,
)
from openmis.governance.models import Audience, Procedure, ProcedureStep
from openmis.governance.procedure_forms import PROCEDURE_FIELDS, ProcedureForm

NAV = gettext_lazy("Governance")

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
