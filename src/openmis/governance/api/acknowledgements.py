"""API of acknowledgements: the person asked acknowledges or declines the policy version in
force (``POST /api/governance/acknowledgements/{id}/acknowledge/`` and ``…/decline/``)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, permissions, renderers, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from openmis.core import registry
from openmis.core.api import ObjectSerializer
from openmis.governance import acknowledgements
from openmis.governance.models import Acknowledgement

FIELDS = [
    "id",
    "display",
    "campaign",
    "person",
    "state",
    "asked_on",
    "due_date",
    "acknowledged_version",
    "acknowledged_number",
    "acknowledged_sha256",
    "answered_at",
    "reason",
    "carried",
    "reminded_on",
    "escalated_on",
    "version",
    "created",
    "updated",
]


class AcknowledgementSerializer(ObjectSerializer):
    """One person asked to acknowledge a policy version, and their answer. Read only: answers
    go through POST …/{id}/acknowledge/ and …/{id}/decline/."""

    class Meta:
        model = Acknowledgement
        fields = FIELDS
        read_only_fields = FIELDS[2:]


class DeclineSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=2000,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("Why the person declines (required to decline)."),
    )


def _answer(call):
    try:
        return call()
    except DjangoPermissionDenied as exc:
        raise exceptions.PermissionDenied(str(exc) or None) from None
    except DjangoValidationError as exc:
        if hasattr(exc, "error_dict"):
            detail = exc.message_dict
        else:  # the answer's state (already acknowledged, exempt) or a superseded version
            key = "state" if getattr(exc, "code", None) == "state" else "version"
            detail = {key: exc.messages}
        raise exceptions.ValidationError(detail) from None


class AnswerView(APIView):
    """Acknowledge or decline a policy version one was asked to acknowledge."""

    permission_classes = [permissions.IsAuthenticated]
    renderer_classes = [renderers.JSONRenderer]
    answer = "acknowledge"

    @extend_schema(
        request=DeclineSerializer,
        responses={
            200: AcknowledgementSerializer,
            400: OpenApiResponse(
                description="The version is no longer in force (a `version` error naming the "
                "current one), no reason was given to decline, or the answer is not possible "
                "in its state (a `state` error: declining a version already acknowledged, or "
                "answering when exempted)."
            ),
            403: OpenApiResponse(description="Not the person it is addressed to."),
        },
        description=(
            "`acknowledge` records the exact version number and SHA-256 acknowledged and when; "
            "`decline` needs a `reason`. Only the person it is addressed to answers; 400 with a "
            "`version` error naming the current version when the version asked about is "
            "superseded or retired."
        ),
    )
    def post(self, request, pk):
        ack = get_object_or_404(registry.get(Acknowledgement).for_user(request.user), pk=pk)
        if self.answer == "decline":
            form = DeclineSerializer(data=request.data)
            form.is_valid(raise_exception=True)
            reason = form.validated_data["reason"]
            ack = _answer(lambda: acknowledgements.decline(ack, request.user, reason))
        else:
            ack = _answer(lambda: acknowledgements.acknowledge(ack, request.user))
        return Response(AcknowledgementSerializer(ack, context={"request": request}).data)
