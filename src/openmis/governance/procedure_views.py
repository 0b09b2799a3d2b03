"""The procedure's own pages: its form with the steps inline, its page and its PDF."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.db.models import Max
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.text import slugify
from django.utils.translation import gettext as _

from openmis.core import permissions, registry
from openmis.core.markdown import render_markdown
from openmis.core.services import ConflictError, delete_object, save_object
from openmis.core.views.generic import ObjectEditView, ObjectView
from openmis.governance.models import Procedure, ProcedureStep
from openmis.governance.procedure_forms import StepFormSet


def procedure_context(procedure: Procedure, request) -> dict:
    """The procedure's page: its steps in order, with their role and system."""
    steps = procedure.steps.select_related("responsible_role__group", "system").order_by(
        "number", "pk"
    )
    return {"steps": list(steps), "description_html": render_markdown(procedure.description)}


def _steps(procedure: Procedure | None, data=None):
    formset = StepFormSet(data, instance=procedure or Procedure(), prefix="steps")
    if procedure is not None:
        formset.queryset = procedure.steps.order_by("number", "pk")
    return formset


class ProcedureEditView(ObjectEditView):
    """Create or edit a procedure and its steps on one form; saved together or not at all."""

    def render(self, form, obj, status=200, conflict=None, steps=None):
        context = self.context(form=form, object=obj, conflict=conflict, steps=steps or _steps(obj))
        return TemplateResponse(
            self.request, "governance/procedure_edit.html", context, status=status
        )

    def post(self, request, pk=None):
        obj = self.get_object(pk) if pk else None
        action = "change" if obj else "add"
        self.require(action, obj)
        form = self.make_form(request.POST, request.FILES, instance=obj)
        self.limit_choices(form)
        # A post without the steps' rows (a script sending the procedure's fields only)
        # leaves the steps as they are.
        sent = "steps-TOTAL_FORMS" in request.POST
        steps = _steps(obj, request.POST if sent else None)
        if not (form.is_valid() & (steps.is_valid() or not sent)):
            return self.render(form, obj, status=400, steps=steps)
        instance = form.save(commit=False)
        try:
            expected = int(request.POST["version"]) if obj else None
        except (KeyError, ValueError):
            expected = None
            if obj:
                form.add_error(None, _("The form is missing its version; reload the page."))
                return self.render(form, obj, status=400, steps=steps)
        try:
            with transaction.atomic():
                save_object(instance, request.user, expected)
                form.save_m2m()
                if sent:
                    _save_steps(steps, instance, request.user)
        except ConflictError as exc:
            return self.render(form, obj, status=409, conflict=exc.message, steps=steps)
        messages.success(
            request,
            (_("Created %(object)s.") if action == "add" else _("Saved %(object)s."))
            % {"object": instance},
        )
        return redirect(self.object_type.url("detail", instance))


def _save_steps(steps, procedure: Procedure, user) -> None:
    """Write the formset's steps: deleted ones go, and renumbered ones pass through free
    numbers first, so that two steps may swap their numbers (each number is unique)."""
    steps.instance = procedure
    steps.save(commit=False)
    for step in steps.deleted_objects:
        delete_object(step, user)
    changed = [step for step, _fields in steps.changed_objects]
    free = (procedure.steps.aggregate(top=Max("number"))["top"] or 0) + 1
    for index, step in enumerate(changed):
        ProcedureStep.objects.filter(pk=step.pk).update(number=free + index)
    for step in [*changed, *steps.new_objects]:
        step.procedure = procedure
        save_object(step, user)


class ProcedurePDFView(ObjectView):
    """``<pk>/pdf/``: the procedure and its steps as a PDF, for those who may view it."""

    @property
    def object_type(self):
        return registry.get(Procedure)

    def get(self, request, pk):
        from openmis.governance.procedure_pdf import render_procedure  # fpdf2: loaded when asked

        procedure = self.get_object(pk)
        self.require("view", procedure)
        content = render_procedure(procedure, procedure_context(procedure, request)["steps"])
        response = HttpResponse(content, content_type="application/pdf")
        name = slugify(procedure.title)[:60] or "procedure"
        response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
        return response


def can_change(user, procedure) -> bool:
    """Whether ``user`` may edit ``procedure`` (its page offers the form)."""
    return permissions.can(user, registry.get(Procedure), "change", procedure)
