"""The staffing app's pages beside the generic ones: the skills matrix as a heat map, the
form of one of its cells, a system's needed skills and who can run each system."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from openmis.core import registry
from openmis.org.people import person_of
from openmis.portfolio.models import System
from openmis.staffing import services
from openmis.staffing.forms import CellForm, NeedsForm
from openmis.staffing.models import Skill, SkillLevel, SystemSkill


def _visible_systems(user):
    return registry.get(System).for_user(user, System.objects.all())


def _back(request, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return target
    return fallback


@login_required
def matrix(request):
    """The team-by-skills heat map, narrowed by skill category and/or a system's needs."""
    if not services.can_view_team(request.user):
        raise PermissionDenied
    category = request.GET.get("category", "")
    if category not in Skill.Category.values:
        category = ""
    declaring = list(
        _visible_systems(request.user)
        .filter(needed_skills__isnull=False)
        .distinct()
        .order_by("name")
    )
    system = next((s for s in declaring if str(s.pk) == request.GET.get("system", "")), None)
    table = services.matrix(category, system)
    context = {
        "table": table,
        "categories": Skill.Category.choices,
        "category": category,
        "systems": declaring,
        "system": system,
        "coverage": services.coverage([system])[0] if system else None,
        "can_assess": services.can_assess(request.user),
        "here": request.get_full_path(),
        "levels": range(1, 6),
    }
    return TemplateResponse(request, "staffing/matrix.html", context)


@login_required
def cell(request, person, skill):
    """Set one person's level in one skill (assessed today by the editor by default)."""
    if not services.can_assess(request.user):
        raise PermissionDenied
    person = get_object_or_404(services.team(), pk=person)
    skill = get_object_or_404(Skill, pk=skill)
    current = SkillLevel.objects.filter(person=person, skill=skill).first()
    initial = {"level": current.level, "assessed_on": current.assessed_on} if current else None
    form = CellForm(request.POST or None, initial=initial)
    back = _back(request, reverse("staffing:matrix"))
    if request.method == "POST" and form.is_valid():
        services.set_level(
            person,
            skill,
            form.cleaned_data["level"],
            form.cleaned_data["assessed_on"],
            person_of(request.user),
            request.user,
        )
        return redirect(back)
    context = {"person": person, "skill": skill, "current": current, "form": form, "back": back}
    return TemplateResponse(request, "staffing/cell.html", context)


@login_required
def system_skills(request, pk):
    """The skills ``system`` needs, each with its minimum level."""
    if not services.can_declare_skills(request.user):
        raise PermissionDenied
    system = get_object_or_404(_visible_systems(request.user), pk=pk)
    current = dict(SystemSkill.objects.filter(system=system).values_list("skill_id", "min_level"))
    skills = Skill.objects.order_by("category", "name")
    form = NeedsForm(request.POST or None, skills=skills, current=current)
    if request.method == "POST" and form.is_valid():
        services.set_needs(system, form.minimums(), request.user)
        return redirect(system.get_absolute_url())
    context = {
        "system": system,
        "form": form,
        "skills_url": registry.get(Skill).url("list"),
        "can_add_skill": services.can_declare_skills(request.user),
    }
    return TemplateResponse(request, "staffing/system_skills.html", context)


@login_required
def bus_factor(request):
    """Every system that declares skills: its bus factor and who can run it, riskiest first."""
    if not services.can_view_team(request.user):
        raise PermissionDenied
    declaring = _visible_systems(request.user).filter(needed_skills__isnull=False).distinct()
    rows = sorted(services.coverage(declaring), key=lambda c: (c.bus_factor, c.system.name))
    return TemplateResponse(request, "staffing/bus_factor.html", {"rows": rows})
