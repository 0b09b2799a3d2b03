"""Whose judgements and scores the user may enter, and for which evaluation."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from openmis.appraisal.models import Evaluation
from openmis.core import permissions, registry
from openmis.org.models import Person
from openmis.org.people import person_of


@dataclass
class Stakeholders:
    """The people whose entries ``user`` may write (``choices``) and the one shown."""

    choices: list
    person: Person


def visible_evaluation(user, pk) -> Evaluation:
    """The evaluation ``pk`` if ``user`` may see it (404 otherwise, as for one that is not)."""
    object_type = registry.get(Evaluation)
    if not permissions.can(user, object_type, "view"):
        raise PermissionDenied(_("Your role does not allow you to view evaluations."))
    return get_object_or_404(object_type.for_user(user), pk=pk)


def stakeholders(user, model, requested) -> Stakeholders:
    """The people ``user`` may enter ``model`` rows (judgements or scores) for, and the one
    asked for in ``requested`` (a person's id), else the user's own person, else the first.

    A role scoped to its department writes for the people of its department (and those
    below it); one scoped to the organization, for everyone active. Asking for anyone else
    is refused, as is a user who may write for nobody.
    """
    object_type = registry.get(model)
    scopes = {permissions.write_scope(user, object_type, a) for a in ("add", "change")}
    people = Person.objects.filter(active=True).select_related("department")
    if permissions.ALL not in scopes:
        if permissions.DEPARTMENT not in scopes:
            raise PermissionDenied(
                _("Your role does not allow you to enter %(what)s.")
                % {"what": model._meta.verbose_name_plural}
            )
        people = people.filter(department_id__in=permissions.user_department_ids(user))
    choices = list(people.order_by("last_name", "first_name", "pk"))
    if not choices:
        raise PermissionDenied(_("There is nobody whose entries you may write."))
    by_id = {str(p.pk): p for p in choices}
    if requested not in (None, ""):
        if str(requested) not in by_id:
            raise Http404(_("No such stakeholder among those you may enter for."))
        return Stakeholders(choices, by_id[str(requested)])
    own = person_of(user)
    mine = by_id.get(str(own.pk)) if own is not None else None
    return Stakeholders(choices, mine or choices[0])
