import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import models
from django.http import HttpRequest

from accounts import two_factor
from accounts.demo import DEMO_PASSWORD, DEMO_STAFF


@pytest.mark.django_db
def test_seed_demo_is_safe_to_run_twice_and_its_logins_work(capsys):
    call_command("seed_demo")
    call_command("seed_demo")
    User = get_user_model()
    for username in ("editor", "reviewer", "reviewer2", "publisher", "manager"):
        assert User.objects.filter(username=username).count() == 1
        assert authenticate(HttpRequest(), username=username, password=DEMO_PASSWORD) is not None
    assert DEMO_PASSWORD in capsys.readouterr().out
    from articles.models import Article

    states = set(Article.objects.values_list("state", flat=True))
    assert states == {"draft", "submitted", "under_review", "changes_requested", "approved", "published", "unpublished"}
    assert Article.objects.count() == 9
    assert (
        Article.objects.filter(published_version__isnull=False)
        .exclude(working_version=models.F("published_version"))
        .exists()
    )
    call_command("verify_audit")
    from references.models import Reference

    assert Reference.objects.count() == 20
    velmora = Article.objects.get(slug="what-is-velmora-fever").published_version
    assert [item["key"] for item in velmora.references][:2] == ["okafor2022", "velmora-guideline"]
    reviewer = User.objects.get(username="reviewer")
    assert reviewer.groups.get().name == "Reviewer"
    assert reviewer.profile.credentials == "M.D., FACP"
    assert reviewer.profile.get_absolute_url() == "/reviewers/amara-okoye/"
    assert User.objects.get(username="manager").groups.get().name == "Account manager"


@pytest.mark.django_db
def test_seed_demo_records_the_demo_identities_and_roles_once():
    from articles.models import Event

    call_command("seed_demo")
    call_command("seed_demo")
    account_events = Event.objects.filter(chain="account")
    assert account_events.filter(action="identity_changed").count() == len(DEMO_STAFF)
    assert account_events.filter(action="roles_changed").count() == len(DEMO_STAFF)
    identity_and_roles = account_events.filter(action__in=("identity_changed", "roles_changed"))
    assert set(identity_and_roles.values_list("actor__username", flat=True)) == {"admin"}
    # The demo board's licences are verified by the demo publisher, once, and each files a declaration once.
    verified = account_events.filter(action="credential_verified")
    assert set(verified.values_list("actor__username", flat=True)) == {"publisher"}
    assert verified.count() == 2
    assert account_events.filter(action="declaration_filed").count() == 2


@pytest.mark.django_db
def test_the_demo_signers_have_authenticators_and_a_newcomer_gets_their_code(client, capsys):
    call_command("seed_demo")
    out = capsys.readouterr().out
    User = get_user_model()
    for username in ("reviewer", "reviewer2", "publisher", "admin"):
        device = two_factor.authenticator_of(User.objects.get(username=username))
        assert f"{username}  (two-factor key {two_factor.secret_for_typing(device)})" in out
    assert "manage.py demo_code <login>" in out
    assert two_factor.authenticator_of(User.objects.get(username="editor")) is None

    client.post("/accounts/login/", {"username": "reviewer", "password": DEMO_PASSWORD})
    assert client.get("/dashboard/").url.startswith("/accounts/two-factor/")
    call_command("demo_code", "reviewer")
    code = capsys.readouterr().out.strip()
    assert len(code) == 6 and code.isdigit()
    assert client.post("/accounts/two-factor/", {"code": code}).url == "/dashboard/"
    assert client.get("/dashboard/").status_code == 200

    reviewer = User.objects.get(username="reviewer")
    reviewer.set_password("a real password, not the demo's")
    reviewer.save()
    with pytest.raises(CommandError, match="not a demo account with the demo password"):
        call_command("demo_code", "reviewer")
