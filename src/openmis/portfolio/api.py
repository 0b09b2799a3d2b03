"""API of the portfolio beyond the generated one: moving a system to another lifecycle stage
(the stage is read-only on the system itself, since each move is recorded)."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import exceptions, permissions, renderers, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from openmis.core import permissions as perms
from openmis.core import registry
from openmis.portfolio import services
from openmis.portfolio.models import System


class StageMoveSerializer(serializers.Serializer):
    stage = serializers.ChoiceField(choices=System.Stage.choices)
    date = serializers.DateField(
        required=False, help_text=gettext_lazy("The day of the move; default today.")
    )
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    confirm = serializers.BooleanField(
        required=False,
        default=False,
        help_text=gettext_lazy(
            "Needed to move to retiring or retired while other systems depend on the system, "
            "contracts run or improvements are open: without it the answer is a 400 whose "
            "`confirm` error lists them."
        ),
    )


class SystemStageView(APIView):
    """Move a system to another lifecycle stage, recording the transition."""

    permission_classes = [permissions.IsAuthenticated]
    renderer_classes = [renderers.JSONRenderer]

    @extend_schema(
        request=StageMoveSerializer,
        responses={
            200: inline_serializer(
                "StageMoved",
                {
                    "id": serializers.IntegerField(),
                    "lifecycle_stage": serializers.CharField(),
                    "transition": serializers.IntegerField(),
                },
            )
        },
        description=(
            "Move the system to `stage` on `date` (default today). Moving it to `retiring` or "
            '`retired` while something still relies on it needs `"confirm": true`; without '
            "it nothing changes and the answer is 400 with a `confirm` error listing what "
            "relies on it. Needs the right to change the system."
        ),
    )
    def post(self, request, pk):
        system_type = registry.get(System)
        system = get_object_or_404(system_type.for_user(request.user), pk=pk)
        if not perms.can(request.user, system_type, "change", system):
            raise exceptions.PermissionDenied(_("Your role does not allow this."))
        form = StageMoveSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        try:
            transition = services.move_to_stage(
                system,
                data["stage"],
                data.get("date"),
                request.user,
                data["note"],
                confirm=data["confirm"],
            )
        except DjangoValidationError as exc:
            raise exceptions.ValidationError(exc.message_dict) from None
        moved = {"id": system.pk, "lifecycle_stage": system.lifecycle_stage}
        return Response({**moved, "transition": transition.pk})
