"""Object declarations of the systems portfolio."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from openmis.core.extensions import register_panel, register_tile
from openmis.core.notifications import register_kind
from openmis.core.registry import register, register_page
from openmis.core.services import protected_references
from openmis.org import roles
from openmis.portfolio import access, tiles
from openmis.portfolio.filters import (
    CONTRACT_FILTERS,
    CONTRACT_SEARCH,
    PROJECT_FILTERS,
    PROJECT_SEARCH,
    ContractFilterSet,
    ProjectFilterSet,
)
from openmis.portfolio.models import (
    Capability,
    Contract,
    Dependency,
    DeploymentProject,
    LifecycleTransition,
    Milestone,
    System,
    SystemAccess,
    SystemCost,
    Vendor,
)
from openmis.portfolio.services import CONTRACT_REMINDER
from openmis.portfolio.views import project_context, system_context, system_page_varies

NAV = gettext_lazy("Portfolio")


def _system_delete_warnings(system):
    """What the delete page says first: who depends on the system, and which records refer to
    it (they keep it from being deleted until they are removed or moved to another system:
    those whose foreign key protects it, whichever app they belong to)."""
    from openmis.portfolio.services import impact

    warnings = []
    nearest, count = impact(system, limit=20)
    if count:
        names = ", ".join(s.name for s, _distance in nearest)
        warnings.append(
            _("%(count)d systems depend on %(system)s, directly or through others: %(names)s.")
            % {"count": count, "system": system, "names": names}
        )
    # an app whose records need a system says so on their foreign key (on_delete=PROTECT)
    records = ", ".join(f"{label} ({n})" for label, n in protected_references(system))
    if records:
        warnings.append(
            _(
                "%(system)s cannot be deleted while other records refer to it: %(records)s. "
                "Remove them or move them to another system first."
            )
            % {"system": system, "records": records}
        )
    return warnings


register(
    System,
    slug="systems",
    picker_hint="kind",
    list_columns=[
        "name",
        "kind",
        "lifecycle_stage",
        "business_owner",
        "criticality",
        "vendor",
        "users",
    ],
    form_fields=[
        "name",
        "kind",
        "description",
        "business_owner",
        "technical_owner",
        "vendor",
        "hosting",
        "criticality",
        "users",
        "departments_served",
        "capability",
        "business_value",
        "technical_health",
    ],
    export_fields=[
        "id",
        "name",
        "kind",
        "lifecycle_stage",
        "description",
        "business_owner",
        "technical_owner",
        "vendor",
        "hosting",
        "criticality",
        "users",
        "departments_served",
        "capability",
        "business_value",
        "technical_health",
    ],
    natural_key=["name"],
    filters=[
        "kind",
        "lifecycle_stage",
        "business_owner",
        "criticality",
        "hosting",
        "vendor",
        "capability",
    ],
    search=["name", "description", "vendor__name"],
    department_field="business_owner",
    nav_group=NAV,
    detail_context=system_context,
    page_cache=system_page_varies,
    delete_warnings=_system_delete_warnings,
    attachments=True,  # architecture diagrams, manuals, security assessments
)
register(
    Vendor,
    slug="vendors",
    list_columns=["name", "contact_name", "contact_email", "website"],
    form_fields=["name", "website", "contact_name", "contact_email", "phone", "notes"],
    natural_key=["name"],
    search=["name", "contact_name", "notes"],
    nav_group=NAV,
)
register(
    Capability,
    slug="capabilities",
    list_columns=["name", "description"],
    form_fields=["name", "description"],
    natural_key=["name"],
    search=["name", "description"],
    nav_group=NAV,
)
register(
    SystemCost,
    slug="costs",
    list_columns=["system", "year", "category", "amount", "currency"],
    form_fields=["system", "year", "category", "amount", "currency", "note"],
    natural_key=["system", "year", "category"],
    filters=["system", "year", "category", "system__business_owner"],
    search=["system__name", "note"],
    department_field="system__business_owner",
    nav_group=NAV,
)
register(
    Dependency,
    slug="dependencies",
    list_columns=["source", "target", "data_exchanged", "interface"],
    form_fields=["source", "target", "data_exchanged", "interface"],
    natural_key=["source", "target"],
    filters=["source", "target"],
    search=["source__name", "target__name", "data_exchanged"],
    department_field="target__business_owner",
    nav_group=NAV,
)
register(
    Contract,
    slug="contracts",
    picker_hint="vendor",
    list_columns=["title", "vendor", "system", "end_date", "notice_days", "value", "auto_renewal"],
    form_fields=[
        "title",
        "vendor",
        "system",
        "owner",
        "value",
        "currency",
        "start_date",
        "end_date",
        "notice_days",
        "auto_renewal",
    ],
    natural_key=["title"],
    filters=CONTRACT_FILTERS,
    search=CONTRACT_SEARCH,
    filterset_class=ContractFilterSet,
    department_field="system__business_owner",
    nav_group=NAV,
    attachments=True,  # the signed contract, annexes, amendments
)
register(
    DeploymentProject,
    slug="projects",
    picker_hint="system",
    list_columns=["name", "system", "manager", "planned_go_live", "go_live", "budget", "spent"],
    form_fields=[
        "name",
        "system",
        "manager",
        "budget",
        "spent",
        "currency",
        "start_date",
        "planned_go_live",
        "status_override",
        "override_reason",
    ],
    natural_key=["name"],
    filters=PROJECT_FILTERS,
    search=PROJECT_SEARCH,
    filterset_class=ProjectFilterSet,
    department_field="system__business_owner",
    nav_group=NAV,
    detail_context=project_context,
)
register(
    Milestone,
    slug="milestones",
    list_columns=["name", "project", "due_date", "done_date"],
    form_fields=["project", "name", "due_date", "done_date"],
    natural_key=["id"],
    filters=["project"],
    search=["name", "project__name"],
    department_field="project__system__business_owner",
    nav_group=NAV,
    in_menu=False,
)
register(
    LifecycleTransition,
    slug="lifecycle",
    list_columns=["system", "from_stage", "to_stage", "date", "note"],
    form_fields=["system", "from_stage", "to_stage", "date", "note"],
    natural_key=["id"],
    filters=["system", "to_stage"],
    search=["system__name", "note"],
    department_field="system__business_owner",
    nav_group=NAV,
    in_menu=False,
    read_only=True,
)

register(
    SystemAccess,
    slug="access",
    picker_hint="system",
    list_columns=["person", "system", "account", "role_in_system", "valid_from", "valid_until"],
    form_fields=["person", "system", "account", "role_in_system", "valid_from", "valid_until"],
    natural_key=["person", "system"],  # re-importing a system's user list updates its rows
    filters=["system", "person", "person__department", "system__business_owner"],
    search=["person__first_name", "person__last_name", "person__email", "system__name", "account"],
    select=["person", "system"],
    department_field="system__business_owner",
    visible_to=access.visible_access,
    after_save=access.access_saved,
    after_import=access.accesses_saved,  # an imported user list: told once per system
    nav_group=NAV,
)
register_panel(
    System,
    "portfolio/panels/system_users.html",
    context=access.system_users,
    permission=access.can_view_access,
    vary=access.access_visibility,
    name="portfolio.system_users",
    order=50,
)

register_page(NAV, gettext_lazy("Dependency graph"), "portfolio:graph", "portfolio.view_system")
register_page(
    NAV, gettext_lazy("Rationalisation"), "portfolio:rationalisation", "portfolio.view_system"
)
register_page(
    NAV, gettext_lazy("Contract renewals"), "portfolio:renewals", "portfolio.view_contract"
)
register_page(
    NAV, gettext_lazy("Total cost of ownership"), "portfolio:tco", "portfolio.view_systemcost"
)

register_kind(
    CONTRACT_REMINDER,
    gettext_lazy("Contract notice deadline"),
    gettext_lazy("To a contract's owner, 30 days before the last day to give notice."),
)
register_tile(
    "portfolio/tiles/renewals.html",
    context=tiles.contract_renewals,
    permission="portfolio.view_contract",
    roles={roles.DIRECTOR: 10, roles.STAFF: 20},
    name="portfolio.renewals",
)
register_tile(
    "portfolio/tiles/projects_at_risk.html",
    context=tiles.projects_at_risk,
    permission="portfolio.view_deploymentproject",
    roles={roles.DIRECTOR: 50, roles.STAFF: 30},
    name="portfolio.projects_at_risk",
)
register_tile(
    "portfolio/tiles/department_systems.html",
    context=tiles.department_systems,
    permission="portfolio.view_system",
    roles={roles.LEADER: 10},
    name="portfolio.department_systems",
)
register_tile(
    "portfolio/tiles/stages.html",
    context=tiles.systems_by_stage,
    permission="portfolio.view_system",
    roles={roles.DIRECTOR: 70, roles.STAFF: 10},
    name="portfolio.stages",
)
