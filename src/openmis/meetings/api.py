"""API serializers of the meetings app that the generated ones cannot express, and the
endpoint that records a meeting's attendance."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as gettext_now
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    inline_serializer,
)
from rest_framework import exceptions, permissions, renderers, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from openmis.core import permissions as perms
from openmis.core import registry
from openmis.core.api import ObjectSerializer
from openmis.core.permissions import can
from openmis.meetings import attendance, followup, recurrence
from openmis.meetings.forms import SERIES_FIELDS
from openmis.meetings.models import Attendance, MeetingSeries, Occurrence

M2M = ("attendees", "client_attendees")


class WeekdaysField(serializers.ListField):
    """Weekdays as a list of codes (``["MO", "TH"]``); a string ``"MO,TH"`` is read too."""

    child = serializers.ChoiceField(choices=recurrence.WEEKDAY_CODES)

    def to_representation(self, data):
        if isinstance(data, str):
            data = [d for d in data.split(",") if d]
        return super().to_representation(data)

    def to_internal_value(self, data):
        if isinstance(data, str):
            data = [d.strip() for d in data.split(",") if d.strip()]
        chosen = set(super().to_internal_value(data))
        return ",".join(code for code in recurrence.WEEKDAY_CODES if code in chosen)


class MeetingSeriesSerializer(ObjectSerializer):
    """A meeting series; its people are set after the series itself is saved."""

    weekdays = WeekdaysField(
        required=False,
        allow_empty=True,
        help_text=_("Weekly: the days of the week; monthly: the weekday of week_of_month."),
    )

    class Meta:
        model = MeetingSeries
        fields = ["id", "display", *SERIES_FIELDS, "version", "created", "updated"]
        read_only_fields = ["version", "created", "updated"]

    def apply_to(self, instance):
        data = dict(self.validated_data)
        self._m2m = {name: data.pop(name) for name in M2M if name in data}
        for key, value in data.items():
            setattr(instance, key, value)
        return instance

    def after_save(self, instance):
        for name, value in getattr(self, "_m2m", {}).items():
            getattr(instance, name).set(value)


# --- follow-up in the next meeting ("since last time") ------------------------------------------


class FollowUpFeedbackSerializer(serializers.Serializer):
    """A feedback item raised in an earlier meeting and what became of it."""

    id = serializers.IntegerField(read_only=True)
    status = serializers.CharField(
        read_only=True, help_text=_("The feedback's triage status (new, acknowledged, …).")
    )
    improvement = serializers.IntegerField(
        read_only=True,
        allow_null=True,
        help_text=_("The id of the improvement it became, if any (that the caller may see)."),
    )
    improvement_status = serializers.CharField(
        read_only=True, allow_null=True, help_text=_("That improvement's status.")
    )


class FollowUpActionItemSerializer(serializers.Serializer):
    """An open action item of an earlier meeting: the same row, not a copy."""

    id = serializers.IntegerField(read_only=True)
    title = serializers.CharField(read_only=True)
    owner = serializers.IntegerField(read_only=True, source="owner_id")
    due_date = serializers.DateField(read_only=True)
    overdue = serializers.BooleanField(read_only=True, help_text=_("Past its due date."))
    occurrence = serializers.IntegerField(
        read_only=True, source="occurrence_id", help_text=_("The meeting it came from.")
    )


class FollowUpDecisionSerializer(serializers.Serializer):
    """A decision recorded as an outcome of an earlier meeting."""

    id = serializers.IntegerField(read_only=True)
    text = serializers.CharField(read_only=True)
    occurrence = serializers.IntegerField(read_only=True, source="occurrence_id")
    date = serializers.SerializerMethodField(
        help_text=_("The day of that meeting, in the series' time zone.")
    )

    def get_date(self, outcome) -> str:
        return outcome.occurrence.local_start.date().isoformat()


class FollowUpSerializer(serializers.Serializer):
    feedback = FollowUpFeedbackSerializer(
        many=True,
        read_only=True,
        default=list,
        help_text=_("Feedback raised in earlier meetings that the caller may see."),
    )
    action_items = FollowUpActionItemSerializer(many=True, read_only=True)
    decisions = FollowUpDecisionSerializer(many=True, read_only=True)

    def to_representation(self, instance):
        instance = {"feedback": [], **instance}
        return super().to_representation(instance)


class FollowUpView(APIView):
    """What the meeting page's "Since last time" shows."""

    permission_classes = [permissions.IsAuthenticated]
    renderer_classes = [renderers.JSONRenderer]

    @extend_schema(
        responses={200: FollowUpSerializer},
        description=(
            "Since last time: the feedback raised in the earlier meetings of the series "
            "with its status and improvement, their open action items (overdue marked) "
            "and the decisions they took; cancelled and moved meetings included. Only "
            "rows the caller may see; 404 for a meeting the caller cannot see."
        ),
    )
    def get(self, request, pk):
        object_type = registry.get(Occurrence)
        if not can(request.user, object_type, "view"):
            raise exceptions.NotFound(gettext_now("No such meeting."))
        occurrence = get_object_or_404(
            object_type.for_user(request.user, Occurrence.objects.select_related("series")),
            pk=pk,
        )
        result = followup.follow_up(occurrence, request.user)
        return Response(FollowUpSerializer(result.payload()).data)


