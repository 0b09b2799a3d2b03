"""Object declarations of the BI app."""

from django.utils.translation import gettext_lazy

from openmis.bi import access, tiles
from openmis.bi.filters import (
    DASHBOARD_FILTERS,
    QUESTION_FILTERS,
    SEARCH,
    DashboardFilterSet,
    QuestionFilterSet,
)
from openmis.bi.models import (
    Alert,
    Card,
    Column,
    Dashboard,
    Dataset,
    ImportJob,
    Question,
    Relationship,
    RowRule,
    Share,
    Subscription,
)
from openmis.core.extensions import register_tile
from openmis.core.notifications import register_kind
from openmis.core.registry import on_call, register, register_page
from openmis.org import roles

NAV = gettext_lazy("Business intelligence")
# Views and deliveries are named by path (on_call): they import the query engine (Ibis,
# sqlglot, DuckDB), which starting Django need not load.

register(
    Dataset,
    slug="datasets",
    # No row count: it counts every row, and the list is the same for every reader (a
    # dataset's page gives each reader the count through their row rules).
    list_columns=["title", "name", "department", "restricted", "loaded_at"],
    form_fields=["name", "title", "description", "department", "external_table", "restricted"],
    natural_key=["name"],
    filters=["department", "restricted"],
    search=["name", "title", "description"],
    department_field="department",
    nav_group=NAV,
    detail_context=on_call("openmis.bi.views.datasets.dataset_context"),
    delete_warnings=on_call("openmis.bi.views.datasets.dataset_delete_warnings"),
    object_access=access.dataset_access,
    # counted over every row: a restricted dataset's readers get them through their rules
    history_exclude=("row_count", "profile"),
)
register(
    Column,
    slug="columns",
    picker_hint="dataset",
    list_columns=["name", "dataset", "type", "role", "label", "description"],
    form_fields=["dataset", "name", "type", "label", "description", "role"],
    natural_key=["dataset", "name"],
    filters=["dataset", "role"],
    search=["name", "label", "description"],
    department_field="dataset__department",
    nav_group=NAV,
    in_menu=False,
)
register(
    Relationship,
    slug="relationships",
    list_columns=["dataset", "name", "column", "target", "target_column"],
    form_fields=["dataset", "name", "column", "target", "target_column"],
    natural_key=["dataset", "name"],
    filters=["dataset", "target"],
    search=["name", "dataset__name", "target__name"],
    department_field="dataset__department",
    nav_group=NAV,
    in_menu=False,
    select=["dataset", "target"],
)
register(
    RowRule,
    slug="row-rules",
    list_columns=["dataset", "match", "column", "values", "role", "department"],
    form_fields=["dataset", "role", "department", "match", "column", "values"],
    natural_key=["id"],
    filters=["dataset", "role", "department", "match"],
    search=["dataset__name", "column", "values"],
    department_field="dataset__department",
    nav_group=NAV,
    object_access=access.rule_access,
)
register(
    ImportJob,
    slug="imports",
    list_columns=["file_name", "dataset", "mode", "status", "rows", "error", "created"],
    form_fields=["dataset", "file_name", "format", "mode"],
    export_fields=[
        "id",
        "dataset",
        "file_name",
        "format",
        "mode",
        "status",
        "rows",
        "error",
        "error_line",
        "error_column",
        "created",
        "finished",
    ],
    natural_key=["id"],
    filters=["dataset", "status"],
    search=["file_name", "dataset__name", "error"],
    department_field="dataset__department",
    nav_group=NAV,
    read_only=True,
    serializer_class="openmis.bi.api.ImportJobSerializer",
)
register(
    Question,
    slug="questions",
    picker_hint="dataset",
    list_columns=["title", "dataset", "chart", "owner", "visibility", "updated"],
    form_fields=[
        "title",
        "description",
        "dataset",
        "chart",
        "visibility",
        "department",
        "spec",
        "sql",
    ],
    natural_key=["id"],
    filters=QUESTION_FILTERS,
    search=SEARCH,
    filterset_class=QuestionFilterSet,
    department_field="department",
    nav_group=NAV,
    detail_context=on_call("openmis.bi.views.questions.question_context"),
    visible_to=access.visible_questions,
    object_access=access.content_access,
    select=["owner"],
)
register(
    Dashboard,
    slug="dashboards",
    list_columns=["title", "owner", "visibility", "refresh_seconds", "updated"],
    form_fields=["title", "description", "department", "visibility", "refresh_seconds", "filters"],
    natural_key=["id"],
    filters=DASHBOARD_FILTERS,
    search=SEARCH,
    filterset_class=DashboardFilterSet,
    department_field="department",
    nav_group=NAV,
    detail_context=on_call("openmis.bi.views.dashboards.dashboard_context"),
    visible_to=access.visible_dashboards,
    object_access=access.content_access,
)
register(
    Card,
    slug="cards",
    list_columns=["dashboard", "question", "position", "width"],
    form_fields=["dashboard", "question", "text", "position", "width", "height"],
    natural_key=["id"],
    filters=["dashboard", "question"],
    search=["text", "question__title", "dashboard__title"],
    department_field="dashboard__department",
    nav_group=NAV,
    in_menu=False,
    visible_to=access.visible_cards,
    object_access=access.card_access,
)
register(
    Share,
    slug="shares",
    list_columns=["question", "dashboard", "user", "role", "department", "level", "shared_by"],
    form_fields=["question", "dashboard", "user", "role", "department", "level"],
    natural_key=["id"],
    filters=["question", "dashboard", "user", "role", "department", "level"],
    search=["question__title", "dashboard__title"],
    nav_group=NAV,
    in_menu=False,
    visible_to=access.visible_shares,
    object_access=access.share_access,
    select=["question", "dashboard", "user", "role__group", "department", "shared_by"],
)
register(
    Subscription,
    slug="subscriptions",
    list_columns=["question", "dashboard", "format", "frequency", "time", "owner", "active"],
    form_fields=[
        "question",
        "dashboard",
        "format",
        "frequency",
        "weekday",
        "day_of_month",
        "time",
        "recipients",
        "departments",
        "department",
        "active",
    ],
    natural_key=["id"],
    filters=["frequency", "format", "owner", "active"],
    search=["question__title", "dashboard__title"],
    department_field="department",
    nav_group=NAV,
    visible_to=access.visible_subscriptions,
    object_access=access.delivery_access,
    select=["question", "dashboard", "owner"],
    detail_context=on_call("openmis.bi.deliveries.subscription_context"),
)
register(
    Alert,
    slug="alerts",
    list_columns=["question", "column", "condition", "threshold", "owner", "active"],
    form_fields=[
        "question",
        "column",
        "condition",
        "threshold",
        "recipients",
        "department",
        "active",
    ],
    natural_key=["id"],
    filters=["condition", "owner", "active"],
    search=["question__title", "column"],
    department_field="department",
    nav_group=NAV,
    visible_to=access.visible_alerts,
    object_access=access.delivery_access,
    select=["question", "owner"],
)
register_page(NAV, gettext_lazy("Ask a question"), "bi:builder", "bi.add_question")
register_page(NAV, gettext_lazy("SQL editor"), "bi:sql", "bi.use_sql_dataset")
register_page(NAV, gettext_lazy("Shared with me"), "bi:shared", "bi.view_question")
register_page(
    NAV,
    gettext_lazy("Scheduled deliveries"),
    "bi:subscriptions_overview",
    "bi.view_subscription",
)

register_kind(
    "bi.delivery",  # bi.deliveries.DELIVERY
    gettext_lazy("Scheduled delivery"),
    gettext_lazy(
        "To each recipient of a subscription, at its time of their time zone: the question "
        "or dashboard as a file, with the data they may see."
    ),
    attachments=on_call("openmis.bi.deliveries.delivery_files"),
)
register_kind(
    "bi.alert",  # bi.alerts.ALERT
    gettext_lazy("Data alert"),
    gettext_lazy("To each recipient of an alert, when the value they may see crosses its limit."),
)

register_tile(
    "bi/tiles/my_questions.html",
    context=tiles.my_questions,
    permission=access.may_query,
    roles={roles.ANALYST: 10},
    name="bi.my_questions",
)
register_tile(
    "bi/tiles/my_dashboards.html",
    context=tiles.my_dashboards,
    permission="bi.add_dashboard",
    roles={roles.ANALYST: 20},
    name="bi.my_dashboards",
)
register_tile(
    "bi/tiles/shared.html",
    context=tiles.shared_with_me,
    roles={roles.ANALYST: 30, roles.LEADER: 40, roles.EMPLOYEE: 20},
    name="bi.shared",
)
