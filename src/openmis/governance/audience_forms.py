"""The audience's form and API serializer: both refuse an audience that reaches nobody."""

from __future__ import annotations

from openmis.core.forms import ObjectForm
from openmis.governance.models import Audience

FIELDS = [
    "name",
    "description",
    "whole_organization",
    "departments",
    "sub_departments",
    "roles",
    "systems",
    "include_people",
    "exclude_people",
]


class AudienceForm(ObjectForm):
    """An audience: who it is for, chosen with searchable pickers; refused when it would
    reach nobody."""

    class Meta:
        model = Audience
        fields = FIELDS

    def clean(self):
        from django.core.exceptions import ValidationError

        from openmis.governance import audience_members

        cleaned = super().clean()
        if not self.errors:
            try:
                audience_members.refuse_empty(audience_members.spec_from(cleaned))
            except ValidationError as exc:
                self.add_error(None, exc)
        return cleaned
