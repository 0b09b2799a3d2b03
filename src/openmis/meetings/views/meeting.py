"""The series and meeting pages (agenda, minutes, outcomes and action items) and what their
forms post."""

from __future__ import annotations

from datetime import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from openmis.core import formatting, registry
from openmis.core.markdown import render_markdown
from openmis.core.services import ConflictError
from openmis.core.views.access import can, require
from openmis.core.views.generic import detail_fragments
from openmis.meetings import (
    actions,
    agenda,
    attendance,
    confidentiality,
    extensions,
    followup,
    recurrence,
    services,
)
from openmis.meetings.forms import (
    ActionItemForm,
    AgendaItemForm,
    AttendanceForm,
    MinutesForm,
    MoveForm,
    OutcomeForm,
)
from openmis.meetings.models import (
    WEEKDAY_CHOICES,
    ActionItem,
    AgendaItem,
    MeetingSeries,
    Occurrence,
    Outcome,
)


def _errors(error) -> str:
    return "; ".join(getattr(error, "messages", None) or [getattr(error, "message", str(error))])


def _form_errors(form) -> str:
    return "; ".join(e for errors in form.errors.values() for e in errors)


# --- the series page ---------------------------------------------------------------------------


def _weekdays_in_words(series: MeetingSeries) -> str:
    """The series' weekdays by name; none chosen means the start date's day."""
    names = dict(WEEKDAY_CHOICES)
    codes = [d for d in series.weekdays.split(",") if d] or [
        recurrence.WEEKDAY_CODES[series.start_date.weekday()]
    ]
    return ", ".join(str(names[code]) for code in codes)


def describe_rule(series: MeetingSeries) -> str:
    """The recurrence in words: "Every 2 weeks on Monday at 10:00 (Europe/Warsaw), …"."""
    n = series.interval
    if series.frequency == MeetingSeries.Frequency.WEEKLY:
        text = ngettext("Every week on %(days)s", "Every %(n)d weeks on %(days)s", n) % {
            "n": n,
            "days": _weekdays_in_words(series),
        }
    else:
        if series.week_of_month is not None:
            where = _("the %(week)s %(days)s") % {
                "week": MeetingSeries.WeekOfMonth(series.week_of_month).label,
                "days": _weekdays_in_words(series),
            }
        elif series.month_day == -1:
            where = _("the last day")
        else:
            where = _("day %(day)d") % {"day": series.month_day or series.start_date.day}
        text = ngettext("Every month on %(where)s", "Every %(n)d months on %(where)s", n) % {
            "n": n,
            "where": where,
        }
    text += " " + _("at %(time)s (%(zone)s), %(minutes)d minutes") % {
        "time": formatting.time_text(series.start_time),
        "zone": series.timezone,
        "minutes": series.duration_minutes,
    }
    if series.until:
        text += ", " + _("until %(date)s") % {"date": formatting.date_text(series.until)}
    elif series.count:
        text += ", " + ngettext("%(n)d meeting", "%(n)d meetings", series.count) % {
            "n": series.count
        }
    return text


def series_context(series: MeetingSeries, request) -> dict:
    """Rule in words, the next meetings, past meetings and parked points."""
    now = timezone.now()
    return {
        "rule_text": describe_rule(series),
        "upcoming": services.upcoming(series, now),
        "past": services.past(series, now),
        "parked": agenda.parked_items(series, request.user),
        "people": series.attendees.select_related("department"),
        "client_people": series.client_attendees.all(),
    }


# --- the meeting page --------------------------------------------------------------------------


def occurrence_context(occurrence: Occurrence, request, **forms) -> dict:
    """Agenda (with points carried over), minutes, outcomes and action items of a meeting."""
    user = request.user
    previous, following = services.neighbours(occurrence)
    agenda_probe = AgendaItem(occurrence=occurrence)
    outcome_probe = Outcome(occurrence=occurrence)
    local = occurrence.local_start
    # what was said in a confidential meeting, only for its readers (confidentiality.py)
    readable = confidentiality.can_read(occurrence, user)
    can_add_agenda = readable and can(user, AgendaItem, "add", agenda_probe)
    attendees = attendance.attendees(occurrence)
    items = occurrence.action_items.select_related("owner", "contact__client")
    return {
        "confidential": occurrence.is_confidential,
        "minutes_readable": readable,
        "attendees": attendees,
        "attendance_summary": attendance.summary(attendees),
        "attendance_form": forms.get("attendance_form") or AttendanceForm(rows=attendees),
        "series": occurrence.series,
        "previous": previous,
        "following": following,
        "agenda": extensions.add_links(agenda.agenda(occurrence), user) if readable else [],
        "follow_up": followup.follow_up(occurrence, user),
        "parked": agenda.parked_items(occurrence.series, user),
        "outcomes": occurrence.outcomes.all() if readable else [],
        "action_items": registry.get(ActionItem).for_user(user, items),
        "minutes_html": render_markdown(occurrence.minutes) if readable else "",
        "minutes_form": forms.get("minutes_form")
        or MinutesForm(initial={"minutes": occurrence.minutes, "version": occurrence.version}),
        "agenda_form": AgendaItemForm(user=user, occurrence=occurrence) if can_add_agenda else None,
        "outcome_form": OutcomeForm(),
        "action_form": forms.get("action_form") or ActionItemForm(user=user, occurrence=occurrence),
        "move_form": MoveForm(initial={"date": local.date(), "time": local.time()}),
        "can_edit_meeting": readable and can(user, Occurrence, "change", occurrence),
        "can_add_agenda": can_add_agenda,
        "can_change_agenda": readable and can(user, AgendaItem, "change", agenda_probe),
        "can_add_outcome": readable and can(user, Outcome, "add", outcome_probe),
        # as action_add checks: a confidential meeting's items are given by its readers
        "can_add_action": readable and can(user, ActionItem, "add"),
        "today": timezone.localdate(),
    }


