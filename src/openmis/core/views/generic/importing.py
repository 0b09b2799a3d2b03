"""Importing a file of objects: upload, preview, then import all or none."""

from __future__ import annotations

import secrets
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from openmis.core import imports, permissions
from openmis.core.forms import ImportForm
from openmis.core.views.generic.base import ObjectView


def _stash_dir() -> Path:
    path = Path(settings.DATA_DIR) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


class ObjectImportView(ObjectView):
    """Upload, preview (dry run with every error by row and column), then import all or none."""

    def render(self, form, report=None, token=None, status=200):
        context = self.context(
            form=form,
            report=report,
            token=token,
            columns=self.object_type.columns_for_import,
            natural_key=self.object_type.natural_key,
        )
        return TemplateResponse(self.request, "core/object_import.html", context, status=status)

    def check(self):
        if not permissions.can_import(self.request.user, self.object_type):
            raise PermissionDenied(_("Your role does not allow you to import these objects."))

    def get(self, request):
        self.check()
        return self.render(ImportForm())

    def post(self, request):
        self.check()
        token = request.POST.get("token")
        stash = request.session.get("openmis_imports", {})
        if token:
            entry = stash.pop(token, None)
            request.session["openmis_imports"] = stash
            path = _stash_dir() / token
            if entry is None or entry["type"] != self.object_type.label or not path.exists():
                messages.error(request, _("That import has expired; upload the file again."))
                return redirect(self.object_type.url("import"))
            content = path.read_bytes()
            path.unlink(missing_ok=True)
            report = imports.run_import(
                self.object_type,
                entry["name"],
                content,
                request.user,
                dry_run=False,
                encoding=entry.get("encoding", ""),
            )
            if report.ok:
                messages.success(
                    request,
                    _("Import done: %(created)d created, %(updated)d updated.")
                    % {"created": report.created, "updated": report.updated},
                )
                return redirect(self.object_type.url("list"))
            return self.render(ImportForm(), report, status=400)
        form = ImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render(form, status=400)
        upload = form.cleaned_data["file"]
        content = upload.read()
        encoding = form.cleaned_data["encoding"]
        report = imports.run_import(
            self.object_type, upload.name, content, request.user, True, encoding=encoding
        )
        if not report.ok:
            return self.render(ImportForm(initial={"encoding": encoding}), report, status=400)
        token = secrets.token_urlsafe(16)
        (_stash_dir() / token).write_bytes(content)
        # The encoding read in the check, so the import reads the file as the preview showed.
        stash[token] = {
            "type": self.object_type.label,
            "name": upload.name,
            "encoding": report.encoding,
        }
        request.session["openmis_imports"] = stash
        return self.render(ImportForm(), report, token=token)
