"""Dashboard pages: filters, cards that load on their own, the PDF."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from openmis.bi import access, layout, presentation, results
from openmis.bi.models import Card, Column, Dashboard, Relationship
from openmis.bi.views.questions import answer, capped_values_message, drill_url, result_context
from openmis.bi.views.shares import share_targets
from openmis.core import registry
from openmis.core.markdown import render_markdown
from openmis.core.views import access as access_views

MAX_CARDS = 25
#: The keyboard alternative to drag and drop: one button per step, with a visible symbol and
#: a label for screen readers.
STEP_BUTTONS = [
    ("up", "↑", gettext_lazy("Move up")),
    ("down", "↓", gettext_lazy("Move down")),
    ("left", "←", gettext_lazy("Move left")),
    ("right", "→", gettext_lazy("Move right")),
    ("wider", "⇔+", gettext_lazy("Wider")),
    ("narrower", "⇔\N{MINUS SIGN}", gettext_lazy("Narrower")),
    ("taller", "⇕+", gettext_lazy("Taller")),
    ("shorter", "⇕\N{MINUS SIGN}", gettext_lazy("Shorter")),
]


def _dashboard_filters(dashboard: Dashboard, params) -> dict:
    """The filter values of the URL's query for ``dashboard``'s filters."""
    return results.read_filters(dashboard.filters, params)


@dataclass
class FilterField:
    """One filter of a dashboard page: its column path, its heading (the column's label, as
    the builder names it), the dataset whose values its dropdown offers, and its range input
    type ("date" or "number") when its values are ordered."""

    column: str
    label: str
    dataset: str = ""
    range_input: str = ""
    values: list = field(default_factory=list)
    low: str = ""
    high: str = ""


def _range_input(type_name: str) -> str:
    name = (type_name or "").lower()
    if name == "date" or name.startswith("timestamp"):
        return "date"
    if re.match(r"^(u?int\d+|float\d+|decimal)", name):
        return "number"
    return ""


def _filter_fields(dashboard: Dashboard, cards: list[Card], values: dict) -> list[FilterField]:
    """The page's filters: for each filter column, the dataset of the first card that has it
    (where its dropdown's values come from), its label and type there."""
    order = [c.question.dataset_id for c in cards if c.question_id and c.question.dataset_id]
    paths = [p for p in dashboard.filters or [] if isinstance(p, str)]
    found: dict[str, tuple[str, Column]] = {}
    columns = Column.objects.filter(dataset_id__in=order, name__in=paths)
    columns = sorted(columns.select_related("dataset"), key=lambda c: order.index(c.dataset_id))
    for column in columns:
        found.setdefault(column.name, (column.dataset.name, column))
    # a related dataset's column ("customer.region"): a card's dataset with that relation
    related = [p for p in paths if p not in found and "." in p]
    if related:
        owners = Relationship.objects.filter(
            dataset_id__in=order, name__in=[p.split(".", 1)[0] for p in related]
        ).select_related("dataset")
        owners = sorted(owners, key=lambda r: order.index(r.dataset_id))
        targets = {
            (c.dataset_id, c.name): c
            for c in Column.objects.filter(
                dataset_id__in={r.target_id for r in owners},
                name__in=[p.split(".", 1)[1] for p in related],
            )
        }
        for path in related:
            relation, name = path.split(".", 1)
            for owner in owners:
                target = targets.get((owner.target_id, name))
                if owner.name == relation and target is not None:
                    found[path] = (owner.dataset.name, target)
                    break
    fields = []
    for path in paths:
        dataset, column = found.get(path, ("", None))
        condition = values.get(path, {})
        fields.append(
            FilterField(
                column=path,
                label=presentation.field_label(path, column.label if column else ""),
                dataset=dataset,
                range_input=_range_input(column.type) if column else "",
                values=condition.get("values", []),
                low=condition.get("from", ""),
                high=condition.get("to", ""),
            )
        )
    return fields


def dashboard_context(dashboard: Dashboard, request) -> dict:
    cards = list(dashboard.cards.select_related("question"))
    values = _dashboard_filters(dashboard, request.GET)
    can_arrange = access_views.can(request.user, Dashboard, "change", dashboard)
    filter_params = results.filter_query(values)
    return {
        "can_arrange": can_arrange,
        "arranging": can_arrange and request.GET.get("arrange") == "1",
        "step_buttons": STEP_BUTTONS,
        "cards": cards,
        "too_many_cards": len(cards) > MAX_CARDS,
        "max_cards": MAX_CARDS,
        "filter_fields": _filter_fields(dashboard, cards, values) if dashboard.filters else [],
        "filters_on": bool(values),
        "filter_messages": {
            "placeholder": _("Any value"),
            "clear": _("Clear this filter"),
            "use": _("Use “%s”"),
            "none": _("No value matches."),
            "loading": _("Looking up values…"),
            "more": capped_values_message(),
        },
        "filter_query_without_arrange": urlencode(filter_params),
        "arrange_query": urlencode([*filter_params, ("arrange", "1")]),
        "can_share": access.may_share(request.user, dashboard),
        "shares": list(dashboard.shares.select_related("user", "role", "department")),
        "share_targets": share_targets(),
    }


@login_required
def card_render(request, pk):
    """One card's content, loaded by the dashboard page on its own (htmx)."""
    card = get_object_or_404(Card.objects.select_related("dashboard", "question"), pk=pk)
    if not registry.get(Dashboard).for_user(request.user).filter(pk=card.dashboard_id).exists():
        raise PermissionDenied(_("This dashboard has not been shared with you."))
    context = {"card": card}
    if card.question_id:
        question = card.question
        values = _dashboard_filters(card.dashboard, request.GET)
        result, error = answer(request.user, question, extra_filters=values)
        dims = len(question.spec.get("dimensions", [])) if question.spec else None
        context.update(
            error=error,
            chart=question.chart,
            drill_url=drill_url(question, card.dashboard, values),
            **result_context(question.chart, result, dims, question.spec),
        )
    else:
        context["text_html"] = render_markdown(card.text)
    return TemplateResponse(request, "bi/_card.html", context)


@login_required
def dashboard_pdf(request, pk):
    """The dashboard as a PDF, with the reader's rows and the filters of the query string."""
    from openmis.bi.pdf import document

    dashboard = registry.get(Dashboard).for_user(request.user).filter(pk=pk).first()
    if dashboard is None:
        raise PermissionDenied(_("This dashboard has not been shared with you."))
    values = _dashboard_filters(dashboard, request.GET)
    response = HttpResponse(
        document.dashboard_pdf(dashboard, request.user, values), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'attachment; filename="dashboard-{dashboard.pk}.pdf"'
    return response


@login_required
@require_POST
def card_step(request, pk):
    """The keyboard (and script-free) alternative to dragging: move or resize a card one
    grid cell, then back to the dashboard in arranging mode, at that card."""
    card = get_object_or_404(Card.objects.select_related("dashboard"), pk=pk)
    dashboard = card.dashboard
    if not registry.get(Dashboard).for_user(request.user).filter(pk=dashboard.pk).exists():
        raise PermissionDenied(_("This dashboard has not been shared with you."))
    access_views.require(request.user, Dashboard, "change", dashboard)
    step = request.POST.get("step", "")
    if step not in layout.STEPS:
        return HttpResponseBadRequest(_("Unknown step “%(step)s”.") % {"step": step[:20]})
    layout.step_card(request.user, card, step)
    filters = _dashboard_filters(dashboard, request.GET)
    query = [("arrange", "1"), *results.filter_query(filters)]
    return redirect(f"{dashboard.get_absolute_url()}?{urlencode(query)}#card-{card.pk}-place")
