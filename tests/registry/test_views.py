"""The registry's desk pages: who sees what, and bad input answered with a clear message,
a 4xx, what was typed kept, and nothing stored."""

from datetime import timedelta
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.client import FakePayload
from django.utils import timezone
from PIL import Image

from registry.models import Credential, Photo
from tests.conftest import give_standing, unverified_licence
from tests.two_factor import VerifiedClient

pytestmark = pytest.mark.django_db


def jpeg(size=(1600, 1200), **save):
    buffer = BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, "JPEG", **save)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("who", "page", "status"),
    [
        ("reviewer", "/desk/registry/me/", 200),
        ("editor", "/desk/registry/me/", 403),
        ("publisher", "/desk/registry/me/", 403),
        ("publisher", "/desk/registry/", 200),
        ("reviewer", "/desk/registry/", 403),
        ("outsider", "/desk/registry/", 403),
    ],
)
def test_each_role_sees_only_its_registry_pages(client, request, who, page, status):
    client.force_login(request.getfixturevalue(who))
    assert client.get(page).status_code == status


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get("/desk/registry/me/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_past_valid_until_is_refused_with_the_form_kept(client, reviewer):
    client.force_login(reviewer)
    past = (timezone.now().date() - timedelta(days=3)).isoformat()
    typed = {
        "kind": "licence",
        "title": "Medical licence",
        "issuer": "Ohio Board",
        "number": "35-9",
        "valid_until": past,
    }
    response = client.post("/desk/registry/credentials/", typed)
    page = response.content.decode()
    assert response.status_code == 400
    assert "is in the past" in page and "Nothing was saved" in page
    assert 'value="Ohio Board"' in page and f'value="{past}"' in page
    assert Credential.objects.filter(member=reviewer).count() == 1  # the fixture's licence only


def test_a_malformed_date_is_refused(client, reviewer):
    client.force_login(reviewer)
    response = client.post(
        "/desk/registry/credentials/",
        {"kind": "licence", "title": "Licence", "issuer": "Board", "valid_until": "31/12/2030"},
    )
    assert response.status_code == 400 and "is not a date" in response.content.decode()


def test_a_publisher_verifies_from_the_list_of_credentials_to_verify(client, publisher, make_staff):
    newcomer = make_staff("nora", "Reviewer", standing=False)
    licence = unverified_licence(newcomer)
    client.force_login(publisher)
    assert "Nora Tester: Licence to practise" in client.get("/dashboard/").content.decode()
    listed = client.get("/desk/registry/").content.decode()
    assert "Licence to practise: Medical licence, Ohio Board" in listed
    refused = client.post(f"/desk/registry/credentials/{licence.pk}/verify/", {"note": ""})
    assert refused.status_code == 400 and "Give the note" in refused.content.decode()
    response = client.post(f"/desk/registry/credentials/{licence.pk}/verify/", {"note": "Board register"})
    assert response.status_code == 302
    licence.refresh_from_db()
    assert licence.verified_by == publisher


def test_a_file_that_is_not_an_image_is_refused_and_nothing_stored(client, reviewer):
    client.force_login(reviewer)
    fake = SimpleUploadedFile("me.jpg", b"<?php system($_GET['c']); ?>", content_type="image/jpeg")
    response = client.post("/desk/registry/photo/", {"photo": fake})
    assert response.status_code == 400
    assert "not an image the app can read" in response.content.decode()
    assert not Photo.objects.exists()


def test_a_truncated_jpeg_is_refused(client, reviewer):
    client.force_login(reviewer)
    data = jpeg()
    half = SimpleUploadedFile("me.jpg", data[: len(data) // 2], content_type="image/jpeg")
    assert client.post("/desk/registry/photo/", {"photo": half}).status_code == 400
    assert not Photo.objects.exists()


def test_a_30_mb_upload_is_refused_before_its_body_is_read(reviewer):
    # With CSRF enforced, as in production: the CSRF check would read the body for its token.
    client = VerifiedClient(enforce_csrf_checks=True)
    client.force_login(reviewer)

    class Untouchable(FakePayload):
        def read(self, *args, **kwargs):
            raise AssertionError("the body of an over-large upload was read")

    response = client.generic(
        "POST",
        "/desk/registry/photo/",
        data=b"x",
        content_type="multipart/form-data; boundary=BoUnDaRy",
        CONTENT_LENGTH=str(30 * 1024 * 1024),
        **{"wsgi.input": Untouchable(b"")},
    )
    assert response.status_code == 413
    assert "too large: a photo may be at most 5 MB" in response.content.decode()
    assert not Photo.objects.exists()


def test_a_real_30_mb_upload_gets_the_same_answer(client, reviewer):
    client.force_login(reviewer)
    big = SimpleUploadedFile("big.jpg", b"\xff" * (30 * 1024 * 1024), content_type="image/jpeg")
    response = client.post("/desk/registry/photo/", {"photo": big})
    assert response.status_code == 413 and not Photo.objects.exists()


def test_a_photo_is_resized_and_stored_without_its_metadata(client, reviewer, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotated, applied before the metadata goes
    exif[0x010F] = "SpyCam"  # Make
    upload = SimpleUploadedFile("me.jpg", jpeg(exif=exif.tobytes(), comment=b"home address"), content_type="image/jpeg")
    client.force_login(reviewer)
    assert client.post("/desk/registry/photo/", {"photo": upload}).status_code == 302
    photo = Photo.objects.get(member=reviewer)
    with Image.open(photo.image.path) as stored:
        assert stored.size == (600, 800) == (photo.width, photo.height)  # upright, at most 800 a side
        assert not stored.getexif() and "comment" not in stored.info and "icc_profile" not in stored.info
    assert b"home address" not in open(photo.image.path, "rb").read()


def test_the_publishers_page_runs_the_same_queries_for_a_bigger_board(
    client, publisher, make_staff, django_assert_max_num_queries
):
    def board_of(size, start):
        for n in range(size):
            give_standing(make_staff(f"member{start + n}", "Reviewer", standing=False))

    client.force_login(publisher)
    board_of(2, 0)
    client.get("/desk/registry/")  # warm the session and role caches
    with django_assert_max_num_queries(14) as small:
        client.get("/desk/registry/")
    board_of(12, 100)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get("/desk/registry/").status_code == 200


def test_a_declaration_listing_nothing_is_refused_and_the_choice_kept(client, reviewer):
    client.force_login(reviewer)
    response = client.post("/desk/registry/declaration/", {"no_interests": "no", "interests": "  "})
    page = response.content.decode()
    assert response.status_code == 400 and "List your interests" in page
    assert 'id="declare-some" name="no_interests" value="no" checked' in page
    assert client.post("/desk/registry/declaration/", {"no_interests": "yes"}).status_code == 302


def test_a_reviewer_cannot_verify_or_keep_the_specialty_list(client, reviewer, make_staff):
    newcomer = make_staff("nora", "Reviewer", standing=False)
    licence = unverified_licence(newcomer)
    client.force_login(reviewer)
    assert client.post(f"/desk/registry/credentials/{licence.pk}/verify/", {"note": "trust me"}).status_code == 403
    licence.refresh_from_db()
    assert licence.verified_at is None


def test_a_duplicate_specialty_is_refused_with_the_name_kept(client, publisher):
    client.force_login(publisher)
    assert client.post("/desk/registry/specialties/", {"name": "Nephrology"}).status_code == 302
    response = client.post("/desk/registry/specialties/", {"name": "nephrology"})
    assert response.status_code == 400 and "already on the list" in response.content.decode()
    assert 'value="nephrology"' in response.content.decode()


def test_an_editor_cannot_enter_credentials_for_a_board_member(client, editor, reviewer):
    client.force_login(editor)
    typed = {"member": reviewer.pk, "kind": "degree", "title": "M.D.", "issuer": "Somewhere"}
    assert client.post("/desk/registry/credentials/", typed).status_code == 403
    assert not Credential.objects.filter(kind="degree").exists()
