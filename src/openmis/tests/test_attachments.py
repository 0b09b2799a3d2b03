"""Files attached to objects: what may be attached, who may see and change them, where they are
kept, and that they go with their object."""

import io
import struct
import zipfile
import zlib
from pathlib import Path

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.http import Http404

from openmis.core import attachments
from openmis.core.models import Attachment
from openmis.org.roles import ANALYST, DIRECTOR, EMPLOYEE, LEADER, STAFF
from openmis.org.tests.factories import DepartmentFactory, user_with_role
from openmis.portfolio.tests.factories import ContractFactory, SystemFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 50 + b"PE\x00\x00"
HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"


def png() -> bytes:
    """A valid 1x1 PNG."""

    def chunk(kind, data):
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
        + chunk(b"IEND", b"")
    )


def office(*names: str) -> bytes:
    """A ZIP container holding ``names`` (an OOXML document's skeleton)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        for name in names:
            archive.writestr(name, "<x/>")
    return buffer.getvalue()


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


@pytest.fixture(autouse=True)
def storage(settings, tmp_path):
    """Files go to a data directory of the test's own."""
    settings.DATA_DIR = tmp_path
    return tmp_path / "attachments"


@pytest.fixture
def owners():
    return DepartmentFactory(name="Owners")


@pytest.fixture
def contract(owners):
    return ContractFactory(title="Hosting", system=SystemFactory(business_owner=owners))


@pytest.fixture
def director(owners):
    return user_with_role(DIRECTOR, owners, username="director")


def stored_files(storage: Path) -> list[Path]:
    return sorted(p for p in storage.rglob("*") if p.is_file())


# --- what may be attached ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "media_type"),
    [
        ("Scan.pdf", PDF, "application/pdf"),
        ("diagram.PNG", png(), "image/png"),
        ("notes.txt", "Umowa podpisana; załącznik nr 2\n".encode(), "text/plain"),
        ("costs.csv", "nazwa;kwota\nżółw;3\n".encode("cp1250"), "text/csv"),
        (
            "annex.docx",
            office("word/document.xml"),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (
            "prices.xlsx",
            office("xl/workbook.xml"),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
    ],
)
def test_a_file_is_typed_by_its_content_and_stored_under_a_random_name(
    name, content, media_type, contract, director, storage
):
    attachment = attachments.attach(contract, upload(name, content), director, "Signed copy")

    assert attachment.media_type == media_type
    assert attachment.file_name == name
    assert attachment.size == len(content)
    assert attachment.uploaded_by == director
    assert attachment.description == "Signed copy"
    files = stored_files(storage)
    assert files == [storage / attachment.storage_name]
    assert files[0].read_bytes() == content
    assert name not in attachment.storage_name
    assert files[0].parent.name == f"{attachment.uploaded_at:%Y}"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("invoice.pdf", EXE, "The file's content is not of a type that may be attached."),
        (
            "invoice.pdf",
            HTML,
            "The file looks like a web page or markup, which may not be attached.",
        ),
        (
            "notes.txt",
            b"  <p>hi</p>",
            "The file looks like a web page or markup, which may not be attached.",
        ),
        (
            "readme.txt",
            HTML,
            "The file looks like a web page or markup, which may not be attached.",
        ),
        ("tool.exe", EXE, "The file's content is not of a type that may be attached."),
        ("photo.pdf", png(), "The file's name ends in “.pdf” but its content is PNG (.png)."),
        ("scan", PDF, "The file's name ends in “no extension” but its content is PDF (.pdf)."),
        (
            "macro.docx",
            office("word/document.xml", "word/vbaProject.bin"),
            "The file's content is not of a type that may be attached.",
        ),
        (
            "broken.docx",
            b"PK\x03\x04garbage",
            "The file's content is not of a type that may be attached.",
        ),
        ("empty.txt", b"", "The file is empty."),
    ],
)
def test_a_file_whose_content_is_not_allowed_or_disagrees_with_its_name_is_refused(
    name, content, message, contract, director, storage
):
    with pytest.raises(ValidationError) as refused:
        attachments.attach(contract, upload(name, content), director)

    assert refused.value.message_dict == {"file": [message]}
    assert Attachment.objects.count() == 0
    assert stored_files(storage) == []


def test_the_installation_may_narrow_the_types(settings, contract, director, storage):
    settings.OPENMIS_ATTACHMENT_TYPES = ["pdf"]

    with pytest.raises(ValidationError) as refused:
        attachments.attach(contract, upload("diagram.png", png()), director)

    assert refused.value.message_dict == {
        "file": ["The file's content is not of a type that may be attached."]
    }
    assert attachments.attach(contract, upload("a.pdf", PDF), director).media_type == (
        "application/pdf"
    )


def test_a_file_over_the_size_limit_is_refused_while_it_is_copied(
    settings, contract, director, storage
):
    settings.OPENMIS_ATTACHMENT_MAX_BYTES = 1000
    chunks_read = []

    class Stream(io.BytesIO):
        name = "big.txt"

        def read(self, size=-1):
            chunks_read.append(size)
            return super().read(size)

    with pytest.raises(ValidationError) as refused:
        attachments.attach(contract, Stream(b"a" * 10 * 1024 * 1024), director)

    assert refused.value.message_dict == {
        "file": ["The file is larger than 1000\xa0bytes, the most a file may hold."]
    }
    assert chunks_read == [attachments.CHUNK_BYTES]  # stopped at the first chunk
    assert stored_files(storage) == []
    assert attachments.attach(contract, upload("small.txt", b"a" * 1000), director).size == 1000


