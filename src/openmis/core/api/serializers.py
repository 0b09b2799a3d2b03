"""Serializers of registered objects: the base every app's serializer extends, the one the
registry generates for a type, and those of the import endpoint."""

from __future__ import annotations

from django.core.exceptions import FieldDoesNotExist
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


class HiddenReferencesListSerializer(serializers.ListSerializer):
    """A page of objects whose references to rows hidden from the reader are left out
    (:meth:`ObjectSerializer.to_representation`): which referenced ids the reader may see is
    asked once per reference field for the whole page, not once per object."""

    def to_representation(self, data):
        items = list(data.all() if isinstance(data, models.manager.BaseManager) else data)
        self.child.remember_visible(items)
        try:
            return super().to_representation(items)
        finally:
            self.child.forget_visible()


class ObjectSerializer(serializers.ModelSerializer):
    """Base of generated serializers: adds ``display`` (the object's name)."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.CharField: TextField,
        models.TextField: TextField,
    }

    # (The docstring above is the schema's description of every serializer without its own.)
    # A referenced row of a type whose hidden rows are missing everywhere (``hidden_missing``:
    # confidential feedback) is named only to the readers who may see it: a list of ids leaves
    # the others out, a single reference reads null (:meth:`to_representation`).

    @classmethod
    def many_init(cls, *args, **kwargs):
        """A page of these: :class:`HiddenReferencesListSerializer` (each app's serializer
        declares its own ``Meta``, so the list class is chosen here; as DRF's own)."""
        list_kwargs = {}
        for key in serializers.LIST_SERIALIZER_KWARGS_REMOVE:
            value = kwargs.pop(key, None)
            if value is not None:
                list_kwargs[key] = value
        list_kwargs["child"] = cls(*args, **kwargs)
        list_kwargs.update(
            {k: v for k, v in kwargs.items() if k in serializers.LIST_SERIALIZER_KWARGS}
        )
        return HiddenReferencesListSerializer(*args, **list_kwargs)

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

    # --- references to rows hidden from the reader --------------------------------------------

    def _hidden_references(self) -> dict[str, tuple[type, bool]]:
        """``{field name: (related model, many)}`` of the fields shown that refer to a type
        whose hidden rows must be missing everywhere."""
        found = {}
        for name, field in self.fields.items():
            if field.write_only:
                continue
            relation = getattr(field, "child_relation", field)
            if not isinstance(relation, serializers.RelatedField):
                continue
            try:
                model_field = self.Meta.model._meta.get_field(field.source or name)
            except FieldDoesNotExist:  # a field that is no model field
                continue
            related = getattr(model_field, "related_model", None)
            if related is None or not registry.is_private(related):
                continue
            if registry.get(related).hidden_missing:
                found[name] = (related, bool(model_field.many_to_many))
        return found

    def _reader(self):
        request = self.context.get("request")
        return getattr(request, "user", None)

    def remember_visible(self, instances) -> None:
        """Ask once which rows referenced by ``instances`` the reader may see."""
        user = self._reader()
        self._visible = {}
        if user is None:
            return
        for name, (related, many) in self._hidden_references().items():
            source = self.fields[name].source or name
            ids = set()
            for instance in instances:
                if many:
                    ids.update(r.pk for r in getattr(instance, source).all())
                else:
                    value = getattr(instance, f"{source}_id", None)
                    if value is not None:
                        ids.add(value)
            visible = registry.get(related).for_user(
                user, related._default_manager.filter(pk__in=ids)
            )
            self._visible[name] = set(visible.values_list("pk", flat=True)) if ids else set()

    def forget_visible(self) -> None:
        self.__dict__.pop("_visible", None)

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if self._reader() is None:
            return data
        own = "_visible" not in self.__dict__
        if own:
            self.remember_visible([instance])
        try:
            for name, (_related, many) in self._hidden_references().items():
                if name not in data:
                    continue
                visible = self._visible.get(name, set())
                if many:
                    data[name] = [pk for pk in data[name] if pk in visible]
                elif data[name] is not None and data[name] not in visible:
                    data[name] = None
        finally:
            if own:
                self.forget_visible()
        return data

    def hidden_held(self, instance, name: str) -> list:
        """The ids of the many-to-many ``name`` of ``instance`` that the reader may not see:
        an update keeps them (the reader was never shown them, so cannot have meant to drop
        them)."""
        user = self._reader()
        related = instance._meta.get_field(name).related_model
        if user is None or instance.pk is None or not registry.is_private(related):
            return []
        if not registry.get(related).hidden_missing:
            return []  # (the reader was shown them, and may drop them)
        held = getattr(instance, name).values("pk")
        visible = registry.get(related).for_user(user, related._default_manager.filter(pk__in=held))
        return list(
            related._default_manager.filter(pk__in=held)
            .exclude(pk__in=visible.values("pk"))
            .values_list("pk", flat=True)
        )

    def apply_to(self, instance):
        """Set the validated values on ``instance`` without saving it.

        Many-to-many values can only be set once the row exists: :meth:`after_save` does.
        """
        many = {f.name for f in instance._meta.many_to_many}
        self._m2m, self._held = {}, {}
        for key, value in self.validated_data.items():
            if key in many:
                self._m2m[key] = value
                self._held[key] = self.hidden_held(instance, key)
            else:
                setattr(instance, key, value)
        return instance

    def after_save(self, instance):
        """Save what must follow the object itself: its many-to-many values."""
        for name, value in getattr(self, "_m2m", {}).items():
            getattr(instance, name).set([*value, *self._held.get(name, [])])


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
