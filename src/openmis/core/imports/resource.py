"""The django-import-export resource of a registered type: the importing user's rights, and
references to related objects by their natural keys."""

from __future__ import annotations

import functools

from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.db import models
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from import_export import fields as ie_fields
from import_export import resources, widgets

from openmis.core import permissions, registry
from openmis.core.imports.values import parse_date, parse_datetime, parse_number


def _not_found(model, field: str, value) -> str:
    return _("No %(model)s with %(field)s “%(value)s”.") % {
        "model": model._meta.verbose_name,
        "field": field,
        "value": value,
    }


class NaturalKeyWidget(widgets.ForeignKeyWidget):
    """Refers to a related object by its natural key; an unknown value is a column error.

    Only the objects the importing user may see are found (``user`` is set by the resource,
    :func:`openmis.core.registry.visible_only`): a hidden one is unknown, as in the forms.
    """

    user = None

    def get_queryset(self, value, row, *args, **kwargs):
        return registry.visible_only(self.model._default_manager.all(), self.user)

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return None
        try:
            return super().clean(value, row, **kwargs)
        except self.model.DoesNotExist:
            raise ValueError(_not_found(self.model, self.field, value)) from None
        except self.model.MultipleObjectsReturned:
            raise ValueError(
                _("More than one %(model)s with %(field)s “%(value)s”.")
                % {"model": self.model._meta.verbose_name, "field": self.field, "value": value}
            ) from None


class NaturalKeysWidget(widgets.ManyToManyWidget):
    """Refers to many related objects by their natural keys, separated by ``;``; an unknown
    value (or one the importing user may not see) is a column error, never silently left out."""

    user = None

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return self.model._default_manager.none()
        wanted = [v.strip() for v in str(value).split(self.separator) if v.strip()]
        queryset = registry.visible_only(
            self.model._default_manager.filter(**{f"{self.field}__in": wanted}), self.user
        )
        found = {str(v) for v in queryset.values_list(self.field, flat=True)}
        missing = [v for v in wanted if v not in found]
        if missing:
            raise ValueError(_not_found(self.model, self.field, missing[0]))
        return queryset


class StrictBooleanWidget(widgets.BooleanWidget):
    """Yes/no values in English or Polish; anything else is an error, never a silent "no"."""

    TRUE = {"1", "true", "yes", "y", "t", "tak", "prawda"}
    FALSE = {"0", "false", "no", "n", "f", "nie", "fałsz"}

    def clean(self, value, row=None, **kwargs):
        text = str(value).strip().lower() if value is not None else ""
        if text in ("", "none", "null"):
            return None
        if text in self.TRUE:
            return True
        if text in self.FALSE:
            return False
        raise ValueError(
            _("“%(value)s” is not a yes/no value (use true or false).") % {"value": value}
        )


class LocalDecimalWidget(widgets.DecimalWidget):
    """A number as English or Polish spreadsheets write it ("12 000,50", "12.000,50")."""

    def clean(self, value, row=None, **kwargs):
        return parse_number(value)


class LocalFloatWidget(widgets.FloatWidget):
    """A number as English or Polish spreadsheets write it, as a float."""

    def clean(self, value, row=None, **kwargs):
        number = parse_number(value)
        return None if number is None else float(number)


class LocalIntegerWidget(widgets.IntegerWidget):
    """A whole number, grouped by thousands or not ("1 234", "1.234", "1,234")."""

    def clean(self, value, row=None, **kwargs):
        number = parse_number(value, whole=True)
        if number is None:
            return None
        if number != number.to_integral_value():
            raise ValueError(_("“%(value)s” is not a whole number.") % {"value": value})
        return int(number)


class LocalDateWidget(widgets.DateWidget):
    """A date as 31.12.2026 or 2026-12-31 (an XLSX date cell as it is)."""

    def clean(self, value, row=None, **kwargs):
        return parse_date(value)


