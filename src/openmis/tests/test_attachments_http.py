"""Attached files over HTTP: the detail page's section, upload, download and removal pages, and
the API, with the headers and status codes each caller gets."""

import io

import pytest
from django.test import Client

from openmis.core import attachments
from openmis.core.models import Attachment
from openmis.core.views.attachments import DOWNLOAD_CSP
from openmis.org.roles import ANALYST, EMPLOYEE
from openmis.org.tests.factories import user_with_role
from openmis.tests import test_attachments as files

pytestmark = pytest.mark.django_db

PDF, EXE, upload = files.PDF, files.EXE, files.upload
# the fixtures of the service's tests: a contract of the "Owners" department, its director,
# and a data directory of the test's own
storage, owners, contract, director = files.storage, files.owners, files.contract, files.director


# --- pages -------------------------------------------------------------------------------------


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_detail_page_loads_the_section_which_lists_and_uploads(contract, director):
    client = client_of(director)
    section_url = f"/attachments/portfolio.contract/{contract.pk}/"
    page = client.get(f"/portfolio/contracts/{contract.pk}/").content.decode()
    assert f'hx-get="{section_url}"' in page

    response = client.post(section_url, {"file": upload("Scan.pdf", PDF), "description": "Signed"})
    assert response.status_code == 302
    assert response["Location"] == f"/portfolio/contracts/{contract.pk}/#attachments"
    attachment = Attachment.objects.get()
    section = client.get(section_url, HTTP_HX_REQUEST="true").content.decode()
    assert f'href="/attachments/{attachment.pk}/download/"' in section
    assert "Scan.pdf" in section and "Signed" in section and "PDF" in section
    assert 'id="attachment-upload"' in section
    assert f'action="/attachments/{attachment.pk}/remove/"' in section


def test_a_refused_upload_shows_the_reason_on_the_form(contract, director):
    response = client_of(director).post(
        f"/attachments/portfolio.contract/{contract.pk}/", {"file": upload("x.pdf", EXE)}
    )
    assert response.status_code == 400
    assert "The file&#x27;s content is not of a type that may be attached." in (
        response.content.decode()
    )
    assert Attachment.objects.count() == 0


def test_an_oversized_upload_is_refused_by_the_upload_handler(settings, contract, director):
    settings.OPENMIS_ATTACHMENT_MAX_BYTES = 100
    response = client_of(director).post(
        f"/attachments/portfolio.contract/{contract.pk}/", {"file": upload("big.txt", b"a" * 5000)}
    )
    assert response.status_code == 400
    assert "The file is larger than 100\xa0bytes, the most a file may hold." in (
        response.content.decode()
    )
    assert Attachment.objects.count() == 0


def test_the_download_is_an_attachment_with_safe_headers(contract, director):
    attachment = attachments.attach(contract, _named_bytes("Umowa „końcowa”.pdf", PDF), director)

    response = client_of(director).get(f"/attachments/{attachment.pk}/download/")

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="Umowa koncowa.pdf"; '
        "filename*=UTF-8''Umowa%20%E2%80%9Eko%C5%84cowa%E2%80%9D.pdf"
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == DOWNLOAD_CSP
    assert "no-store" in response["Cache-Control"]


def _named_bytes(name: str, content: bytes):
    stream = io.BytesIO(content)
    stream.name = name
    return stream


@pytest.mark.parametrize("who", ["nobody", "reader", "anonymous"])
def test_pages_refuse_who_may_not_see_or_change(who, contract, director, owners):
    attachment = attachments.attach(contract, upload("a.pdf", PDF), director)
    client = Client()
    if who != "anonymous":
        client.force_login(user_with_role(EMPLOYEE if who == "nobody" else ANALYST, owners))
    section = f"/attachments/portfolio.contract/{contract.pk}/"
    download = f"/attachments/{attachment.pk}/download/"

    responses = {
        "list": client.get(section).status_code,
        "download": client.get(download).status_code,
        "upload": client.post(section, {"file": upload("b.pdf", PDF)}).status_code,
        "remove": client.post(f"/attachments/{attachment.pk}/remove/").status_code,
    }

    expected = {
        "nobody": {"list": 404, "download": 404, "upload": 404, "remove": 404},
        "reader": {"list": 200, "download": 200, "upload": 403, "remove": 403},
        "anonymous": {"list": 302, "download": 302, "upload": 302, "remove": 302},
    }[who]
    assert responses == expected
    assert list(Attachment.objects.all()) == [attachment]


