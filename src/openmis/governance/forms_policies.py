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
        """Text written over a published or retired version is to be kept as a new draft
        (nothing lost) and the frozen version stays as it was: validation only checks that
        the draft may be made (:func:`~openmis.governance.policies.draft_over`); :meth:`save`
        hands it to the view, which saves it through the audited path like any object. A
        form that fails validation thus writes nothing."""
        cleaned = super().clean()
        version, text = self.instance, cleaned.get("text")
        self.new_draft = None
        if version.pk and version.frozen and text is not None and text != version.text:
            from openmis.governance import policies

            try:
                self.new_draft = policies.draft_over(
                    version, text, self.user, cleaned.get("summary", "")
                )
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
            return cleaned
        if version.pk and version.frozen:
            raise ValidationError(
                _("Version %(number)s is %(state)s: it never changes.")
                % {"number": version.number, "state": version.get_state_display()},
                code="frozen",
            )
        return cleaned

    def _post_clean(self):
        if getattr(self, "new_draft", None) is not None:
            # the frozen version is left as it is (not given the new text); the draft was
            # validated instead (policies.draft_over)
            return
        super()._post_clean()

    @property
    def done_message(self) -> str | None:
        """What the edit page says once saved, when the text became a new draft."""
        if getattr(self, "new_draft", None) is None or self.new_draft.pk is None:
            return None
        return _(
            "Version %(number)s is %(state)s: its text never changes. Your text was kept as a "
            "new draft, version %(draft)s."
        ) % {
            "number": self.instance.number,
            "state": self.instance.get_state_display(),
            "draft": self.new_draft.number,
        }

    def save(self, commit=True):
        """The version to save: the new draft keeping a text written over a frozen version,
        else the edited one (its author the writer when new). ``commit`` saves it through
        the audited path (:func:`openmis.core.services.save_object`)."""
        instance = getattr(self, "new_draft", None) or self.instance
        if instance._state.adding and instance.author_id is None:
            instance.author = person_of(self.user)
        if instance is self.instance:
            if self.errors:
                raise ValueError("The form did not validate.")
            if commit:
                from openmis.core.services import save_object

                save_object(instance, self.user)
                self._save_m2m()
            else:
                self.save_m2m = self._save_m2m
            return instance
        self.save_m2m = lambda: None
        if commit:
            from openmis.governance import policies

            policies.save_draft(instance, self.user)
        return instance

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