def _render_occurrence(request, occurrence, status=200, **forms):
    """The meeting page again, e.g. with the minutes that could not be saved."""
    object_type = registry.get(Occurrence)
    context = {
        "object_type": object_type,
        "object": occurrence,
        "can_change": can(request.user, Occurrence, "change", occurrence),
        "can_delete": can(request.user, Occurrence, "delete", occurrence),
        "detail": detail_fragments(object_type, occurrence, request.user),
        **occurrence_context(occurrence, request, **forms),
    }
    return TemplateResponse(request, "meetings/occurrence.html", context, status=status)


def _occurrence(pk) -> Occurrence:
    return get_object_or_404(Occurrence.objects.select_related("series"), pk=pk)


@login_required
def series_current(request, pk):
    """This week's meeting of a series (else the next, else the last one)."""
    series = get_object_or_404(MeetingSeries, pk=pk)
    require(request.user, Occurrence, "view")
    occurrence = services.current_occurrence(series)
    if occurrence is None:
        messages.info(request, _("This series has no meetings."))
        return redirect(series.get_absolute_url())
    return redirect(occurrence.get_absolute_url())


@login_required
@require_POST
def agenda_add(request, pk):
    """Add a point to a meeting's agenda."""
    occurrence = _occurrence(pk)
    require(request.user, AgendaItem, "add", AgendaItem(occurrence=occurrence))
    form = AgendaItemForm(request.POST, user=request.user, occurrence=occurrence)
    if form.is_valid():
        data = form.cleaned_data
        agenda.add_agenda_item(
            occurrence, data["title"], request.user, system=data["system"], then=[form.save_parts]
        )
    else:
        messages.error(request, _form_errors(form))
    return redirect(f"{occurrence.get_absolute_url()}#agenda")


@login_required
@require_POST
def agenda_status(request, pk):
    """Mark a point done, parked or open again."""
    item = get_object_or_404(AgendaItem.objects.select_related("occurrence__series"), pk=pk)
    require(request.user, AgendaItem, "change", item)
    try:
        agenda.set_agenda_status(item, request.POST.get("status", ""), request.user)
    except (ValidationError, ConflictError) as error:
        messages.error(request, _errors(error))
    return redirect(f"{item.occurrence.get_absolute_url()}#agenda")


@login_required
@require_POST
def agenda_bring_back(request, pk):
    """Put a parked point back on the agenda of the posted meeting."""
    item = get_object_or_404(AgendaItem.objects.select_related("occurrence__series"), pk=pk)
    raw = request.POST.get("occurrence", "")
    if not raw.isdigit():
        raise Http404(_("Unknown meeting."))
    target = _occurrence(raw)
    require(request.user, AgendaItem, "add", AgendaItem(occurrence=target))
    try:
        agenda.bring_back(item, target, request.user)
    except ValidationError as error:
        messages.error(request, _errors(error))
    return redirect(f"{target.get_absolute_url()}#agenda")


@login_required
@require_POST
def minutes_save(request, pk):
    """Save the minutes; a save from a stale copy shows the page again with the text (409)."""
    occurrence = _occurrence(pk)
    require(request.user, Occurrence, "change", occurrence)
    form = MinutesForm(request.POST)
    if not form.is_valid():
        return _render_occurrence(request, occurrence, status=400, minutes_form=form)
    try:
        services.save_minutes(
            occurrence, form.cleaned_data["minutes"], request.user, form.cleaned_data["version"]
        )
    except ConflictError as error:
        occurrence.refresh_from_db()
        form.add_error(None, error.message)
        return _render_occurrence(request, occurrence, status=409, minutes_form=form)
    messages.success(request, _("Minutes saved."))
    return redirect(f"{occurrence.get_absolute_url()}#minutes")