class LocalDateTimeWidget(widgets.DateTimeWidget):
    """A date and time as 31.12.2026 14:30 or 2026-12-31 14:30, in the importing user's time
    zone unless it names its own."""

    def clean(self, value, row=None, **kwargs):
        moment = parse_datetime(value)
        if moment is not None and timezone.is_naive(moment):
            moment = timezone.make_aware(moment)
        return moment


class ChoiceWidget(widgets.CharWidget):
    """A choice by its code or by its label, in English or the reader's language, as XLSX
    exports write it ("On premises" or ``on_premises``)."""

    def __init__(self, choices, **kwargs):
        super().__init__(**kwargs)
        self.choices = choices

    def clean(self, value, row=None, **kwargs):
        text = super().clean(value, row, **kwargs)
        if not text:
            return text
        wanted = text.strip().casefold()
        for code, label in self.choices:
            with translation.override("en"):
                english = str(label)
            if wanted in (str(code).casefold(), str(label).casefold(), english.casefold()):
                return code
        return text  # the form's validation names the value that is not a choice


class ObjectResource(resources.ModelResource):
    """Base of the generated resources: the importing user's rights, as the API checks them.

    A row that updates a record must be allowed on the record as it is now (the user may see
    it, and change it where it is: a department leader may not take over another
    department's person) and as the file leaves it (:func:`openmis.core.permissions.can`,
    which the API and the pages use); a reference may name only objects the user may see.
    """

    object_type = None

    WIDGETS_MAP = {
        **resources.ModelResource.WIDGETS_MAP,
        "DecimalField": LocalDecimalWidget,
        "FloatField": LocalFloatWidget,
        "DateField": LocalDateWidget,
        "DateTimeField": LocalDateTimeWidget,
        **{
            name: LocalIntegerWidget
            for name, widget in resources.ModelResource.WIDGETS_MAP.items()
            if widget is widgets.IntegerWidget
        },
    }

    @classmethod
    def widget_from_django_field(cls, f, default=widgets.Widget):
        # Text choices; numeric ones (a week of the month) keep their number widget.
        if getattr(f, "choices", None) and isinstance(f, models.CharField):
            return functools.partial(ChoiceWidget, list(f.flatchoices))
        return super().widget_from_django_field(f, default)

    def __init__(self, user=None, **kwargs):
        super().__init__(**kwargs)
        self.user = user
        self._refused_now = None
        self._saved = []  # rows written, for the type's ``after_import``
        for resource_field in self.fields.values():
            if isinstance(resource_field.widget, NaturalKeyWidget | NaturalKeysWidget):
                resource_field.widget.user = user

    def get_instance(self, instance_loader, row):
        # A natural key naming an unknown related object (a person no one knows, in a
        # person-and-system key) finds no record: the row is new, and importing its columns
        # then reports the unknown value in its column rather than as a bare row error.
        try:
            return super().get_instance(instance_loader, row)
        except ValueError:
            return None

    def get_import_fields(self):
        fields = super().get_import_fields()
        rules = self.object_type.set_only_by
        if self.user is None or not rules:
            return fields
        return [f for f in fields if f.attribute not in rules or rules[f.attribute](self.user)]

    def after_init_instance(self, instance, new, row, **kwargs):
        super().after_init_instance(instance, new, row, **kwargs)
        # The record as it is before the file changes it.
        self._refused_now = None if new else self._refusal(instance, "change", current=True)

    def _refusal(self, instance, action: str, current: bool = False):
        """Why the importing user may not ``action`` ``instance``; None when they may."""
        ot = self.object_type
        if self.user is None:
            return None
        if current and ot.visible_to is not None:
            visible = ot.for_user(self.user, ot.model._default_manager.filter(pk=instance.pk))
            if not visible.exists():
                return _("You may not change this record.")
        if permissions.can(self.user, ot, action, instance):
            return None
        if (
            permissions.write_scope(self.user, ot, action) == permissions.DEPARTMENT
            and ot.department_field is not None
            and permissions.department_of(ot, instance)
            not in permissions.user_department_ids(self.user)
        ):
            return _("You may only import records of your own department.")
        return _("You may not change this record.")

    def import_instance(self, instance, row, **kwargs):
        # Many-to-many values are set after the save; check them now, with the other columns.
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        for resource_field in self.get_import_fields():
            if isinstance(resource_field.widget, NaturalKeysWidget):
                try:
                    resource_field.clean(row, **kwargs)
                except KeyError:
                    continue  # the file has no such column
                except ValueError as exc:
                    errors[resource_field.attribute] = ValidationError(str(exc), code="invalid")
        if errors:
            raise ValidationError(errors)

    def do_instance_save(self, instance, is_create):
        # Saved as the importing user, as a page or the API saves (services.acting_as): the
        # history names them and models record who changed them (a policy's editors).
        from openmis.core.services import acting_as

        with acting_as(self.user):
            super().do_instance_save(instance, is_create)

    def save_m2m(self, instance, row, **kwargs):
        super().save_m2m(instance, row, **kwargs)
        if self._is_dry_run(kwargs):
            return
        # What follows from the saved row, once it is written: its type's ``after_import``
        # once all rows are (see :meth:`after_import`), else its ``after_save`` now.
        if self.object_type.after_import is not None:
            self._saved.append(instance)
        elif self.object_type.after_save is not None:
            self.object_type.after_save(instance)

    def after_import(self, dataset, result, **kwargs):
        super().after_import(dataset, result, **kwargs)
        saved, self._saved = self._saved, []
        if (
            saved
            and not self._is_dry_run(kwargs)
            and not result.has_errors()
            and not result.has_validation_errors()
        ):
            self.object_type.after_import(saved)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = dict(import_validation_errors or {})
        ot = self.object_type
        refusal = self._refused_now or self._refusal(
            instance, "add" if instance._state.adding else "change"
        )
        if refusal is not None:
            # The column that places the row in its department (``dataset`` for a column
            # whose department is its dataset's), else the row as a whole.
            column = (ot.department_field or "").split("__")[0]
            key = column if column in ot.columns_for_import else NON_FIELD_ERRORS
            errors[key] = ValidationError(refusal)
        super().validate_instance(instance, errors, validate_unique)


