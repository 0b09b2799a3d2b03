"""The object registry: one declaration per model gives it list, detail, edit, delete, import,
export, API, search, history and permissions (see docs/development/adding-a-model.md)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.urls import reverse
from django.utils.text import capfirst

_registry: dict[str, ObjectType] = {}


@dataclass
class ObjectType:
    """Everything the generic machinery needs to know about one model.

    Parameters
    ----------
    model
        The Django model, a subclass of :class:`openmis.core.models.OpenMISModel`.
    slug
        URL segment of the plural name (``people`` in ``/org/people/``).
    list_columns
        Fields shown in the list table, in order; the first links to the detail page.
    filters
        Fields offered as filters in the list and the API.
    search
        Fields matched by quick search and global search (``icontains``).
    form_fields
        Fields of the create/edit form and of the API serializer.
    natural_key
        Fields that identify a row in imports (an existing row is updated) and by which other
        models' imports refer to this one.
    import_fields, export_fields
        Columns of imports and exports; default to ``form_fields`` (plus ``id`` for export).
    department_field
        Path to the :class:`~openmis.org.models.Department` a row belongs to, for roles whose
        write scope is their own department; ``"self"`` for departments themselves.
    detail_exclude
        Form fields the detail page's "Details" table leaves out because the type's own
        template shows them better (a Markdown text, rendered).
    department_resolver
        ``callable(obj) -> int | None``: the department a row belongs to, when one path does
        not say it (an action item belongs to its owner's department, or, when a client's
        contact does it, to the department of its meeting's series). Replaces
        ``department_field`` in the write-scope checks; ``department_field`` still names the
        column that places a row (imports report refusals there).
    nav_group
        Heading under which the model appears in the navigation.
    in_menu
        ``False`` for rows reached through another object's page (a dataset's columns, a
        dashboard's cards): they keep their pages and API but stay out of the menu, which
        lists what a user sets out to do and the records they look for.
    form_class, serializer_class, filterset_class
        Optional hand-written replacements of the generated classes. ``serializer_class`` is
        best given as its dotted path (``"openmis.org.serializers.RoleSerializer"``), imported
        on first use: a serializer module imports DRF's serializers, which starting Django
        need not load (see ``core/tests/test_startup.py``).
    ordering
        Default order of lists.
    prefetch
        ``prefetch_related`` lookups that the API representation needs.
    read_only
        Rows are created by the app's services only (a lifecycle transition): no one may
        add, change, delete or import them through the generic pages or the API.
    delete_warnings
        ``callable(obj) -> list[str]``: consequences to show before a delete is confirmed.
    detail_context
        ``callable(obj, request) -> dict`` adding to the detail page's context (results an
        app computes for its own detail template).
    page_cache
        ``callable(obj, user) -> tuple``: everything besides the data, the day, the language,
        the time zone and the user's right to change or delete ``obj`` that the type's detail
        page depends on (what of it the user may see or do). When set, the rendered page is
        kept under those and the generations of :attr:`cache_depends_on`, and served again
        without rendering (see :class:`~openmis.core.views.generic.ObjectDetailView`) to
        requests without a query string (those with one are always rendered); leave it unset
        for pages with other per-request content (forms bound to the request). What the
        panels other apps register on the page depend on
        (:func:`openmis.core.extensions.panels_vary`) is added by :func:`register`.
    cache_extra_apps
        App labels the type's cached list and detail fragments depend on besides those found
        from its relations (see :attr:`cache_depends_on`): for columns computed from apps the
        model has no relation to.
    select
        Extra ``select_related`` paths that the rows' names need (``alternative__evaluation``
        when an alternative's name shows its evaluation).
    visible_to
        ``callable(queryset, user) -> queryset``: the rows a user may see at all, for types
        whose rows are private to their owner unless shared (BI questions and dashboards).
        Lists, pages, search, exports and the API all go through it.
    hidden_missing
        ``True`` for types whose hidden rows must not be known to exist at all (confidential
        feedback, which names a client): their page answers 404 like a missing row, instead
        of the friendly 403 of ``hidden_reason``.
    redacted
        ``{field: rule}``: text fields some readers of a row may not read although they see
        the row (the minutes of a confidential meeting, whose date everyone may see).
        ``rule(user)`` is the condition (a ``Q``) on the rows whose field ``user`` may read,
        or None for all. Rows read through :meth:`ObjectType.for_user` have the field blanked
        elsewhere (and are marked ``redacted``, so such a copy is never saved); searches do
        not match it there, the change history shows its changes as hidden, and pages and
        lists showing it are kept per reader. Lists, pages, exports and the API thus show the
        row without it.
    history_redacted
        ``{field: rule}``: fields whose past values only some readers of a row may read in its
        change history, although they read its current value (a published policy version's
        text: the drafts it went through are for its editors, approvers and the MIS office).
        ``rule(user)`` is the condition (a ``Q``) on the rows whose field history ``user`` may
        read, or None for all; the others see the field's changes as hidden, and the history
        is kept per reader.
    hidden_reason
        What the friendly 403 says when a row exists but ``visible_to`` hides it from the user
        (default: it has not been shared with them; ask its owner).
    object_access
        ``callable(user, action, obj) -> bool``: a per-row check added to the role's
        permission (only the owner, or those a row was shared with for editing, may change it).
    history_exclude
        Fields the change history neither records nor shows: figures computed from data that
        some readers of the object may not see (a restricted dataset's row count and profile).
    attachments
        Users may attach files to the objects (:mod:`openmis.core.attachments`): the detail
        page gets an attachments section and the API accepts them. Those who may see an object
        may download its files; those who may change it may add and remove them.
    after_save
        ``callable(obj) -> None`` called once a row was created or changed through the generic
        pages, the API or an import (with its many-to-many values set, in the same
        transaction as the save for the API and imports): what follows from the change at once
        (a meeting series creates its meetings), so that pages need not write when read.
    after_import
        ``callable(objs: list) -> None``: when set, an import calls it once, with every row it
        created or changed (in the import's transaction, after the last row), instead of
        ``after_save`` for each row, so that what follows from a long file is done in bulk
        (the new users of a system are told of once, not one by one).
    picker_hint
        The second line of an option in the pickers that choose rows of this type (see
        :mod:`openmis.core.widgets`): a field path (``"department"``, ``"vendor__name"``;
        a choice field shows its label) or ``callable(obj) -> str``. It tells apart rows of
        the same name: two "Anna Nowak" of different departments. A callable's data must be
        reachable through :attr:`select`, so a page of options stays one query.
    """

    model: type[models.Model]
    slug: str
    list_columns: list[str]
    form_fields: list[str]
    natural_key: list[str]
    filters: list[str] = field(default_factory=list)
    search: list[str] = field(default_factory=list)
    import_fields: list[str] | None = None
    export_fields: list[str] | None = None
    department_field: str | None = None
    department_resolver: Any = None
    nav_group: str = ""
    in_menu: bool = True
    icon: str = ""
    form_class: Any = None
    serializer_class: Any = None
    filterset_class: Any = None
    ordering: list[str] | None = None
    prefetch: list[str] = field(default_factory=list)
    select: list[str] = field(default_factory=list)
    detail_context: Any = None
    page_cache: Any = None
    cache_extra_apps: tuple[str, ...] = ()
    read_only: bool = False
    delete_warnings: Any = None
    visible_to: Any = None
    redacted: dict[str, Any] = field(default_factory=dict)
    history_redacted: dict[str, Any] = field(default_factory=dict)
    hidden_reason: Any = None
    hidden_missing: bool = False
    object_access: Any = None
    history_exclude: tuple[str, ...] = ()
    detail_exclude: tuple[str, ...] = ()
    attachments: bool = False
    after_save: Any = None
    after_import: Any = None
    picker_hint: Any = None
    #: Fields only some users may set: name -> predicate(user). An import by anyone else
    #: leaves such a column alone, as the API treats a read-only field (its forms and
    #: serializers apply the same predicate).
    set_only_by: dict[str, Any] = field(default_factory=dict)

    @property
    def opts(self):
        return self.model._meta

    @property
    def app_label(self) -> str:
        return self.opts.app_label

    @property
    def model_name(self) -> str:
        return self.opts.model_name

    @property
    def label(self) -> str:
        """``app_label.model_name``, the key of the registry."""
        return self.opts.label_lower

    @cached_property
    def cache_depends_on(self) -> frozenset[str]:
        """The app labels whose writes drop this type's cached lists and pages: its own, those
        of the models its rows point to (followed on) and those of the models pointing at it
        (the related counts), see :func:`openmis.core.caching.depends_on_model`."""
        from openmis.core import caching

        return caching.depends_on_model(self.model) | frozenset(self.cache_extra_apps)

    @property
    def verbose_name(self):
        return capfirst(self.opts.verbose_name)

    @property
    def verbose_name_plural(self):
        return capfirst(self.opts.verbose_name_plural)

    def url_name(self, action: str) -> str:
        """Name of this type's URL for ``action`` (list, add, detail, edit, delete, ...)."""
        return f"{self.app_label}:{self.model_name}_{action}"

    def url(self, action: str, obj: models.Model | None = None) -> str:
        """URL of ``action`` for this type, or for ``obj`` when given."""
        if obj is None:
            return self._type_urls(action)
        return reverse(self.url_name(action), kwargs={"pk": obj.pk})

    @cached_property
    def _type_urls(self):
        from functools import cache

        return cache(lambda action: reverse(self.url_name(action)))

    @cached_property
    def _detail_prefix(self) -> tuple[str, str]:
        marker = 987654321
        url = reverse(self.url_name("detail"), kwargs={"pk": marker})
        head, tail = url.split(str(marker))
        return head, tail

    def detail_url(self, pk) -> str:
        """URL of an object's page from its primary key, without a ``reverse()`` per row."""
        head, tail = self._detail_prefix
        return f"{head}{pk}{tail}"

    def perm(self, action: str) -> str:
        """The Django permission string for ``action`` (view, add, change, delete)."""
        return f"{self.app_label}.{action}_{self.model_name}"

    @cached_property
    def fk_fields(self) -> dict[str, type[models.Model]]:
        """Forward foreign keys among the declared fields, mapped to their target model."""
        names = {*self.list_columns, *self.form_fields, *(self.export_fields or [])}
        result = {}
        for name in names:
            try:
                f = self.opts.get_field(name)
            except Exception:  # noqa: S112  (a computed column, not a field)
                continue
            if f.many_to_one or f.one_to_one:
                result[name] = f.related_model
        return result

    @cached_property
    def m2m_fields(self) -> list[str]:
        """Many-to-many fields among the form and export fields (prefetched by API/export)."""
        names = {*self.form_fields, *(self.export_fields or [])}
        found = []
        for name in sorted(names):
            try:
                f = self.opts.get_field(name)
            except Exception:  # noqa: S112  (a computed column, not a field)
                continue
            if f.many_to_many:
                found.append(name)
        return found

    @cached_property
    def list_select_related(self) -> list[str]:
        return [*(n for n in self.list_columns if n in self.fk_fields), *self.select]

    @property
    def columns_for_import(self) -> list[str]:
        columns = self.import_fields or self.form_fields
        if self.natural_key == ["id"] and "id" not in columns:
            columns = ["id", *columns]
        return columns

    @property
    def columns_for_export(self) -> list[str]:
        return self.export_fields or ["id", *self.form_fields]

    @cached_property
    def hint_select(self) -> list[str]:
        """The ``select_related`` path :attr:`picker_hint` follows (when a field path)."""
        if not isinstance(self.picker_hint, str):
            return []
        model, steps = self.model, []
        for name in self.picker_hint.split("__"):
            f = model._meta.get_field(name)
            if not (f.many_to_one or f.one_to_one):
                break
            steps.append(name)
            model = f.related_model
        return ["__".join(steps)] if steps else []

    def hint(self, obj) -> str:
        """The second line of ``obj``'s option in a picker ("" when the type names none)."""
        if self.picker_hint is None or obj is None:
            return ""
        if callable(self.picker_hint):
            return str(self.picker_hint(obj) or "")
        value = obj
        for name in self.picker_hint.split("__"):
            if value is None:
                return ""
            display = getattr(value, f"get_{name}_display", None)
            value = display() if display is not None else getattr(value, name)
        return "" if value is None else str(value)

    def queryset(self):
        qs = self.model._default_manager.all()
        if self.list_select_related:
            qs = qs.select_related(*self.list_select_related)
        return qs

    def for_user(self, user, queryset=None):
        """The rows of ``queryset`` (default: all) that ``user`` may see at all."""
        qs = self.queryset() if queryset is None else queryset
        if self.visible_to is not None:
            qs = self.visible_to(qs, user)
        if self.redacted:
            qs = self._redact(qs, user)
        return qs

    def _redact(self, queryset, user):
        """``queryset`` annotated with whether ``user`` may read each :attr:`redacted` field
        (``<field>_readable``), its rows blanking the fields they may not."""
        annotations = {}
        for name, rule in self.redacted.items():
            condition = rule(user)
            readable = (
                models.Value(True)
                if condition is None
                else models.Case(
                    models.When(condition, then=models.Value(True)),
                    default=models.Value(False),
                )
            )
            annotations[readable_flag(name)] = models.ExpressionWrapper(
                readable, output_field=models.BooleanField()
            )
        queryset = queryset.annotate(**annotations)
        queryset._iterable_class = _redacting(tuple(self.redacted))
        return queryset

    def redact_object(self, obj, user):
        """``obj`` as ``user`` may read it: a copy with the :attr:`redacted` fields they may not
        read blanked (one query, none for a reader of everything)."""
        if not self.redacted or all(rule(user) is None for rule in self.redacted.values()):
            return obj
        names = tuple(self.redacted)
        flags = (
            self._redact(self.model._default_manager.filter(pk=obj.pk), user)
            .values_list(*(readable_flag(name) for name in names))
            .first()
        )
        hidden = [name for name, ok in zip(names, flags or (), strict=False) if not ok]
        if not hidden:
            return obj
        from copy import copy

        obj = copy(obj)
        for name in hidden:
            setattr(obj, name, "")
        obj.redacted = True
        return obj

    def search_terms(self, queryset, word: str) -> list[models.Q]:
        """The conditions "``word`` is in one of the search fields" for rows of ``queryset``
        (read through :meth:`for_user`): a :attr:`redacted` field matches only where its
        reader may read it, and not at all in a queryset without the annotation."""
        terms = []
        annotations = queryset.query.annotations
        for name in self.search:
            term = models.Q(**{f"{name}__icontains": word})
            if name in self.redacted:
                guard = readable_flag(name)
                if guard not in annotations:
                    continue
                term &= models.Q(**{guard: True})
            terms.append(term)
        return terms

    # The generated classes live in their own modules; built once, on first use.
    @cached_property
    def filterset(self):
        from openmis.core.filters import filterset_for

        return self.filterset_class or filterset_for(self)

    @cached_property
    def form(self):
        from openmis.core.forms import form_for

        return self.form_class or form_for(self)

    @cached_property
    def serializer(self):
        from django.utils.module_loading import import_string

        from openmis.core.api.serializers import serializer_for

        if isinstance(self.serializer_class, str):
            return import_string(self.serializer_class)
        return self.serializer_class or serializer_for(self)

    @cached_property
    def resource(self):
        from openmis.core.imports.resource import resource_for

        return resource_for(self)


def readable_flag(name: str) -> str:
    """The annotation that says whether the reader may read the redacted field ``name``."""
    return f"{name}_readable"


def _redacting(names: tuple[str, ...]):
    """The iterable of a queryset that blanks the :attr:`ObjectType.redacted` fields ``names``
    of the rows whose annotation says the reader may not read them."""
    from django.db.models.query import ModelIterable

    class RedactingIterable(ModelIterable):
        def __iter__(self):
            for obj in super().__iter__():
                for name in names:
                    if getattr(obj, readable_flag(name), True) is False:
                        setattr(obj, name, "")
                        obj.redacted = True
                yield obj

    return RedactingIterable


@dataclass
class Page:
    """A page of an app beyond its object lists, shown in the navigation."""

    nav_group: str
    label: str
    url_name: str
    permission: str  # "app_label.codename" needed to see it

    @property
    def url(self) -> str:
        return reverse(self.url_name)


_pages: list[Page] = []


def register_page(nav_group, label, url_name: str, permission: str) -> None:
    """Add an app's own page (a report, a graph) to the navigation under ``nav_group``."""
    _pages.append(Page(nav_group, label, url_name, permission))


def all_pages() -> list[Page]:
    return list(_pages)


def on_call(path: str):
    """The function at the dotted ``path``, imported when first called.

    For registries and app configs, which ``django.setup()`` imports: a view's function given
    as ``detail_context`` (or a check installed at start) whose module imports what starting
    Django need not load (the BI query engine, file formats) is named so instead.
    """

    target = None

    def call(*args, **kwargs):
        nonlocal target
        if target is None:  # resolved once: a page calls its detail context on every render
            from django.utils.module_loading import import_string

            target = import_string(path)
        return target(*args, **kwargs)

    call.__name__ = call.__qualname__ = path.rsplit(".", 1)[-1]
    call.__doc__ = f":func:`{path}`, imported on first use."
    return call


def register(model: type[models.Model], **options) -> ObjectType:
    """Declare ``model`` to the generic object framework and to the audit log."""
    from auditlog.registry import auditlog

    object_type = ObjectType(model=model, **options)
    if object_type.page_cache is not None:
        object_type.page_cache = _with_panels(object_type.page_cache)
    _registry[object_type.label] = object_type
    auditlog.register(
        model, exclude_fields=["version", "created", "updated", *object_type.history_exclude]
    )
    return object_type


def _with_panels(page_cache):
    """``page_cache`` and what the page's registered panels depend on for the user, so a
    kept page never shows one user a panel rendered for another."""

    def varies(obj, user) -> tuple:
        from openmis.core.extensions import panels_vary

        return (*page_cache(obj, user), *panels_vary(obj, user))

    return varies


def get(model_or_label) -> ObjectType:
    """The registered type of a model, a model instance or an ``app_label.model`` label."""
    if isinstance(model_or_label, str):
        return _registry[model_or_label.lower()]
    return _registry[model_or_label._meta.label_lower]


def is_registered(model) -> bool:
    return model._meta.label_lower in _registry


def all_types() -> list[ObjectType]:
    """Every registered type, in registration order."""
    return list(_registry.values())


def labels() -> tuple[str, ...]:
    """The labels of every registered type, in registration order."""
    return tuple(_registry)


def is_redacted(model) -> bool:
    """Whether some readers of ``model``'s rows may not read some of their fields."""
    return is_registered(model) and bool(get(model).redacted)


def is_history_redacted(model) -> bool:
    """Whether some readers of ``model``'s rows may not read some fields' past values in its
    change history (its type has ``history_redacted``)."""
    return is_registered(model) and bool(get(model).history_redacted)


def is_private(model) -> bool:
    """Whether some users may not see some rows of ``model`` (its type has ``visible_to``)."""
    return is_registered(model) and get(model).visible_to is not None


def current_references(instance, name: str) -> list:
    """Primary keys that the field ``name`` of a saved ``instance`` refers to now."""
    if instance is None or instance.pk is None:
        return []
    try:
        model_field = instance._meta.get_field(name)
    except FieldDoesNotExist:
        return []
    if model_field.many_to_many:
        return list(getattr(instance, name).values_list("pk", flat=True))
    if model_field.many_to_one or model_field.one_to_one:
        return [getattr(instance, model_field.attname)]
    return []


def visible_only(queryset, user, keep=()):
    """The rows of ``queryset`` that ``user`` may see, plus the primary keys in ``keep``.

    What every reference field (a foreign key or many-to-many of a form, a serializer or an
    import) offers and accepts: a user may not point at an object hidden from them (a BI
    question not shared with them), and an id they may not see is refused like one that does
    not exist, so its existence is not revealed. ``keep`` holds the values the edited row
    already refers to, so that saving it unchanged is not refused.
    """
    model = queryset.model
    if user is None or not is_private(model):
        return queryset  # no acting user (the command line) or rows everyone may see
    if not user.is_authenticated:
        return queryset.none()
    object_type = get(model)
    visible = object_type.for_user(user, model._default_manager.all())
    condition = models.Q(pk__in=visible.values("pk"))
    keep = [pk for pk in keep if pk is not None]
    if keep:
        condition |= models.Q(pk__in=keep)
    return queryset.filter(condition)
