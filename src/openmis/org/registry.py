"""Object declarations of the organization app."""

from django.utils.translation import gettext_lazy as _

from openmis.core.extensions import register_tile
from openmis.core.registry import register
from openmis.org import notifications, roles, tiles
from openmis.org.forms import PersonForm, RoleForm
from openmis.org.models import Department, Person, Role

NAV = _("Organization")

register(
    Department,
    slug="departments",
    picker_hint="parent",
    list_columns=["name", "code", "parent", "region"],
    form_fields=["name", "code", "parent", "region", "description"],
    natural_key=["name"],
    filters=["parent", "region"],
    search=["name", "code", "description"],
    department_field="self",
    nav_group=NAV,
)

register(
    Person,
    slug="people",
    picker_hint="department",
    list_columns=["last_name", "first_name", "job_title", "department", "email", "active"],
    form_fields=[
        "first_name",
        "last_name",
        "email",
        "job_title",
        "department",
        "manager",
        "phone",
        "active",
        "time_zone",
        "language",
    ],
    natural_key=["email"],
    filters=["department", "active", "job_title"],
    search=["first_name", "last_name", "email", "job_title"],
    department_field="department",
    nav_group=NAV,
    ordering=["last_name", "first_name"],
    form_class=PersonForm,
)

register(
    Role,
    slug="roles",
    list_columns=["name", "scope", "description"],
    form_fields=["scope", "description"],
    import_fields=["group", "scope", "description"],
    export_fields=["id", "group", "scope", "description"],
    natural_key=["group"],
    filters=["scope"],
    search=["group__name", "description"],
    nav_group=NAV,
    form_class=RoleForm,
    serializer_class="openmis.org.serializers.RoleSerializer",
    prefetch=["group__permissions__content_type"],
    select=["group"],
)

notifications.install()
register_tile(
    "org/tiles/people.html",
    context=tiles.people_per_department,
    permission=tiles.can_view_people,
    # a head count is HR's number, not the MIS office's: last on the office's cockpits
    roles={roles.DIRECTOR: 95, roles.STAFF: 95},
    name="org.people",
)
