"""An upload crosses the network once: the preview keeps it server-side and the
confirmation names it. A request larger than an import may be is refused before its
body is read."""

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from references.models import ImportUpload, Reference
from references.parsing import MAX_BYTES
from tests.references.import_pages import confirm, confirm_url, upload
from tests.two_factor import VerifiedClient


@pytest.fixture
def signed_in_editor(client, editor):
    client.force_login(editor)
    return client


def ris_of(size, records=50):
    """A RIS file of about `size` bytes: `records` records with long abstracts."""
    head = "TY  - JOUR\nTI  - Study number {n}\nAU  - Doe, Jane\nPY  - 2020\nAB  - {abstract}\nER  - \n\n"
    filler = size // records - len(head) - 10
    return "".join(head.format(n=n, abstract="x" * filler) for n in range(records)).encode()


def test_a_file_just_over_2_mb_previews_and_its_confirmation_stores_it(signed_in_editor):
    data = ris_of(2_050_000)
    assert 2_040_000 < len(data) < MAX_BYTES
    response = upload(signed_in_editor, data)
    assert response.status_code == 200 and "50 to add" in response.content.decode()
    assert bytes(ImportUpload.objects.get().data) == data
    done = confirm(signed_in_editor, response.content.decode())
    assert done.status_code == 200 and Reference.objects.count() == 50
    assert not ImportUpload.objects.exists()  # removed with the import


def test_a_second_confirmation_imports_nothing_twice(signed_in_editor):
    page = upload(signed_in_editor, ris_of(5_000, records=3)).content.decode()
    assert confirm(signed_in_editor, page).status_code == 200
    again = confirm(signed_in_editor, page)
    assert again.status_code == 410 and "no longer kept" in again.content.decode()
    assert Reference.objects.count() == 3


def test_someone_elses_or_an_expired_upload_cannot_be_confirmed(signed_in_editor, publisher):
    page = upload(signed_in_editor, ris_of(5_000, records=3)).content.decode()
    other = VerifiedClient()  # a publisher past the second factor too
    other.force_login(publisher)
    assert other.post(confirm_url(page)).status_code == 404
    ImportUpload.objects.update(created_at=timezone.now() - timedelta(days=1, minutes=1))
    assert confirm(signed_in_editor, page).status_code == 410
    assert not Reference.objects.exists()
    upload(signed_in_editor, ris_of(5_000, records=2))  # a new preview clears stale uploads
    assert ImportUpload.objects.count() == 1


def test_a_refused_key_keeps_the_upload_for_a_second_try(signed_in_editor, add_reference):
    add_reference(key="taken")
    data = b"TY  - JOUR\nID  - taken\nTI  - New one\nAU  - Doe, J\nPY  - 2021\nER  - \n"
    page = upload(signed_in_editor, data).content.decode()
    refused = confirm(signed_in_editor, page, {"key-0": "taken"})
    assert refused.status_code == 409 and confirm_url(refused.content.decode()) == confirm_url(page)
    done = confirm(signed_in_editor, page, {"key-0": "fresh2021"})
    assert done.status_code == 200 and Reference.objects.filter(key="fresh2021").exists()


class UnreadBody(io.BytesIO):
    """A request body that records whether anything read it."""

    read_at_all = False

    def read(self, *args):
        UnreadBody.read_at_all = True
        return super().read(*args)

    def readline(self, *args):
        UnreadBody.read_at_all = True
        return super().readline(*args)


def test_a_30_mb_upload_is_refused_before_its_body_is_read(signed_in_editor):
    UnreadBody.read_at_all = False
    response = signed_in_editor.generic(
        "POST",
        "/desk/references/import/",
        data=b"--x\r\n",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(30 * 1024 * 1024),
        **{"wsgi.input": UnreadBody(b"--x\r\n")},
    )
    assert response.status_code == 413 and not UnreadBody.read_at_all
    page = response.content.decode()
    assert "The upload is 30.0 MB; a file of at most 2 MB can be imported" in page
    assert not ImportUpload.objects.exists()


def test_the_import_still_checks_the_csrf_token(editor):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    upload = SimpleUploadedFile("refs.ris", ris_of(5_000, records=2))
    assert client.post("/desk/references/import/", {"file": upload}).status_code == 403
    assert not ImportUpload.objects.exists()
