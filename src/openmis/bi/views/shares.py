"""Sharing questions and dashboards, what is shared with me, and the deliveries overview."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from openmis.bi import access, sharing
from openmis.bi.models import Dashboard, Question, Share
from openmis.core import permissions, registry
from openmis.core.views.access import require


def share_targets() -> dict:
    """Whom a question or dashboard can be shared with: active users, roles, departments."""
    from django.contrib.auth import get_user_model

    from openmis.org.models import Department, Role

    return {
        "users": get_user_model()
        .objects.filter(is_active=True)
        .order_by("username")
        .only("username"),
        "roles": Role.objects.select_related("group").order_by("slug"),
        "departments": Department.objects.order_by("name").only("name"),
    }


@login_required
@require_POST
def share(request, kind, pk):
    """Share a question or dashboard the user may edit with a user, role or department."""
    model = {"question": Question, "dashboard": Dashboard}.get(kind)
    if model is None:
        raise Http404
    obj = get_object_or_404(registry.get(model).for_user(request.user), pk=pk)
    if not access.may_share(request.user, obj):
        raise PermissionDenied(
            _("Only its owner and those who may edit it can share it, if their role allows it.")
        )
    target = request.POST.get("target", "")
    level = request.POST.get("level", Share.Level.VIEW)
    try:
        sharing.share(obj, target, level, request.user)
    except ValueError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Shared."))
    return redirect(obj.get_absolute_url())


@login_required
def shared_with_me(request):
    """Questions and dashboards others shared with the user or published to everyone."""
    user = request.user
    questions = (
        registry.get(Question).for_user(user).exclude(owner=user).select_related("owner", "dataset")
        if permissions.has_perm(user, "bi.view_question")
        else Question.objects.none()
    )
    dashboards = (
        registry.get(Dashboard).for_user(user).exclude(owner=user).select_related("owner")
        if permissions.has_perm(user, "bi.view_dashboard")
        else Dashboard.objects.none()
    )
    return TemplateResponse(
        request, "bi/shared.html", {"questions": questions, "dashboards": dashboards}
    )


@login_required
def subscriptions_overview(request):
    """Every subscription with its recipients: all of them for the MIS office, the ones
    they own or receive for others."""
    from openmis.bi.deliveries import overview_rows
    from openmis.bi.models import Subscription

    require(request.user, Subscription, "view")
    object_type = registry.get(Subscription)
    return TemplateResponse(
        request,
        "bi/subscriptions_overview.html",
        {
            "rows": overview_rows(object_type.for_user(request.user)),
            "everything": access.administers_content(request.user),
            "object_type": object_type,
            "can_add": permissions.can(request.user, object_type, "add"),
        },
    )
