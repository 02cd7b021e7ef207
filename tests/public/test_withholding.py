"""Signed content is re-proved when its public page is rendered; a version that fails
is withheld from readers, with an alert for the staff."""

from django.db import connection

from articles.integrity import verify_signed_content
from articles.models import ArticleVersion, Event, Signature, VersionPage
from notifications.models import Notification
from public import changes as public_changes
from public.tasks import refresh_exports
from tests.conftest import as_owner

PAGE = "/articles/sample-condition/"


def tamper(model, pk, **fields):
    """Change a row behind the app's back, as someone with database access could (any
    trigger that refuses it is bypassed for this session): the owner's login, not the app's."""
    with as_owner():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = replica")
        model.objects.filter(pk=pk).update(**fields)
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = origin")


def test_an_untouched_version_passes_its_check(published):
    assert verify_signed_content(published.published_version) is None


def test_altered_content_fails_its_check_naming_the_hash(published):
    tamper(ArticleVersion, published.published_version_id, body="Take 50 mg once daily.")
    problem = verify_signed_content(ArticleVersion.objects.get(pk=published.published_version_id))
    assert "does not match its recorded hash" in problem


def test_an_approval_of_other_content_fails_the_check_naming_the_signer(published):
    signature = Signature.objects.get(version=published.published_version, kind=Signature.APPROVAL)
    tamper(Signature, signature.pk, content_hash="0" * 64)
    problem = verify_signed_content(published.published_version)
    assert "does not match the hash" in problem and signature.printed_name in problem


def test_a_live_page_whose_content_was_altered_is_withheld_at_its_next_rendering(
    client, published, publisher, settings, tmp_path
):
    settings.STATIC_EXPORT_DIR = str(tmp_path)
    refresh_exports()
    assert (tmp_path / "articles" / "sample-condition" / "index.html").exists()
    tamper(ArticleVersion, published.published_version_id, body="Take 50 mg once daily.")
    VersionPage.objects.update(rendering_format=0)  # a deploy changed the renderer: pages are made again
    refresh_exports()
    assert client.get(PAGE).status_code == 404
    assert client.get(PAGE + "professional/").status_code == 404
    assert not (tmp_path / "articles" / "sample-condition").exists()
    published.refresh_from_db()
    assert published.attention.startswith("Public page withheld: Version 1's stored content does not match")
    event = Event.objects.filter(article=published).latest("id")
    assert event.action == "withhold" and event.actor is None and "withheld" in event.comment
    alert = Notification.objects.get(kind="page_withheld")
    assert alert.recipient == publisher and alert.article_id == published.pk
    refresh_exports()  # withholding is not repeated
    assert Event.objects.filter(article=published, action="withhold").count() == 1


def test_a_reader_who_finds_no_stored_page_gets_it_only_once_the_content_is_re_proved(client, published):
    tamper(ArticleVersion, published.published_version_id, title="A different title")
    VersionPage.objects.all().delete()
    assert client.get(PAGE).status_code == 404
    assert VersionPage.objects.filter(withheld_because__contains="does not match its recorded hash").count() == 3


def test_publication_stores_the_pages_of_the_published_version(published):
    pages = VersionPage.objects.filter(version=published.published_version)
    assert sorted(pages.values_list("audience", flat=True)) == ["caregiver", "patient", "professional"]
    assert all(page.html and not page.withheld_because for page in pages)


def test_render_public_pages_renders_what_a_deploy_made_outdated(published):
    from django.core.management import call_command

    VersionPage.objects.update(rendering_format=0, html="old")
    call_command("render_public_pages")
    assert "What is sample condition?" in VersionPage.objects.get(audience="patient").html
    assert public_changes.reconcile() == 0  # no export folder configured in tests