def test_the_section_makes_as_many_queries_for_many_files_as_for_one(
    contract, director, django_assert_max_num_queries
):
    client = client_of(director)
    url = f"/attachments/portfolio.contract/{contract.pk}/"
    attachments.attach(contract, upload("0.pdf", PDF), director)
    client.get(url, HTTP_HX_REQUEST="true")
    with django_assert_max_num_queries(SECTION_QUERIES):
        client.get(url, HTTP_HX_REQUEST="true")
    for n in range(1, 8):
        attachments.attach(contract, upload(f"{n}.pdf", PDF), director)
    client.get(url, HTTP_HX_REQUEST="true")  # warm again: the writes emptied the caches
    with django_assert_max_num_queries(SECTION_QUERIES):
        response = client.get(url, HTTP_HX_REQUEST="true")
    assert response.content.decode().count('<tr id="attachment-') == 8


# The session's user, the data generation, the object and its files.
SECTION_QUERIES = 4


# --- API ---------------------------------------------------------------------------------------


def test_the_api_lists_uploads_describes_downloads_and_deletes(
    contract, director, api_client_for, storage
):
    api = api_client_for(director)
    url = f"/api/core/attachments/?object_type=portfolio.contract&object_id={contract.pk}"

    created = api.post(url, {"file": upload("scan.pdf", PDF), "description": "Signed"})
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["object_type"], body["object_id"], body["file_name"], body["size"]) == (
        "portfolio.contract",
        contract.pk,
        "scan.pdf",
        len(PDF),
    )
    listed = api.get(url).json()
    assert listed["count"] == 1
    assert listed["results"][0]["id"] == body["id"]
    assert api.get(f"/api/core/attachments/{body['id']}/").json()["media_type"] == (
        "application/pdf"
    )
    download = api.get(
        f"/api/core/attachments/{body['id']}/download/", HTTP_ACCEPT="application/pdf"
    )
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert download["Content-Disposition"].startswith("attachment;")

    assert api.delete(f"/api/core/attachments/{body['id']}/").status_code == 204
    assert Attachment.objects.count() == 0


def test_the_api_answers_a_bad_file_with_field_errors(contract, director, api_client_for):
    api = api_client_for(director)
    url = f"/api/core/attachments/?object_type=portfolio.contract&object_id={contract.pk}"

    bad = api.post(url, {"file": upload("invoice.pdf", EXE)})
    missing = api.post(url, {"description": "no file"})
    wrong_type = api.get("/api/core/attachments/?object_type=org.department&object_id=1")

    assert (bad.status_code, bad.json()) == (
        400,
        {"file": ["The file's content is not of a type that may be attached."]},
    )
    assert (missing.status_code, missing.json()) == (400, {"file": ["No file was submitted."]})
    assert (wrong_type.status_code, wrong_type.json()) == (
        400,
        {"object_type": ["Files cannot be attached to this kind of object."]},
    )
    assert Attachment.objects.count() == 0


def test_the_api_hides_the_files_of_objects_the_caller_may_not_see(
    contract, director, owners, api_client_for
):
    attachment = attachments.attach(contract, upload("a.pdf", PDF), director)
    nobody = api_client_for(user_with_role(None, owners, username="nobody"))
    reader = api_client_for(user_with_role(ANALYST, owners, username="reader"))
    anonymous = api_client_for(None)
    list_url = f"/api/core/attachments/?object_type=portfolio.contract&object_id={contract.pk}"
    item = f"/api/core/attachments/{attachment.pk}/"

    assert [nobody.get(u).status_code for u in (list_url, item, item + "download/")] == [404] * 3
    assert nobody.delete(item).status_code == 404
    assert reader.delete(item).status_code == 403
    assert reader.post(list_url, {"file": upload("b.pdf", PDF)}).status_code == 403
    assert anonymous.get(list_url).status_code == 401
    assert list(Attachment.objects.all()) == [attachment]
