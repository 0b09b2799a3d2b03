"""Policies: versioned texts with an owner and approvers, their review dates and exceptions."""

from __future__ import annotations

import hashlib
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from openmis.core.models import OpenMISModel


def text_hash(text: str) -> str:
    """The SHA-256 (hex) of a version's text as stored, what acknowledgements refer to."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class Policy(OpenMISModel):
    """A rule of the organization (acceptable use, passwords, backups...): its owner, who
    approves its versions, the systems it concerns and when it is reviewed next. Its text
    lives in its :class:`PolicyVersion` rows; the published one is the rule in force."""

    title = models.CharField(_("title"), max_length=200, unique=True)
    owner = models.ForeignKey(
        "org.Person",
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="owned_policies",
        help_text=_("Answers for the policy and is reminded of its reviews."),
    )
    approvers = models.ManyToManyField(
        "org.Person",
        verbose_name=_("approvers"),
        blank=True,
        related_name="policies_to_approve",
        help_text=_("Who may approve its versions (besides the MIS director); never the author."),
    )
    systems = models.ManyToManyField(
        "portfolio.System",
        verbose_name=_("systems"),
        blank=True,
        related_name="policies",
        help_text=_("The systems it concerns: it is listed on their pages."),
    )
    department = models.ForeignKey(
        "org.Department",
        verbose_name=_("department concerned"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="policies",
    )
    audience = models.ForeignKey(
        "governance.Audience",
        verbose_name=_("audience"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="policies",
        help_text=_(
            "Who must acknowledge it: publishing a version asks them. Without one, publishing "
            "asks nobody."
        ),
    )
    review_interval = models.PositiveSmallIntegerField(
        _("review interval (months)"),
        default=12,
        help_text=_("Publishing a version sets the next review this many months later."),
    )
    next_review = models.DateField(_("next review"), null=True, blank=True)

    class Meta:
        verbose_name = _("policy")
        verbose_name_plural = _("policies")
        ordering = ["title"]
        permissions = [
            ("manage_policies", _("Can see every policy draft and publish policies")),
            ("approve_any_policy", _("Can approve any policy version")),
        ]

    def __str__(self):
        return self.title

    @property
    def current_version(self) -> PolicyVersion | None:
        """The published version: the text in force (None before the first publishing)."""
        return self.versions.filter(state=PolicyVersion.State.PUBLISHED).first()

    def review_overdue(self, today: date | None = None) -> bool:
        """Whether the policy's review date has passed."""
        return self.next_review is not None and self.next_review < (today or timezone.localdate())


