"""Pages of the files attached to an object: its attachments section, upload, download, remove.

The section is fetched by the object's detail page on its own (``core/_attachments.html``), so
it is rendered for each user and request, whatever the detail page keeps in its cache.
"""

from __future__ import annotations

import unicodedata
from urllib.parse import quote

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_POST

from openmis.core import attachments, registry

#: The policy of a downloaded file: should a browser ever render it, it runs nothing, loads
#: nothing and is an origin of its own.
DOWNLOAD_CSP = "sandbox; default-src 'none'; form-action 'none'; frame-ancestors 'none'"


class LimitedUploadHandler(FileUploadHandler):
    """Stops taking a file as soon as it passes the attachment size limit, so an oversized
    upload is neither kept in memory nor written to a temporary file; ``too_large`` says so."""

    def __init__(self, request=None):
        super().__init__(request)
        self.limit = attachments.max_bytes()
        self.received = 0
        self.too_large = False

    def new_file(self, *args, **kwargs):
        self.received = 0
        super().new_file(*args, **kwargs)

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.limit:
            self.too_large = True
            raise SkipFile
        return raw_data

    def file_complete(self, file_size):
        return None


def limit_uploads(request) -> LimitedUploadHandler:
    """Put the size limit in front of ``request``'s upload handlers (before its body is read)."""
    handler = LimitedUploadHandler(request)
    request.upload_handlers.insert(0, handler)
    return handler


def download_response(attachment, handle) -> FileResponse:
    """The file as a download: never shown inline, its type as detected, sniffing off and a
    sandboxing policy in case a browser renders it anyway."""
    response = FileResponse(handle, content_type=attachment.media_type)
    response["Content-Length"] = str(attachment.size)
    response["Content-Disposition"] = content_disposition(attachment.file_name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = DOWNLOAD_CSP
    patch_cache_control(response, private=True, no_store=True)
    return response


def content_disposition(name: str) -> str:
    """``attachment`` with an ASCII ``filename`` for old clients and the exact name as
    ``filename*`` (RFC 6266, RFC 5987)."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    ascii_name = "".join(c if c.isprintable() and c not in '"\\%;' else "_" for c in ascii_name)
    return f"attachment; filename=\"{ascii_name or 'file'}\"; filename*=UTF-8''{quote(name)}"


class AttachmentForm(forms.Form):
    """A file to attach and what it is."""

    file = forms.FileField(
        label=gettext_lazy("File"),
        required=False,  # an oversized file arrives as none; the service says which it was
        widget=forms.ClearableFileInput(attrs={"class": "form-control form-control-sm"}),
    )
    description = forms.CharField(
        label=gettext_lazy("Description"),
        max_length=500,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
    )


def _object(label: str, object_id: int):
    """The object of an attachments URL, if its type takes attachments (else 404)."""
    try:
        ot = registry.get(label)
    except KeyError:
        raise Http404 from None
    if not ot.attachments:
        raise Http404
    obj = ot.model._default_manager.filter(pk=object_id).first()
    if obj is None:
        raise Http404
    return ot, obj


def section_context(request, obj, form=None) -> dict:
    """What ``core/_attachment_list.html`` shows of ``obj`` to the requesting user."""
    ot = registry.get(obj)
    files = list(attachments.attachments_of(obj, request.user))
    for attachment in files:
        attachment.kind_label = attachments.kind_label(attachment.media_type)
    return {
        "object": obj,
        "object_type": ot,
        "attachments": files,
        "can_change_files": attachments.can_change(request.user, obj),
        "form": form or AttachmentForm(),
        "max_bytes": attachments.max_bytes(),
        "accept": ",".join(
            e for kind in attachments.allowed_kinds().values() for e in kind.extensions
        ),
    }


@csrf_exempt  # the size limit must be in place before the CSRF check reads the body
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def section(request, label: str, object_id: int):
    """GET: the attachments section of an object (a page of its own without htmx);
    POST: attach a file, then back to the object's page."""
    if request.method == "POST":
        limit = limit_uploads(request)
        return _upload(request, label, object_id, limit)
    _ot, obj = _object(label, object_id)
    context = section_context(request, obj)
    template = "core/_attachment_list.html" if request.htmx else "core/attachments.html"
    return TemplateResponse(request, template, context)


@csrf_protect
def _upload(request, label, object_id, limit: LimitedUploadHandler):
    ot, obj = _object(label, object_id)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            if limit.too_large:
                raise ValidationError(
                    {"file": [attachments.too_large_message(attachments.max_bytes())]}
                )
            attachment = attachments.attach(
                obj, form.cleaned_data["file"], request.user, form.cleaned_data["description"]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Attached %(file)s.") % {"file": attachment.file_name})
            return redirect(f"{ot.url('detail', obj)}#attachments")
    context = section_context(request, obj, form)
    return TemplateResponse(request, "core/attachments.html", context, status=400)


@login_required
@require_http_methods(["GET", "HEAD"])
def download(request, pk: int):
    """The file, to those who may see its object."""
    attachment, handle = attachments.open_attachment(pk, request.user)
    return download_response(attachment, handle)


@login_required
@require_POST
def remove(request, pk: int):
    """Remove a file (those who may change its object); htmx gets the section back."""
    attachment, obj = attachments.get_attachment(pk, request.user)
    attachments.remove(attachment, request.user)
    if request.htmx:
        return TemplateResponse(
            request, "core/_attachment_list.html", section_context(request, obj)
        )
    messages.success(request, _("Removed %(file)s.") % {"file": attachment.file_name})
    return redirect(f"{registry.get(obj).url('detail', obj)}#attachments")
