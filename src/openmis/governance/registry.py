"""Object declarations of the governance app.

Governance sits on top of the stack (beside appraisal): it reads the portfolio and the
organization, and shows itself on their pages only through the hallways' extension points
(``core.extensions.register_tile`` / ``register_panel`` / ``register_hook``).
"""

from django.utils.translation import gettext_lazy

from openmis.core.registry import on_call, register
from openmis.governance.audience_forms import FIELDS as AUDIENCE_FIELDS
from openmis.governance.audience_forms import AudienceForm
from openmis.governance.models import Audience

NAV = gettext_lazy("Governance")

register(
    Audience,
    slug="audiences",
    list_columns=["name", "whole_organization", "sub_departments"],
    form_fields=AUDIENCE_FIELDS,
    natural_key=["name"],
    filters=["whole_organization", "departments", "roles", "systems"],
    search=["name", "description"],
    form_class=AudienceForm,
    serializer_class="openmis.governance.serializers.AudienceSerializer",
    detail_context=on_call("openmis.governance.audience_members.audience_context"),
    after_save=on_call("openmis.governance.audience_members.audience_saved"),
    nav_group=NAV,
)
