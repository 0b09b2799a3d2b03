"""Forms of the meetings app: the series form the generic pages use, and the small forms of
the meeting page (agenda, minutes, outcomes, action items, moving a meeting)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from openmis.core import permissions, registry
from openmis.core.forms import ObjectForm, limit_references, style_widgets
from openmis.core.widgets import PickerSelect
from openmis.meetings import actions, extensions, recurrence
from openmis.meetings.models import (
    WEEKDAY_CHOICES,
    ActionItem,
    AgendaItem,
    Attendance,
    ClientContact,
    MeetingSeries,
    Occurrence,
    Outcome,
    due_date_error,
)
from openmis.org.models import Person

SERIES_FIELDS = [
    "title",
    "kind",
    "department",
    "client",
    "organiser",
    "attendees",
    "client_attendees",
    "location",
    "timezone",
    "start_date",
    "start_time",
    "duration_minutes",
    "frequency",
    "interval",
    "weekdays",
    "week_of_month",
    "month_day",
    "until",
    "count",
    "skipped_dates",
    "notes",
    "confidential",
]


class MeetingSeriesForm(ObjectForm):
    """The series with its recurrence: weekdays as check boxes, time zones as a list."""

    weekdays = forms.MultipleChoiceField(
        label=_("weekdays"),
        choices=WEEKDAY_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=MeetingSeries._meta.get_field("weekdays").help_text,
    )
    timezone = forms.ChoiceField(
        label=_("time zone"),
        choices=recurrence.time_zone_choices,
        initial="Europe/Warsaw",
        help_text=MeetingSeries._meta.get_field("timezone").help_text,
    )

    class Meta:
        model = MeetingSeries
        fields = SERIES_FIELDS
        widgets = {
            "attendees": forms.SelectMultiple(attrs={"size": 10}),
            "client_attendees": forms.SelectMultiple(attrs={"size": 5}),
            "start_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "until": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "start_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "skipped_dates": forms.Textarea(attrs={"rows": 2}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["weekdays"] = [d for d in self.instance.weekdays.split(",") if d]

    def clean_weekdays(self):
        chosen = set(self.cleaned_data["weekdays"])
        return ",".join(code for code in recurrence.WEEKDAY_CODES if code in chosen)


class AgendaItemForm(forms.ModelForm):
    """A new point of a meeting's agenda, optionally about a system (a searchable picker
    offering only what the user may see), with what the apps above add to it
    (:data:`openmis.meetings.extensions.AGENDA_FORM_HOOK`: feedback's improvement)."""

    class Meta:
        model = AgendaItem
        fields = ["title", "system"]
        labels = {"title": _("New point")}
        widgets = {"title": forms.TextInput(attrs={"placeholder": _("New point")})}

    def __init__(self, *args, user=None, occurrence=None, **kwargs):
        kwargs.setdefault("auto_id", "agenda_%s")  # ids of its own on the meeting page
        super().__init__(*args, **kwargs)
        self.user = user
        self.parts = extensions.form_parts(user, occurrence) if user is not None else []
        for part in self.parts:
            self.fields.update(part.fields)
        if user is not None:
            limit_references(self, user)
        style_widgets(self)

    def extension_fields(self):
        """The bound fields the apps above added, in order (for the template)."""
        own = set(self._meta.fields)
        return [self[name] for name in self.fields if name not in own]

    def clean(self):
        cleaned = super().clean()
        for part in self.parts:
            if part.clean is not None:
                try:
                    part.clean(cleaned)
                except ValidationError as error:
                    self.add_error(None, error)
        return cleaned

    def save_parts(self, item) -> None:
        """Save what the apps above keep of the new point ``item`` (after it is saved)."""
        for part in self.parts:
            if part.save is not None:
                part.save(item, self.cleaned_data, self.user)


class MinutesForm(forms.Form):
    minutes = forms.CharField(
        label=_("Minutes (Markdown)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 12}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_widgets(self)


class OutcomeForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[c for c in Outcome.Kind.choices if c[0] != Outcome.Kind.ACTION],
    )
    text = forms.CharField(
        label=_("Text"),
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": _("What was decided or learnt")}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_widgets(self)


class ActionItemForm(forms.Form):
    """An action item for a person, or for a contact of the series' client (exactly one of
    the two); the people offered are those the user may assign, the contacts those of the
    series' client. It is due by the series' next meeting at the earliest (see
    :func:`openmis.meetings.actions.default_due_date`); a date already past is refused."""

    title = forms.CharField(label=_("What"), max_length=200)
    owner = forms.ModelChoiceField(
        label=_("Owner"),
        queryset=None,
        required=False,
        # the search offers whom the field accepts: active people (of the user's department)
        widget=PickerSelect(search_params={"active": "true"}),
    )
    contact = forms.ModelChoiceField(
        label=_("or a client contact"),
        queryset=None,
        required=False,
        help_text=_("Someone of the client who takes it on, instead of a person."),
        widget=PickerSelect(),
    )
    due_date = forms.DateField(
        label=_("Due date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, user=None, occurrence=None, **kwargs):
        super().__init__(*args, **kwargs)
        people = Person.objects.filter(active=True).select_related("department")
        if (
            user is not None
            and permissions.write_scope(user, registry.get(ActionItem), "add")
            == permissions.DEPARTMENT
        ):
            departments = permissions.user_department_ids(user)
            people = people.filter(department__in=departments)
            if len(departments) == 1:
                self.fields["owner"].widget.search_params["department"] = next(iter(departments))
        # the picker shows each person's department beside the name
        self.fields["owner"].queryset = people.order_by("last_name", "first_name")
        client_id = occurrence.series.client_id if occurrence is not None else None
        contacts = ClientContact.objects.filter(client_id=client_id).select_related("client")
        # a meeting without a client has no contacts to offer; a leader of another department
        # may not give its client's contacts items, so they are not offered (a contact posted
        # all the same stays, for action_add to refuse by name)
        posted = self.is_bound and self.data.get("contact")
        if client_id is None or not (
            posted or self._may_give_to_contacts(user, occurrence, contacts)
        ):
            del self.fields["contact"]
        else:
            self.fields["contact"].queryset = contacts
            self.fields["contact"].widget.search_params = {"client": client_id}
        if not self.is_bound:
            self.fields["due_date"].initial = actions.default_due_date(occurrence)
        style_widgets(self)

    @staticmethod
    def _may_give_to_contacts(user, occurrence, contacts) -> bool:
        """Whether ``user`` may give this meeting's client contacts an action item: the check
        :func:`~openmis.meetings.views.meeting.action_add` makes, on one of them."""
        object_type = registry.get(ActionItem)
        if user is None or permissions.write_scope(user, object_type, "add") != (
            permissions.DEPARTMENT
        ):
            return True
        contact = contacts.first()
        if contact is None:
            return True  # none to offer yet: the field stays, empty
        probe = ActionItem(occurrence=occurrence, contact=contact)
        return permissions.can(user, object_type, "add", probe)

    def clean_due_date(self):
        due_date = self.cleaned_data["due_date"]
        error = due_date_error(due_date)
        if error:
            raise forms.ValidationError(error, code="past")
        return due_date

    def clean(self):
        cleaned = super().clean()
        owner, contact = cleaned.get("owner"), cleaned.get("contact")
        if "owner" in self.errors or "contact" in self.errors:
            return cleaned
        if owner is None and contact is None:
            self.add_error("owner", _("Choose who does it: a person or a contact of the client."))
        elif owner is not None and contact is not None:
            self.add_error(
                "contact", _("Choose either a person or a client contact as the owner, not both.")
            )
        return cleaned


class MoveForm(forms.Form):
    """A new local date and time for one meeting, in the series' time zone."""

    date = forms.DateField(
        label=_("New date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    time = forms.TimeField(
        label=_("New time"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_widgets(self)


class MeetingLinkedForm(ObjectForm):
    """Generic form of the objects that point at a meeting: the meeting choices load their
    series in the same query (a meeting's name is its series' title and date)."""

    def __init__(self, *args, **kwargs):
        forms.ModelForm.__init__(self, *args, **kwargs)
        for name, related in (("occurrence", "series"), ("outcome", "occurrence__series")):
            if name in self.fields:
                field = self.fields[name]
                field.queryset = field.queryset.select_related(related)
        style_widgets(self)


class ActionItemObjectForm(MeetingLinkedForm):
    """The generic form of an action item: a new one for a meeting (``?occurrence=``) starts
    due by the series' next meeting, like one added on the meeting's page."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.is_bound or self.instance.pk is not None or "due_date" in self.initial:
            return
        raw = self.initial.get("occurrence")
        occurrence = None
        if str(getattr(raw, "pk", raw) or "").isdigit():
            occurrence = Occurrence.objects.filter(pk=getattr(raw, "pk", raw)).first()
        self.initial["due_date"] = actions.default_due_date(occurrence)


class OccurrenceForm(MeetingLinkedForm):
    """The generic form of a meeting. ``confidential`` is offered to the MIS office only (the
    generic edit view drops it for the others, see the type's ``set_only_by``)."""

    class Meta:
        model = Occurrence
        fields = ["series", "start", "end", "status", "minutes", "confidential"]


class AttendanceObjectForm(MeetingLinkedForm):
    """The generic form of one attendance record: a person or a client contact invited to
    the meeting's series (checked by :meth:`Attendance.clean`)."""


class AttendanceForm(forms.Form):
    """The attendance checklist of a meeting: for each invited person and client contact
    (see :func:`openmis.meetings.attendance.attendees`), present, absent, excused or not
    recorded."""

    CHOICES = [("", _("Not recorded")), *Attendance.Status.choices]

    def __init__(self, *args, rows=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = list(rows)
        for row in self.rows:
            self.fields[row.key] = forms.ChoiceField(
                label=str(row.who),
                choices=self.CHOICES,
                required=False,
                initial=row.status,
                widget=forms.RadioSelect,
            )

    def statuses(self) -> dict[tuple[str, int], str]:
        """What to record: ``{("person", 3): "present", …}``."""
        return {(row.kind, row.who.pk): self.cleaned_data.get(row.key, "") for row in self.rows}

    def checklist(self):
        """(attendee, bound field) pairs, for the template."""
        return [(row, self[row.key]) for row in self.rows]
