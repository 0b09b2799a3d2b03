"""The detail page of an object: its fields, related objects and history, rendered once and
cached until the apps its type depends on change."""

from __future__ import annotations

import re

from django.core.cache import cache
from django.db.models import ForeignKey
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string, select_template
from django.template.response import TemplateResponse
from django.urls import get_script_prefix
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from openmis.core import caching, formatting, history, permissions, registry
from openmis.core.views.generic.base import ObjectView

DETAIL_CACHE_SECONDS = 600
DETAIL_FRAGMENTS = {
    "fields": "core/_object_fields.html",
    "related": "core/_object_related.html",
    "history": "core/_history.html",
}


def _field_rows(object_type, obj, user, viewable=frozenset()):
    """``(label, value, link)`` of the type's form fields; a related object is linked only
    when the reader may view its type (``viewable``), so no link leads them to a refusal."""
    rows = []
    for name in object_type.form_fields:
        if name in object_type.detail_exclude:
            continue
        field = object_type.opts.get_field(name)
        if getattr(field, "many_to_many", False):
            related = getattr(obj, name).all()
            if registry.is_private(field.related_model):
                # Only the rows the reader may see are named (the fragment is then kept per
                # reader: history.reader_key); the others are counted, unless their type's
                # hidden rows are missing everywhere (confidential feedback: not even counted).
                everyone = len(related)
                target = registry.get(field.related_model)
                related = target.for_user(user, related)
                names = [str(v) for v in related]
                if len(names) < everyone and not target.hidden_missing:
                    names.append(_("%(count)d hidden") % {"count": everyone - len(names)})
                rows.append((field.verbose_name, ", ".join(names), None))
                continue
            value = ", ".join(str(v) for v in related)
            rows.append((field.verbose_name, value, None))
            continue
        value = getattr(obj, name)
        link = None
        if value is not None and isinstance(field, ForeignKey):
            if registry.is_registered(field.related_model):
                target = registry.get(field.related_model)
                # A private row (a question) only for those who may see it: the fragment is
                # then kept per reader (history.reader_key).
                if target.label in viewable and (
                    target.visible_to is None or target.for_user(user).filter(pk=value.pk).exists()
                ):
                    link = target.url("detail", value)
        elif hasattr(obj, f"get_{name}_display"):  # choices, or the model's own words
            value = getattr(obj, f"get_{name}_display")()
        elif value is not None and not isinstance(value, str | bool):
            value = formatting.value_text(value)  # a number, day or instant for the reader
        rows.append((field.verbose_name, value, link))
    return rows


def _related(object_type, obj, viewable=frozenset()):
    """Registered objects that point at ``obj``: a count and a link to their filtered list,
    for the types the reader may view (``viewable``)."""
    related = []
    for rel in object_type.opts.related_objects:
        if not registry.is_registered(rel.related_model) or rel.many_to_many:
            continue
        other = registry.get(rel.related_model)
        if other.label not in viewable:
            continue
        name = rel.field.name
        if name not in other.filters:
            continue
        # Kept for everyone who may view ``obj``: rows only some viewers may see (see
        # ``visible_to``) are linked without a count, which would tell others how many.
        count = (
            None
            if other.visible_to is not None
            else other.model._default_manager.filter(**{name: obj}).count()
        )
        related.append(
            {
                "label": other.verbose_name_plural,
                "field": rel.field.verbose_name,
                "count": count,
                "url": f"{other.url('list')}?{name}={obj.pk}",
            }
        )
    return related


def detail_fragments(object_type, obj, user) -> dict[str, str]:
    """The rendered fields table, related-object counts and change history of ``obj``.

    They show the data, linked and named as far as the reader may view the types they lead
    to, the same to everyone who may view the object and the same types, so they are
    cached until the apps the type depends on change (``ObjectType.cache_depends_on``: any
    committed write there renders them anew), under the language, the time zone (the
    timestamps), the script prefix (the links) and :func:`history.reader_key`. A warm detail
    page then makes no query for them: the counts alone are one query per related type.
    """

    def render() -> dict[str, str]:
        viewable = permissions.viewable(user)
        inner = {
            "object": obj,
            "object_type": object_type,
            "fields": _field_rows(object_type, obj, user, viewable),
            "related": _related(object_type, obj, viewable),
            "history": history.for_object(obj, user),
        }
        return {
            name: render_to_string(template, inner) for name, template in DETAIL_FRAGMENTS.items()
        }

    fragments = caching.get_or_set(
        (
            "detail",
            object_type.label,
            obj.pk,
            get_language(),
            timezone.get_current_timezone_name(),
            get_script_prefix(),
            *history.reader_key(object_type.model, user),
        ),
        render,
        depends_on=object_type.cache_depends_on,
        timeout=DETAIL_CACHE_SECONDS,
    )
    return {name: mark_safe(html) for name, html in fragments.items()}  # noqa: S308


