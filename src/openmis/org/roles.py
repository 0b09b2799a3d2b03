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
# The built-in descriptions as the migration stored them, marked for translation: shown in
# the reader's language as long as the MIS director has not rewritten them.
BUILTIN_DESCRIPTIONS = {
    DIRECTOR: _("Runs the MIS office; may do everything."),
    STAFF: _("Runs the systems and keeps the portfolio."),
    LEADER: _("Leads a department; manages its records."),
    ANALYST: _("Analyses data and shares findings."),
    EMPLOYEE: _("Reads what is shared with the organization."),
}
ALL_ACTIONS = "view add change delete"
PERMISSION_SENTENCES = {
    "view": _("Can view %(objects)s"),
    "add": _("Can add %(objects)s"),
    "change": _("Can change %(objects)s"),
    "delete": _("Can delete %(objects)s"),
}


def builtin_description(slug: str | None, stored: str) -> str:
    """A role's description in the reader's language when it is the built-in one, unchanged."""
    english = {s: d for s, _n, _scope, d in BUILTIN_ROLES}
    if slug in BUILTIN_DESCRIPTIONS and stored == english.get(slug):
        return str(BUILTIN_DESCRIPTIONS[slug])
    return stored


def permission_label(permission) -> str:
    """A permission in the reader's language: "Can add departments" for Django's built-in
    view/add/change/delete permissions (their stored names are English, written by Django
    when the tables were created), the translated name for those the apps declare."""
    from django.utils.translation import gettext

    model = permission.content_type.model_class()
    action, _sep, model_name = permission.codename.partition("_")
    if (
        model is not None
        and action in PERMISSION_SENTENCES
        and model_name == model._meta.model_name
    ):
        return str(PERMISSION_SENTENCES[action] % {"objects": model._meta.verbose_name_plural})
    return gettext(permission.name)


def permission_choice_label(permission) -> str:
    """A permission as a role's form lists it: its app, then what it allows."""
    from django.apps import apps

    try:
        app = apps.get_app_config(permission.content_type.app_label).verbose_name
    except LookupError:
        app = permission.content_type.app_label
    return f"{app}: {permission_label(permission)}"


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
