"""API representation of improvements and their status changes: priority and status are
read-only (the status changes through its own service), and the feedback grouped must be about
the improvement's system."""

from __future__ import annotations

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from openmis.core.api import ObjectSerializer
from openmis.feedback.forms import IMPROVEMENT_FIELDS, same_system_error
from openmis.feedback.models import Improvement, StatusChange

STATUSES = ", ".join(Improvement.Status.values)


def _status_field(help_text):
    # A plain string: one choice set under three field names (status, from_status, to_status)
    # would make drf-spectacular name its enum ambiguously.
    return serializers.CharField(
        read_only=True,
        help_text=format_lazy(
            "{} {}", help_text, format_lazy(_("One of: {values}."), values=STATUSES)
        ),
    )


class ImprovementSerializer(ObjectSerializer):
    status = _status_field(_("Changed through the improvement page, which records the change."))

    class Meta:
        model = Improvement
        fields = [
            "id",
            "display",
            *IMPROVEMENT_FIELDS,
            "priority",
            "status",
            "decline_reason",
            "version",
            "created",
            "updated",
        ]
        read_only_fields = ["priority", "status", "decline_reason", "version", "created", "updated"]

    def validate(self, attrs):
        attrs = super().validate(attrs)
        system = attrs.get("system") or getattr(self.instance, "system", None)
        if "feedback" in attrs:
            feedback = attrs["feedback"]
        elif self.instance is not None and "system" in attrs:
            feedback = list(self.instance.feedback.all())
        else:
            feedback = []
        error = same_system_error(system, feedback)
        if error:
            raise serializers.ValidationError({"feedback": [error]})
        return attrs

    def apply_to(self, instance):
        # Many-to-many values can only be set once the row exists: see after_save.
        self._feedback = self.validated_data.get("feedback")
        for key, value in self.validated_data.items():
            if key != "feedback":
                setattr(instance, key, value)
        return instance

    def after_save(self, instance):
        if getattr(self, "_feedback", None) is not None:
            instance.feedback.set(self._feedback)


class StatusChangeSerializer(ObjectSerializer):
    """Status changes are recorded by the service only: every field is read-only."""

    from_status = _status_field(_("Status before the change."))
    to_status = _status_field(_("Status after the change."))

    class Meta:
        model = StatusChange
        fields = [
            "id",
            "display",
            "improvement",
            "from_status",
            "to_status",
            "reason",
            "changed_by",
            "notified",
            "version",
            "created",
            "updated",
        ]
        read_only_fields = fields
