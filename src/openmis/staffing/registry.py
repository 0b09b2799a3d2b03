"""Object declarations of the staffing app.

Staffing sits on top of the stack (beside appraisal and governance): it reads the
organization's people and the portfolio's systems, and shows itself on the system page and
the cockpit only through the hallways' extension points.
"""

from django.utils.translation import gettext_lazy

from openmis.core.extensions import register_panel, register_tile
from openmis.core.registry import register, register_page
from openmis.org import roles
from openmis.portfolio.models import System
from openmis.staffing import panels
from openmis.staffing.models import Skill, SkillLevel, StaffProfile, SystemSkill

NAV = gettext_lazy("Staffing")

register(
    StaffProfile,
    slug="profiles",
    picker_hint="person__department",
    list_columns=["person", "role_title", "seniority", "start_date"],
    form_fields=["person", "role_title", "seniority", "start_date"],
    natural_key=["person"],
    filters=["seniority"],
    search=["person__first_name", "person__last_name", "role_title"],
    select=["person"],
    nav_group=NAV,
)
register(
    Skill,
    slug="skills",
    list_columns=["name", "category"],
    form_fields=["name", "category", "description"],
    natural_key=["name"],
    filters=["category"],
    search=["name", "description"],
    nav_group=NAV,
)
register(
    SystemSkill,
    slug="system-skills",
    picker_hint="system",
    list_columns=["system", "skill", "min_level"],
    form_fields=["system", "skill", "min_level"],
    natural_key=["system", "skill"],
    filters=["system", "skill", "skill__category"],
    search=["system__name", "skill__name"],
    select=["system", "skill"],
    nav_group=NAV,
)
register(
    SkillLevel,
    slug="skill-levels",
    picker_hint="person",
    list_columns=["person", "skill", "level", "assessed_on", "assessor"],
    form_fields=["person", "skill", "level", "assessed_on", "assessor"],
    natural_key=["person", "skill"],
    filters=["person", "skill", "skill__category", "level"],
    search=["person__first_name", "person__last_name", "skill__name"],
    select=["person", "skill", "assessor"],
    nav_group=NAV,
    in_menu=False,
)
register_page(NAV, gettext_lazy("Skills matrix"), "staffing:matrix", "staffing.view_skilllevel")
register_page(
    NAV, gettext_lazy("Who can run each system"), "staffing:bus_factor", "staffing.view_skilllevel"
)

register_panel(
    System,
    "staffing/panels/system_team.html",
    context=panels.system_team,
    vary=panels.visibility,
    order=60,
    name="staffing.system_team",
)
register_tile(
    "staffing/tiles/bus_factor.html",
    context=panels.bus_factor_tile,
    permission="staffing.view_skilllevel",
    roles={roles.DIRECTOR: 52, roles.STAFF: 65},
    name="staffing.bus_factor",
)
