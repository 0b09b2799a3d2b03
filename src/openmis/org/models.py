"""The organization: departments, the people in them, and the roles that grant access."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _

from openmis.core.models import OpenMISModel
from openmis.org import tree


class Department(OpenMISModel):
    """A unit of the organization; departments nest through ``parent``."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    code = models.CharField(_("code"), max_length=20, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    region = models.CharField(
        _("region"),
        max_length=60,
        blank=True,
        help_text=_("Sales region the department is responsible for, if any."),
    )
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        if self.parent_id and self.pk and self.pk in tree.ancestors(self.parent_id):
            raise ValidationError(
                {"parent": _("A department cannot be inside itself or its sub-departments.")}
            )

    def descendant_ids(self) -> set[int]:
        """Primary keys of this department and every department below it."""
        return set(tree.descendants(self.pk))


def validate_time_zone(value: str) -> None:
    """Refuse a name that is not an IANA time zone (``Europe/Warsaw``)."""
    import zoneinfo

    if value and value not in zoneinfo.available_timezones():
        raise ValidationError(_("Unknown time zone; use a name such as Europe/Warsaw."))


class Person(OpenMISModel):
    """Someone who works in the organization, with an optional OpenMIS login."""

    first_name = models.CharField(_("first name"), max_length=80)
    last_name = models.CharField(_("last name"), max_length=80)
    email = models.EmailField(_("email"), unique=True)
    job_title = models.CharField(_("job title"), max_length=120, blank=True)
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="people",
    )
    manager = models.ForeignKey(
        "self",
        verbose_name=_("manager"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reports",
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("login"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
    )
    active = models.BooleanField(_("active"), default=True)
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        blank=True,
        validators=[validate_time_zone],
        help_text=_("e.g. Europe/Warsaw; empty: the installation's. Scheduled e-mails follow it."),
    )
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_("E-mails to this person are written in it; empty: the installation's."),
    )

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["last_name", "first_name"]
        indexes = [models.Index(fields=["last_name", "first_name"])]

    def __str__(self):
        return f"{self.first_name} {self.last_name}"

    def zone(self):
        """The person's time zone, or the installation's."""
        import zoneinfo

        return zoneinfo.ZoneInfo(self.time_zone or settings.TIME_ZONE)

    def clean(self):
        super().clean()
        if self.manager_id and self.pk and self.manager_id == self.pk:
            raise ValidationError({"manager": _("A person cannot be their own manager.")})


class Role(OpenMISModel):
    """A role is a group of permissions; ``scope`` limits where its write permissions apply.

    Built-in roles (``slug`` set) are created by a migration; the MIS director edits their
    permissions and may add more roles.
    """

    class Scope(models.TextChoices):
        ALL = "all", _("Whole organization")
        DEPARTMENT = "department", _("Own department")

    group = models.OneToOneField(Group, on_delete=models.CASCADE, related_name="role")
    slug = models.SlugField(_("built-in key"), unique=True, null=True, blank=True, editable=False)
    scope = models.CharField(
        _("write scope"),
        max_length=20,
        choices=Scope.choices,
        default=Scope.ALL,
        help_text=_("Where members may create, change and delete records."),
    )
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        ordering = ["group__name"]

    def __str__(self):
        return self.name

    def delete_refusal(self) -> str | None:
        """Why this role cannot be deleted, or None: the built-in roles stay (their
        permissions may be changed)."""
        if self.slug:
            return _(
                "%(role)s is a built-in role and cannot be deleted; change its permissions instead."
            ) % {"role": self.name}
        return None

    def delete(self, *args, **kwargs):
        """Delete a role that is not built in; its group goes with it (post_delete below),
        so its former members keep none of its permissions."""
        from openmis.core.services import ConflictError

        refusal = self.delete_refusal()
        if refusal:
            raise ConflictError(refusal)
        return super().delete(*args, **kwargs)

    def get_description_display(self) -> str:
        """The description, in the reader's language while it is the built-in one."""
        from openmis.org.roles import builtin_description

        return builtin_description(self.slug, self.description)

    def _name(self) -> str:
        """The role's name, translated for the built-in roles."""
        from openmis.org.roles import BUILTIN_LABELS

        if self.slug in BUILTIN_LABELS:
            return str(BUILTIN_LABELS[self.slug])
        return self.group.name

    _name.short_description = _("name")  # the heading of the roles list's first column
    name = property(_name)


@receiver(post_delete, sender=Role, dispatch_uid="openmis-role-group")
def _delete_role_group(sender, instance, **kwargs):
    """A role's group goes with the role, whichever way the role was deleted."""
    Group.objects.filter(pk=instance.group_id).delete()
