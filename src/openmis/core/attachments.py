"""Files attached to registered objects: add, list, open and remove them.

Any registered type whose declaration says ``attachments=True`` takes files. The rules:

- a user may attach a file to, or remove one from, an object they may change; they may list
  and download the files of an object they may see; for anyone else the object's files do not
  exist (404, so a hidden object is not revealed);
- a file's type is told by its content (puremagic and a look inside ZIP containers), must be
  one of :data:`KINDS` (``OPENMIS_ATTACHMENT_TYPES`` may narrow it) and must agree with the
  file name's extension: a ``.pdf`` that is a program or a web page is refused;
- a file may hold at most ``OPENMIS_ATTACHMENT_MAX_BYTES``, counted while it is copied in
  chunks (never read into memory whole); an object holds at most
  ``OPENMIS_ATTACHMENT_MAX_PER_OBJECT`` files (0: no limit);
- files are stored under ``<data dir>/attachments/<year>/<random name>``, outside anything
  the web server serves; the user's file name is kept, cleaned, in the database only;
- adding and removing a file is written to the object's change history; deleting an object
  deletes its files' rows in the same transaction and the files once it commits.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
import secrets
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePath

from auditlog.models import LogEntry
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models.signals import post_delete
from django.http import Http404
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from openmis.core import permissions, registry
from openmis.core.models import Attachment

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
DEFAULT_MAX_PER_OBJECT = 100
HEAD_BYTES = 8192
CHUNK_BYTES = 64 * 1024
NAME_LENGTH = 200


@dataclass(frozen=True)
class Kind:
    """A type of file that may be attached: its label, media type and file name extensions."""

    key: str
    label: str
    media_type: str
    extensions: tuple[str, ...]


_OOXML = "application/vnd.openxmlformats-officedocument"
_ODF = "application/vnd.oasis.opendocument"
KINDS: dict[str, Kind] = {
    kind.key: kind
    for kind in (
        Kind("pdf", "PDF", "application/pdf", (".pdf",)),
        Kind("png", "PNG", "image/png", (".png",)),
        Kind("jpeg", "JPEG", "image/jpeg", (".jpg", ".jpeg")),
        Kind("gif", "GIF", "image/gif", (".gif",)),
        Kind("webp", "WebP", "image/webp", (".webp",)),
        Kind("txt", gettext_lazy("Text"), "text/plain", (".txt",)),
        Kind("csv", "CSV", "text/csv", (".csv",)),
        Kind("docx", "Word", f"{_OOXML}.wordprocessingml.document", (".docx",)),
        Kind("xlsx", "Excel", f"{_OOXML}.spreadsheetml.sheet", (".xlsx",)),
        Kind("pptx", "PowerPoint", f"{_OOXML}.presentationml.presentation", (".pptx",)),
        Kind("odt", "OpenDocument", f"{_ODF}.text", (".odt",)),
        Kind("ods", "OpenDocument", f"{_ODF}.spreadsheet", (".ods",)),
    )
}
_BY_MEDIA_TYPE = {kind.media_type: kind.key for kind in KINDS.values()}
_ZIP = "zip"  # an OOXML or ODF container: which one is read from inside it
_ZIP_KINDS = ("docx", "xlsx", "pptx", "odt", "ods")
_ZIP_MEDIA_TYPES = {"application/zip", *(KINDS[key].media_type for key in _ZIP_KINDS)}
# Text that a browser would run or render as a page if it ever sniffed it.
_MARKUP_STARTS = (b"<", b"\xef\xbb\xbf<")
_MARKUP_TYPES = ("text/html", "application/xhtml", "image/svg", "text/xml", "application/xml")
_CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0b\x0e-\x1a\x1c-\x1f\x7f]")


def max_bytes() -> int:
    return getattr(settings, "OPENMIS_ATTACHMENT_MAX_BYTES", DEFAULT_MAX_BYTES)


def max_per_object() -> int:
    return getattr(settings, "OPENMIS_ATTACHMENT_MAX_PER_OBJECT", DEFAULT_MAX_PER_OBJECT)


def allowed_kinds() -> dict[str, Kind]:
    """The kinds this installation accepts: :data:`KINDS`, narrowed by
    ``OPENMIS_ATTACHMENT_TYPES`` (their keys or extensions, e.g. ``["pdf", "png"]``)."""
    chosen = getattr(settings, "OPENMIS_ATTACHMENT_TYPES", None)
    if not chosen:
        return KINDS
    wanted = {str(c).lower().lstrip(".") for c in chosen}
    return {
        key: kind
        for key, kind in KINDS.items()
        if key in wanted or wanted & {e.lstrip(".") for e in kind.extensions}
    }


def kind_label(media_type: str) -> str:
    """What the list shows as a file's type (``PDF``, ``Excel``)."""
    key = _BY_MEDIA_TYPE.get(media_type)
    return str(KINDS[key].label) if key else media_type


