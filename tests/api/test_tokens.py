import hashlib

import pytest
from django.urls import reverse

from api.models import ApiToken
from api.tokens import api_token_revoke
from articles.models import Event
from tests.two_factor import enrol

pytestmark = pytest.mark.django_db
QUEUE = "/api/desk/queues/editor/"


def test_a_token_is_stored_only_as_the_hash_of_its_secret(editor, token_for):
    secret = token_for(editor)
    token = ApiToken.objects.get(user=editor)
    assert token.key_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in {token.key_hash, token.hint, token.name}


def test_the_desk_page_shows_a_new_token_once_and_audits_it(client, editor):
    client.force_login(editor)
    response = client.post(reverse("api_tokens"), {"name": "website sync"})
    assert response.status_code == 200
    secret = response.context["secret"]
    assert secret in response.content.decode()
    assert response["Cache-Control"] == "no-store"
    assert secret not in client.get(reverse("api_tokens")).content.decode()
    event = Event.objects.get(action="api_token_created")
    assert event.chain == "account" and event.actor == editor and "website sync" in event.comment


def test_a_token_without_a_name_is_refused_and_the_page_says_why(client, editor):
    client.force_login(editor)
    response = client.post(reverse("api_tokens"), {"name": "  "})
    assert response.status_code == 400
    assert "Give the token a name" in response.content.decode()
    assert not ApiToken.objects.exists()


def test_revoking_a_token_on_the_desk_page_ends_it_and_is_audited(client, editor, api, token_for):
    secret = token_for(editor)
    client.force_login(editor)
    token = ApiToken.objects.get(user=editor)
    response = client.post(reverse("api_tokens"), {"revoke": str(token.pk)})
    assert response.status_code == 200
    assert Event.objects.filter(action="api_token_revoked", chain="account").count() == 1
    answer = client.get(QUEUE, HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert answer.status_code == 401
    assert answer["Content-Type"] == "application/problem+json"


def test_nobody_revokes_another_persons_token(client, editor, publisher, token_for):
    token_for(editor)
    client.force_login(publisher)
    response = client.post(reverse("api_tokens"), {"revoke": str(ApiToken.objects.get(user=editor).pk)})
    assert response.status_code == 400
    assert ApiToken.objects.get(user=editor).revoked_at is None


def test_a_revoked_token_is_refused(editor, api, token_for):
    client = api()
    secret = token_for(editor)
    api_token_revoke(actor=editor, token_id=ApiToken.objects.get(user=editor).pk)
    response = client.get(QUEUE, HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"
    assert "revoked" in response.json()["detail"]


def test_the_token_of_a_deactivated_account_is_refused(editor, api):
    client = api(editor)
    editor.is_active = False
    editor.save()
    response = client.get(QUEUE)
    assert response.status_code == 401
    assert "deactivated" in response.json()["detail"]


def test_an_unknown_token_and_no_token_are_refused_on_the_desk(api):
    assert api().get(QUEUE).status_code == 401
    assert api().get(QUEUE, HTTP_AUTHORIZATION="Bearer imp_nonsense").status_code == 401


def test_the_token_of_someone_without_an_editorial_role_is_refused(outsider, api):
    response = api(outsider).get(QUEUE)
    assert response.status_code == 403
    assert response.json()["title"] == "Forbidden"


@pytest.mark.parametrize("persona", ["editor", "reviewer", "publisher"])
def test_every_role_reaches_the_token_page_from_the_navigation(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    page = client.get(reverse("dashboard")).content.decode()
    assert reverse("api_tokens") in page
    assert client.get(reverse("api_tokens")).status_code == 200


def test_someone_without_an_editorial_role_cannot_make_tokens(client, outsider):
    client.force_login(outsider)
    assert client.post(reverse("api_tokens"), {"name": "x"}).status_code == 403
    assert not ApiToken.objects.exists()


def test_administrators_see_who_holds_tokens_but_never_their_hashes(client, editor, token_for, django_user_model):
    token_for(editor, name="website sync")
    admin = django_user_model.objects.create_superuser("root", "root@example.org", "a-long-test-password-42")
    enrol(admin)  # administrators sign in with a second factor too
    client.force_login(admin)
    listing = client.get("/admin/api/apitoken/")
    assert listing.status_code == 200 and "website sync" in listing.content.decode()
    token = ApiToken.objects.get(user=editor)
    page = client.get(f"/admin/api/apitoken/{token.pk}/change/").content.decode()
    assert token.key_hash not in page
