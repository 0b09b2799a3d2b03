"""API of the compliance view: ``GET /api/governance/compliance/?system=|department=|person=``
returns the figures of one subject as the reader may see them (the pages' numbers)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, permissions, renderers, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from openmis.core import registry
from openmis.governance import compliance
from openmis.governance.compliance import SUBJECTS


class ComplianceQuerySerializer(serializers.Serializer):
    system = serializers.IntegerField(required=False, min_value=1)
    department = serializers.IntegerField(required=False, min_value=1)
    person = serializers.IntegerField(required=False, min_value=1)

    def validate(self, attrs):
        given = [name for name in SUBJECTS if attrs.get(name) is not None]
        if len(given) != 1:
            raise serializers.ValidationError(
                {"non_field_errors": [_("Give exactly one of system, department or person.")]}
            )
        return attrs


class ComplianceSubjectSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=list(SUBJECTS))
    id = serializers.IntegerField()
    display = serializers.CharField()


class CompliancePolicySerializer(serializers.Serializer):
    policy = serializers.IntegerField()
    title = serializers.CharField()
    version = serializers.IntegerField(allow_null=True, help_text="The version in force.")
    sha256 = serializers.CharField(allow_blank=True)
    asked = serializers.IntegerField(help_text="Those who must acknowledge (exempt left out).")
    acknowledged = serializers.IntegerField()
    declined = serializers.IntegerField()
    pending = serializers.IntegerField(help_text="Overdue and reopened included.")
    overdue = serializers.IntegerField()
    exempt = serializers.IntegerField()
    reopened = serializers.IntegerField(help_text="Exempt before, their exception expired.")
    rate = serializers.FloatField(allow_null=True, help_text="acknowledged / asked, 0 to 1.")


class ComplianceCourseSerializer(serializers.Serializer):
    course = serializers.IntegerField()
    title = serializers.CharField()
    assigned = serializers.IntegerField()
    completed = serializers.IntegerField(help_text="With a valid certificate.")
    expired = serializers.IntegerField()
    overdue = serializers.IntegerField()
    rate = serializers.FloatField(allow_null=True, help_text="completed / assigned, 0 to 1.")


class ComplianceExceptionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    policy = serializers.IntegerField()
    subject = serializers.CharField()
    expires = serializers.DateField()


class ComplianceGapSerializer(serializers.Serializer):
    person = serializers.IntegerField()
    person_display = serializers.CharField()
    kind = serializers.ChoiceField(choices=["policy", "course"])
    item = serializers.IntegerField()
    item_display = serializers.CharField()
    state = serializers.ChoiceField(choices=list(compliance.GAP_STATES))
    due_date = serializers.DateField(allow_null=True)


class ComplianceFiguresSerializer(serializers.Serializer):
    subject = ComplianceSubjectSerializer()
    on = serializers.DateField()
    people = serializers.IntegerField()
    rate = serializers.FloatField(allow_null=True)
    completion = serializers.FloatField(allow_null=True)
    policies = CompliancePolicySerializer(many=True)
    courses = ComplianceCourseSerializer(many=True)
    exceptions = ComplianceExceptionSerializer(many=True)
    gaps = ComplianceGapSerializer(many=True)
    more_gaps = serializers.IntegerField(help_text="Gaps beyond those listed.")


def as_data(result: compliance.Compliance) -> dict:
    totals = result.totals
    obj = result.subject.obj
    return {
        "subject": {"kind": result.subject.kind, "id": obj.pk, "display": str(obj)},
        "on": result.today,
        "people": result.people,
        "rate": totals["rate"],
        "completion": totals["completion"],
        "policies": [
            {
                "policy": line.policy.pk,
                "title": line.policy.title,
                "version": line.version.number if line.version else None,
                "sha256": line.version.sha256 if line.version else "",
                "asked": line.asked,
                "acknowledged": line.counts["accepted"],
                "declined": line.counts["declined"],
                "pending": line.counts["pending"],
                "overdue": line.counts["overdue"],
                "exempt": line.counts["exempt"],
                "reopened": line.reopened,
                "rate": line.rate,
            }
            for line in result.policies
        ],
        "courses": [
            {
                "course": line.course.pk,
                "title": line.course.title,
                "assigned": line.assigned,
                "completed": line.completed,
                "expired": line.expired,
                "overdue": line.overdue,
                "rate": line.rate,
            }
            for line in result.courses
        ],
        "exceptions": [
            {"id": e.pk, "policy": e.policy_id, "subject": str(e.subject), "expires": e.expires}
            for e in result.exceptions
        ],
        "gaps": [
            {
                "person": gap.person.pk,
                "person_display": str(gap.person),
                "kind": gap.kind,
                "item": gap.item.pk,
                "item_display": str(gap.item),
                "state": gap.state,
                "due_date": gap.due_date,
            }
            for gap in result.gaps
        ],
        "more_gaps": result.more_gaps,
    }


class ComplianceView(APIView):
    """The compliance of a system, a department or a person."""

    permission_classes = [permissions.IsAuthenticated]
    renderer_classes = [renderers.JSONRenderer]

    @extend_schema(
        operation_id="governance_compliance_retrieve",
        parameters=[
            OpenApiParameter(name, OpenApiTypes.INT, description=f"The {name}'s id.")
            for name in SUBJECTS
        ],
        responses={
            200: ComplianceFiguresSerializer,
            400: OpenApiResponse(description="Not exactly one of system, department, person."),
            403: OpenApiResponse(description="The reader may not see this compliance."),
            404: OpenApiResponse(description="No such system, department or person."),
        },
        description=(
            "For exactly one of `system` (its current users, its linked policies and "
            "courses), `department` (with the departments below it) or `person`: per policy "
            "in force the acknowledged, declined, pending, overdue and exempt counts and the "
            "rate; per course the enrolments completed with a valid certificate, expired and "
            "overdue; the active exceptions; the people with gaps. Counts only what the "
            "reader may see; system and department need a department leader or the MIS "
            "office, a person their own, their manager, their leader or the MIS office."
        ),
    )
    def get(self, request):
        query = ComplianceQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        kind = next(name for name in SUBJECTS if query.validated_data.get(name) is not None)
        model = SUBJECTS[kind]
        try:
            obj = registry.get(model).for_user(request.user).get(pk=query.validated_data[kind])
        except model.DoesNotExist:
            raise Http404 from None
        subject = compliance.Subject(kind, obj)
        try:
            compliance.check(request.user, subject)
        except DjangoPermissionDenied as exc:
            raise exceptions.PermissionDenied(str(exc)) from None
        result = compliance.figures(request.user, subject)
        return Response(ComplianceFiguresSerializer(as_data(result)).data)