def storage_root() -> Path:
    """The directory holding every attached file (under the data directory)."""
    return Path(settings.DATA_DIR) / "attachments"


def path_of(attachment: Attachment) -> Path:
    return storage_root() / attachment.storage_name


def clean_name(name: str) -> str:
    """The user's file name as it may be stored and offered again: its last path component,
    without control or reserved characters, at most :data:`NAME_LENGTH` characters (keeping
    the extension)."""
    name = unicodedata.normalize("NFC", str(name or ""))
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(
        "_" if (unicodedata.category(c)[0] == "C" or c in '<>:"|?*') else c for c in name
    )
    name = " ".join(name.split()).strip(" .")
    if not name:
        return "file"
    if len(name) > NAME_LENGTH:
        suffix = PurePath(name).suffix[:20]
        name = name[: NAME_LENGTH - len(suffix)] + suffix
    return name


# --- who may do what ---------------------------------------------------------------------------


def _object_type(obj) -> registry.ObjectType:
    if not registry.is_registered(type(obj)):
        raise Http404
    return registry.get(obj)


def can_see(user, obj) -> bool:
    """Whether ``user`` may see ``obj`` (and so list and download its files)."""
    ot = _object_type(obj)
    if not permissions.can(user, ot, "view", obj):
        return False
    return ot.visible_to is None or ot.for_user(user).filter(pk=obj.pk).exists()


def can_change(user, obj) -> bool:
    """Whether ``user`` may add files to ``obj`` and remove them."""
    ot = _object_type(obj)
    return ot.attachments and permissions.can(user, ot, "change", obj)


def _require_visible(user, obj) -> None:
    if not can_see(user, obj):
        raise Http404(_("No such object."))


def _require_change(user, obj) -> None:
    _require_visible(user, obj)
    if not _object_type(obj).attachments:
        raise ValidationError({"file": [_("Files cannot be attached to this kind of object.")]})
    if not can_change(user, obj):
        raise PermissionDenied(
            _("Your role does not allow you to change the files of this object.")
        )


def object_of(attachment: Attachment):
    """The object ``attachment`` belongs to, or None if its type is gone."""
    model = attachment.content_type.model_class()
    if model is None or not registry.is_registered(model):
        return None
    return model._default_manager.filter(pk=attachment.object_id).first()


# --- reading -----------------------------------------------------------------------------------


def attachments_of(obj, user):
    """The files of ``obj``, newest first (404 if ``user`` may not see it)."""
    _require_visible(user, obj)
    return Attachment.objects.filter(
        content_type=ContentType.objects.get_for_model(type(obj)), object_id=obj.pk
    ).select_related("uploaded_by")


def get_attachment(pk, user) -> tuple[Attachment, object]:
    """The attachment ``pk`` and its object, if ``user`` may see the object (else 404)."""
    attachment = (
        Attachment.objects.select_related("content_type", "uploaded_by").filter(pk=pk).first()
    )
    obj = object_of(attachment) if attachment is not None else None
    if obj is None:
        raise Http404(_("No such file."))
    _require_visible(user, obj)
    return attachment, obj


def open_attachment(pk, user):
    """``(attachment, open binary file)`` of the attachment ``pk`` for ``user`` (else 404)."""
    attachment, _obj = get_attachment(pk, user)
    try:
        return attachment, path_of(attachment).open("rb")
    except FileNotFoundError:
        raise Http404(_("The file is missing from the server's storage.")) from None


