"""API of the policies: version serializer (a published text is refused, 409), publishing and
the version transitions."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as gettext_now
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, permissions, renderers, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from openmis.core import permissions as perms
from openmis.core import registry
from openmis.core.api import ObjectSerializer
from openmis.core.services import ConflictError
from openmis.governance import policies
from openmis.governance.forms_policies import VERSION_FIELDS
from openmis.governance.models import Policy, PolicyVersion
from openmis.org.people import person_of


class PolicyVersionSerializer(ObjectSerializer):
    """One text of a policy. Only a draft's text changes: PATCH or PUT of a published or
    retired version is refused with 409 and nothing changes. A new version's author is the
    caller's person; its state moves through POST …/{submit,approve,reject,retire}/ and
    POST /api/governance/policies/{id}/publish/."""

    def validate(self, attrs):
        if self.instance is not None and self.instance.frozen:
            raise ConflictError(
                gettext_now(
                    "Version %(number)s is %(state)s: its text never changes. Create a new "
                    "version of the policy instead."
                )
                % {"number": self.instance.number, "state": self.instance.get_state_display()}
            )
        return super().validate(attrs)

    def apply_to(self, instance):
        instance = super().apply_to(instance)
        if instance._state.adding and instance.author_id is None:
            request = self.context.get("request")
            instance.author = person_of(getattr(request, "user", None))
        return instance

    class Meta:
        model = PolicyVersion
        fields = [
            "id",
            "display",
            *VERSION_FIELDS,
            "number",
            "state",
            "author",
            "approved_by",
            "sha256",
            "change",
            "published_at",
            "version",
            "created",
            "updated",
        ]
        read_only_fields = [
            "number",
            "state",
            "author",
            "approved_by",
            "sha256",
            "change",
            "published_at",
            "version",
            "created",
            "updated",
        ]


class PublishSerializer(serializers.Serializer):
    change = serializers.ChoiceField(
        choices=PolicyVersion.Change.choices,
        help_text=_("`material` asks everyone to acknowledge the policy again."),
    )


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=250, default="")


def _answer(call):
    try:
        return call()
    except DjangoPermissionDenied as exc:
        raise exceptions.PermissionDenied(str(exc) or None) from None
    except DjangoValidationError as exc:
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"state": exc.messages}
        raise exceptions.ValidationError(detail) from None


class PublishView(APIView):
    """Publish a policy's approved version."""

    permission_classes = [permissions.IsAuthenticated]
    renderer_classes = [renderers.JSONRenderer]

    @extend_schema(
        request=PublishSerializer,
        responses={
            200: PolicyVersionSerializer,
            400: OpenApiResponse(description="No approved version."),
        },
        description=(
            "Publish the policy's approved version as a `minor` or `material` change: its "
            "text is frozen with its SHA-256 and the version published before is retired. "
            "400 with a `state` error naming the versions' state when none is approved. "
            "Needs `governance.manage_policies` (the MIS office)."
        ),
    )
    def post(self, request, pk):
        policy = get_object_or_404(registry.get(Policy).for_user(request.user), pk=pk)
        if not perms.has_perm(request.user, policies.MANAGE_PERMISSION):
            raise exceptions.PermissionDenied(
                gettext_now("Only the MIS office publishes policies.")
            )
        form = PublishSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        version = _answer(
            lambda: policies.publish(policy, form.validated_data["change"], request.user)
        )
        return Response(PolicyVersionSerializer(version, context={"request": request}).data)


class VersionTransitionView(APIView):
    """Submit, approve, reject or retire a policy version."""

    permission_classes = [permissions.IsAuthenticated]
    renderer_classes = [renderers.JSONRenderer]
    transition = ""

    @extend_schema(
        request=ReasonSerializer,
        responses={200: PolicyVersionSerializer},
        description=(
            "`submit` a draft for review (its author, the policy's owner or the MIS office); "
            "`approve` or `reject` (with a `reason`) a version in review (a listed approver or "
            "the MIS director, never the author); `retire` a published one (the MIS office). "
            "400 with a `state` error when the version is not in the state the step needs."
        ),
    )
    def post(self, request, pk):
        version = get_object_or_404(
            registry.get(PolicyVersion).for_user(request.user).select_related("policy"), pk=pk
        )
        form = ReasonSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        function = policies.TRANSITIONS.get(self.transition)
        if function is None:
            raise Http404
        if self.transition == "reject":
            version = _answer(
                lambda: function(version, request.user, form.validated_data["reason"])
            )
        else:
            version = _answer(lambda: function(version, request.user))
        return Response(PolicyVersionSerializer(version, context={"request": request}).data)
