"""The write-scope rule of the organization, as core asks for it.

A role grants its group's permissions with the role's write scope ("all" or "department");
a department-scoped permission reaches the user's department and every one below it. Core's
:mod:`openmis.core.permissions` does not import this app: :class:`~openmis.org.apps.OrgConfig`
installs :data:`PROVIDER` when the app starts.
"""

from __future__ import annotations

from collections.abc import Iterator

from openmis.core.permissions import ScopeProvider
from openmis.org import tree


def role_permissions(user) -> Iterator[tuple[str, str]]:
    """``("app.codename", scope)`` for each permission ``user`` holds through a role.

    Only groups that are roles grant anything: a group without a role (its role deleted) has
    no write scope, and must not count as organization-wide.
    """
    from django.contrib.auth.models import Permission

    rows = Permission.objects.filter(group__user=user, group__role__isnull=False).values_list(
        "content_type__app_label", "codename", "group__role__scope"
    )
    for app_label, codename, scope in rows:
        yield f"{app_label}.{codename}", scope


PROVIDER = ScopeProvider(
    role_permissions=role_permissions,
    department_ids=tree.department_ids,
    # Groups, their permissions and memberships (auth); roles and their write scope (org).
    depends_on=("auth", "org"),
)