# --- adding ------------------------------------------------------------------------------------


def _refuse(message: str):
    raise ValidationError({"file": [message]})


def _kind_from_head(head: bytes) -> str | None:
    """The kind ``head`` (the first bytes) shows, :data:`_ZIP`, ``"text"`` if nothing is
    recognised, or None for a recognised type that may not be attached."""
    import puremagic  # only where files are checked: it reads its signatures on import

    try:
        matches = puremagic.magic_string(head)
    except puremagic.PureError:
        matches = []
    if not matches:
        return "text"
    best = max(m.confidence for m in matches)
    if any(m.mime_type.startswith(_MARKUP_TYPES) for m in matches if m.confidence == best):
        return "markup"
    for match in matches:
        if match.confidence < best:
            continue
        if match.mime_type in _ZIP_MEDIA_TYPES:
            return _ZIP
        key = _BY_MEDIA_TYPE.get(match.mime_type)
        if key and not KINDS[key].media_type.startswith("text/"):
            return key
    return None


def _kind_in_zip(path: Path) -> str | None:
    """docx, xlsx, pptx, odt or ods from the container's own entries; None otherwise (and for
    documents with macros)."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
            if "mimetype" in names:
                declared = archive.read("mimetype")[:100].decode("ascii", "replace").strip()
                return _BY_MEDIA_TYPE.get(declared) if declared.startswith(_ODF) else None
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError):
        return None
    if "[Content_Types].xml" not in names or any(n.endswith("vbaProject.bin") for n in names):
        return None
    tops = {n.split("/", 1)[0] for n in names}
    found = [key for key, top in (("docx", "word"), ("xlsx", "xl"), ("pptx", "ppt")) if top in tops]
    return found[0] if len(found) == 1 else None


def _text_kind(extension: str) -> str:
    return "csv" if extension == ".csv" else "txt"


def _chunks(uploaded_file):
    if hasattr(uploaded_file, "chunks"):
        yield from uploaded_file.chunks(CHUNK_BYTES)
        return
    while chunk := uploaded_file.read(CHUNK_BYTES):
        yield chunk


def _store(uploaded_file, target: Path, limit: int) -> tuple[bytes, int, str, bool]:
    """Copy the upload to ``target`` in chunks: ``(head, size, sha256, may be text)``; refuse
    as soon as it passes ``limit`` bytes."""
    digest = hashlib.sha256()
    head = b""
    size = 0
    text = True
    with target.open("xb") as out:
        for chunk in _chunks(uploaded_file):
            size += len(chunk)
            if size > limit:
                _refuse(too_large_message(limit))
            if len(head) < HEAD_BYTES:
                head += chunk[: HEAD_BYTES - len(head)]
            digest.update(chunk)
            # Text in any 8-bit encoding (UTF-8, or Windows-1250 from a spreadsheet) has no
            # control bytes besides tabs, line and page breaks; a binary file almost always does.
            text = text and _CONTROL_BYTES.search(chunk) is None
            out.write(chunk)
    return head, size, digest.hexdigest(), text


def too_large_message(limit: int) -> str:
    return _("The file is larger than %(limit)s, the most a file may hold.") % {
        "limit": filesizeformat(limit)
    }


def _detect(head: bytes, text: bool, path: Path, extension: str) -> str:
    """The kind of the stored file, or a refusal that says why."""
    kind = _kind_from_head(head)
    if kind == "markup":
        _refuse(_("The file looks like a web page or markup, which may not be attached."))
    if kind == "text":
        if not text:
            _refuse(_("The file's content is not of a type that may be attached."))
        if head.lstrip(b" \t\r\n").startswith(_MARKUP_STARTS):
            _refuse(_("The file looks like a web page or markup, which may not be attached."))
        kind = _text_kind(extension)
    elif kind == _ZIP:
        kind = _kind_in_zip(path)
    if kind is None or kind not in allowed_kinds():
        _refuse(_("The file's content is not of a type that may be attached."))
    if extension not in KINDS[kind].extensions:
        _refuse(
            _("The file's name ends in “%(extension)s” but its content is %(type)s (%(expected)s).")
            % {
                "extension": extension or _("no extension"),
                "type": kind_label(KINDS[kind].media_type),
                "expected": ", ".join(KINDS[kind].extensions),
            }
        )
    return kind


def attach(obj, uploaded_file, user, description: str = "") -> Attachment:
    """Attach ``uploaded_file`` (a Django ``UploadedFile`` or a binary file object with a
    ``name``) to ``obj`` for ``user``; refuse with a ``ValidationError`` on ``file`` (or
    ``description``) when the file may not be attached, ``PermissionDenied`` when the user may
    not change the object, ``Http404`` when they may not see it."""
    _require_change(user, obj)
    if uploaded_file is None:
        _refuse(_("Choose a file."))
    description = " ".join(str(description or "").split())
    if len(description) > 500:
        raise ValidationError({"description": [_("Ensure this value has at most 500 characters.")]})
    content_type = ContentType.objects.get_for_model(type(obj))
    most = max_per_object()
    if (
        most
        and Attachment.objects.filter(content_type=content_type, object_id=obj.pk).count() >= most
    ):
        _refuse(
            ngettext(
                "This object already has %(count)d file, the most it may hold.",
                "This object already has %(count)d files, the most it may hold.",
                most,
            )
            % {"count": most}
        )
    name = clean_name(getattr(uploaded_file, "name", ""))
    extension = PurePath(name).suffix.lower()
    now = timezone.now()
    storage_name = f"{now:%Y}/{secrets.token_urlsafe(24)}"
    target = storage_root() / storage_name
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        head, size, sha256, text = _store(uploaded_file, target, max_bytes())
        if size == 0:
            _refuse(_("The file is empty."))
        kind = _detect(head, text, target, extension)
        with transaction.atomic():
            attachment = Attachment.objects.create(
                content_type=content_type,
                object_id=obj.pk,
                file_name=name,
                media_type=KINDS[kind].media_type,
                size=size,
                sha256=sha256,
                storage_name=storage_name,
                description=description,
                uploaded_by=user if user is not None and user.is_authenticated else None,
                uploaded_at=now,
            )
            _log(obj, user, old="", new=name)
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    return attachment


# --- removing ----------------------------------------------------------------------------------


def _delete_files_on_commit(storage_names: list[str]) -> None:
    root = storage_root()

    def delete():
        for storage_name in storage_names:
            with contextlib.suppress(OSError):
                (root / storage_name).unlink(missing_ok=True)

    transaction.on_commit(delete)


def remove(attachment: Attachment, user) -> None:
    """Remove ``attachment`` (its row now, its file when the transaction commits)."""
    obj = object_of(attachment)
    if obj is None:
        raise Http404(_("No such file."))
    _require_change(user, obj)
    with transaction.atomic():
        attachment.delete()
        _log(obj, user, old=attachment.file_name, new="")
        _delete_files_on_commit([attachment.storage_name])


def _log(obj, user, old: str, new: str) -> None:
    """Write the change to ``obj``'s history: ``attachments: old → new``."""
    actor = user if user is not None and user.is_authenticated else None
    LogEntry.objects.log_create(
        obj,
        action=LogEntry.Action.UPDATE,
        changes={"attachments": [old, new]},
        actor=actor,
        actor_email=getattr(actor, "email", None),
    )


def _remove_with_object(sender, instance, **kwargs) -> None:
    """A registered object was deleted: its files' rows go in the same transaction and the
    files once it commits, so a rolled-back delete keeps both."""
    if kwargs.get("raw") or not registry.is_registered(sender):
        return
    rows = Attachment.objects.filter(
        content_type=ContentType.objects.get_for_model(sender), object_id=instance.pk
    )
    storage_names = list(rows.values_list("storage_name", flat=True))
    if storage_names:
        rows.delete()
        _delete_files_on_commit(storage_names)


def connect_signals() -> None:
    post_delete.connect(_remove_with_object, dispatch_uid="openmis-attachments-with-object")
