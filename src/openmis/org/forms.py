"""Forms of the organization app that the generic ones cannot express."""

from __future__ import annotations

from django import forms
from django.contrib.auth.models import Group, Permission
from django.utils.translation import gettext_lazy as _

from openmis.core.forms import ObjectForm

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
