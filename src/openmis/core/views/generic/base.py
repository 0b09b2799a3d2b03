"""The base of the generic views (its object type and permission checks), and the filtered
rows of a type that the list and its export share."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views import View

from openmis.core import permissions, registry
from openmis.core.views.access import refusal


class ObjectView(LoginRequiredMixin, View):
    """Base of the generic views: knows its object type and checks permissions."""

    object_type: registry.ObjectType = None
    action = "view"

    def require(self, action: str, obj=None) -> None:
        if not permissions.can(self.request.user, self.object_type, action, obj):
            raise PermissionDenied(refusal(self.object_type, action, obj))

    def get_object(self, pk):
        ot = self.object_type
        if ot.visible_to is not None:
            # One query when the user may see the row; only a refusal asks whether it exists.
            visible = ot.visible_to(ot.queryset(), self.request.user).filter(pk=pk).order_by()
            found = list(visible[:1])
            if found:
                return ot.redact_object(found[0], self.request.user)  # see ObjectType.redacted
            get_object_or_404(ot.queryset(), pk=pk)
            self.refuse_hidden()
        obj = get_object_or_404(ot.queryset(), pk=pk)
        return ot.redact_object(obj, self.request.user)  # see ObjectType.redacted

    def refuse_hidden(self):
        """Answer a request for an existing row of the type that the user may not see."""
        ot = self.object_type
        if ot.hidden_missing:
            raise Http404
        raise PermissionDenied(
            ot.hidden_reason
            or _("This %(object)s has not been shared with you. Ask its owner to share it.")
            % {"object": ot.opts.verbose_name}
        )

    def context(self, **extra) -> dict:
        ot = self.object_type
        user = self.request.user
        return {
            "object_type": ot,
            "can_add": permissions.can(user, ot, "add"),
            "can_import": permissions.can_import(user, ot),
            **extra,
        }


def filtered_queryset(object_type, request):
    """The type's rows filtered by the request's query string, and the bound FilterSet."""
    queryset = object_type.for_user(request.user)
    ordering = object_type.ordering or list(object_type.opts.ordering) or ["pk"]
    queryset = queryset.order_by(*ordering, "pk")
    filterset = object_type.filterset(request.GET or None, queryset=queryset, request=request)
    if filterset.is_bound and not filterset.is_valid():
        return queryset.none(), filterset
    return filterset.qs, filterset
