"""Signed content is re-proved from the content, and the database keeps versions and
signatures as they were signed."""

from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.utils import timezone

from articles import services
from articles.integrity import verify_version_content
from articles.models import ArticleVersion, Event, Signature
from articles.services import Content
from references.services import reference_create
from tests.conftest import as_owner
from tests.references.conftest import reference_fields
from tests.workflow import approve, claim, publish, submit

TAMPERED = "Take 50 mg once daily for 14 days."


def tamper(version, **columns):
    """Change a version's row as someone with direct database access would: a superuser
    who switches the triggers off for the statement (the app's own login cannot)."""
    assignments = ", ".join(f"{name} = %s" for name in columns)
    with as_owner(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(
            f"UPDATE articles_articleversion SET {assignments} WHERE id = %s", [*columns.values(), version.pk]
        )
        cursor.execute("SET LOCAL session_replication_role = DEFAULT")


def alerts(article):
    return list(Event.objects.filter(article=article, action="integrity_alert"))


def test_every_version_the_desk_saves_proves_its_own_hash(draft, editor):
    reference_create(actor=editor, fields=reference_fields(doi="10.5555/smith"), key="smith2020")
    draft.refresh_from_db()
    services.article_save_version(
        article_id=draft.pk,
        actor=editor,
        base_version_id=draft.working_version_id,
        note="cite",
        content=Content(
            title="T ",
            body="Dose [@smith2020].\r\n",
            faq=({"question": "Q?", "answer": "A."},),
            aliases=(" X ",),
            key_points="One\n\nTwo",
        ),
    )
    for version in ArticleVersion.objects.filter(article=draft):
        assert verify_version_content(version) is None


def test_a_version_changed_in_the_database_is_named_by_the_check(approved):
    version = approved.working_version
    tamper(version, body=TAMPERED)
    version.refresh_from_db()
    problem = verify_version_content(version)
    assert problem.startswith("Version 1's stored content does not match its recorded hash")


def test_publishing_a_version_whose_body_was_changed_in_the_database_is_refused_with_an_alert(
    approved, publisher, client
):
    tamper(approved.working_version, body=TAMPERED)
    with pytest.raises(services.ContentMismatch, match="Version 1's stored content does not match"):
        publish(approved, publisher)
    approved.refresh_from_db()
    assert approved.published_version is None and approved.state == "approved"
    [alert] = alerts(approved)
    assert alert.actor == publisher and "does not match its recorded hash" in alert.comment
    assert "does not match its recorded hash" in approved.attention
    assert client.get("/articles/sample-condition/").status_code == 404
    client.force_login(publisher)
    page = client.get(f"/desk/{approved.pk}/").content.decode()
    assert "Content check failed." in page


def test_publishing_is_refused_when_the_content_and_its_hash_were_both_rewritten(approved, publisher):
    from articles.models import content_hash

    version = approved.working_version
    version.body = TAMPERED
    tamper(version, body=TAMPERED, content_hash=content_hash(version.canonical_content()))
    with pytest.raises(Exception, match="matches its approvals"):
        publish(approved, publisher)
    approved.refresh_from_db()
    assert approved.published_version is None


def test_approving_a_version_whose_content_was_changed_in_the_database_is_refused(draft, editor, reviewer):
    submit(draft, editor)
    claim(draft, reviewer)
    tamper(draft.working_version, title="A different title")
    with pytest.raises(services.ContentMismatch, match="Version 1's stored content"):
        approve(draft, reviewer)
    assert not Signature.objects.exists()
    [alert] = alerts(draft)
    assert alert.actor == reviewer


def test_a_scheduled_publication_of_changed_content_is_refused_with_an_alert(approved, publisher):
    now = timezone.now()
    services.article_schedule(
        article_id=approved.pk,
        actor=publisher,
        expected_version_id=approved.working_version_id,
        publish_at=now + timedelta(hours=1),
        now=now,
    )
    tamper(approved.working_version, body=TAMPERED)
    [run] = services.publish_due_articles(now=now + timedelta(hours=2))
    assert run.outcome == "refused"
    approved.refresh_from_db()
    assert approved.published_version is None
    [alert] = alerts(approved)
    assert alert.actor == publisher and "Version 1's stored content" in alert.comment


# ---------------------------------------------------------------- the database itself


def refused(statement, params=()):
    with pytest.raises(DatabaseError) as error, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement, params)
    return str(error.value)


@pytest.mark.parametrize(
    "column, value",
    [
        ("title", "'Rewritten'"),
        ("summary", "'Rewritten'"),
        ("body", "'Take 50 mg'"),
        ("key_points", "'None'"),
        ("faq", '\'[{"question": "Q", "answer": "A"}]\'::jsonb'),
        ("aliases", "'[\"X\"]'::jsonb"),
        ("reference_list", "'[\"x\"]'::jsonb"),
        ('"references"', '\'[{"key": "x"}]\'::jsonb'),
        ("content_hash", "repeat('0', 64)"),
        ("number", "number + 10"),
    ],
)
def test_the_database_refuses_to_change_what_a_version_s_hash_covers(approved, column, value):
    version = approved.working_version
    message = refused(f"UPDATE articles_articleversion SET {column} = {value} WHERE id = %s", [version.pk])
    assert "immutable" in message
    version.refresh_from_db()
    assert verify_version_content(version) is None


def test_the_database_refuses_to_move_a_version_to_another_article(approved, editor):
    other = services.article_create(
        actor=editor, slug="other", topic="", content=Content(title="O", body="B"), note="n"
    )
    assert "immutable" in refused(
        "UPDATE articles_articleversion SET article_id = %s WHERE id = %s", [other.pk, approved.working_version_id]
    )


def test_saving_a_version_unchanged_and_changing_its_note_are_still_allowed(approved):
    version = approved.working_version
    version.save()
    ArticleVersion.objects.filter(pk=version.pk).update(note="typo fixed in the change note")


def test_the_database_refuses_to_delete_a_signed_version(approved):
    message = refused("DELETE FROM articles_articleversion WHERE id = %s", [approved.working_version_id])
    assert "immutable" in message


def test_the_database_refuses_to_update_or_delete_a_signature_even_for_the_owner(approved):
    # The runtime login holds no UPDATE or DELETE here at all (test_runtime_role); the
    # trigger stops the owner too.
    signature = Signature.objects.get()
    with pytest.raises(DatabaseError, match="append-only"), as_owner(), transaction.atomic():
        Signature.objects.filter(pk=signature.pk).update(printed_name="Someone Else")
    with pytest.raises(DatabaseError, match="append-only"), as_owner(), transaction.atomic():
        Signature.objects.filter(pk=signature.pk).delete()
    with as_owner():
        assert "append-only" in refused("UPDATE articles_signature SET content_hash = repeat('0', 64)")


@pytest.mark.django_db(transaction=True)
def test_truncate_stays_possible_for_the_test_suite(approved):
    from django.core.management import call_command

    with as_owner():  # what the suite does between such tests: the owner's TRUNCATE
        call_command("flush", interactive=False, verbosity=0)
    assert not Signature.objects.exists() and not ArticleVersion.objects.exists()
