"""API representation of courses and enrolments: what services change (a course's version,
an enrolment's status) is shown and read-only."""

from __future__ import annotations

from rest_framework import serializers

from openmis.core.api import ObjectSerializer
from openmis.governance.models import Course, Enrolment

COURSE_FIELDS = [
    "title",
    "description",
    "systems",
    "required_for_users",
    "policies",
    "validity_months",
    "pass_mark",
    "attempt_limit",
]
ENROLMENT_FIELDS = ["person", "course", "due_date"]


class CourseSerializer(ObjectSerializer):
    course_version = serializers.IntegerField(
        read_only=True,
        help_text="Raised on the course's page; raising it may void earlier certificates.",
    )

    class Meta:
        model = Course
        fields = [
            "id",
            "display",
            *COURSE_FIELDS,
            "course_version",
            "version",
            "created",
            "updated",
        ]
        read_only_fields = ["course_version", "version", "created", "updated"]


class EnrolmentSerializer(ObjectSerializer):
    status = serializers.CharField(
        read_only=True,
        help_text=(
            "assigned, in_progress, passed, failed, expired or cancelled; changed by quiz "
            "attempts, assignments and the retirement of a system."
        ),
    )
    cancel_reason = serializers.CharField(
        read_only=True, help_text="Why the enrolment was cancelled (empty unless it was)."
    )

    class Meta:
        model = Enrolment
        fields = [
            "id",
            "display",
            *ENROLMENT_FIELDS,
            "status",
            "cancel_reason",
            "version",
            "created",
            "updated",
        ]
        read_only_fields = ["status", "cancel_reason", "version", "created", "updated"]