# The regions of a rendered page (marked in base.html) that a cached detail page keeps; the
# rest (menu, user, messages, CSRF tokens of the header) is rendered for every request.
PAGE_REGIONS = {
    "title": re.compile(r"<title>(.*?) · OpenMIS</title>", re.S),
    "head": re.compile(r"<!--om:head-->(.*?)<!--/om:head-->", re.S),
    "content": re.compile(r"<!--om:content-->(.*?)<!--/om:content-->", re.S),
    "body": re.compile(r"<!--om:body-->(.*?)<!--/om:body-->", re.S),
}
CSRF_INPUT = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]*(")')
CSRF_MARK = "\x00csrf\x00"


def page_regions(html: str) -> dict[str, str] | None:
    """The cacheable regions of a rendered page, its forms' CSRF tokens replaced by a mark
    (each session has its own); None when a region is missing."""
    regions = {}
    for name, pattern in PAGE_REGIONS.items():
        found = pattern.search(html)
        if found is None:
            return None
        regions[name] = CSRF_INPUT.sub(rf"\g<1>{CSRF_MARK}\g<2>", found.group(1))
    return regions


class ObjectDetailView(ObjectView):
    """Fields, related objects and change history; template ``<app>/<model>.html`` if present.

    ``detail`` holds them rendered (:func:`detail_fragments`): ``detail.fields``,
    ``detail.related`` and ``detail.history``.
    """

    def get_object(self, pk):
        """The object, from the cache until its type's apps change (one query and its
        compiling saved on every warm view); for a type with per-user visibility, once a
        bare query (no related rows, no order) has found it among those the user may see."""
        ot = self.object_type
        # Through the type's queryset: the related rows its name needs come along. A missing
        # row is not kept (the 404 is raised before anything is stored).
        obj = caching.get_or_set(
            ("object", ot.label, str(pk)),
            lambda: get_object_or_404(ot.queryset(), pk=pk),
            depends_on=ot.cache_depends_on,
            timeout=DETAIL_CACHE_SECONDS,
        )
        user = self.request.user
        if ot.visible_to is not None:
            every = ot.model._default_manager.all()
            mine = ot.visible_to(every, user)
            # The rows left as they were (the same queryset: the user sees them all) need
            # no query.
            if mine is not every and not mine.filter(pk=obj.pk).order_by().exists():
                self.refuse_hidden()
        # the fields the reader may not read, blanked (ObjectType.redacted)
        return ot.redact_object(obj, user)

    def get(self, request, pk):
        self.require("view")
        obj = self.get_object(pk)
        ot = self.object_type
        user = request.user
        can_change = permissions.can(user, ot, "change", obj)
        can_delete = permissions.can(user, ot, "delete", obj)
        page_key = None
        if ot.page_cache is not None and not request.GET:
            # The page of a type that says what it depends on is rendered once per generation
            # of the apps it shows and per what the user may see or do (their permission
            # context: nothing of one user's page shows on another's); the header, menu and
            # messages around it are rendered as for any page, and its forms get this
            # session's token. Measured: a warm system page costs a third less this way than
            # rendering its template around its cached sections. A query string (a
            # drill-down, a tab) may change what the page shows: such a request is rendered.
            page_key = caching.versioned_key(
                (
                    "page",
                    ot.label,
                    obj.pk,
                    get_language(),
                    timezone.get_current_timezone_name(),
                    get_script_prefix(),
                    timezone.localdate().isoformat(),
                    can_change,
                    can_delete,
                    *history.reader_key(ot.model, user),
                    *ot.page_cache(obj, user),
                ),
                depends_on=ot.cache_depends_on,
            )
            regions = cache.get(page_key)
            if regions is not None:
                token = get_token(request)
                page = {k: mark_safe(v.replace(CSRF_MARK, token)) for k, v in regions.items()}  # noqa: S308
                context = {"object": obj, "object_type": ot, "page": page}
                return TemplateResponse(request, "core/cached_page.html", context)
        template = select_template(
            [f"{ot.app_label}/{ot.model_name}.html", "core/object_detail.html"]
        )
        context = self.context(object=obj, can_change=can_change, can_delete=can_delete)
        if ot.detail_context is not None:
            context.update(ot.detail_context(obj, request))
        context["detail"] = detail_fragments(ot, obj, user)
        response = TemplateResponse(request, template.template.name, context)
        if page_key is not None:

            def keep(rendered):
                regions = page_regions(rendered.content.decode())
                if regions is not None:
                    cache.set(page_key, regions, DETAIL_CACHE_SECONDS)

            response.add_post_render_callback(keep)
        return response
