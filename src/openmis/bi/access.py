"""Who may see and change BI content, and which warehouse rows a user may read.

Questions and dashboards are private to their owner unless published to the organization or
shared with a user, a role or a department. Restricted datasets show a user only the rows
that one of the dataset's row-level rules admits them to (default deny). Every path that
reads the warehouse (builder, SQL, dashboards, exports, alerts, deliveries) asks
:func:`policies_for` for the *reader's* policies, so a delivery runs with the recipient's
rights, never the sender's.

What each role may do in BI is decided here, once per capability, for the pages and the API
alike: :func:`may_query` (the builder and ``/api/bi/query/``), :func:`may_use_sql`,
:func:`may_share`, :func:`may_secure_rows` (``restricted`` and row rules) and
:func:`administers_content` (the MIS office sees and changes every question, dashboard,
subscription and alert; the rows it reads still follow its row rules). What a reader may learn
of a dataset's data outside a query (its profile, row count, value suggestions) is decided by
:func:`reads_every_row`.
"""

from __future__ import annotations

from django.db.models import Q

from openmis.analytics.catalog import Condition, RowPolicy
from openmis.bi.models import (
    Alert,
    Card,
    Dashboard,
    Question,
    RowRule,
    Share,
    Subscription,
    Visibility,
)
from openmis.core import permissions
from openmis.org.people import person_of, role_ids
from openmis.org.tree import department_chain

ADMINISTER_CONTENT = "bi.administer_content"
MANAGE_ROW_SECURITY = "bi.manage_row_security"
USE_SQL = "bi.use_sql_dataset"
ASK = "bi.add_question"
SHARE = "bi.add_share"


# --- capabilities -------------------------------------------------------------------------------


def administers_content(user) -> bool:
    """The MIS office: sees and administers every question, dashboard, subscription and alert
    (like Metabase's administrators). Row rules still apply to the data it reads."""
    return permissions.has_perm(user, ADMINISTER_CONTENT)


def may_query(user) -> bool:
    """Whether ``user`` may ask the warehouse questions of their own: the builder page and
    ``POST /api/bi/query/`` (reading questions and dashboards shared with them needs no more
    than the right to view them)."""
    return permissions.has_perm(user, ASK)


def may_use_sql(user) -> bool:
    """Whether ``user`` may write SQL: the SQL editor, ``/api/bi/sql/`` and a question's SQL."""
    return permissions.has_perm(user, USE_SQL)


def may_share(user, obj) -> bool:
    """Whether ``user`` may share the question or dashboard ``obj`` with others."""
    return permissions.has_perm(user, SHARE) and may_edit(user, obj)


def may_secure_rows(user) -> bool:
    """Whether ``user`` may switch a dataset's ``restricted`` flag and write its row rules."""
    return permissions.has_perm(user, MANAGE_ROW_SECURITY)


def _share_targets(user) -> Q:
    return (
        Q(user=user)
        | Q(role__group__user=user)
        | Q(department_id__in=department_chain(user) or [0])
    )


def visible_questions(queryset, user):
    """The questions ``user`` may open: their own, the organization's, those shared, and
    those on a dashboard they may open; the MIS office opens every one."""
    if administers_content(user):
        return queryset
    shared = Share.objects.filter(_share_targets(user), question__isnull=False)
    on_boards = Card.objects.filter(
        dashboard__in=visible_dashboards(Dashboard.objects.all(), user), question__isnull=False
    )
    return queryset.filter(
        Q(owner=user)
        | Q(visibility=Visibility.ORGANIZATION)
        | Q(pk__in=shared.values("question_id"))
        | Q(pk__in=on_boards.values("question_id"))
    )


def visible_dashboards(queryset, user):
    """The dashboards ``user`` may open: their own, the organization's, and those shared;
    the MIS office opens every one."""
    if administers_content(user):
        return queryset
    shared = Share.objects.filter(_share_targets(user), dashboard__isnull=False)
    return queryset.filter(
        Q(owner=user)
        | Q(visibility=Visibility.ORGANIZATION)
        | Q(pk__in=shared.values("dashboard_id"))
    )


def visible_cards(queryset, user):
    return queryset.filter(dashboard__in=visible_dashboards(Dashboard.objects.all(), user))


def visible_shares(queryset, user):
    """Shares of content the user may edit (who else sees it), and shares given to them."""
    if administers_content(user):
        return queryset
    editable_q = editable(Question.objects.all(), user)
    editable_d = editable(Dashboard.objects.all(), user)
    return queryset.filter(
        Q(question__in=editable_q) | Q(dashboard__in=editable_d) | _share_targets(user)
    )


