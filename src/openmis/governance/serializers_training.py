"""API representation of courses and enrolments: what services change (a course's version,
an enrolment's status) is shown and read-only."""

from __future__ import annotations

from rest_framework import serializers

from openmis.core.api import ObjectSerializer
from openmis.governance.models import Course, Enrolment

COURSE_FIELDS = ["title", "description", "systems", "validity_months", "pass_mark", "attempt_limit"]
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
        help_text="assigned, in_progress, passed, failed or expired; changed by quiz attempts.",
    )

    class Meta:
        model = Enrolment
        fields = ["id", "display", *ENROLMENT_FIELDS, "status", "version", "created", "updated"]
        read_only_fields = ["status", "version", "created", "updated"]
