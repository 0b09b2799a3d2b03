"""FilterSets generated from the registry: one per model, serving the UI list and the API."""

from __future__ import annotations

import operator
from functools import reduce

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_filters.filters import QuerySetRequestMixin

from openmis.core import registry
from openmis.core.forms import style_widgets

# The values the yes/no select of a boolean filter understands (Django's NullBooleanSelect).
BOOLEAN_VALUES = {"", "unknown", "true", "false", "True", "False", "2", "3"}
# The largest id a database holds (a signed 64-bit integer): a larger one is no object, and
# SQLite refuses to even compare with it (OverflowError), so it is refused before any query.
MAX_ID = 2**63 - 1


def _beyond_any_id(value) -> bool:
    text = str(value).strip()
    return text.lstrip("-").isdigit() and abs(int(text)) > MAX_ID


class ObjectFilterSet(django_filters.FilterSet):
    """Base of every generated FilterSet: adds ``q``, the quick search over ``search`` fields."""

    q = django_filters.CharFilter(method="quick_search", label=_("Search"))
    search_fields: list[str] = []

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        super().__init__(data, queryset, request=request, prefix=prefix)
        if self.is_bound and hasattr(self.data, "getlist"):
            # An empty value means "not filtered by it" (the pages' filter forms send every
            # field): a many-to-many filter (?systems=) drops it rather than refusing it.
            data = None
            for name, f in self.filters.items():
                if isinstance(
                    f,
                    django_filters.MultipleChoiceFilter | django_filters.ModelMultipleChoiceFilter,
                ):
                    values = self.data.getlist(name)
                    if "" in values:
                        data = data or self.data.copy()
                        data.setlist(name, [v for v in values if v != ""])
            # An id no database can hold is "not a valid choice", as one that does not exist.
            self._beyond_any_id = {}
            for name, f in self.filters.items():
                if isinstance(
                    f, django_filters.ModelChoiceFilter | django_filters.ModelMultipleChoiceFilter
                ):
                    values = (data or self.data).getlist(name)
                    if any(_beyond_any_id(v) for v in values):
                        self._beyond_any_id[name] = next(v for v in values if _beyond_any_id(v))
                        data = data or self.data.copy()
                        data.setlist(name, [v for v in values if not _beyond_any_id(v)])
            if data is not None:
                self.data = data
        # A filter by reference offers, and accepts, only the objects the user may see
        # (registry.visible_only, as the forms): a private question's title is not listed,
        # and its id is "not a valid choice", as one that does not exist.
        user = getattr(request, "user", None)
        for f in self.filters.values():
            if not isinstance(f, QuerySetRequestMixin):
                continue
            choices = f.get_queryset(request)
            if choices is not None and registry.is_private(choices.model):
                f.queryset = registry.visible_only(choices, user)
                f.__dict__.pop("_field", None)

    @property
    def form(self):
        if not hasattr(self, "_form"):
            form = super().form
            style_widgets(form)
        return self._form

    def is_valid(self):
        # A yes/no filter ignores a value it cannot read (?active=yes would list everyone);
        # refuse it instead, as every other filter does.
        valid = super().is_valid()
        for name, value in getattr(self, "_beyond_any_id", {}).items():
            self.form.add_error(
                name,
                forms.ValidationError(
                    forms.ModelMultipleChoiceField.default_error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": value},
                ),
            )
            valid = False
        for name, f in self.filters.items():
            if (
                self.is_bound
                and isinstance(f, django_filters.BooleanFilter)
                and self.data.get(name, "") not in BOOLEAN_VALUES
            ):
                self.form.add_error(
                    name,
                    forms.ValidationError(
                        forms.ChoiceField.default_error_messages["invalid_choice"],
                        code="invalid_choice",
                        params={"value": self.data.get(name)},
                    ),
                )
                valid = False
        return valid

    def quick_search(self, queryset, name, value):
        """Rows where every word typed is found in one of the search fields: "anna now"
        finds Anna Nowak, whose first and last names are two fields."""
        words = value.split()
        if not words or not self.search_fields:
            return queryset
        object_type = (
            registry.get(queryset.model) if registry.is_registered(queryset.model) else None
        )
        for word in words:
            if object_type is not None and object_type.redacted:
                # a field its reader may not read does not match (see ObjectType.redacted)
                terms = object_type.search_terms(queryset, word)
            else:
                terms = [Q(**{f"{f}__icontains": word}) for f in self.search_fields]
            queryset = queryset.filter(reduce(operator.or_, terms)) if terms else queryset.none()
        return queryset


def filterset_for(object_type):
    """Build the FilterSet class of a registered type."""
    meta = type("Meta", (), {"model": object_type.model, "fields": object_type.filters})
    return type(
        f"{object_type.model.__name__}FilterSet",
        (ObjectFilterSet,),
        {"Meta": meta, "search_fields": object_type.search},
    )
