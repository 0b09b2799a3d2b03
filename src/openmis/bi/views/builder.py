"""The no-code question builder: a dataset, any number of measures, groupings and filters,
a chart; results sorted by a click on a column's header; saved as a question, or back into
the question it was opened from."""

from __future__ import annotations

import json
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from openmis.analytics.errors import AnalyticsError
from openmis.bi import access, presentation, services
from openmis.bi import builder as form_fields
from openmis.bi.models import Question
from openmis.bi.views.questions import (
    AGGS,
    BUCKETS,
    OPS,
    capped_values_message,
    result_context,
)
from openmis.core import registry
from openmis.core.services import ConflictError
from openmis.core.views import access as access_views
from openmis.org.people import person_of


def column_choices(ctx: services.ReaderContext, name: str) -> list[tuple[str, str]]:
    """``(path, label)`` of the columns a question on dataset ``name`` may use: the dataset's
    own, then its related datasets' (after the relation's name), each named by its label
    when it has one (:func:`openmis.bi.presentation.field_label`, as a dashboard's filters
    are)."""

    def given(dataset_name):
        return {c.name: c.label for c in ctx.datasets[dataset_name].columns.all()}

    labels = given(name)
    choices = [(c, presentation.field_label(c, labels.get(c, ""))) for c in ctx.columns[name]]
    for relation, target in ctx.relations.get(name, {}).items():
        labels = given(target)
        choices += [
            (f"{relation}.{c}", presentation.field_label(f"{relation}.{c}", labels.get(c, "")))
            for c in ctx.columns[target]
        ]
    return choices


def _opened_question(request, params):
    """The saved question the builder edits (``?question=``), if the reader may open it."""
    pk = params.get("question", "")
    if not pk.isdigit():
        return None
    return get_object_or_404(registry.get(Question).for_user(request.user), pk=int(pk))


@dataclass(frozen=True)
class HeaderLink:
    """A result's column header: a click sorts by the column alone (a second click the
    other way), a shift-click (``add_link``) adds it to the sort; ``state`` is
    ``ascending``/``descending``/``none`` and ``rank`` its place among several sort keys
    (0 when it is not sorted or the only key)."""

    column: str
    link: str
    state: str
    label: str
    add_link: str
    rank: int


def _header_links(params, columns: list[str], labels: list[str], form) -> list[HeaderLink]:
    """The headers of a result's columns (``labels``, their headings in words)."""
    keys = [row for row in form.orders if row["col"]]
    ranks: dict[str, tuple[int, bool]] = {}
    for i, row in enumerate(keys, start=1):
        ranks.setdefault(row["col"], (i, row["desc"] == "1"))
    out = []
    for column, label in zip(columns, labels, strict=True):
        rank, descending = ranks.get(column, (0, False))
        out.append(
            HeaderLink(
                column=column,
                link="?" + form_fields.sorted_by(params, column),
                state=("descending" if descending else "ascending") if rank else "none",
                label=label,
                add_link="?" + form_fields.sorted_also(params, column),
                rank=rank if len(keys) > 1 else 0,
            )
        )
    return out


def _save(request, params, spec, chart, opened):
    """Save the result's question: into the question it was opened from (``save=update``,
    when the reader may change it), or as a new one. A response, or the error to show."""
    title = params.get("title", "").strip()[:200]
    if opened is not None and params.get("save") == "update":
        access_views.require(request.user, Question, "change", opened)
        question = opened
        question.spec, question.sql = spec, ""
        question.title = title or question.title
    else:
        question = Question(
            title=title, spec=spec, department=getattr(person_of(request.user), "department", None)
        )
    question.chart = chart if chart in Question.Chart.values else Question.Chart.TABLE
    try:
        question.full_clean(exclude=["owner"])
    except Exception as exc:  # a ValidationError: show it beside the result
        return "; ".join(getattr(exc, "messages", [str(exc)]))
    try:
        services.save_question(question, request.user)
    except ConflictError as exc:
        return str(exc)
    messages.success(request, _("Saved the question “%(title)s”.") % {"title": question})
    return redirect(question.get_absolute_url())


@login_required
def builder(request):
    """The no-code question builder: pick a dataset, measures, groups, filters, a chart."""
    if not access.may_query(request.user):
        raise PermissionDenied(_("Your role does not allow asking questions of the data."))
    ctx = services.reader_context(request.user)
    params = request.POST if request.method == "POST" else request.GET
    opened = _opened_question(request, params)
    if opened is not None and opened.sql and not opened.spec:
        return redirect(reverse("bi:sql") + "?" + urlencode({"question": opened.pk}))
    if opened is not None and not any(k != "question" for k in params):
        # Opened from a question: its own spec and chart fill the form.
        params = form_fields.to_params(form_fields.from_spec(opened.spec))
        params.update({"chart": opened.chart, "question": str(opened.pk)})
    form = form_fields.read_form(params)
    form.dataset = form.dataset or next(iter(sorted(ctx.catalog)), "")
    if form.dataset not in ctx.catalog:
        form.dataset = next(iter(sorted(ctx.catalog)), "")
    for section in ("m", "d", "f"):
        if not form.rows(section):
            form.rows(section).append(dict.fromkeys(form_fields.SECTIONS[section], ""))
    spec = form_fields.to_spec(form) if form.dataset else {}
    chart = params.get("chart", "bar")
    wants_result = bool(spec.get("measures") or spec.get("dimensions") or spec.get("fields"))
    result = error = None
    if wants_result:
        try:
            result = services.run_query(request.user, spec)
        except AnalyticsError as exc:
            error = (f"{exc.field}: " if getattr(exc, "field", "") else "") + exc.detail
    wants_save = params.get("save") or params.get("title", "").strip()
    if request.method == "POST" and result is not None and wants_save:
        saved = _save(request, params, spec, chart, opened)
        if not isinstance(saved, str):
            return saved
        error = saved
    state = form_fields.to_params(form)
    state["chart"] = chart
    if opened is not None:
        state["question"] = str(opened.pk)
    dims = len(spec.get("dimensions", []))
    shown = result_context(chart, result, dims or None, spec)
    return TemplateResponse(
        request,
        "bi/builder.html",
        {
            "datasets": sorted(ctx.catalog),
            "dataset": form.dataset,
            "columns": column_choices(ctx, form.dataset) if form.dataset else [],
            "form": form,
            "params": params,
            "measure_rows": list(enumerate(form.measures)),
            "dimension_rows": list(enumerate(form.dimensions)),
            "filter_rows": list(enumerate(form.filters)),
            "order_rows": list(enumerate(form.orders)),
            "state": [(k, v) for k, values in state.lists() for v in values],
            "suggestions": sorted(
                services.value_suggestions(request.user, ctx.datasets[form.dataset]).items()
            )
            if form.dataset
            else [],
            "aggs": AGGS,
            "buckets": BUCKETS,
            "ops": OPS,
            "charts": Question.Chart.choices,
            "chart": chart,
            "opened": opened,
            "may_update": opened is not None
            and access_views.can(request.user, Question, "change", opened),
            "picker_messages": {
                "placeholder": _("Type to search"),
                "use": _("Use “%s”"),
                "none": _("No value matches."),
                "loading": _("Looking up values…"),
                "more": capped_values_message(),
            },
            "spec_json": json.dumps(spec, indent=2) if spec else "",
            "error": error,
            **shown,
            "header_links": _header_links(state, result["columns"], shown["table"]["columns"], form)
            if result
            else [],
        },
    )
