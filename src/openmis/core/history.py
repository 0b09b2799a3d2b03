"""The change history as a reader should read it: field labels, choice labels, the names of
related objects, values in words, in the reader's language.

The audit library records every concrete and reverse field of a saved row as text (``None``,
``True``, a foreign key's id, a choice's code, ``bi.Card.None`` for a reverse relation). This
module turns a page of log entries into rows of ``(label, old, new)`` that a user can read:
internal fields (the primary key, the row version, caches, profiles) and reverse relations
are left out; a foreign key's id becomes the name of the object, or "(hidden)" when the reader
may not see it, so a name never leaks through the history; the related objects of a whole page
are named with one query per model, however many entries there are.
"""

from __future__ import annotations

import contextlib
import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC

from django.db import models
from django.utils import formats, timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.text import Truncator, capfirst
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from openmis.core import permissions, registry

EMPTY = "—"
TEXT_LIMIT = 140
#: Bookkeeping every model of OpenMIS has (see :class:`openmis.core.models.OpenMISModel`).
BOOKKEEPING = frozenset({"id", "version", "created", "updated"})
INTERNAL_SUFFIXES = ("_hash", "_digest", "_cache", "_cached")


@dataclass
class Change:
    """One field of a log entry in words."""

    label: str
    old: str
    new: str


@dataclass
class Entry:
    """A log entry with its changes in words (``changes``) and, when the reader may not see
    the object it is about, its name hidden (``object_repr``)."""

    record: object
    changes: list[Change] = field(default_factory=list)
    object_repr: str = ""

    def __getattr__(self, name):  # timestamp, actor, action, content_type, ...
        return getattr(self.record, name)


def is_internal(model_field) -> bool:
    """Whether a field is bookkeeping rather than something a user entered or reads: the
    primary key, the row version and timestamps, caches and hashes, fields the model keeps for
    itself (not editable and without a label of their own) and computed JSON (a profile)."""
    if model_field.primary_key or model_field.name in BOOKKEEPING:
        return True
    if model_field.name.endswith(INTERNAL_SUFFIXES):
        return True
    if not model_field.editable:
        if isinstance(model_field, models.JSONField):
            return True
        # A field declared without a verbose name gets its attribute name: the model's own.
        if str(model_field.verbose_name) == model_field.name.replace("_", " "):
            return True
    return False


def shown_fields(model) -> dict[str, models.Field]:
    """The fields of ``model`` a history shows, by name: concrete, not internal, not kept out
    of the history by the registered type (``history_exclude``)."""
    excluded = registry.get(model).history_exclude if registry.is_registered(model) else ()
    shown = {}
    for f in model._meta.concrete_fields:
        if f.name in excluded or is_internal(f):
            continue
        shown[f.name] = f
    return shown


def _raw_changes(record) -> dict:
    changes = record.changes
    if isinstance(changes, str):
        try:
            changes = json.loads(changes)
        except ValueError:
            return {}
    return changes if isinstance(changes, dict) else {}


def _is_empty(raw) -> bool:
    return raw is None or raw in ("None", "", "null")


class Namer:
    """Names of related objects for one reader: filled for a whole page with one query per
    model (:meth:`want` every id first, then :meth:`name`)."""

    def __init__(self, user):
        self.user = user
        self.wanted: dict[type[models.Model], set] = defaultdict(set)
        self.names: dict[type[models.Model], dict] | None = None

    def want(self, model, raw) -> None:
        # A legacy value that is no id is shown as recorded.
        with contextlib.suppress(Exception):
            self.wanted[model].add(model._meta.pk.to_python(raw))

    def _load(self) -> None:
        self.names = {}
        for model, pks in self.wanted.items():
            self.names[model] = self._names_of(model, pks)

    def _names_of(self, model, pks) -> dict | None:
        """``{pk: name}`` of the rows the reader may see; None when they may see none."""
        if registry.is_registered(model):
            ot = registry.get(model)
            if not permissions.can(self.user, ot, "view"):
                return None
            rows = ot.for_user(self.user, ot.queryset().filter(pk__in=pks))
        else:
            rows = model._default_manager.filter(pk__in=pks)
        return {row.pk: str(row) for row in rows}

    def name(self, model, raw) -> str:
        if self.names is None:
            self._load()
        names = self.names.get(model)
        if names is None:
            return _("(hidden)")
        try:
            pk = model._meta.pk.to_python(raw)
        except Exception:
            return str(raw)
        if pk in names:
            return names[pk]
        # Gone, or a row the reader may not see: the two are not told apart.
        return _("(hidden or deleted)")


def _json_words(raw) -> str:
    try:
        value = json.loads(raw) if isinstance(raw, str) else raw
    except ValueError:
        return Truncator(str(raw)).chars(TEXT_LIMIT)
    if value in (None, {}, [], ""):
        return EMPTY
    if isinstance(value, list) and all(isinstance(v, str | int | float) for v in value):
        return Truncator(", ".join(str(v) for v in value)).chars(TEXT_LIMIT)
    return pgettext("history value", "filled in")


def _model_words(model_field, raw) -> str | None:
    """``raw`` in the model's own words, when the model gives a field without choices a
    ``get_<field>_display`` (as the list and detail pages show it); else None."""
    model = getattr(model_field, "model", None)
    if model is None or not callable(getattr(model, f"get_{model_field.name}_display", None)):
        return None
    try:
        obj = model()
        setattr(obj, model_field.attname, model_field.to_python(raw))
        return str(getattr(obj, f"get_{model_field.name}_display")())
    except Exception:  # a value the model no longer reads: shown as recorded
        return None


