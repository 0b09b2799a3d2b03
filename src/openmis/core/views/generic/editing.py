"""Creating, editing and deleting an object."""

from __future__ import annotations

import inspect

from django.contrib import messages
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from openmis.core import permissions
from openmis.core.forms import limit_references
from openmis.core.services import ConflictError, delete_object, deletion_conflict, save_object
from openmis.core.views.generic.base import ObjectView


class ObjectEditView(ObjectView):
    """Create (no ``pk``) or edit an object; a save from a stale copy is refused (409)."""

    def limit_choices(self, form):
        ot = self.object_type
        limit_references(form, self.request.user)
        for name, allowed in ot.set_only_by.items():
            if name in form.fields and not allowed(self.request.user):
                del form.fields[name]  # left as it is (the type's ``set_only_by``)
        field_name = ot.department_field
        if (
            field_name in form.fields
            and permissions.write_scope(
                self.request.user, ot, "change" if form.instance.pk else "add"
            )
            == permissions.DEPARTMENT
        ):
            form.fields[field_name].queryset = form.fields[field_name].queryset.filter(
                pk__in=permissions.user_department_ids(self.request.user)
            )

    def make_form(self, *args, **kwargs):
        form_class = self.object_type.form
        if "user" in inspect.signature(form_class.__init__).parameters:
            kwargs["user"] = self.request.user
        return form_class(*args, **kwargs)

    def render(self, form, obj, status=200, conflict=None):
        context = self.context(form=form, object=obj, conflict=conflict)
        return TemplateResponse(self.request, "core/object_edit.html", context, status=status)

    def get(self, request, pk=None):
        obj = self.get_object(pk) if pk else None
        self.require("change" if obj else "add", obj)
        initial = {k: v for k, v in request.GET.items() if k in self.object_type.form_fields}
        form = self.make_form(instance=obj, initial=initial)
        self.limit_choices(form)
        return self.render(form, obj)

    def post(self, request, pk=None):
        obj = self.get_object(pk) if pk else None
        action = "change" if obj else "add"
        self.require(action, obj)
        form = self.make_form(request.POST, request.FILES, instance=obj)
        self.limit_choices(form)
        if not form.is_valid():
            return self.render(form, obj, status=400)
        instance = form.save(commit=False)
        if not permissions.can(request.user, self.object_type, action, instance):
            form.add_error(None, _("You may only save records of your own department."))
            return self.render(form, obj, status=403)
        try:
            expected = int(request.POST["version"]) if obj else None
        except (KeyError, ValueError):
            expected = None
            if obj:
                form.add_error(None, _("The form is missing its version; reload the page."))
                return self.render(form, obj, status=400)
        try:
            save_object(instance, request.user, expected)
        except ConflictError as exc:
            return self.render(form, obj, status=409, conflict=exc.message)
        form.save_m2m()
        if self.object_type.after_save is not None:
            self.object_type.after_save(instance)
        # a form may say what its save did when it is more than a save (a policy's text written
        # over a published version becomes a new draft)
        done = getattr(form, "done_message", None)
        messages.success(
            request,
            done
            or (_("Created %(object)s.") if action == "add" else _("Saved %(object)s."))
            % {"object": instance},
        )
        return redirect(self.object_type.url("detail", instance))


class ObjectDeleteView(ObjectView):
    """Ask for confirmation, then delete; refuse (409) while other objects need it."""

    def get(self, request, pk):
        obj = self.get_object(pk)
        self.require("delete", obj)
        warnings = self.object_type.delete_warnings(obj) if self.object_type.delete_warnings else []
        # what would refuse the deletion (a built-in role, records that still need the object)
        # is said before any button is offered
        conflict = deletion_conflict(obj)
        context = self.context(
            object=obj,
            warnings=warnings,
            conflict=conflict and conflict.message,
            blocking=conflict.blocking[:50] if conflict else [],
        )
        return TemplateResponse(request, "core/object_delete.html", context)

    def post(self, request, pk):
        obj = self.get_object(pk)
        self.require("delete", obj)
        try:
            delete_object(obj, request.user)
        except ConflictError as exc:
            context = self.context(object=obj, conflict=exc.message, blocking=exc.blocking[:50])
            return TemplateResponse(request, "core/object_delete.html", context, status=409)
        messages.success(request, _("Deleted %(object)s.") % {"object": obj})
        return redirect(self.object_type.url("list"))