def _natural_key_field(model) -> str:
    if registry.is_registered(model):
        key = registry.get(model).natural_key
        # A composite key cannot be written in one column: refer to such rows by id.
        return key[0] if len(key) == 1 else "pk"
    names = {f.name for f in model._meta.get_fields()}
    return "name" if "name" in names else "pk"


def resource_for(object_type, export: bool = False):
    """Build the import (or export) resource class of a registered type."""
    names = object_type.columns_for_export if export else object_type.columns_for_import
    attrs = {}
    for name in names:
        model_field = _model_field(object_type.model, name)
        if isinstance(model_field, models.BooleanField):
            attrs[name] = ie_fields.Field(
                attribute=name, column_name=name, widget=StrictBooleanWidget()
            )
        if model_field is not None and model_field.many_to_many:
            related = model_field.related_model
            attrs[name] = ie_fields.Field(
                attribute=name,
                column_name=name,
                widget=NaturalKeysWidget(related, field=_natural_key_field(related), separator=";"),
            )
        if name in object_type.fk_fields:
            related = object_type.fk_fields[name]
            attrs[name] = ie_fields.Field(
                attribute=name,
                column_name=name,
                widget=NaturalKeyWidget(related, field=_natural_key_field(related)),
            )
    meta = type(
        "Meta",
        (),
        {
            "model": object_type.model,
            "fields": names,
            "import_id_fields": object_type.natural_key,
            "clean_model_instances": True,
            "skip_diff": True,
            "use_transactions": True,
        },
    )
    attrs.update({"Meta": meta, "object_type": object_type})
    return type(f"{object_type.model.__name__}Resource", (ObjectResource,), attrs)


def _model_field(model, name: str):
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
