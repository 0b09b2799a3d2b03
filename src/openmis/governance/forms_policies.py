"""Forms of the policy objects: a version's author is the person who writes it."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from openmis.core.forms import ObjectForm
from openmis.governance.models import PolicyVersion
from openmis.org.people import person_of

POLICY_FIELDS = [
    "title",
    "owner",
    "approvers",
    "systems",
    "department",
    "audience",
    "review_interval",
    "next_review",
]
VERSION_FIELDS = ["policy", "text", "summary"]
EXCEPTION_FIELDS = [
    "policy",
    "person",
    "department",
    "system",
    "reason",
    "compensating_measure",
    "requested_by",
    "approver",
    "expires",
]


class PolicyVersionForm(ObjectForm):
    """A version's text; a new one is written by the acting user's person."""

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if self.instance.pk:
            self.fields["policy"].disabled = True

    def clean(self):
        """Text written over a published or retired version is kept as a new draft (nothing
        lost) and the frozen version stays as it was."""
        cleaned = super().clean()
        version, text = self.instance, cleaned.get("text")
        if version.pk and version.frozen and text is not None and text != version.text:
            from openmis.governance import policies

            try:
                draft = policies.save_as_draft(version, text, self.user, cleaned.get("summary", ""))
            except ValidationError as exc:
                raise ValidationError(
                    _(
                        "Version %(number)s is %(state)s: its text never changes. %(problem)s "
                        "Your text is below: copy it there."
                    )
                    % {
                        "number": version.number,
                        "state": version.get_state_display(),
                        "problem": " ".join(exc.messages),
                    },
                    code="frozen",
                ) from None
            self.saved_draft = draft
            raise ValidationError(
                _(
                    "Version %(number)s is %(state)s: its text never changes. Your text was "
                    "kept as a new draft, version %(draft)s."
                )
                % {
                    "number": version.number,
                    "state": version.get_state_display(),
                    "draft": draft.number,
                },
                code="frozen",
            )
        if version.pk and version.frozen:
            raise ValidationError(
                _("Version %(number)s is %(state)s: it never changes.")
                % {"number": version.number, "state": version.get_state_display()},
                code="frozen",
            )
        return cleaned

    def save(self, commit=True):
        if self.instance._state.adding and self.instance.author_id is None:
            self.instance.author = person_of(self.user)
        return super().save(commit)

    class Meta:
        model = PolicyVersion
        fields = VERSION_FIELDS


class PublishForm(forms.Form):
    """How big the change being published is."""

    change = forms.ChoiceField(
        label=_("change"),
        choices=PolicyVersion.Change.choices,
        widget=forms.RadioSelect,
        help_text=_("A material change asks everyone to acknowledge the policy again."),
    )
