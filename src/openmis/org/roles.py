"""The built-in roles and the default permissions each one gets for each model.

Migrations call :func:`grant_defaults` with a literal matrix, so what a role was granted at a
given migration never changes when this module changes.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

DIRECTOR = "mis_director"
STAFF = "mis_staff"
LEADER = "department_leader"
ANALYST = "analyst"
EMPLOYEE = "employee"

BUILTIN_ROLES = [
    # slug, group name, write scope, description
    (DIRECTOR, "MIS director", "all", "Runs the MIS office; may do everything."),
    (STAFF, "MIS staff", "all", "Runs the systems and keeps the portfolio."),
    (LEADER, "Department leader", "department", "Leads a department; manages its records."),
    (ANALYST, "Analyst", "all", "Analyses data and shares findings."),
    (EMPLOYEE, "Employee", "all", "Reads what is shared with the organization."),
]
BUILTIN_LABELS = {
    DIRECTOR: _("MIS director"),
    STAFF: _("MIS staff"),
    LEADER: _("Department leader"),
    ANALYST: _("Analyst"),
    EMPLOYEE: _("Employee"),
}
ALL_ACTIONS = "view add change delete"


def create_builtin_roles(apps, schema_editor=None):
    """Create the built-in roles' groups (migration step)."""
    Group = apps.get_model("auth", "Group")
    Role = apps.get_model("org", "Role")
    for slug, name, scope, description in BUILTIN_ROLES:
        group, _created = Group.objects.get_or_create(name=name)
        Role.objects.get_or_create(
            slug=slug, defaults={"group": group, "scope": scope, "description": description}
        )


def grant_defaults(apps, matrix: dict[str, dict[str, str]]) -> None:
    """Grant ``matrix`` = ``{role_slug: {"app_label.model": "view add change delete"}}``.

    Creates the permissions first: in a migration they do not exist until post_migrate.
    """
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None
    Role = apps.get_model("org", "Role")
    Permission = apps.get_model("auth", "Permission")
    for slug, grants in matrix.items():
        group = Role.objects.get(slug=slug).group
        for label, actions in grants.items():
            app_label, model = label.split(".")
            codenames = [f"{action}_{model}" for action in actions.split()]
            perms = Permission.objects.filter(
                content_type__app_label=app_label, codename__in=codenames
            )
            if perms.count() != len(codenames):
                raise LookupError(f"Missing permissions for {label}: {codenames}")
            group.permissions.add(*perms)


#: The order in which a person holding several built-in roles gets their cockpits: the one
#: that runs the most first (a director who is also an analyst sees the director's tiles
#: first, then the analyst's own).
COCKPIT_ORDER = [DIRECTOR, STAFF, LEADER, ANALYST, EMPLOYEE]


def cockpit_audiences(user) -> list[str]:
    """The codes of the roles whose cockpit ``user`` gets (see
    :func:`openmis.core.extensions.set_audience_provider`): the roles they hold, built-in
    ones in :data:`COCKPIT_ORDER`, then others by code. A superuser without a role gets the
    director's cockpit; any other login without a role the employee's, with or without a
    person record (what each tile shows is still up to the user's rights)."""
    from openmis.org.models import Role

    if user is None or not user.is_authenticated:
        return []
    codes = set(Role.objects.filter(group__user=user).values_list("slug", flat=True))
    rank = {code: i for i, code in enumerate(COCKPIT_ORDER)}
    ordered = sorted(codes, key=lambda code: (rank.get(code, len(rank)), code))
    if not ordered:
        ordered = [DIRECTOR] if user.is_superuser else [EMPLOYEE]
    return ordered