@login_required
@require_POST
def minutes_preview(request, pk):
    """The posted Markdown as sanitised HTML (an htmx fragment)."""
    occurrence = _occurrence(pk)
    require(request.user, Occurrence, "view", occurrence)
    return HttpResponse(render_markdown(request.POST.get("minutes", "")))


@login_required
@require_POST
def outcome_add(request, pk):
    """Record an information or a decision."""
    occurrence = _occurrence(pk)
    require(request.user, Outcome, "add", Outcome(occurrence=occurrence))
    form = OutcomeForm(request.POST)
    if form.is_valid():
        actions.add_outcome(
            occurrence, form.cleaned_data["kind"], form.cleaned_data["text"], request.user
        )
    else:
        messages.error(request, _form_errors(form))
    return redirect(f"{occurrence.get_absolute_url()}#outcomes")


@login_required
@require_POST
def action_add(request, pk):
    """Add an action item for a person; it is one of the meeting's outcomes too when the
    user may record outcomes of this meeting."""
    occurrence = _occurrence(pk)
    require(request.user, ActionItem, "add")
    if not confidentiality.can_read(occurrence, request.user):
        raise Http404  # a confidential meeting's items are given by those who read it
    form = ActionItemForm(request.POST, user=request.user, occurrence=occurrence)
    if not form.is_valid():
        return _render_occurrence(request, occurrence, status=400, action_form=form)
    owner, contact = form.cleaned_data["owner"], form.cleaned_data.get("contact")
    probe = ActionItem(occurrence=occurrence, owner=owner, contact=contact)
    if not can(request.user, ActionItem, "add", probe):
        form.add_error("owner", _("You may only assign action items in your own department."))
        return _render_occurrence(request, occurrence, status=403, action_form=form)
    try:
        actions.add_action_item(
            occurrence,
            form.cleaned_data["title"],
            owner,
            form.cleaned_data["due_date"],
            request.user,
            as_outcome=can(request.user, Outcome, "add", Outcome(occurrence=occurrence)),
            contact=contact,
        )
    except ValidationError as error:
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return _render_occurrence(request, occurrence, status=400, action_form=form)
    messages.success(request, _("Action item added for %(person)s.") % {"person": owner or contact})
    return redirect(f"{occurrence.get_absolute_url()}#actions")


@login_required
@require_POST
def action_status(request, pk):
    """Mark an action item done (or open again): its owner may, and whoever may change it."""
    item = get_object_or_404(ActionItem.objects.select_related("owner"), pk=pk)
    own = item.owner_id is not None and item.owner.user_id == request.user.pk
    if not own:
        require(request.user, ActionItem, "change", item)
    try:
        actions.set_action_status(item, request.POST.get("status", ""), request.user)
    except (ValidationError, ConflictError) as error:
        messages.error(request, _errors(error))
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = reverse("home")
    return redirect(target)


@login_required
@require_POST
def occurrence_move(request, pk):
    """Move one meeting to a new local date and time of the series' time zone."""
    occurrence = _occurrence(pk)
    require(request.user, Occurrence, "change", occurrence)
    form = MoveForm(request.POST)
    if form.is_valid():
        local = datetime.combine(
            form.cleaned_data["date"], form.cleaned_data["time"], tzinfo=occurrence.series.zone
        )
        try:
            services.move(occurrence, local, request.user)
            messages.success(request, _("The meeting was moved."))
        except (ValidationError, ConflictError) as error:
            messages.error(request, _errors(error))
    else:
        messages.error(request, _form_errors(form))
    return redirect(occurrence.get_absolute_url())


@login_required
@require_POST
def occurrence_cancel(request, pk):
    """Cancel one meeting, or restore it."""
    occurrence = _occurrence(pk)
    require(request.user, Occurrence, "change", occurrence)
    cancel = request.POST.get("cancel") == "1"
    services.set_cancelled(occurrence, cancel, request.user)
    messages.success(
        request, _("The meeting was cancelled.") if cancel else _("The meeting was restored.")
    )
    return redirect(occurrence.get_absolute_url())


@login_required
@require_POST
def attendance_save(request, pk):
    """Record who of the invited people and client contacts attended (the checklist)."""
    occurrence = _occurrence(pk)
    require(request.user, Occurrence, "change", occurrence)
    form = AttendanceForm(request.POST, rows=attendance.attendees(occurrence))
    if not form.is_valid():
        return _render_occurrence(request, occurrence, status=400, attendance_form=form)
    try:
        attendance.record(occurrence, form.statuses(), request.user)
    except ValidationError as error:
        form.add_error(None, _errors(error))
        return _render_occurrence(request, occurrence, status=400, attendance_form=form)
    messages.success(request, _("Attendance saved."))
    return redirect(f"{occurrence.get_absolute_url()}#attendance")
