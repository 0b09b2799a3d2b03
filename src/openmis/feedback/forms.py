"""Forms of the feedback app: the improvement form (feedback limited to the system's), the
status change and grouping feedback into an improvement."""

from __future__ import annotations

from django import forms
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from openmis.core.forms import ObjectForm, style_widgets
from openmis.feedback import confidentiality, workflow
from openmis.feedback.models import Feedback, Improvement
from openmis.meetings.models import Occurrence
from openmis.org.people import person_of

FEEDBACK_FIELDS = [
    "system",
    "department",
    "client",
    "contact",
    "author",
    "occurrence",
    "kind",
    "rating",
    "people_affected",
    "hours_per_month",
    "text",
    "date",
    "language",
    "confidential",
]
IMPROVEMENT_FIELDS = [
    "title",
    "system",
    "description",
    "feedback",
    "reach",
    "impact",
    "confidence",
    "effort",
    "project",
]


def same_system_error(system, feedback) -> str | None:
    """The error to show when some of ``feedback`` is about another system than ``system``."""
    if system is None:
        return None
    others = [f for f in feedback if f.system_id != system.pk]
    if others:
        return _("Only feedback about %(system)s can be grouped here (not: %(others)s).") % {
            "system": system,
            "others": "; ".join(str(f) for f in others[:5]),
        }
    return None


class FeedbackForm(ObjectForm):
    """The generated form; a new item starts as the user's own, from their department, in the
    language they are using. One recorded in a meeting (``?occurrence=``) starts from the
    meeting's department and client, dated the meeting's day. Only the MIS office sees the
    "confidential" box (ticked for a client's feedback); for the others a new client's item
    is confidential (:meth:`Feedback.save`) and an edit keeps what the item was."""

    class Meta:
        model = Feedback
        fields = FEEDBACK_FIELDS

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if "confidential" in self.fields and not confidentiality.sees_all(user):
            del self.fields["confidential"]
        if "occurrence" in self.fields:
            # A meeting's name shows its series: fetch them together.
            self.fields["occurrence"].queryset = self.fields["occurrence"].queryset.select_related(
                "series"
            )
        if self.instance.pk is None and not self.is_bound:
            self._start_from_meeting()
        if self.instance.pk is None and not self.is_bound and user is not None:
            person = person_of(user)
            if person is not None:
                self.initial.setdefault("author", person.pk)
                self.initial.setdefault("department", person.department_id)
            self.initial.setdefault("language", translation.get_language() or "")
        if self.instance.pk is None and not self.is_bound and "confidential" in self.fields:
            client = self.initial.get("client")
            self.initial.setdefault("confidential", client not in (None, ""))

    def save(self, commit=True):
        self.instance.confidential_chosen = "confidential" in self.fields
        return super().save(commit)

    def _start_from_meeting(self) -> None:
        """Take the department, client and day of the meeting given as initial value (those
        given too win): feedback heard in a meeting is the meeting's, not its recorder's."""
        raw = self.initial.get("occurrence")
        raw = getattr(raw, "pk", raw)
        if not str(raw or "").isdigit():
            return
        occurrence = Occurrence.objects.select_related("series").filter(pk=raw).first()
        if occurrence is None:
            return
        series = occurrence.series
        self.initial.setdefault("department", series.department_id)
        if series.client_id is not None:
            self.initial.setdefault("client", series.client_id)
        # the meeting's day where it takes place; feedback is not dated in the future
        self.initial.setdefault("date", min(occurrence.local_start.date(), timezone.localdate()))


