"""API serializers of the governance objects that the generated ones cannot express."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from rest_framework import serializers

from openmis.core.api import ObjectSerializer
from openmis.governance import audience_members
from openmis.governance.audience_forms import FIELDS
from openmis.governance.models import Audience


class AudienceSerializer(ObjectSerializer):
    """An audience; refused (400) when it would reach nobody."""

    class Meta:
        model = Audience
        fields = ["id", "display", *FIELDS, "version", "created", "updated"]
        read_only_fields = ["version", "created", "updated"]

    def validate(self, attrs):
        attrs = super().validate(attrs)
        values = {}
        for name in audience_members.SPEC_FIELDS:
            if name in attrs:
                values[name] = attrs[name]
            elif self.instance is not None:
                value = getattr(self.instance, name)
                values[name] = value.all() if hasattr(value, "all") else value
        try:
            audience_members.refuse_empty(audience_members.spec_from(values))
        except ValidationError as exc:
            raise serializers.ValidationError({"non_field_errors": exc.messages}) from None
        return attrs
