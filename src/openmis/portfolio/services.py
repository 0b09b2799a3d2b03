"""Portfolio state changes and roll-ups: lifecycle moves, go-live, TCO, impact, renewals."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from auditlog.context import set_actor
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import (
    Case,
    CharField,
    Count,
    DateField,
    DecimalField,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce
from django.db.models.lookups import GreaterThan
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from openmis.core import caching, extensions, formatting, permissions, registry
from openmis.core.notifications import notify
from openmis.core.services import save_object
from openmis.portfolio.models import (
    Contract,
    Dependency,
    DeploymentProject,
    LifecycleTransition,
    Milestone,
    System,
    SystemCost,
)

REMINDER_DAYS = 30  # how long before the notice deadline the owner is reminded
CONTRACT_REMINDER = "portfolio.contract_reminder"  # the kind of notice (see registry.py)


#: The stages that end a system's life: moving to them asks for confirmation while anything
#: still relies on the system (see :func:`retirement_concerns`).
RETIRING_STAGES = (System.Stage.RETIRING, System.Stage.RETIRED)
#: The extension point where other apps add what relies on a system about to retire:
#: ``hook(system, user) -> Concern | None`` (see :func:`openmis.core.extensions.register_hook`).
RETIREMENT_HOOK = "portfolio.retirement_concerns"
#: The extension point told of a go-live, in its transaction, after the project is live:
#: ``hook(project=, user=)`` (feedback delivers the improvements the project implements).
GO_LIVE_HOOK = "portfolio.project_went_live"
# Called as ``hook(transition=..., user=...)`` in the move's transaction once a system has moved
# to another lifecycle stage (:func:`move_to_stage`): apps above react (governance cancels the
# training a retired system alone required) without the portfolio naming them.
STAGE_CHANGED_HOOK = "portfolio.stage_changed"
CONCERNS_SHOWN = 20  # items listed of each kind; the rest are counted


@dataclass(frozen=True)
class Concern:
    """One kind of thing that still relies on a system about to retire: its heading, the
    items the user may see (``(text, url)``, url None for none) and how many there are."""

    key: str
    label: str
    count: int
    items: list[tuple[str, str | None]] = field(default_factory=list)

    @property
    def hidden(self) -> int:
        """How many are not listed (beyond those shown, or not visible to the user)."""
        return self.count - len(self.items)

    def message(self) -> str:
        """The concern in one sentence, for an API error."""
        text = ", ".join(t for t, _url in self.items)
        if self.hidden and text:
            text = _("%(items)s and %(count)d more") % {"items": text, "count": self.hidden}
        elif self.hidden:
            text = str(self.count)
        return f"{self.label}: {text}."


class ConfirmationNeeded(ValidationError):
    """A move to a retiring stage that must be confirmed: ``concerns`` say why. A field error
    on ``confirm``, so the API answers 400 ``{"confirm": [...]}``."""

    def __init__(self, system: System, stage: str, concerns: list[Concern]):
        self.concerns = concerns
        intro = _(
            "Moving %(system)s to “%(stage)s” affects what still relies on it; confirm to move "
            "it anyway."
        ) % {"system": system, "stage": System.Stage(stage).label}
        super().__init__({"confirm": [intro, *(c.message() for c in concerns)]})


def _may_view(user, model) -> bool:
    return user is None or permissions.can(user, registry.get(model), "view")


def retirement_concerns(system: System, user=None, today: date | None = None) -> list[Concern]:
    """What still relies on ``system``: the systems that depend on it directly, its live
    contracts (not ended by ``today``) and what other apps register at
    :data:`RETIREMENT_HOOK` (feedback: its open improvements). Items ``user`` may not see are
    counted, not named; kinds with nothing are left out."""
    today = today or timezone.localdate()
    concerns = []
    dependents = Dependency.objects.filter(source=system).order_by("target__name", "target_id")
    count = dependents.count()
    if count:
        system_type = registry.get(System)
        rows = dependents.values_list("target_id", "target__name")[:CONCERNS_SHOWN]
        concerns.append(
            Concern(
                "dependents",
                _("Systems that depend on it"),
                count,
                [(name, system_type.detail_url(pk)) for pk, name in rows],
            )
        )
    contracts = Contract.objects.filter(system=system, end_date__gte=today).order_by(
        "end_date", "pk"
    )
    count = contracts.count()
    if count:
        items = []
        if _may_view(user, Contract):
            contract_type = registry.get(Contract)
            for pk, title, end in contracts.values_list("pk", "title", "end_date")[:CONCERNS_SHOWN]:
                text = _("%(title)s (until %(date)s)") % {
                    "title": title,
                    "date": formatting.date_text(end),
                }
                items.append((text, contract_type.detail_url(pk)))
        concerns.append(Concern("contracts", _("Live contracts"), count, items))
    concerns += extensions.hook_results(RETIREMENT_HOOK, system, user)
    return concerns


@transaction.atomic
def move_to_stage(
    system: System,
    stage: str,
    when: date | None = None,
    user=None,
    note: str = "",
    confirm: bool = False,
):
    """Move ``system`` to lifecycle ``stage`` on ``when``, recording the transition.

    A move to a retiring stage while something still relies on the system (see
    :func:`retirement_concerns`) needs ``confirm``; without it :class:`ConfirmationNeeded`
    says what relies on it and nothing changes.
    """
    when = when or timezone.localdate()
    if stage not in System.Stage.values:
        raise ValidationError({"stage": _("Unknown lifecycle stage.")})
    if stage == system.lifecycle_stage:
        raise ValidationError({"stage": _("The system is in this stage already.")})
    last = system.transitions.order_by("-date", "-pk").first()
    if last is not None and when < last.date:
        raise ValidationError(
            {
                "date": _("The previous move was on %(date)s; a later move cannot be earlier.")
                % {"date": last.date}
            }
        )
    if stage in RETIRING_STAGES and not confirm:
        concerns = retirement_concerns(system, user)
        if concerns:
            raise ConfirmationNeeded(system, stage, concerns)
    with set_actor(user) if user else contextlib.nullcontext():
        transition = LifecycleTransition.objects.create(
            system=system, from_stage=system.lifecycle_stage, to_stage=stage, date=when, note=note
        )
        system.lifecycle_stage = stage
        save_object(system, user)
        extensions.hook_results(STAGE_CHANGED_HOOK, transition=transition, user=user)
    return transition


def timeline(system: System) -> list[LifecycleTransition]:
    return list(system.transitions.order_by("date", "pk"))


# --- costs -----------------------------------------------------------------------------------


# Amounts in different currencies are never added together: every total is per currency (no
# exchange rate is assumed; an organization paying in one currency sees one total).


def tco_by_year(system: System) -> list[dict]:
    """``[{"year", "currency", "total", <category>: amount...}]`` of one system, oldest year
    first (then by currency)."""
    rows: dict[tuple[int, str], dict] = {}
    for cost in system.costs.all():
        row = rows.setdefault(
            (cost.year, cost.currency),
            {"year": cost.year, "currency": cost.currency, "total": Decimal(0)},
        )
        row[cost.category] = row.get(cost.category, Decimal(0)) + cost.amount
        row["total"] += cost.amount
    return [rows[k] for k in sorted(rows)]


def totals_by_currency(rows: list[dict]) -> list[tuple[str, Decimal]]:
    """``[(currency, sum of the rows' totals)]`` by currency."""
    totals: dict[str, Decimal] = {}
    for row in rows:
        totals[row["currency"]] = totals.get(row["currency"], Decimal(0)) + row["total"]
    return sorted(totals.items())


def tco_rollup(group: str, year: int | None = None) -> list[dict]:
    """Total cost of ownership summed by ``group`` ("system", "department" or "year") and
    currency: ``[{"key", "currency", "total"}]``, largest first."""
    field = {
        "system": "system__name",
        "department": "system__business_owner__name",
        "year": "year",
    }[group]
    costs = SystemCost.objects.all()
    if year is not None:
        costs = costs.filter(year=year)
    return list(
        costs.values("currency", key=F(field))
        .annotate(total=Sum("amount"))
        .order_by("-total", "key", "currency")
    )


# --- dependencies ----------------------------------------------------------------------------


IMPACT_DEPTH = 12  # links followed at most; longer chains are not real-world impact paths
IMPACT_SHOWN = 50
CACHE_SECONDS = 600
_IN_BATCH = 10_000  # ids per IN (...) list at most (SQLite may allow fewer: see _batch_size)


def _batch_size() -> int:
    """How many ids one ``IN (...)`` list may hold on this connection."""
    if connection.vendor == "sqlite":
        import sqlite3

        connection.ensure_connection()
        limit = connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
        return max(1, min(_IN_BATCH, limit))
    return _IN_BATCH


def _targets_of(ids: list[int]) -> set[int]:
    """The systems fed directly by any of ``ids``: one indexed query (per batch of ids, on a
    frontier too large for one query)."""
    table = Dependency._meta.db_table
    size = _batch_size()
    found: set[int] = set()
    with connection.cursor() as cursor:
        for start in range(0, len(ids), size):
            batch = ids[start : start + size]
            marks = ", ".join(["%s"] * len(batch))
            cursor.execute(
                f"SELECT DISTINCT target_id FROM {table} WHERE source_id IN ({marks})",  # noqa: S608
                batch,
            )
            found.update(row[0] for row in cursor.fetchall())
    return found


def dependent_ids(system: System, depth: int = IMPACT_DEPTH) -> list[tuple[int, int]]:
    """``[(system id, distance)]`` of everything that depends on ``system``, nearest first
    (by distance, then id), up to ``depth`` links away.

    A breadth-first search, one level at a time: each level is one indexed query for the
    systems fed by the previous level, and a system is expanded once, at its shortest
    distance. The cost follows the part of the graph that is reached (at most ``depth``
    levels), not the whole dependency table; a recursive query that carries distances has to
    revisit a system at every distance it can be reached at, which is many times slower on a
    connected graph.
    """
    seen = {system.pk}
    frontier = [system.pk]
    found: list[tuple[int, int]] = []
    for distance in range(1, depth + 1):
        if not frontier:
            break
        frontier = sorted(_targets_of(frontier) - seen)
        seen.update(frontier)
        found.extend((pk, distance) for pk in frontier)
    return found


def dependents(system: System, limit: int | None = None) -> list[tuple[System, int]]:
    """Systems that depend on ``system``, directly (distance 1) or through others, nearest
    first; at most ``limit`` of them (see :func:`dependent_ids` for the count)."""
    found = dependent_ids(system)
    if limit is not None:
        found = found[:limit]
    return _with_systems(found)


def _with_systems(found: list[tuple[int, int]]) -> list[tuple[System, int]]:
    systems = System.objects.only("pk", "name").in_bulk([pk for pk, _d in found])
    return [(systems[pk], d) for pk, d in found if pk in systems]


def impact(system: System, limit: int = IMPACT_SHOWN) -> tuple[list[tuple[System, int]], int]:
    """``(the limit nearest dependents with their distance, how many there are in all)``.

    The search is cached until the portfolio changes (see :mod:`openmis.core.caching`): any
    committed change of a dependency makes the next page view search again.
    """

    def search():
        found = dependent_ids(system)
        return found[:limit], len(found)

    nearest, total = caching.get_or_set(
        ("impact", system.pk, limit, IMPACT_DEPTH),
        search,
        depends_on=("portfolio",),
        timeout=CACHE_SECONDS,
    )
    return _with_systems(nearest), total


GRAPH_MAX_NODES = 300


def dependency_graph(system: System | None = None, depth: int = 2) -> dict:
    """Nodes and links for the graph: everything, or ``system``'s neighbourhood (up to
    ``depth`` links away and at most ``GRAPH_MAX_NODES`` systems)."""
    # No ordering by the systems' names: it would join the systems twice and sort.
    links = Dependency.objects.order_by("source_id", "target_id")
    truncated = False
    if system is not None:
        keep = {system.pk}
        frontier = {system.pk}
        for _step in range(depth):
            pairs = (
                Dependency.objects.filter(Q(source_id__in=frontier) | Q(target_id__in=frontier))
                .order_by()
                .values_list("source_id", "target_id")
            )
            nxt = {pk for pair in pairs for pk in pair} - keep
            if len(keep) + len(nxt) > GRAPH_MAX_NODES:
                nxt = set(sorted(nxt)[: max(GRAPH_MAX_NODES - len(keep), 0)])
                truncated = True
            keep |= nxt
            frontier = nxt
            if not frontier:
                break
        # Filtered on the source only, the target in Python: with both lists in SQL, SQLite
        # probes the (source, target) index once per pair of kept systems.
        links = [
            row
            for row in links.filter(source_id__in=keep).values_list(
                "source_id", "target_id", "data_exchanged"
            )
            if row[1] in keep
        ]
        nodes = System.objects.filter(pk__in=keep)
    else:
        links = links.values_list("source_id", "target_id", "data_exchanged")
        nodes = System.objects.all()
    nodes = nodes.only("pk", "name", "kind", "lifecycle_stage", "criticality")
    stage_labels = {value: str(label) for value, label in System.Stage.choices}
    return {
        "nodes": [
            {
                "id": str(n.pk),
                "name": n.name,
                "kind": n.kind,
                "stage": n.lifecycle_stage,
                "stage_label": stage_labels.get(n.lifecycle_stage, n.lifecycle_stage),
                "criticality": n.criticality,
                "focus": system is not None and n.pk == system.pk,
            }
            for n in nodes
        ],
        "links": [{"source": str(s), "target": str(t), "data": d} for s, t, d in links],
        "truncated": truncated,
    }


# --- projects --------------------------------------------------------------------------------


def project_status(project: DeploymentProject, today: date | None = None) -> tuple[str, str]:
    """``(status, reason)``: live, late, at risk or on track, unless overridden with a reason."""
    today = today or timezone.localdate()
    if project.go_live:
        return DeploymentProject.Status.LIVE, _("Live since %(date)s.") % {
            "date": date_format(project.go_live)
        }
    if project.status_override:
        return project.status_override, project.override_reason
    milestones = list(project.milestones.all())
    overdue = [m for m in milestones if m.done_date is None and m.due_date < today]
    if overdue:
        return DeploymentProject.Status.LATE, _("Milestone “%(name)s” was due on %(date)s.") % {
            "name": overdue[0].name,
            "date": formatting.date_text(overdue[0].due_date),
        }
    if project.planned_go_live < today:
        return DeploymentProject.Status.LATE, _("The planned go-live has passed.")
    if project.budget and project.spent > project.budget:
        return DeploymentProject.Status.AT_RISK, _("Spending is over budget.")
    if milestones and project.budget:
        progress = sum(1 for m in milestones if m.done_date) / len(milestones)
        burn = float(project.spent / project.budget)
        if burn - progress > 0.2:
            return DeploymentProject.Status.AT_RISK, _(
                "%(burn)d %% of the budget is spent for %(progress)d %% of the milestones."
            ) % {"burn": round(100 * burn), "progress": round(100 * progress)}
    return DeploymentProject.Status.ON_TRACK, ""


@transaction.atomic
def go_live(project: DeploymentProject, when: date | None = None, user=None):
    """Record the go-live: the project is live and its system moves to "deployed"; the apps
    answering :data:`GO_LIVE_HOOK` act on it in the same transaction (a second go-live is
    refused, so they are told once)."""
    when = when or timezone.localdate()
    if project.go_live:
        raise ValidationError({"go_live": _("The project went live already.")})
    project.go_live = when
    save_object(project, user)
    system = project.system
    if system.lifecycle_stage != System.Stage.DEPLOYED:
        move_to_stage(system, System.Stage.DEPLOYED, when, user, note=str(project))
    extensions.hook_results(GO_LIVE_HOOK, project=project, user=user)
    return project


# --- contracts -------------------------------------------------------------------------------


NOTICE_MISSED = "missed"
NOTICE_UPCOMING = "upcoming"
UPCOMING_WITHIN_DAYS = 120  # how far ahead the renewals page and the cockpit look


def notice_state(
    contract: Contract, today: date | None = None, within_days: int = UPCOMING_WITHIN_DAYS
):
    """``"missed"`` when the last day to give notice has passed while the contract still
    runs (too late to give notice: it renews, or ends, whatever the organization wants now),
    ``"upcoming"`` when that day falls within ``within_days`` from today (today included),
    else None (ended, or the deadline is further away)."""
    return _notice_state(contract.end_date, contract.notice_days, today, within_days)


def _notice_state(end_date: date, notice_days: int, today: date | None, within_days: int):
    today = today or timezone.localdate()
    if end_date < today:
        return None
    deadline = end_date - timedelta(days=notice_days)
    if deadline < today:
        return NOTICE_MISSED
    if deadline <= today + timedelta(days=within_days):
        return NOTICE_UPCOMING
    return None


def contracts_by_notice(
    state: str, queryset=None, today: date | None = None, within_days: int = UPCOMING_WITHIN_DAYS
):
    """The contracts of ``queryset`` (default: all) in notice ``state`` (see
    :func:`notice_state`), soonest deadline first. One query, whatever the number of
    contracts."""
    queryset = Contract.objects.all() if queryset is None else queryset
    return list(notice_filter(queryset, state, today, within_days).order_by("deadline", "pk"))


def notice_deadline_expression():
    """The last day to give notice (end date less the notice period) as a database
    expression, so lists filter and page on it in SQL (SQLite and PostgreSQL alike)."""
    notice = ExpressionWrapper(
        Cast("notice_days", IntegerField()) * Value(timedelta(days=1)),
        output_field=DurationField(),
    )
    return ExpressionWrapper(F("end_date") - notice, output_field=DateField())


def notice_q(state: str, today: date | None = None, within_days: int = UPCOMING_WITHIN_DAYS):
    """The condition on contracts annotated with ``deadline``
    (:func:`notice_deadline_expression`) that they are in notice ``state``, as
    :func:`notice_state` decides it for one contract."""
    today = today or timezone.localdate()
    running = Q(end_date__gte=today)
    if state == NOTICE_MISSED:
        return running & Q(deadline__lt=today)
    if state == NOTICE_UPCOMING:
        return running & Q(deadline__gte=today, deadline__lte=today + timedelta(days=within_days))
    return Q(pk__in=[])


def notice_filter(
    queryset, state: str, today: date | None = None, within_days: int = UPCOMING_WITHIN_DAYS
):
    """``queryset`` narrowed to the contracts in notice ``state``: the contract list's
    ``notice`` filter, one condition in the list's own query (paged in SQL)."""
    return queryset.annotate(deadline=notice_deadline_expression()).filter(
        notice_q(state, today, within_days)
    )


def upcoming_renewals(today: date | None = None, within_days: int = UPCOMING_WITHIN_DAYS):
    """Contracts whose notice deadline falls within ``within_days`` from today, today
    included, soonest first. A deadline already passed is not upcoming: see
    :func:`missed_notices`."""
    return contracts_by_notice(
        NOTICE_UPCOMING,
        Contract.objects.select_related("vendor", "system", "owner"),
        today,
        within_days,
    )


def missed_notices(today: date | None = None):
    """Contracts still running whose last day to give notice has passed, soonest first."""
    return contracts_by_notice(
        NOTICE_MISSED, Contract.objects.select_related("vendor", "system", "owner"), today
    )


def send_renewal_reminders(today: date | None = None) -> int:
    """Notify each contract owner once per deadline, ``REMINDER_DAYS`` before it, in their
    language; returns how many were notified. Run daily (``openmis manage send_reminders``)."""
    today = today or timezone.localdate()
    sent = 0
    for contract in upcoming_renewals(today, within_days=REMINDER_DAYS):
        deadline = contract.notice_deadline
        if contract.owner is None or not contract.owner.email or contract.reminded_for == deadline:
            continue
        if deadline < today:
            continue
        context = {"contract": contract, "deadline": deadline}
        with transaction.atomic():
            notice = notify(
                contract.owner,
                CONTRACT_REMINDER,
                _renewal_subject,
                _renewal_body,
                context,
                obj=contract,
                key=deadline.isoformat(),
            )
            Contract.objects.filter(pk=contract.pk).update(reminded_for=deadline)
        caching.bump("portfolio")  # a plain UPDATE sends no signals
        sent += notice is not None
    return sent


def _renewal_subject(context: dict) -> str:
    return _("Contract “%(title)s”: notice deadline %(date)s") % {
        "title": context["contract"].title,
        "date": context["deadline"],
    }


def _renewal_body(context: dict) -> str:
    contract = context["contract"]
    return _(
        "The contract “%(title)s” with %(vendor)s ends on %(end)s. Notice must be given "
        "by %(deadline)s (%(days)d days' notice). %(renewal)s"
    ) % {
        "title": contract.title,
        "vendor": contract.vendor,
        "end": contract.end_date,
        "deadline": context["deadline"],
        "days": contract.notice_days,
        "renewal": _("It renews automatically unless notice is given.")
        if contract.auto_renewal
        else _("It does not renew automatically."),
    }


def stage_counts() -> dict[str, int]:
    counts = dict(System.objects.values_list("lifecycle_stage").annotate(n=Count("pk")))
    return {stage: counts.get(stage, 0) for stage in System.Stage.values}


def rationalisation():
    """Deployed systems placed by business value and technical health (TIME quadrants)."""
    systems = System.objects.filter(lifecycle_stage=System.Stage.DEPLOYED).exclude(
        Q(business_value=None) | Q(technical_health=None)
    )
    return list(systems.select_related("business_owner"))


def project_status_expression(today: date | None = None):
    """A project's status (:func:`project_status`, without its reason) as a database
    expression, so the project list filters and pages on it in SQL."""
    today = today or timezone.localdate()
    Status = DeploymentProject.Status
    milestones = Milestone.objects.filter(project=OuterRef("pk")).order_by()

    def how_many(rows):
        counted = rows.values("project").annotate(n=Count("pk")).values("n")
        return Coalesce(Subquery(counted, output_field=IntegerField()), 0)

    total, done = how_many(milestones), how_many(milestones.exclude(done_date=None))
    # burn - progress > 0.2 with burn = spent / budget and progress = done / total, multiplied
    # out by 5 * budget * total (both positive there) so no database divides.
    behind = ExpressionWrapper(
        5 * F("spent") * total - 5 * F("budget") * done - F("budget") * total,
        output_field=DecimalField(max_digits=30, decimal_places=2),
    )
    return Case(
        When(go_live__isnull=False, then=Value(Status.LIVE)),
        When(~Q(status_override=""), then=F("status_override")),
        When(
            Exists(milestones.filter(done_date=None, due_date__lt=today)), then=Value(Status.LATE)
        ),
        When(planned_go_live__lt=today, then=Value(Status.LATE)),
        When(budget__gt=0, spent__gt=F("budget"), then=Value(Status.AT_RISK)),
        When(
            Q(budget__gt=0) & Q(Exists(milestones)) & Q(GreaterThan(behind, 0)),
            then=Value(Status.AT_RISK),
        ),
        default=Value(Status.ON_TRACK),
        output_field=CharField(),
    )


def projects_in_status(queryset, statuses, today: date | None = None):
    """``queryset``'s projects whose status (:func:`project_status`) is one of ``statuses``:
    the project list's ``status`` filter, one condition in the list's own query."""
    return queryset.alias(derived_status=project_status_expression(today)).filter(
        derived_status__in=list(statuses)
    )


def retiring_suppliers(system: System) -> list[dict]:
    """The systems ``system`` depends on that are retiring or retired, by name:
    ``[{"pk", "name", "stage"}]`` (what its page warns of)."""
    rows = (
        Dependency.objects.filter(target=system, source__lifecycle_stage__in=RETIRING_STAGES)
        .order_by("source__name", "source_id")
        .values_list("source_id", "source__name", "source__lifecycle_stage")
    )
    return [{"pk": pk, "name": name, "stage": stage} for pk, name, stage in rows]