class ImprovementForm(ObjectForm):
    """The generated form, with the feedback to choose from limited to the system's own.

    A system can have thousands of feedback items; listing every item of every system would
    make the page unusable, so the choices follow the system posted, given or saved.
    """

    class Meta:
        model = Improvement
        fields = IMPROVEMENT_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["feedback"]
        system_id = self._system_id()
        queryset = Feedback.objects.select_related("system").order_by("-date", "-pk")
        field.queryset = (
            queryset.filter(system_id=system_id) if system_id is not None else queryset.none()
        )
        if system_id is None:
            field.help_text = _("Choose the system and save; then pick its feedback here.")
        field.widget.attrs["size"] = 8
        if "project" in self.fields:
            self._limit_projects(system_id)

    def _limit_projects(self, system_id: int | None) -> None:
        """Offer only the projects deploying the improvement's system, in the picker and in
        its search (which asks the projects' API filtered by that system)."""
        project = self.fields["project"]
        if system_id is None:
            project.queryset = project.queryset.none()
            project.help_text = _("Choose the system and save; then pick its project here.")
            return
        project.queryset = project.queryset.filter(system_id=system_id)
        if hasattr(project.widget, "search_params"):
            project.widget.search_params["system"] = str(system_id)

    def _system_id(self) -> int | None:
        raw = None
        if self.is_bound:
            raw = self.data.get(self.add_prefix("system"))
        if raw in (None, ""):
            raw = self.initial.get("system")
        if raw in (None, "") and self.instance.system_id:
            raw = self.instance.system_id
        try:
            return int(getattr(raw, "pk", raw))
        except (TypeError, ValueError):
            return None


class StatusForm(forms.Form):
    """Move an improvement to another status (declining needs a reason)."""

    status = forms.ChoiceField(label=_("New status"), choices=Improvement.Status.choices)
    reason = forms.CharField(
        label=_("Reason"),
        max_length=300,
        required=False,
        help_text=_("Required when declining; sent to those who gave the feedback."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_widgets(self)


class GroupForm(forms.Form):
    """Add a feedback item to one of its system's open improvements."""

    improvement = forms.ModelChoiceField(
        label=_("Improvement"), queryset=Improvement.objects.none()
    )

    def __init__(self, *args, feedback: Feedback, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["improvement"].queryset = Improvement.objects.filter(
            system_id=feedback.system_id, status__in=Improvement.OPEN
        ).exclude(feedback=feedback)
        style_widgets(self)


class TriageForm(forms.Form):
    """Move feedback along the triage workflow: one item from its page, or the rows chosen in
    the triage queue (``feedback``). Declining needs a reason, a duplicate the item it repeats.

    The workflow's own checks (allowed moves, reasons, circles) belong to the service, which
    reports them per item."""

    ACTIONS = [
        (workflow.ACKNOWLEDGED, _("Acknowledge")),
        (workflow.PLANNED, _("Plan")),
        (workflow.DECLINED, _("Decline")),
        (workflow.DUPLICATE, _("Mark as duplicate")),
        (workflow.ANSWERED, _("Mark answered")),
    ]

    feedback = forms.ModelMultipleChoiceField(
        label=_("Feedback"),
        queryset=Feedback.objects.none(),
        required=False,
        widget=forms.MultipleHiddenInput,
    )
    status = forms.ChoiceField(label=_("Action"), choices=ACTIONS)
    reason = forms.CharField(
        label=_("Reason"),
        max_length=300,
        required=False,
        help_text=_("Required when declining."),
    )
    duplicate_of = forms.ModelChoiceField(
        label=_("Duplicate of"),
        queryset=Feedback.objects.none(),
        required=False,
        help_text=_("The feedback item the chosen ones repeat; its givers keep theirs."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, visible=None, statuses=None, **kwargs):
        kwargs.setdefault("auto_id", "triage_%s")  # beside the list's filters (their status)
        super().__init__(*args, **kwargs)
        visible = visible if visible is not None else Feedback.objects.none()
        self.fields["feedback"].queryset = visible
        self.fields["duplicate_of"].queryset = visible.select_related("system")
        if statuses is not None:
            self.fields["status"].choices = [c for c in self.ACTIONS if c[0] in statuses]
        style_widgets(self)