def _value(model_field, raw, namer: Namer) -> str:
    if _is_empty(raw):
        return EMPTY
    if model_field.choices:
        choices = {str(k): v for k, v in model_field.flatchoices}
        return str(choices.get(str(raw), raw))
    words = _model_words(model_field, raw)
    if words is not None:
        return Truncator(words).chars(TEXT_LIMIT)
    if model_field.many_to_one or model_field.one_to_one:
        return namer.name(model_field.related_model, raw)
    if isinstance(model_field, models.BooleanField):
        return _("yes") if str(raw) == "True" else _("no")
    if isinstance(model_field, models.JSONField):
        return _json_words(raw)
    if isinstance(model_field, models.DateTimeField):
        moment = parse_datetime(str(raw))
        if moment is None:
            return str(raw)
        if timezone.is_naive(moment):
            moment = moment.replace(tzinfo=UTC)  # the library records UTC without a zone
        return formats.localize(timezone.localtime(moment))
    if isinstance(model_field, models.DateField):
        day = parse_date(str(raw)[:10])
        return formats.localize(day) if day else str(raw)
    if isinstance(model_field, models.DecimalField | models.FloatField | models.IntegerField):
        try:
            return formats.number_format(
                model_field.to_python(raw), use_l10n=True, force_grouping=True
            )
        except Exception:
            return str(raw)
    return Truncator(str(raw)).chars(TEXT_LIMIT)


def present(records, user) -> list[Entry]:
    """``records`` (audit log entries, any types) as :class:`Entry` objects for ``user``.

    Makes one query per model whose objects the entries name (and one per type whose rows
    are private, for the entries' own names), not one per entry.
    """
    namer = Namer(user)
    plan = []
    private: dict[type[models.Model], set] = defaultdict(set)
    for record in records:
        model = record.content_type.model_class() if record.content_type_id else None
        fields = shown_fields(model) if model is not None else {}
        items = []
        for name, values in _raw_changes(record).items():
            model_field = fields.get(name)
            if model_field is None or not isinstance(values, list | tuple) or len(values) != 2:
                continue  # internal, reverse, removed or a many-to-many summary
            if (model_field.many_to_one or model_field.one_to_one) and not all(
                _is_empty(v) for v in values
            ):
                for v in values:
                    if not _is_empty(v):
                        namer.want(model_field.related_model, v)
            items.append((model_field, values))
        if model is not None and (
            registry.is_private(model)
            or registry.is_redacted(model)
            or registry.is_history_redacted(model)
        ):
            private[model].add(record.object_id)
        plan.append((record, items))
    visible = {}
    unreadable: dict[type[models.Model], dict] = {}  # model -> {pk: redacted field names}
    for model, pks in private.items():
        object_type = registry.get(model)
        rows = object_type.for_user(user, model._default_manager.filter(pk__in=pks))
        guards = list(object_type.redacted)
        found = rows.values_list("pk", *(registry.readable_flag(name) for name in guards))
        visible[model] = set()
        for pk, *readable in found:
            visible[model].add(pk)
            hidden = {name for name, ok in zip(guards, readable, strict=True) if not ok}
            if hidden:
                unreadable.setdefault(model, {})[pk] = hidden
        for name, rule in object_type.history_redacted.items():
            condition = rule(user)
            if condition is None:
                continue  # the reader reads every past value of the field
            readable = set(
                model._default_manager.filter(pk__in=pks)
                .filter(condition)
                .values_list("pk", flat=True)
            )
            for pk in set(pks) - readable:
                unreadable.setdefault(model, {}).setdefault(pk, set()).add(name)
    entries = []
    for record, items in plan:
        entry = Entry(record, object_repr=record.object_repr)
        model = record.content_type.model_class() if record.content_type_id else None
        if model in visible and record.object_id not in visible[model]:
            entry.object_repr = _("(hidden)")
            entries.append(entry)  # what changed on a hidden object is not shown either
            continue
        hidden = unreadable.get(model, {}).get(record.object_id, ())
        for model_field, (old, new) in items:
            if record.action == 0 and _is_empty(new):
                continue  # created without a value: nothing to tell
            if model_field.name in hidden:  # text its reader may not read (ObjectType.redacted)
                entry.changes.append(
                    Change(capfirst(model_field.verbose_name), _("(hidden)"), _("(hidden)"))
                )
                continue
            entry.changes.append(
                Change(
                    capfirst(model_field.verbose_name),
                    _value(model_field, old, namer),
                    _value(model_field, new, namer),
                )
            )
        if record.action == 1 and not entry.changes:
            continue  # only bookkeeping changed (a cache, a version): nothing a reader sees
        entries.append(entry)
    return entries


def for_object(obj, user, limit: int = 50) -> list[Entry]:
    """The newest ``limit`` changes of ``obj`` as ``user`` may read them."""
    from auditlog.models import LogEntry

    records = LogEntry.objects.get_for_object(obj).select_related("actor", "content_type")
    return present(list(records[:limit]), user)


def refers_to_private(model) -> bool:
    """Whether rows of ``model`` point at a type whose rows only some users see (by a foreign
    key or a many-to-many field): its history and fields table then name objects differently
    for different readers."""
    return any(
        registry.is_private(f.related_model)
        for f in shown_fields(model).values()
        if f.many_to_one or f.one_to_one
    ) or any(registry.is_private(f.related_model) for f in model._meta.many_to_many)


def reader_key(model, user) -> tuple:
    """What a rendered history of ``model`` depends on besides the data and the language:
    which types the reader may view, and the reader when it names private rows or shows
    fields some readers may not read (``ObjectType.redacted``, ``history_redacted``)."""
    key = (permissions.view_signature(user),)
    if (
        refers_to_private(model)
        or registry.is_redacted(model)
        or registry.is_history_redacted(model)
    ):
        key += (user.pk,)
    return key