class PolicyVersion(OpenMISModel):
    """One text of a policy, numbered, Markdown. A draft is edited, submitted for review,
    approved by an approver who is not its author, then published (its text frozen with its
    SHA-256, the earlier published version retired). A published text never changes."""

    class State(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("policy version state", "Draft")
        IN_REVIEW = "in_review", pgettext_lazy("policy version state", "In review")
        APPROVED = "approved", pgettext_lazy("policy version state", "Approved")
        PUBLISHED = "published", pgettext_lazy("policy version state", "Published")
        RETIRED = "retired", pgettext_lazy("policy version state", "Retired")

    class Change(models.TextChoices):
        MINOR = "minor", pgettext_lazy("policy change", "Minor")
        MATERIAL = "material", pgettext_lazy("policy change", "Material")

    #: States whose text is frozen.
    FROZEN = (State.PUBLISHED, State.RETIRED)
    #: States of the one version being prepared beside the published one.
    OPEN = (State.DRAFT, State.IN_REVIEW, State.APPROVED)

    policy = models.ForeignKey(
        Policy, verbose_name=_("policy"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField(_("number"), default=0, editable=False)
    text = models.TextField(_("text"), help_text=_("Markdown: headings, lists, links, tables."))
    summary = models.CharField(
        _("summary of changes"), max_length=300, blank=True, help_text=_("What changed.")
    )
    author = models.ForeignKey(
        "org.Person",
        verbose_name=_("author"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="authored_policy_versions",
    )
    editors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("edited by"),
        blank=True,
        editable=False,
        related_name="edited_policy_versions",
        help_text=_("Everyone who wrote or changed the text: none of them approves it."),
    )
    state = models.CharField(
        _("state"), max_length=20, choices=State.choices, default=State.DRAFT, editable=False
    )
    approved_by = models.ForeignKey(
        "org.Person",
        verbose_name=_("approved by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="approved_policy_versions",
    )
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True, editable=False)
    change = models.CharField(
        _("change"), max_length=10, choices=Change.choices, blank=True, editable=False
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("policy version")
        verbose_name_plural = _("policy versions")
        ordering = ["policy", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "number"], name="policy_version_number"),
            models.UniqueConstraint(
                fields=["policy"],
                condition=models.Q(state="published"),
                name="policy_one_published_version",
            ),
        ]

    def __str__(self):
        return _("%(policy)s, version %(number)s") % {
            "policy": self.policy,
            "number": self.number,
        }

    def save(self, *args, **kwargs):
        """Number a new version, refuse a new text on a frozen one, send an edited text back
        to draft, and record who wrote the text (the acting user of the audited path,
        :func:`openmis.core.services.acting_user`, for page, API, import and services
        alike)."""
        from openmis.core.services import ConflictError, acting_user

        wrote = self._state.adding
        if self._state.adding:
            if not self.number:
                latest = PolicyVersion.objects.filter(policy_id=self.policy_id).aggregate(
                    models.Max("number")
                )["number__max"]
                self.number = (latest or 0) + 1
        else:
            stored = (
                PolicyVersion.objects.filter(pk=self.pk).values("state", "text", "policy").first()
            )
            if stored is not None:
                changed = stored["text"] != self.text or stored["policy"] != self.policy_id
                wrote = changed
                if changed and stored["state"] in self.FROZEN:
                    raise ConflictError(
                        _(
                            "Version %(number)s is %(state)s: its text never changes. "
                            "Write the change in a new draft."
                        )
                        % {"number": self.number, "state": self.State(stored["state"]).label}
                    )
                if changed and stored["state"] != self.State.DRAFT:
                    # an edited text needs reviewing and approving again
                    self.state = self.State.DRAFT
                    self.approved_by = None
        super().save(*args, **kwargs)
        editor = acting_user()
        if wrote and editor is not None:
            self.editors.add(editor)

    def clean(self):
        super().clean()
        if self._state.adding and self.policy_id:
            other = PolicyVersion.objects.filter(policy_id=self.policy_id, state__in=self.OPEN)
            if other.exists():
                raise ValidationError(
                    _(
                        "This policy already has a version being prepared (version %(number)s); "
                        "edit that one."
                    )
                    % {"number": other.first().number}
                )

    @property
    def frozen(self) -> bool:
        """Whether the text is published or retired, so never changes."""
        return self.state in self.FROZEN

    def hash_matches(self) -> bool:
        """Whether the stored text still has the hash recorded when it was published."""
        return not self.sha256 or self.sha256 == text_hash(self.text)


class PolicyExceptionQuerySet(models.QuerySet):
    def active_on(self, day: date):
        """The exceptions that apply on ``day``: not yet expired (expiry reopens the gap)."""
        return self.filter(expires__gte=day)

    def active(self):
        """The exceptions that apply today."""
        return self.active_on(timezone.localdate())


class PolicyException(OpenMISModel):
    """An exemption from a policy for one person, department or system, with its reason, the
    measure that compensates for it, who approved it and until when: once it expires the
    policy applies again."""

    policy = models.ForeignKey(
        Policy, verbose_name=_("policy"), on_delete=models.CASCADE, related_name="exceptions"
    )
    person = models.ForeignKey(
        "org.Person",
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="policy_exceptions",
    )
    department = models.ForeignKey(
        "org.Department",
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="policy_exceptions",
    )
    system = models.ForeignKey(
        "portfolio.System",
        verbose_name=_("system"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="policy_exceptions",
    )
    reason = models.TextField(_("reason"))
    compensating_measure = models.TextField(_("compensating measure"), blank=True)
    requested_by = models.ForeignKey(
        "org.Person",
        verbose_name=_("requested by"),
        on_delete=models.PROTECT,
        related_name="requested_policy_exceptions",
    )
    approver = models.ForeignKey(
        "org.Person",
        verbose_name=_("approver"),
        on_delete=models.PROTECT,
        related_name="approved_policy_exceptions",
        help_text=_("Not the person who asked for it."),
    )
    expires = models.DateField(_("valid until"), help_text=_("The last day it applies."))

    objects = PolicyExceptionQuerySet.as_manager()

    class Meta:
        verbose_name = _("policy exception")
        verbose_name_plural = _("policy exceptions")
        ordering = ["policy", "-expires"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(person__isnull=False, department__isnull=True, system__isnull=True)
                    | models.Q(person__isnull=True, department__isnull=False, system__isnull=True)
                    | models.Q(person__isnull=True, department__isnull=True, system__isnull=False)
                ),
                name="policy_exception_exactly_one_subject",
            )
        ]

    def __str__(self):
        return _("%(policy)s: exception for %(subject)s") % {
            "policy": self.policy,
            "subject": self.subject,
        }

    @property
    def subject(self):
        """The person, department or system exempted."""
        return self.person or self.department or self.system

    def active_on(self, day: date) -> bool:
        """Whether the exception applies on ``day``."""
        return self.expires is not None and self.expires >= day

    @property
    def is_active(self) -> bool:
        """Whether the exception applies today."""
        return self.active_on(timezone.localdate())

    def clean(self):
        super().clean()
        subjects = [self.person_id, self.department_id, self.system_id]
        if sum(value is not None for value in subjects) != 1:
            raise ValidationError(
                _("Exempt exactly one person, department or system."), code="one_subject"
            )
        if self.approver_id and self.approver_id == self.requested_by_id:
            raise ValidationError(
                {"approver": _("The person who asked for the exception cannot approve it.")}
            )
