"""Serializers of registered objects: the base every app's serializer extends, the one the
registry generates for a type, and those of the import endpoint."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy
from rest_framework import serializers

from openmis.core import registry


class TextField(serializers.CharField):
    """Text as the schema says: a string (a number is refused, not turned into text) whose
    length is checked as sent, before surrounding spaces are trimmed."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        if self.max_length is not None and len(data) > self.max_length:
            self.fail("max_length", max_length=self.max_length)
        return super().to_internal_value(data)


class ObjectSerializer(serializers.ModelSerializer):
    """Base of generated serializers: adds ``display`` (the object's name)."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.CharField: TextField,
        models.TextField: TextField,
    }

    display = serializers.SerializerMethodField()

    def get_display(self, obj) -> str:
        return str(obj)

    def get_fields(self):
        """The fields, each reference accepting only the objects the requesting user may see
        (:func:`openmis.core.registry.visible_only`, as the forms): a hidden id is answered as
        one that does not exist. The values the changed row holds now stay valid. A field of
        the type's ``set_only_by`` is read-only for those its rule does not allow."""
        fields = super().get_fields()
        request = self.context.get("request")
        user = getattr(request, "user", None)
        if user is None:
            return fields
        model = getattr(getattr(self, "Meta", None), "model", None)
        rules = registry.get(model).set_only_by if model and registry.is_registered(model) else {}
        for name, allowed in rules.items():
            # (the schema is generated for an anonymous reader: it shows the field writable)
            if name in fields and user.is_authenticated and not allowed(user):
                fields[name].read_only = True
        instance = self.instance if isinstance(self.instance, models.Model) else None
        for name, field in fields.items():
            relation = getattr(field, "child_relation", field)
            queryset = getattr(relation, "queryset", None)
            if field.read_only or queryset is None or not registry.is_private(queryset.model):
                continue
            keep = registry.current_references(instance, field.source or name)
            relation.queryset = registry.visible_only(queryset, user, keep)
        return fields

    def apply_to(self, instance):
        """Set the validated values on ``instance`` without saving it.

        Many-to-many values can only be set once the row exists: :meth:`after_save` does.
        """
        many = {f.name for f in instance._meta.many_to_many}
        self._m2m = {}
        for key, value in self.validated_data.items():
            if key in many:
                self._m2m[key] = value
            else:
                setattr(instance, key, value)
        return instance

    def after_save(self, instance):
        """Save what must follow the object itself: its many-to-many values."""
        for name, value in getattr(self, "_m2m", {}).items():
            getattr(instance, name).set(value)


def serializer_for(object_type):
    """Build the serializer class of a registered type."""
    fields = ["id", "display", *object_type.form_fields, "version", "created", "updated"]
    meta = type(
        "Meta",
        (),
        {
            "model": object_type.model,
            "fields": fields,
            "read_only_fields": ["version", "created", "updated"],
        },
    )
    return type(f"{object_type.model.__name__}Serializer", (ObjectSerializer,), {"Meta": meta})


class ImportRequestSerializer(serializers.Serializer):
    file = serializers.FileField(help_text=gettext_lazy("CSV or XLSX file."))
    dry_run = serializers.BooleanField(
        default=False, help_text=gettext_lazy("Only check the file; write nothing.")
    )
    encoding = serializers.ChoiceField(
        choices=["", "utf-8", "cp1250", "iso8859_2"],
        default="",
        required=False,
        allow_blank=True,
        help_text=gettext_lazy(
            "Encoding of a CSV file: utf-8, cp1250 (Windows-1250) or iso8859_2 (ISO-8859-2); "
            "empty, it is detected."
        ),
    )


class ImportErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField(allow_null=True, help_text="Row as a spreadsheet shows it.")
    column = serializers.CharField(allow_null=True)
    message = serializers.CharField()


class ImportResultSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    errors = ImportErrorSerializer(many=True)
    encoding = serializers.CharField(
        allow_null=True, help_text="Encoding the CSV file was read in (null for XLSX)."
    )


class ChoiceSerializer(serializers.Serializer):
    """One option of a picker: the object's id, name and second line."""

    id = serializers.IntegerField()
    text = serializers.CharField(help_text="The object's name.")
    hint = serializers.CharField(
        help_text="What tells it apart from others of the same name (a person's department)."
    )


class ChoicesSerializer(serializers.Serializer):
    results = ChoiceSerializer(many=True)
    more = serializers.BooleanField(help_text="More objects match: type more to narrow.")
