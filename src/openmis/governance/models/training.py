"""Training: courses with pages and a quiz, enrolments of people, the certificates a passed
quiz issues, and certificates people earned elsewhere (external certificates)."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from openmis.core.models import OpenMISModel

#: The permission of those who see every person's training (the MIS office by default).
SEES_ALL_TRAINING = "governance.view_all_training"


class Course(OpenMISModel):
    """A course people are enrolled in: its pages to read, a quiz to pass and the validity of
    the certificate passing it earns. Raising its version may void earlier certificates."""

    title = models.CharField(_("title"), max_length=200, unique=True)
    description = models.TextField(_("description"), blank=True, help_text=_("Markdown."))
    systems = models.ManyToManyField(
        "portfolio.System",
        verbose_name=_("systems"),
        blank=True,
        related_name="courses",
        help_text=_("The systems the course teaches or is required for."),
    )
    required_for_users = models.BooleanField(
        _("required for the systems' users"),
        default=False,
        help_text=_(
            "Everyone who uses one of its systems is enrolled: at go-live, when given access "
            "and by the daily command."
        ),
    )
    policies = models.ManyToManyField(
        "governance.Policy",
        verbose_name=_("policies"),
        blank=True,
        related_name="courses",
        help_text=_("The policies the course teaches."),
    )
    course_version = models.PositiveIntegerField(_("course version"), default=1, editable=False)
    validity_months = models.PositiveSmallIntegerField(
        _("certificate validity (months)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(240)],
        help_text=_("Empty: certificates do not expire."),
    )
    pass_mark = models.PositiveSmallIntegerField(
        _("pass mark (%)"), default=80, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    attempt_limit = models.PositiveSmallIntegerField(
        _("attempt limit"),
        default=3,
        validators=[MaxValueValidator(100)],
        help_text=_("0: no limit."),
    )

    class Meta:
        ordering = ["title"]
        verbose_name = _("course")
        verbose_name_plural = _("courses")

    def __str__(self) -> str:
        return self.title


class CoursePage(OpenMISModel):
    """One page of a course's reading, in Markdown, shown in the order of ``position``."""

    course = models.ForeignKey(
        Course, on_delete=models.CASCADE, related_name="pages", verbose_name=_("course")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=1)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True, help_text=_("Markdown."))

    class Meta:
        ordering = ["course", "position", "pk"]
        verbose_name = _("course page")
        verbose_name_plural = _("course pages")

    def __str__(self) -> str:
        return f"{self.course} · {self.position}. {self.title}"


class QuizQuestion(OpenMISModel):
    """A question of a course's quiz; its choices say which answers are correct (one or
    several)."""

    course = models.ForeignKey(
        Course, on_delete=models.CASCADE, related_name="questions", verbose_name=_("course")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=1)
    text = models.TextField(_("question"))

    class Meta:
        ordering = ["course", "position", "pk"]
        verbose_name = _("quiz question")
        verbose_name_plural = _("quiz questions")

    def __str__(self) -> str:
        return f"{self.course} · {self.position}. {self.text[:60]}"


class QuizChoice(OpenMISModel):
    """A possible answer to a quiz question, correct or not."""

    question = models.ForeignKey(
        QuizQuestion, on_delete=models.CASCADE, related_name="choices", verbose_name=_("question")
    )
    text = models.CharField(_("answer"), max_length=500)
    correct = models.BooleanField(_("correct"), default=False)

    class Meta:
        ordering = ["question", "pk"]
        verbose_name = _("quiz answer")
        verbose_name_plural = _("quiz answers")

    def __str__(self) -> str:
        return self.text


class Enrolment(OpenMISModel):
    """A person's enrolment in a course, due by a date, and how far they have got."""

    class Status(models.TextChoices):
        ASSIGNED = "assigned", _("assigned")
        IN_PROGRESS = "in_progress", _("in progress")
        PASSED = "passed", _("passed")
        FAILED = "failed", _("failed")
        EXPIRED = "expired", _("expired")
        CANCELLED = "cancelled", _("cancelled")

    person = models.ForeignKey(
        "org.Person", on_delete=models.CASCADE, related_name="enrolments", verbose_name=_("person")
    )
    course = models.ForeignKey(
        Course, on_delete=models.PROTECT, related_name="enrolments", verbose_name=_("course")
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.ASSIGNED, editable=False
    )
    cancel_reason = models.CharField(
        _("why cancelled"), max_length=300, blank=True, default="", editable=False
    )

    class Meta:
        ordering = ["due_date", "pk"]
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = [
            models.UniqueConstraint(fields=["person", "course"], name="governance_one_enrolment")
        ]
        permissions = [("view_all_training", _("Can view everyone's training"))]

    def __str__(self) -> str:
        return f"{self.person} · {self.course}"


class Attempt(models.Model):
    """One submitted quiz of an enrolment: the answers given, their score and the quiz
    (by its fingerprint) they answered."""

    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.CASCADE, related_name="attempts", verbose_name=_("enrolment")
    )
    taken_at = models.DateTimeField(_("taken at"))
    score = models.DecimalField(_("score (%)"), max_digits=5, decimal_places=2)
    passed = models.BooleanField(_("passed"))
    answers = models.JSONField(_("answers"), default=dict)
    quiz_hash = models.CharField(_("quiz fingerprint"), max_length=64)
    course_version = models.PositiveIntegerField(_("course version"))

    class Meta:
        ordering = ["taken_at", "pk"]
        verbose_name = _("quiz attempt")
        verbose_name_plural = _("quiz attempts")

    def __str__(self) -> str:
        return f"{self.enrolment} · {self.score}"


class Certificate(OpenMISModel):
    """The certificate a passed quiz issued: valid from the day it was passed for the
    course's validity, unless a later version of the course voided it."""

    enrolment = models.ForeignKey(
        Enrolment,
        on_delete=models.CASCADE,
        related_name="certificates",
        verbose_name=_("enrolment"),
    )
    person = models.ForeignKey(
        "org.Person",
        on_delete=models.CASCADE,
        related_name="certificates",
        verbose_name=_("person"),
    )
    course = models.ForeignKey(
        Course, on_delete=models.PROTECT, related_name="certificates", verbose_name=_("course")
    )
    course_version = models.PositiveIntegerField(_("course version"))
    score = models.DecimalField(_("score (%)"), max_digits=5, decimal_places=2)
    issued_on = models.DateField(_("issued on"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    voided_on = models.DateField(_("voided on"), null=True, blank=True)

    class Meta:
        ordering = ["-issued_on", "-pk"]
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")

    def __str__(self) -> str:
        return f"{self.course} · {self.person}"


class ExternalCertificate(OpenMISModel):
    """A certificate a person earned outside OpenMIS (a vendor's, an authority's), with its
    scanned file attached and the day it expires."""

    person = models.ForeignKey(
        "org.Person",
        on_delete=models.CASCADE,
        related_name="external_certificates",
        verbose_name=_("person"),
    )
    title = models.CharField(_("title"), max_length=200)
    issuer = models.CharField(_("issuer"), max_length=200)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    class Meta:
        ordering = ["person", "title", "pk"]
        verbose_name = _("external certificate")
        verbose_name_plural = _("external certificates")

    def __str__(self) -> str:
        return f"{self.title} · {self.person}"
