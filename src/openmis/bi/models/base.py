"""What the BI models share: the identifier rule, remembering loaded values, visibility, and
the warehouse checks that validation asks of the app's services."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

identifier = RegexValidator(
    r"^[a-z][a-z0-9_]{0,62}$",
    _("Use lower-case letters, digits and underscores, starting with a letter (max 63)."),
)


class TracksLoaded:
    """Remembers the values of ``tracked`` fields as read from the database, so a permission
    check can tell what a change alters (a dataset's ``restricted``, a question's SQL)."""

    tracked: tuple[str, ...] = ()

    @classmethod
    def from_db(cls, db, field_names, values):
        obj = super().from_db(db, field_names, values)
        obj._loaded = {name: obj.__dict__[name] for name in cls.tracked if name in obj.__dict__}
        return obj

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        self._loaded = {name: getattr(self, name) for name in self.tracked}

    def loaded(self, name: str):
        """``name``'s value as stored; None for a row not saved yet."""
        if self.pk is None or self._state.adding:
            return None
        kept = getattr(self, "_loaded", {})
        if name in kept:
            return kept[name]
        return type(self)._default_manager.filter(pk=self.pk).values_list(name, flat=True).first()


class Visibility(models.TextChoices):
    PRIVATE = "private", _("Only me and those I share it with")
    ORGANIZATION = "organization", _("Everyone in the organization")


#: The types a column may be given in the warehouse (Ibis type strings).
COLUMN_TYPE = re.compile(
    r"^(string|boolean|date|timestamp|time|int(8|16|32|64)|uint(8|16|32|64)|float(32|64)"
    r"|decimal\(\d{1,2},\s*\d{1,2}\))$"
)


def column_type_label(type_name: str) -> str:
    """A warehouse type in words, in the active language ("whole number", "date and time"):
    what users read wherever a column's type is shown; the type string stays the stored and
    edited value."""
    name = (type_name or "").strip().lower()
    if name == "string":
        return pgettext_lazy("column type", "text")
    if name == "boolean":
        return pgettext_lazy("column type", "yes/no")
    if name == "date":
        return pgettext_lazy("column type", "date")
    if name.startswith("timestamp"):
        return pgettext_lazy("column type", "date and time")
    if name == "time":
        return pgettext_lazy("column type", "time of day")
    if re.match(r"^u?int\d+$", name):
        return pgettext_lazy("column type", "whole number")
    if name.startswith("decimal"):
        return pgettext_lazy("column type", "decimal number")
    if name.startswith("float"):
        return pgettext_lazy("column type", "number")
    return type_name


def _not_installed(*args) -> Any:
    raise ImproperlyConfigured("The BI warehouse checks are installed by BiConfig.ready().")


class WarehouseChecks:
    """What validating a dataset or a question asks of the warehouse.

    The models state the rule (an external table must exist, a question's query must compile
    against the catalog) but do not reach the warehouse themselves: the app's services
    install the checks at start-up (:meth:`openmis.bi.apps.BiConfig.ready`), so no model
    imports a service module. Each check raises
    :class:`~openmis.analytics.errors.AnalyticsError` when it fails.
    """

    external_table: Callable[[str], None] = _not_installed
    """``(reference)``: the external table exists and has columns."""
    spec: Callable[[dict], Any] = _not_installed
    """``(spec)``: the query spec is valid; returns the dataset it names (or None)."""
    sql: Callable[[str], None] = _not_installed
    """``(sql)``: the SQL passes the guard."""

    def install(self, *, external_table, spec, sql) -> None:
        """Plug in the services that perform the checks."""
        self.external_table = external_table
        self.spec = spec
        self.sql = sql


warehouse_checks = WarehouseChecks()
