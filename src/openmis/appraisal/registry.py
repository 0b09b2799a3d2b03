"""Object declarations of the investment appraisal app."""

from django.utils.translation import gettext_lazy as _

from openmis.appraisal.forms import CriterionForm, EvaluationForm
from openmis.appraisal.models import (
    Alternative,
    CashFlowLine,
    Criterion,
    Decision,
    Evaluation,
    Judgement,
    Score,
)
from openmis.core.registry import register

NAV = _("Appraisal")


def evaluation_context(evaluation, request) -> dict:
    """:func:`openmis.appraisal.views.evaluation_context`, imported on the first detail page:
    the views import the calculations (numpy), which the site need not load to start."""
    from openmis.appraisal.views import evaluation_context

    return evaluation_context(evaluation, request)


register(
    Evaluation,
    slug="evaluations",
    form_class=EvaluationForm,
    list_columns=["title", "department", "status", "horizon_years", "discount_rate", "currency"],
    form_fields=list(EvaluationForm.Meta.fields),  # the form takes the rate in percent
    serializer_class="openmis.appraisal.api.EvaluationSerializer",  # the API takes at most 1
    natural_key=["title"],
    filters=["department", "status", "currency"],
    search=["title", "need"],
    department_field="department",
    nav_group=NAV,
    detail_context=evaluation_context,
)
register(
    Alternative,
    slug="alternatives",
    list_columns=["name", "evaluation", "is_status_quo"],
    form_fields=["evaluation", "name", "description", "is_status_quo"],
    natural_key=["evaluation", "name"],
    filters=["evaluation", "is_status_quo"],
    search=["name", "description"],
    department_field="evaluation__department",
    nav_group=NAV,
)
register(
    CashFlowLine,
    slug="cash-flows",
    list_columns=["alternative", "year", "category", "amount", "minimum", "maximum"],
    form_fields=["alternative", "year", "category", "amount", "minimum", "maximum", "note"],
    natural_key=["id"],
    filters=["alternative", "alternative__evaluation", "category", "year"],
    search=["note"],
    department_field="alternative__evaluation__department",
    nav_group=NAV,
    in_menu=False,
    select=["alternative__evaluation"],
)
register(
    Criterion,
    slug="criteria",
    form_class=CriterionForm,  # the weight in percent
    list_columns=["name", "evaluation", "type", "weight"],
    form_fields=["evaluation", "name", "type", "weight"],
    natural_key=["evaluation", "name"],
    filters=["evaluation", "type"],
    search=["name"],
    department_field="evaluation__department",
    nav_group=NAV,
    in_menu=False,
)
register(
    Score,
    slug="scores",
    list_columns=["alternative", "criterion", "person", "value"],
    form_fields=["alternative", "criterion", "person", "value"],
    natural_key=["alternative", "criterion", "person"],
    filters=["alternative", "criterion", "person", "alternative__evaluation"],
    search=["person__last_name", "criterion__name"],
    department_field="person__department",
    nav_group=NAV,
    in_menu=False,
    select=["alternative__evaluation", "criterion__evaluation"],
)
register(
    Judgement,
    slug="judgements",
    list_columns=["evaluation", "person"],
    form_fields=["evaluation", "person", "matrix"],
    natural_key=["evaluation", "person"],
    filters=["evaluation", "person"],
    search=["person__last_name"],
    department_field="person__department",
    nav_group=NAV,
    in_menu=False,
)
register(
    Decision,
    slug="decisions",
    list_columns=["evaluation", "chosen", "decided_by", "decided_on"],
    form_fields=["evaluation", "chosen", "decided_by", "decided_on", "rationale", "meeting"],
    natural_key=["evaluation"],
    filters=["evaluation", "decided_by"],
    search=["rationale", "evaluation__title"],
    department_field="evaluation__department",
    nav_group=NAV,
    select=["chosen__evaluation"],
)