def editable(queryset, user):
    """The questions or dashboards (by ``queryset``'s model) ``user`` may change."""
    if administers_content(user):
        return queryset
    field = "question_id" if queryset.model is Question else "dashboard_id"
    shared = Share.objects.filter(_share_targets(user), level=Share.Level.EDIT).values(field)
    return queryset.filter(Q(owner=user) | Q(pk__in=shared))


def may_edit(user, obj) -> bool:
    """Whether ``user`` owns ``obj`` (a question or dashboard), was given edit access, or
    administers BI content."""
    if obj.owner_id == user.pk or administers_content(user):
        return True
    return editable(type(obj).objects.filter(pk=obj.pk), user).exists()


def content_access(user, action: str, obj) -> bool:
    """Per-row check of questions and dashboards (the registry's ``object_access``): only
    those who may write SQL give a question SQL or change it."""
    if (
        action in ("add", "change")
        and isinstance(obj, Question)
        and obj.sql
        and obj.sql != obj.loaded("sql")
        and not may_use_sql(user)
    ):
        return False
    return action in ("view", "add") or may_edit(user, obj)


def card_access(user, action: str, obj: Card) -> bool:
    return action == "view" or may_edit(user, obj.dashboard)


def share_access(user, action: str, obj: Share) -> bool:
    if action == "view":
        return True
    target = obj.question or obj.dashboard
    if target is None:
        return False
    return may_share(user, target) if action == "add" else may_edit(user, target)


# --- subscriptions and alerts -------------------------------------------------------------------


def visible_subscriptions(queryset, user):
    """Subscriptions the user owns or receives; the MIS office sees them all."""
    if administers_content(user):
        return queryset
    received = Subscription.objects.filter(
        Q(recipients=user) | Q(departments__in=department_chain(user) or [0])
    ).values("pk")
    return queryset.filter(Q(owner=user) | Q(pk__in=received))


def visible_alerts(queryset, user):
    """Alerts the user owns or receives; the MIS office sees them all."""
    if administers_content(user):
        return queryset
    received = Alert.objects.filter(recipients=user).values("pk")
    return queryset.filter(Q(owner=user) | Q(pk__in=received))


def delivery_access(user, action: str, obj) -> bool:
    """Owners change their subscriptions and alerts; the MIS office changes any."""
    return action in ("view", "add") or obj.owner_id == user.pk or administers_content(user)


# --- row-level security ------------------------------------------------------------------------


def dataset_access(user, action: str, obj) -> bool:
    """Per-row check of datasets: switching ``restricted`` needs :func:`may_secure_rows`."""
    if action == "change" and obj.pk and obj.restricted != obj.loaded("restricted"):
        return may_secure_rows(user)
    return True


def rule_access(user, action: str, obj) -> bool:
    """Per-row check of row rules: writing them needs :func:`may_secure_rows`."""
    return action == "view" or may_secure_rows(user)


def reads_every_row(user, dataset) -> bool:
    """Whether ``user`` may read every row of ``dataset``, so what was computed over all of
    them (its stored profile, row count, value suggestions) may be shown to them as it is.

    When not, such views are computed through the user's row rules instead (see
    :func:`openmis.bi.services.dataset_profile`).
    """
    policy = policy_for(user, dataset)
    return policy is None or any(not conditions for conditions in policy.alternatives)


def _rule_applies(rule: RowRule, user, roles: frozenset[int], chain: list[int]) -> bool:
    if rule.role_id is not None and rule.role_id not in roles:
        return False
    return rule.department_id is None or rule.department_id in chain


def policy_for(user, dataset) -> RowPolicy | None:
    """The rows of ``dataset`` that ``user`` may read; None when the dataset is unrestricted.

    ``dataset.rules`` should be prefetched when many datasets are checked.
    """
    if not dataset.restricted or (user.is_active and user.is_superuser):
        return None
    person = person_of(user)
    department = person.department if person is not None else None
    chain = department_chain(user)
    roles = role_ids(user)
    alternatives: list[tuple[Condition, ...]] = []
    for rule in dataset.rules.all():
        if not _rule_applies(rule, user, roles, chain):
            continue
        if rule.match == RowRule.Match.ALL:
            alternatives.append(())
        elif rule.match == RowRule.Match.VALUES:
            alternatives.append((Condition(rule.column, "in", rule.value_list()),))
        elif rule.match == RowRule.Match.DEPARTMENT and department is not None:
            alternatives.append((Condition(rule.column, "=", department.name),))
        elif rule.match == RowRule.Match.REGION and department is not None and department.region:
            alternatives.append((Condition(rule.column, "=", department.region),))
    return RowPolicy(tuple(alternatives))
