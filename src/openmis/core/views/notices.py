"""The notices page: what was sent to me (and, for the MIS office, to everyone)."""

from __future__ import annotations

import zoneinfo

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.views.decorators.cache import never_cache

from openmis.core.models import Notice
from openmis.core.notices import (
    AllNoticesFilterSet,
    NoticeFilterSet,
    may_see_all,
    visible_notices,
)
from openmis.core.notifications import kind_label, recipient_for

PAGE_SIZE = 50


def viewer_zone(user) -> zoneinfo.ZoneInfo:
    """The time zone the page shows times in: the reader's, else the installation's."""
    return zoneinfo.ZoneInfo(recipient_for(user).time_zone or settings.TIME_ZONE)


@never_cache
@login_required
def notices(request):
    """The notices sent to the user, newest first, filtered by kind and status; with
    ``?scope=all`` and ``core.view_notice``, everyone's, also filtered by recipient."""
    everyone = request.GET.get("scope") == "all" and may_see_all(request.user)
    filterset_class = AllNoticesFilterSet if everyone else NoticeFilterSet
    filterset = filterset_class(
        request.GET, queryset=visible_notices(request.user, everyone), request=request
    )
    rows = filterset.qs if filterset.is_valid() else Notice.objects.none()
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    for notice in page:
        notice.kind_label = kind_label(notice.kind)
    context = {
        "page": page,
        "filterset": filterset,
        "everyone": everyone,
        "may_see_all": may_see_all(request.user),
        "zone": viewer_zone(request.user),
    }
    return TemplateResponse(request, "core/notices.html", context)


@never_cache
@login_required
def notice(request, pk: int):
    """One notice with its body: the recipient's own, or anyone's with ``core.view_notice``
    (another's is not found)."""
    notice = get_object_or_404(Notice, pk=pk)
    if notice.recipient_id != request.user.pk and not may_see_all(request.user):
        raise Http404
    notice.kind_label = kind_label(notice.kind)
    context = {
        "notice": notice,
        "staff": may_see_all(request.user),
        "zone": viewer_zone(request.user),
    }
    return TemplateResponse(request, "core/notice.html", context)
