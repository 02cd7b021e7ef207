"""The review workflow through its service functions, on PostgreSQL."""

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.db.utils import DatabaseError
from reversion.models import Version

from articles import services
from articles.lifecycle import TransitionNotAllowed
from articles.models import Event, ReviewRound, Signature
from articles.services import Content, StaleVersion
from tests.conftest import as_owner
from tests.workflow import approve, claim, fast_track, publish, submit


def save(article, editor, **changes):
    article.refresh_from_db()
    content = Content.of(article.working_version)
    content = Content(**{**content.__dict__, **changes})
    return services.article_save_version(
        article_id=article.pk, actor=editor, base_version_id=article.working_version_id, content=content, note="edit"
    )


def test_creating_an_article_writes_a_version_a_revision_and_the_first_event(draft, editor):
    version = draft.working_version
    assert version.number == 1 and len(version.content_hash) == 64
    assert draft.state == "draft"
    event = Event.objects.get(article=draft)
    assert (event.action, event.actor, event.content_hash) == ("create", editor, version.content_hash)
    revision_version = Version.objects.get_for_object(version).get()
    assert revision_version.revision.user == editor
    assert "First draft" in revision_version.revision.comment


def test_only_editors_create_articles(reviewer):
    with pytest.raises(TransitionNotAllowed, match="Only an editor"):
        services.article_create(actor=reviewer, slug="x", topic="", content=Content(title="x"), note="n")


def test_a_stale_form_is_refused_and_nothing_is_saved(draft, editor):
    first = draft.working_version_id
    save(draft, editor, body="Second text")
    with pytest.raises(StaleVersion):
        services.article_save_version(
            article_id=draft.pk, actor=editor, base_version_id=first, content=Content(title="Lost?", body="x"), note="n"
        )
    draft.refresh_from_db()
    assert draft.working_version.body == "Second text"
    assert draft.versions.count() == 2


def test_saving_unchanged_content_is_refused(draft, editor):
    with pytest.raises(TransitionNotAllowed, match="Nothing changed"):
        save(draft, editor)


def test_every_save_needs_a_change_note(draft, editor):
    with pytest.raises(TransitionNotAllowed, match="change note"):
        services.article_save_version(
            article_id=draft.pk,
            actor=editor,
            base_version_id=draft.working_version_id,
            content=Content(title="T", body="B"),
            note="  ",
        )


def test_submit_opens_a_round_and_refuses_an_empty_body(draft, editor):
    save(draft, editor, body="")
    with pytest.raises(TransitionNotAllowed, match="title and a body"):
        submit(draft, editor)
    save(draft, editor, body="Now with a body")
    submit(draft, editor)
    draft.refresh_from_db()
    assert draft.state == "submitted"
    assert draft.rounds.get().outcome == ReviewRound.OPEN


def test_reviewer_cannot_approve_a_version_they_edited(draft, make_staff):
    both = make_staff("both", "Editor", "Reviewer")
    save(draft, both, body="The reviewer's own wording")
    submit(draft, both)
    with pytest.raises(TransitionNotAllowed, match="another member"):
        claim(draft, both)


def test_approval_needs_the_right_password_and_records_the_signature(draft, editor, reviewer):
    submit(draft, editor)
    claim(draft, reviewer)
    with pytest.raises(TransitionNotAllowed, match="password"):
        approve(draft, reviewer, password="wrong")
    assert not Signature.objects.exists()
    signature = approve(draft, reviewer)
    draft.refresh_from_db()
    assert draft.state == "approved"
    assert signature.printed_name == "Rhea Tester, M.D., FACP"
    assert signature.credentials == "M.D., FACP"
    assert signature.meaning == "Approved for medical accuracy"
    assert signature.content_hash == draft.working_version.content_hash
    assert signature.signed_at.utcoffset().total_seconds() == 0


def test_approving_content_that_changed_since_the_page_opened_is_refused(draft, editor, reviewer):
    submit(draft, editor)
    claim(draft, reviewer)
    with pytest.raises(StaleVersion):
        services.article_approve(
            article_id=draft.pk, actor=reviewer, password="x", expected_hash="0" * 64, conflict="none"
        )


def test_quorum_of_two_needs_two_distinct_reviewers(draft, editor, reviewer, reviewer2, publisher):
    services.article_set_policy(
        article_id=draft.pk, actor=publisher, review_policy="before", approvals_required=2, rereview_months=12
    )
    submit(draft, editor)
    claim(draft, reviewer)
    approve(draft, reviewer)
    draft.refresh_from_db()
    assert draft.state == "under_review"
    with pytest.raises(TransitionNotAllowed, match="already approved"):
        approve(draft, reviewer)
    with pytest.raises(TransitionNotAllowed, match="Claim or join this review"):
        approve(draft, reviewer2)
    services.article_assign(article_id=draft.pk, actor=publisher, reviewer_id=reviewer2.pk)
    approve(draft, reviewer2)
    draft.refresh_from_db()
    assert draft.state == "approved"