class AttendanceMarkSerializer(serializers.Serializer):
    """One invited person (``person``) or client contact (``contact``) and their attendance."""

    person = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text=_("The person's id.")
    )
    contact = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text=_("The client contact's id.")
    )
    name = serializers.CharField(read_only=True)
    status = serializers.ChoiceField(
        choices=[("", ""), *Attendance.Status.choices],
        allow_blank=True,
        help_text=_("present, absent or excused; empty: not recorded."),
    )

    def validate(self, attrs):
        if (attrs.get("person") is None) == (attrs.get("contact") is None):
            raise serializers.ValidationError({"person": [_("Give either a person or a contact.")]})
        return attrs


def attendance_rows(occurrence) -> list[dict]:
    """The meeting's invited people and contacts with their attendance (empty: not recorded)."""
    return [
        {
            "person": row.who.pk if row.kind == attendance.PERSON else None,
            "contact": row.who.pk if row.kind == attendance.CONTACT else None,
            "name": str(row.who),
            "status": row.status,
        }
        for row in attendance.attendees(occurrence)
    ]


class OccurrenceSerializer(ObjectSerializer):
    """A meeting with its attendance (read-only here: written by
    ``POST /api/meetings/occurrences/{id}/attendance/``). ``minutes`` is empty for a reader
    who may not read a confidential meeting's minutes; only the MIS office sets
    ``confidential`` (read-only for the others)."""

    attendance = serializers.SerializerMethodField(
        help_text=_(
            "The series' invited people and client contacts, each with their attendance; "
            "recorded by POST …/attendance/."
        )
    )

    class Meta:
        model = Occurrence
        fields = [
            "id",
            "display",
            "series",
            "start",
            "end",
            "status",
            "minutes",
            "confidential",
            "attendance",
            "version",
            "created",
            "updated",
        ]
        read_only_fields = ["version", "created", "updated"]

    @extend_schema_field(AttendanceMarkSerializer(many=True))
    def get_attendance(self, obj) -> list[dict]:
        return attendance_rows(obj)


class AttendanceMarksRequestSerializer(serializers.Serializer):
    attendance = AttendanceMarkSerializer(
        many=True,
        help_text=_("The attendees to record; those left out keep what was recorded."),
    )


class AttendanceView(APIView):
    """Record who attended a meeting."""

    permission_classes = [permissions.IsAuthenticated]
    renderer_classes = [renderers.JSONRenderer]

    @extend_schema(
        request=AttendanceMarksRequestSerializer,
        responses={
            200: AttendanceMarkSerializer(many=True),
            400: OpenApiResponse(
                inline_serializer(
                    "AttendanceRefused",
                    {
                        name: serializers.ListField(child=serializers.CharField(), required=False)
                        for name in ("attendance", "person", "contact", "status")
                    },
                ),
                description="Field errors: an unknown status, or someone not invited.",
            ),
        },
        description=(
            "Record the attendance of a meeting: each of the series' invited people "
            "(`person`) and client contacts (`contact`) present, absent or excused (an empty "
            "`status` removes what was recorded). Someone not invited to the series is "
            "refused with 400. Needs the right to change the meeting (the MIS office); "
            "answers the meeting's attendance as GET …/occurrences/{id}/ shows it."
        ),
    )
    def post(self, request, pk):
        object_type = registry.get(Occurrence)
        occurrence = get_object_or_404(
            object_type.for_user(request.user).select_related("series"), pk=pk
        )
        if not perms.can(request.user, object_type, "change", occurrence):
            raise exceptions.PermissionDenied(gettext_now("Your role does not allow this."))
        form = AttendanceMarksRequestSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        statuses = {}
        for row in form.validated_data["attendance"]:
            kind = attendance.PERSON if row["person"] is not None else attendance.CONTACT
            statuses[(kind, row[kind])] = row["status"]
        try:
            attendance.record(occurrence, statuses, request.user)
        except DjangoValidationError as exc:
            raise exceptions.ValidationError(exc.message_dict) from None
        return Response(attendance_rows(occurrence))
