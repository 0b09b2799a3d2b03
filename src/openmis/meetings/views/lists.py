"""This week's meetings and overdue action items."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from openmis.core.views.access import require
from openmis.meetings import actions, services
from openmis.meetings.models import (
    ActionItem,
    Occurrence,
)


@login_required
def week(request):
    """The meetings of a week, this one by default (``?week=1`` the next one)."""
    require(request.user, Occurrence, "view")
    try:
        offset = max(-52, min(52, int(request.GET.get("week", 0))))
    except ValueError:
        offset = 0
    now = timezone.now() + timedelta(weeks=offset)
    start, end = services.week_bounds(now)
    meetings = (
        Occurrence.objects.filter(start__gte=start, start__lt=end)
        .select_related("series__department", "series__client")
        .order_by("start")
    )
    return TemplateResponse(
        request,
        "meetings/week.html",
        {
            "meetings": meetings,
            "start": start.date(),
            "end": (end - timedelta(days=1)).date(),
            "offset": offset,
        },
    )


@login_required
def overdue(request):
    """Open action items past their due date, by the owner's department."""
    from openmis.org.models import Department

    require(request.user, ActionItem, "view")
    department = None
    raw = request.GET.get("department", "")
    if raw:
        if not raw.isdigit():
            raise Http404(_("Unknown department."))
        department = get_object_or_404(Department, pk=raw)
    today = timezone.localdate()
    groups: dict = {}
    for item in actions.overdue_action_items(today, department, user=request.user):
        # a client contact's items are grouped under their client
        group = item.owner.department if item.owner_id else item.contact.client
        groups.setdefault(group, []).append((item, (today - item.due_date).days))
    return TemplateResponse(
        request,
        "meetings/overdue.html",
        {
            "groups": list(groups.items()),
            "department": department,
            "departments": actions.overdue_by_department(today, user=request.user),
            "today": today,
        },
    )
