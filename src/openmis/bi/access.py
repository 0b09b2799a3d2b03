"""Who may see and change BI content, and which warehouse rows a user may read.

Questions and dashboards are private to their owner unless published to the organization or
shared with a user, a role or a department. Restricted datasets show a user only the rows
that one of the dataset's row-level rules admits them to (default deny). Every path that
reads the warehouse (builder, SQL, dashboards, exports, alerts, deliveries) asks
:func:`policies_for` for the *reader's* policies, so a delivery runs with the recipient's
rights, never the sender's.
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


def person_of(user):
    """The user's Person record (with its department), read once per request."""
    cached = getattr(user, "_openmis_bi_person", False)
    if cached is not False:
        return cached
    from openmis.org.models import Person

    person = (
        Person.objects.filter(user=user).select_related("department").first()
        if user.is_authenticated
        else None
    )
    user._openmis_bi_person = person
    return person


def department_chain(user) -> list[int]:
    """The user's department and every department above it (shares and rules given to a
    department reach the departments below it)."""
    cached = getattr(user, "_openmis_bi_chain", None)
    if cached is not None:
        return cached
    from openmis.org.models import Department

    person = person_of(user)
    chain: list[int] = []
    if person is not None and person.department_id:
        parents = dict(Department.objects.values_list("pk", "parent_id"))
        pk = person.department_id
        while pk is not None and pk not in chain:
            chain.append(pk)
            pk = parents.get(pk)
    user._openmis_bi_chain = chain
    return chain


def _share_targets(user) -> Q:
    return (
        Q(user=user)
        | Q(role__group__user=user)
        | Q(department_id__in=department_chain(user) or [0])
    )


def visible_questions(queryset, user):
    """The questions ``user`` may open: their own, the organization's, those shared, and
    those on a dashboard they may open."""
    if user.is_superuser:
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
    """The dashboards ``user`` may open: their own, the organization's, and those shared."""
    if user.is_superuser:
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
    if user.is_superuser:
        return queryset
    editable_q = editable(Question.objects.all(), user)
    editable_d = editable(Dashboard.objects.all(), user)
    return queryset.filter(
        Q(question__in=editable_q) | Q(dashboard__in=editable_d) | _share_targets(user)
    )


def editable(queryset, user):
    """The questions or dashboards (by ``queryset``'s model) ``user`` may change."""
    if user.is_superuser:
        return queryset
    field = "question_id" if queryset.model is Question else "dashboard_id"
    shared = Share.objects.filter(_share_targets(user), level=Share.Level.EDIT).values(field)
    return queryset.filter(Q(owner=user) | Q(pk__in=shared))


def may_edit(user, obj) -> bool:
    """Whether ``user`` owns ``obj`` (a question or dashboard) or was given edit access."""
    if user.is_superuser or obj.owner_id == user.pk:
        return True
    return editable(type(obj).objects.filter(pk=obj.pk), user).exists()


def content_access(user, action: str, obj) -> bool:
    """Per-row check of questions and dashboards (the registry's ``object_access``)."""
    return action in ("view", "add") or may_edit(user, obj)


def card_access(user, action: str, obj: Card) -> bool:
    return action == "view" or may_edit(user, obj.dashboard)


def share_access(user, action: str, obj: Share) -> bool:
    if action == "view":
        return True
    target = obj.question or obj.dashboard
    return target is not None and may_edit(user, target)


# --- subscriptions and alerts -------------------------------------------------------------------


def is_mis_office(user) -> bool:
    """MIS directors and staff run deliveries for the whole organization."""
    from openmis.org.models import Role
    from openmis.org.roles import DIRECTOR, STAFF

    cached = getattr(user, "_openmis_bi_mis_office", None)
    if cached is None:
        cached = (
            user.is_superuser
            or Role.objects.filter(group__user=user, slug__in=[DIRECTOR, STAFF]).exists()
        )
        user._openmis_bi_mis_office = cached
    return cached


def visible_subscriptions(queryset, user):
    """Subscriptions the user owns or receives; the MIS office sees them all."""
    if is_mis_office(user):
        return queryset
    received = Subscription.objects.filter(
        Q(recipients=user) | Q(departments__in=department_chain(user) or [0])
    ).values("pk")
    return queryset.filter(Q(owner=user) | Q(pk__in=received))


def visible_alerts(queryset, user):
    """Alerts the user owns or receives; the MIS office sees them all."""
    if is_mis_office(user):
        return queryset
    received = Alert.objects.filter(recipients=user).values("pk")
    return queryset.filter(Q(owner=user) | Q(pk__in=received))


def delivery_access(user, action: str, obj) -> bool:
    """Owners change their subscriptions and alerts; the MIS office changes any."""
    return action in ("view", "add") or obj.owner_id == user.pk or is_mis_office(user)


# --- row-level security ------------------------------------------------------------------------


def _rule_applies(rule: RowRule, user, role_ids: set[int], chain: list[int]) -> bool:
    if rule.role_id is not None and rule.role_id not in role_ids:
        return False
    return rule.department_id is None or rule.department_id in chain


def _role_ids(user) -> set[int]:
    cached = getattr(user, "_openmis_bi_roles", None)
    if cached is None:
        from openmis.org.models import Role

        cached = set(Role.objects.filter(group__user=user).values_list("pk", flat=True))
        user._openmis_bi_roles = cached
    return cached


def policy_for(user, dataset) -> RowPolicy | None:
    """The rows of ``dataset`` that ``user`` may read; None when the dataset is unrestricted.

    ``dataset.rules`` should be prefetched when many datasets are checked.
    """
    if not dataset.restricted or (user.is_active and user.is_superuser):
        return None
    person = person_of(user)
    department = person.department if person is not None else None
    chain = department_chain(user)
    roles = _role_ids(user)
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
