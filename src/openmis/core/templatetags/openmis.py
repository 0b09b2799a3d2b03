"""Template helpers of the generic object framework."""

from __future__ import annotations

from django import template
from django.forms.utils import flatatt
from django.utils.translation import gettext as _

from openmis.core import formatting, registry, widgets

register = template.Library()


@register.filter
def type_url(object_type, action: str) -> str:
    """URL of ``action`` for an object type: ``{{ object_type|type_url:"list" }}``."""
    return object_type.url(action)


@register.filter
def object_url(obj, action: str = "detail") -> str:
    """URL of ``action`` for a registered object, or "" if its model is not registered."""
    if obj is None or not registry.is_registered(type(obj)):
        return ""
    return registry.get(type(obj)).url(action, obj)


@register.filter
def action_label(action: int) -> str:
    """The audit log action as a word."""
    return {0: _("created"), 1: _("changed"), 2: _("deleted"), 3: _("accessed")}.get(action, "")


@register.filter
def get_item(mapping, key):
    """``mapping[key]`` in a template, or None."""
    if not mapping:
        return None
    return mapping.get(key)


@register.filter
def bootstrap(field, css: str):
    """A bound field's widget with Bootstrap's ``css`` class (and ``is-invalid`` on error), for
    forms OpenMIS does not build itself (allauth's sign-in and account pages)."""
    classes = [css, *(["is-invalid"] if field.errors else [])]
    existing = field.field.widget.attrs.get("class")
    return field.as_widget(attrs={"class": " ".join([existing, *classes] if existing else classes)})


@register.filter
def money(value, currency: str = "") -> str:
    """A whole amount in the reader's language ("12 345" / "12,345"), with ``currency`` after
    it when given (``{{ x|money:object.currency }}``); an em dash when it does not exist."""
    return formatting.money_text(value, currency or "")


@register.filter
def money_cents(value, currency: str = "") -> str:
    """An amount with its two decimals: ``{{ x|money_cents:"PLN" }}``."""
    return formatting.money_text(value, currency or "", cents=True)


@register.filter
def percent(value, places: int = 1) -> str:
    """A fraction as a percentage in the reader's language: 0.152 -> "15.2%" / "15,2%"."""
    return formatting.percent_text(value, int(places))


@register.filter
def number(value, places=None) -> str:
    """A number with the reader's grouping and decimal sign; ``places`` fixes the decimals."""
    if value == "" or isinstance(value, str):
        return value or formatting.EMPTY
    return formatting.number_text(value, None if places in (None, "") else int(places))


@register.filter
def day(value) -> str:
    """A date (or the day of an instant in the reader's time zone): "7 gru 2026"."""
    return formatting.date_text(value)


@register.filter
def instant(value) -> str:
    """An instant in the reader's time zone: "7 gru 2026, 03:50"."""
    return formatting.datetime_text(value)


@register.filter
def clock(value) -> str:
    """The time of day of an instant in the reader's time zone: "03:50"."""
    return formatting.time_text(value)


@register.filter
def bucket(value, grain: str) -> str:
    """A BI time bucket's period: ``{{ d|bucket:"month" }}`` -> "sty 2023"."""
    return formatting.bucket_text(value, grain)


@register.simple_tag(takes_context=True)
def render_extension(context, shown) -> str:
    """Render a tile or panel (:class:`openmis.core.extensions.Shown`) as ``{% include %}``
    would, with its own context on top of the page's."""
    template = context.template.engine.get_template(shown.template)
    with context.push(shown.context):
        return template.render(context)


@register.simple_tag(takes_context=True)
def object_panels(context, obj) -> str:
    """The panels other apps registered for ``obj``'s detail page that the request's user
    may see, rendered in order: ``{% object_panels object %}``."""
    from django.utils.safestring import mark_safe

    from openmis.core.extensions import panels_for

    request = context.get("request")
    if request is None:
        return ""
    return mark_safe(  # noqa: S308  (each part is a rendered template, autoescaped)
        "".join(render_extension(context, shown) for shown in panels_for(request, obj))
    )


@register.simple_tag
def picker_attrs():
    """The attributes making a template's ``<select>`` of objects a searchable picker."""
    return flatatt(widgets.picker_attrs())
