"""Dashboard pages: filters, cards that load on their own, the PDF."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from openmis.bi import access, layout
from openmis.bi.models import Card, Column, Dashboard, Relationship
from openmis.bi.views.questions import answer, drill_url, result_context
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
    return {
        col: params[f"f_{col}"]
        for col in (dashboard.filters or [])
        if isinstance(col, str) and params.get(f"f_{col}", "").strip()
    }


def _filter_datasets(dashboard: Dashboard, cards: list[Card]) -> dict[str, str]:
    """For each filter column, the dataset of the first card that has it: where its
    dropdown's values come from."""
    order = [c.question.dataset_id for c in cards if c.question_id and c.question.dataset_id]
    found = {}
    columns = Column.objects.filter(dataset_id__in=order, name__in=dashboard.filters or [])
    columns = sorted(columns.select_related("dataset"), key=lambda c: order.index(c.dataset_id))
    for column in columns:
        found.setdefault(column.name, column.dataset.name)
    # a related dataset's column ("customer.region"): a card's dataset with that relation
    for path in dashboard.filters or []:
        if path in found or not isinstance(path, str) or "." not in path:
            continue
        relation, name = path.split(".", 1)
        owners = Relationship.objects.filter(
            dataset_id__in=order, name=relation, target__columns__name=name
        ).select_related("dataset")
        owners = sorted(owners, key=lambda r: order.index(r.dataset_id))
        if owners:
            found[path] = owners[0].dataset.name
    return found


def dashboard_context(dashboard: Dashboard, request) -> dict:
    cards = list(dashboard.cards.select_related("question"))
    values = _dashboard_filters(dashboard, request.GET)
    can_arrange = access_views.can(request.user, Dashboard, "change", dashboard)
    filter_params = {f"f_{column}": value for column, value in values.items()}
    datasets = _filter_datasets(dashboard, cards) if dashboard.filters else {}
    return {
        "can_arrange": can_arrange,
        "arranging": can_arrange and request.GET.get("arrange") == "1",
        "step_buttons": STEP_BUTTONS,
        "cards": cards,
        "too_many_cards": len(cards) > MAX_CARDS,
        "max_cards": MAX_CARDS,
        "filter_values": [
            (c, values.get(c, ""), datasets.get(c, "")) for c in dashboard.filters or []
        ],
        "filters_on": bool(values),
        "filter_messages": {
            "placeholder": _("Any value"),
            "clear": _("Clear this filter"),
            "use": _("Use “%s”"),
            "none": _("No value matches."),
            "loading": _("Looking up values…"),
        },
        "filter_query_without_arrange": urlencode(filter_params),
        "arrange_query": urlencode({**filter_params, "arrange": "1"}),
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
    query = {"arrange": "1", **{f"f_{column}": value for column, value in filters.items()}}
    return redirect(f"{dashboard.get_absolute_url()}?{urlencode(query)}#card-{card.pk}-place")
