"""API serializers of the organization app that the generated ones cannot express."""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.utils.translation import gettext as _
from rest_framework import serializers

from openmis.core.api import ObjectSerializer, TextField
from openmis.org.models import Role


class PermissionField(serializers.ListField):
    child = serializers.CharField()


class RoleSerializer(ObjectSerializer):
    """A role with its name and its permissions as ``app_label.codename`` strings."""

    name = TextField(max_length=150)
    permissions = serializers.ListField(
        child=TextField(), required=False, help_text="e.g. org.view_person"
    )

    class Meta:
        model = Role
        fields = ["id", "display", "name", "scope", "description", "permissions", "version"]
        read_only_fields = ["version"]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["name"] = instance.group.name
        data["permissions"] = sorted(
            f"{p.content_type.app_label}.{p.codename}" for p in instance.group.permissions.all()
        )
        return data

    def validate_name(self, value):
        clash = Group.objects.filter(name__iexact=value.strip())
        if self.instance is not None:
            clash = clash.exclude(pk=self.instance.group_id)
        if clash.exists():
            raise serializers.ValidationError(_("A role with this name exists already."))
        return value.strip()

    def validate_permissions(self, value):
        from openmis.org.forms import assignable_permissions

        known = {f"{p.content_type.app_label}.{p.codename}": p for p in assignable_permissions()}
        unknown = [v for v in value if v not in known]
        if unknown:
            raise serializers.ValidationError(
                _("Unknown permissions: %(names)s") % {"names": ", ".join(unknown)}
            )
        return [known[v] for v in value]

    def apply_to(self, instance):
        """Set the model fields; the group is saved by :meth:`after_save`."""
        data = dict(self.validated_data)
        self._group_name = data.pop("name", None)
        self._permissions = data.pop("permissions", None)
        for key, value in data.items():
            setattr(instance, key, value)
        if not instance.group_id:
            instance.group = Group.objects.create(name=self._group_name)
            self._group_name = None
        return instance

    def after_save(self, instance):
        if self._group_name:
            instance.group.name = self._group_name
            instance.group.save()
        if self._permissions is not None:
            instance.group.permissions.set(self._permissions)