def test_an_edit_after_approval_voids_it_and_publishing_is_refused(approved, editor, publisher):
    save(approved, editor, body="Take 50 mg once daily.")
    approved.refresh_from_db()
    assert approved.state == "draft"
    with pytest.raises(TransitionNotAllowed):
        publish(approved, publisher)


def test_publish_serves_exactly_the_signed_version_and_keeps_it_live_during_a_new_draft(approved, editor, publisher):
    signed = approved.working_version
    publish(approved, publisher)
    approved.refresh_from_db()
    assert (approved.state, approved.published_version) == ("published", signed)
    save(approved, editor, body="A new draft")
    approved.refresh_from_db()
    assert approved.state == "draft"
    assert approved.published_version == signed


def test_a_reviewer_cannot_publish_and_a_publisher_cannot_approve(approved, reviewer, publisher):
    with pytest.raises(TransitionNotAllowed, match="Only a publisher"):
        publish(approved, reviewer)
    with pytest.raises(TransitionNotAllowed, match="Only a reviewer"):
        approve(approved, publisher)


def test_review_after_publication_publishes_while_review_goes_on(draft, editor, reviewer, publisher):
    fast_track(draft, publisher, reviewer)
    submit(draft, editor)
    publish(draft, publisher)
    draft.refresh_from_db()
    assert draft.state == "submitted" and draft.published_version == draft.working_version
    claim(draft, reviewer)
    approve(draft, reviewer)
    draft.refresh_from_db()
    assert draft.state == "published"


def test_request_changes_needs_a_comment_and_sends_the_article_back(draft, editor, reviewer):
    submit(draft, editor)
    claim(draft, reviewer)
    with pytest.raises(TransitionNotAllowed, match="reason"):
        services.article_request_changes(
            article_id=draft.pk, actor=reviewer, body=" ", expected_version_id=draft.working_version_id
        )
    services.article_request_changes(
        article_id=draft.pk,
        actor=reviewer,
        body="Check the dose.",
        section="Dosage",
        expected_version_id=draft.working_version_id,
    )
    draft.refresh_from_db()
    assert draft.state == "changes_requested"
    round_ = draft.rounds.get()
    assert round_.outcome == ReviewRound.CHANGES_REQUESTED
    assert round_.comments.get().section == "Dosage"


def test_unpublish_needs_a_reason_and_takes_the_page_down(published, publisher):
    with pytest.raises(TransitionNotAllowed, match="reason"):
        services.article_unpublish(article_id=published.pk, actor=publisher, reason="")
    services.article_unpublish(article_id=published.pk, actor=publisher, reason="Outdated guidance")
    published.refresh_from_db()
    assert (published.state, published.published_version) == ("unpublished", None)


def test_restore_makes_an_old_version_the_new_draft_without_rewriting_history(draft, editor):
    first = draft.working_version
    save(draft, editor, body="Changed")
    draft.refresh_from_db()
    restored = services.article_restore_version(
        article_id=draft.pk, actor=editor, version_id=first.pk, base_version_id=draft.working_version_id
    )
    assert restored.number == 3 and restored.body == first.body and restored.based_on == first
    assert restored.content_hash == first.content_hash
    assert draft.versions.count() == 3


def test_the_database_refuses_to_update_or_delete_an_event(draft):
    event = Event.objects.get(article=draft)
    # The app's login may not at all; the trigger stops the tables' owner as well.
    with pytest.raises(DatabaseError, match="permission denied"), transaction.atomic():
        Event.objects.filter(pk=event.pk).update(comment="rewritten")
    with pytest.raises(DatabaseError, match="append-only"), as_owner(), transaction.atomic():
        Event.objects.filter(pk=event.pk).update(comment="rewritten")
    with pytest.raises(DatabaseError, match="append-only"), as_owner(), transaction.atomic():
        Event.objects.filter(pk=event.pk).delete()


def test_each_event_chains_to_the_previous_one(approved):
    events = list(Event.objects.filter(article=approved).order_by("id"))
    assert [e.action for e in events] == ["create", "submit", "claim", "approve"]
    for before, after in zip(events, events[1:], strict=False):
        assert after.previous_hash == before.event_hash
    assert all(e.compute_hash() == e.event_hash for e in events)


def test_verify_audit_passes_then_names_a_row_altered_by_hand(approved, capsys):
    call_command("verify_audit")
    assert "intact" in capsys.readouterr().out
    target = Event.objects.filter(article=approved).order_by("id")[1]
    with as_owner(), connection.cursor() as cursor:
        # A superuser bypassing triggers: the chain must still catch the forgery.
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute("UPDATE articles_event SET comment = 'forged' WHERE id = %s", [target.pk])
        cursor.execute("SET LOCAL session_replication_role = DEFAULT")
    with pytest.raises(SystemExit) as exit_info:
        call_command("verify_audit")
    assert exit_info.value.code == 1
    assert f"event {target.pk}" in capsys.readouterr().err
