"""The calendar feeds: the user's secret feed addresses and the iCalendar feeds themselves."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from openmis.core import registry
from openmis.core.views.access import can
from openmis.meetings import ical
from openmis.meetings.models import (
    MeetingSeries,
)
from openmis.org.people import person_of


@login_required
def calendar(request):
    """The user's secret calendar feed URLs, and a button to change the secret."""
    token = ical.feed_token(request.user)
    person = person_of(request.user)
    series = []
    if person is not None:
        series = list(ical.series_of_person(person).order_by("title"))
    chosen = request.GET.get("series", "")
    if chosen.isdigit() and can(request.user, MeetingSeries, "view"):
        extra = MeetingSeries.objects.filter(pk=chosen).first()
        if extra is not None and extra not in series:
            series.insert(0, extra)
    rows = [
        (
            s,
            request.build_absolute_uri(
                reverse("meetings:series_feed", kwargs={"key": token.key, "pk": s.pk})
            ),
        )
        for s in series
    ]
    return TemplateResponse(
        request,
        "meetings/calendar.html",
        {
            "feed_url": request.build_absolute_uri(reverse("meetings:feed", args=[token.key])),
            "rows": rows,
            "person": person,
        },
    )


@login_required
@require_POST
def calendar_rotate(request):
    """Give the user a new feed secret; the old addresses stop working."""
    ical.rotate_feed_token(request.user)
    messages.success(request, _("Your calendar address was changed; the old one no longer works."))
    return redirect("meetings:calendar")


def _ics(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{name}.ics"'
    response["Cache-Control"] = "private, max-age=300"
    return response


def _url_for(request):
    def url_for(obj):
        return request.build_absolute_uri(registry.get(obj).detail_url(obj.pk))

    return url_for


def feed(request, key):
    """The personal feed: the meetings the key's owner organises or attends, and the due
    dates of their open action items."""
    user = ical.user_for_feed(key)
    if user is None:
        raise Http404(_("Unknown calendar address."))
    person = person_of(user)
    if person is None:
        raise Http404(_("This login has no person record, so it has no meetings."))
    # a calendar program sends no language: the feed is written in its owner's
    with translation.override(person.language or settings.LANGUAGE_CODE):
        content = ical.person_feed(
            person, _url_for(request), user=user, absolute=request.build_absolute_uri
        )
    return _ics(content, "openmis-meetings")


def series_feed(request, key, pk):
    """The meetings of one series, for a user who may see it or takes part in it."""
    user = ical.user_for_feed(key)
    if user is None:
        raise Http404(_("Unknown calendar address."))
    series = get_object_or_404(MeetingSeries, pk=pk)
    person = person_of(user)
    takes_part = person is not None and (
        series.organiser_id == person.pk or series.attendees.filter(pk=person.pk).exists()
    )
    if not (takes_part or can(user, MeetingSeries, "view")):
        raise Http404(_("Unknown calendar address."))
    language = (person.language if person is not None else "") or settings.LANGUAGE_CODE
    with translation.override(language):  # the feed owner's language, as the personal feed
        content = ical.series_feed(series, _url_for(request), user=user)
    return _ics(content, f"series-{series.pk}")
