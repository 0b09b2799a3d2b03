"""Template context shared by every page."""

from __future__ import annotations

from openmis.core import permissions, registry


def navigation(request):
    """The navigation menu: registered types the user may see, grouped by area."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_groups": []}
    groups: dict[str, list] = {}
    for ot in registry.all_types():
        if permissions.can(user, ot, "view"):
            groups.setdefault(str(ot.nav_group), []).append(
                {"label": ot.verbose_name_plural, "url": ot.url("list")}
            )
    for page in registry.all_pages():
        if permissions.has_perm(user, page.permission):
            groups.setdefault(str(page.nav_group), []).append(
                {"label": page.label, "url": page.url, "page": True}
            )
    return {
        "nav_groups": list(groups.items()),
        "can_view_changelog": permissions.has_perm(user, "auditlog.view_logentry"),
    }
