"""Forms of the organization app that the generic ones cannot express."""

from __future__ import annotations

from django import forms
from django.contrib.auth.models import Group, Permission
from django.utils.translation import gettext_lazy as _

from openmis.core.forms import ObjectForm
from openmis.org.roles import permission_choice_label

PERMISSION_APPS = ["org", "auditlog", "core"]


def assignable_permissions():
    """Permissions a role can grant: those of OpenMIS's own apps and of the change log."""
    from openmis.core import registry

    apps = sorted({*PERMISSION_APPS, *(ot.app_label for ot in registry.all_types())})
    return (
        Permission.objects.filter(content_type__app_label__in=apps)
        .select_related("content_type")
        .order_by("content_type__app_label", "content_type__model", "codename")
    )


class RoleForm(ObjectForm):
    """A role's name, write scope, description and permissions."""

    name = forms.CharField(label=_("name"), max_length=150)
    permissions = forms.ModelMultipleChoiceField(
        label=_("permissions"),
        queryset=Permission.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        from openmis.org.models import Role

        model = Role
        fields = ["name", "scope", "description", "permissions"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["permissions"].queryset = assignable_permissions()
        self.fields["permissions"].label_from_instance = permission_choice_label
        if self.instance.pk:
            self.fields["name"].initial = self.instance.group.name
            self.fields["permissions"].initial = list(
                self.instance.group.permissions.values_list("pk", flat=True)
            )

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        clash = Group.objects.filter(name__iexact=name)
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.group_id)
        if clash.exists():
            raise forms.ValidationError(_("A role with this name exists already."))
        return name

    def save(self, commit=True):
        role = super().save(commit=False)
        group = role.group if role.group_id else Group()
        group.name = self.cleaned_data["name"]
        group.save()
        role.group = group
        if commit:
            role.save()
            self.save_m2m()
        return role

    def _save_m2m(self):
        super()._save_m2m()
        self.instance.group.permissions.set(self.cleaned_data["permissions"])


class PersonForm(ObjectForm):
    """A person; those who may edit roles also give the person a login and its roles here."""

    username = forms.CharField(
        label=_("login name"),
        max_length=150,
        required=False,
        help_text=_(
            "Leave empty for no OpenMIS login. A new login has no password: the person sets "
            "one with “Forgot password” on the login page."
        ),
    )
    roles = forms.ModelMultipleChoiceField(
        label=_("roles"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        from openmis.org.models import Person

        model = Person
        fields = [
            "first_name",
            "last_name",
            "email",
            "job_title",
            "department",
            "manager",
            "phone",
            "active",
            "time_zone",
            "language",
        ]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        from openmis.org.models import Role

        self.manages_logins = user is not None and user.has_perm("org.change_role")
        if not self.manages_logins:
            del self.fields["username"]
            del self.fields["roles"]
            return
        self.fields["roles"].queryset = Role.objects.select_related("group")
        login = self.instance.user if self.instance.pk else None
        if login is not None:
            self.fields["username"].initial = login.username
            self.fields["roles"].initial = list(
                Role.objects.filter(group__user=login).values_list("pk", flat=True)
            )

    def clean_username(self):
        from django.contrib.auth import get_user_model

        username = self.cleaned_data["username"].strip()
        if not username:
            return ""
        clash = get_user_model().objects.filter(username__iexact=username)
        if self.instance.user_id:
            clash = clash.exclude(pk=self.instance.user_id)
        if clash.exists():
            raise forms.ValidationError(_("This login name is taken."))
        return username

    def _save_m2m(self):
        super()._save_m2m()
        if self.manages_logins:
            from openmis.org.services import set_login

            set_login(self.instance, self.cleaned_data["username"], self.cleaned_data["roles"])