def test_an_object_holds_at_most_the_configured_number_of_files(settings, contract, director):
    settings.OPENMIS_ATTACHMENT_MAX_PER_OBJECT = 2
    for n in range(2):
        attachments.attach(contract, upload(f"{n}.pdf", PDF), director)

    with pytest.raises(ValidationError) as refused:
        attachments.attach(contract, upload("3.pdf", PDF), director)

    assert refused.value.message_dict == {
        "file": ["This object already has 2 files, the most it may hold."]
    }


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("../../etc/passwd.txt", "passwd.txt"),
        ("..\\..\\windows\\system.ini.txt", "system.ini.txt"),
        ("/var/lib/openmis/secret_key.txt", "secret_key.txt"),
        ('bad"name<>|?*.txt', "bad_name_____.txt"),
        ("line\nbreak\x00.txt", "line_break_.txt"),
        ("....//.hidden.txt", "hidden.txt"),
        ("Zażółć gęślą jaźń.txt", "Zażółć gęślą jaźń.txt"),
    ],
)
def test_a_file_name_cannot_reach_outside_the_storage(given, kept, contract, director, storage):
    attachment = attachments.attach(contract, _named(given), director)

    assert attachment.file_name == kept
    assert stored_files(storage) == [storage / attachment.storage_name]


def _named(name: str):
    stream = io.BytesIO(b"plain text\n")
    stream.name = name
    return stream


def test_uploads_and_removals_are_in_the_objects_change_history(contract, director):
    attachment = attachments.attach(contract, upload("scan.pdf", PDF), director)
    attachments.remove(attachment, director)

    entries = LogEntry.objects.get_for_object(contract).order_by("pk")
    changes = [(e.actor, e.changes_dict) for e in entries if "attachments" in e.changes_dict]
    assert changes == [
        (director, {"attachments": ["", "scan.pdf"]}),
        (director, {"attachments": ["scan.pdf", ""]}),
    ]


# --- who may do what ---------------------------------------------------------------------------


def test_who_may_see_changes_and_who_may_not(contract, director, owners):
    attachment = attachments.attach(contract, upload("scan.pdf", PDF), director)
    reader = user_with_role(ANALYST, owners, username="reader")
    leader = user_with_role(LEADER, DepartmentFactory(name="Elsewhere"), username="leader")
    nobody = user_with_role(EMPLOYEE, owners, username="nobody")  # employees see no contracts

    # MIS staff may change contracts; analysts and department leaders only read them
    assert attachments.can_change(user_with_role(STAFF, owners, username="staff"), contract)
    for user in (reader, leader):
        assert [a.pk for a in attachments.attachments_of(contract, user)] == [attachment.pk]
        with pytest.raises(PermissionDenied):
            attachments.attach(contract, upload("more.pdf", PDF), user)
        with pytest.raises(PermissionDenied):
            attachments.remove(attachment, user)
    # a user without a role does not learn that the object or its files exist
    with pytest.raises(Http404):
        attachments.attachments_of(contract, nobody)
    with pytest.raises(Http404):
        attachments.open_attachment(attachment.pk, nobody)
    with pytest.raises(Http404):
        attachments.remove(attachment, nobody)
    assert Attachment.objects.count() == 1


def test_a_type_that_does_not_take_files_refuses_them(director, owners):
    department = DepartmentFactory(name="Files")

    with pytest.raises(ValidationError) as refused:
        attachments.attach(department, upload("a.pdf", PDF), director)

    assert refused.value.message_dict == {
        "file": ["Files cannot be attached to this kind of object."]
    }


# --- removed with the object -------------------------------------------------------------------


def test_deleting_the_object_removes_its_files_once_the_delete_commits(
    contract, director, storage, django_capture_on_commit_callbacks
):
    other = ContractFactory(title="Other", system=contract.system)
    kept = attachments.attach(other, upload("other.pdf", PDF), director)
    attachments.attach(contract, upload("a.pdf", PDF), director)
    attachments.attach(contract, upload("b.png", png()), director)
    assert len(stored_files(storage)) == 3

    with django_capture_on_commit_callbacks(execute=True):
        contract.delete()

    assert list(Attachment.objects.all()) == [kept]
    assert stored_files(storage) == [storage / kept.storage_name]


def test_a_rolled_back_delete_keeps_the_rows_and_files(contract, director, storage):
    attachment = attachments.attach(contract, upload("a.pdf", PDF), director)

    with pytest.raises(RuntimeError), transaction.atomic():
        contract.delete()
        raise RuntimeError("changed my mind")

    assert list(Attachment.objects.all()) == [attachment]
    assert stored_files(storage) == [storage / attachment.storage_name]


def test_a_removed_file_goes_from_the_disk_on_commit(
    contract, director, storage, django_capture_on_commit_callbacks
):
    attachment = attachments.attach(contract, upload("a.pdf", PDF), director)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        attachments.remove(attachment, director)
    assert stored_files(storage) == [storage / attachment.storage_name]
    for callback in callbacks:
        callback()

    assert Attachment.objects.count() == 0
    assert stored_files(storage) == []
