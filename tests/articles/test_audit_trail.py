"""The audit trail holds against the app's own database login and against the owner.

Each case is one an attacker with database access would try: change or remove events
as the runtime login; switch the trigger off and re-chain the trail as the owner; empty
the table; remove the latest events; leave a signature without its event.
"""

import hashlib
import hmac
import json

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.test import override_settings

from articles import services
from articles.models import Article, Event, Signature
from articles.services import Content
from tests.conftest import as_owner
from tests.workflow import publish

FORGERS_KEY = b"a guess at the key, which lives outside the database"


def verify(capsys):
    """(exit code, what verify_audit said)."""
    try:
        call_command("verify_audit")
    except SystemExit as exit_info:
        return exit_info.code, capsys.readouterr().err
    return 0, capsys.readouterr().out


def as_owner_without_triggers(*statements):
    """Run statements as the tables' owner with every trigger switched off."""
    with as_owner(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        for sql, params in statements:
            cursor.execute(sql, params)
        cursor.execute("SET LOCAL session_replication_role = DEFAULT")


def rechain_without_the_key(article):
    """What a forger with the owner's login does after editing: number and chain the
    article's events again and point the article's head at the last one."""
    previous, statements, last = "0" * 64, [], None
    for seq, event in enumerate(Event.objects.filter(article=article).order_by("seq"), start=1):
        event.seq, event.previous_hash = seq, previous
        text = json.dumps(event.chained_fields(), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        event.event_hash = hmac.new(FORGERS_KEY, text.encode(), hashlib.sha256).hexdigest()
        statements.append(
            (
                "UPDATE articles_event SET seq = %s, previous_hash = %s, event_hash = %s WHERE id = %s",
                [event.seq, event.previous_hash, event.event_hash, event.pk],
            )
        )
        previous, last = event.event_hash, event
    statements.append(
        (
            "UPDATE articles_article SET audit_head_id = %s, audit_head_hash = %s WHERE id = %s",
            [last.pk, last.event_hash, article.pk],
        )
    )
    as_owner_without_triggers(*statements)


def test_each_article_keeps_its_chain_head_on_its_row(published):
    last = Event.objects.filter(article=published).order_by("-seq").first()
    published.refresh_from_db()
    assert (published.audit_head_id, published.audit_head_hash) == (last.pk, last.event_hash)
    assert list(Event.objects.filter(article=published).order_by("seq").values_list("seq", flat=True)) == [
        1,
        2,
        3,
        4,
        5,
    ]


def test_a_plain_save_of_an_older_copy_of_the_article_keeps_the_newer_head(approved, publisher):
    stale = type(approved).objects.get(pk=approved.pk)
    publish(approved, publisher)
    stale.topic = "Renamed topic"
    stale.save()
    stale.refresh_from_db()
    assert stale.audit_head_id == Event.objects.filter(article=approved).order_by("-seq").first().pk


def test_verify_audit_says_intact_with_counts(published, capsys):
    code, said = verify(capsys)
    assert code == 0
    assert "intact (5 events, 1 articles, 0 other chains)" in said


def test_a_comment_rewritten_and_rechained_without_the_key_is_found(published, capsys):
    target = Event.objects.filter(article=published, action="approve").get()
    as_owner_without_triggers(("UPDATE articles_event SET comment = 'signed: nothing' WHERE id = %s", [target.pk]))
    rechain_without_the_key(published)
    code, said = verify(capsys)
    assert code == 1
    assert "event" in said and "does not match its hash" in said


def test_the_publish_event_removed_and_the_chain_rebuilt_is_found(published, capsys):
    publish_event = Event.objects.filter(article=published, action="publish").get()
    as_owner_without_triggers(("DELETE FROM articles_event WHERE id = %s", [publish_event.pk]))
    rechain_without_the_key(published)
    code, said = verify(capsys)
    assert code == 1
    assert "does not match its hash" in said


def test_the_latest_event_removed_shows_against_the_chain_head(published, capsys):
    publish_event = Event.objects.filter(article=published, action="publish").get()
    as_owner_without_triggers(("DELETE FROM articles_event WHERE id = %s", [publish_event.pk]))
    code, said = verify(capsys)
    assert code == 1
    assert f"chain head is event {publish_event.pk}" in said


def test_the_latest_event_removed_and_the_head_moved_back_shows_against_the_state(published, capsys):
    publish_event = Event.objects.filter(article=published, action="publish").get()
    before = Event.objects.filter(article=published, seq=publish_event.seq - 1).get()
    as_owner_without_triggers(
        ("DELETE FROM articles_event WHERE id = %s", [publish_event.pk]),
        (
            "UPDATE articles_article SET audit_head_id = %s, audit_head_hash = %s WHERE id = %s",
            [before.pk, before.event_hash, published.pk],
        ),
    )
    code, said = verify(capsys)
    assert code == 1
    assert "is published but its last event" in said


def test_an_event_removed_from_the_middle_shows_as_a_gap(published, capsys):
    claim_event = Event.objects.filter(article=published, action="claim").get()
    as_owner_without_triggers(("DELETE FROM articles_event WHERE id = %s", [claim_event.pk]))
    code, said = verify(capsys)
    assert code == 1
    assert "events are missing" in said


def test_truncate_is_refused_even_for_the_owner(published):
    with pytest.raises(DatabaseError, match="cannot be truncated"), as_owner(), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the test's own rows are checked first
            cursor.execute("SET LOCAL imprimatur.allow_purge = 'off'")
            cursor.execute("TRUNCATE articles_event")
    assert Event.objects.filter(article=published).count() == 5


def test_a_trail_emptied_with_triggers_off_is_found(published, capsys):
    as_owner_without_triggers(("SET CONSTRAINTS ALL IMMEDIATE", []), ("TRUNCATE articles_event", []))
    code, said = verify(capsys)
    assert code == 1
    assert f"article {published.pk} ({published.slug}) has no events" in said


def test_a_signature_with_no_approval_event_is_found(published, reviewer2, capsys):
    version = published.published_version
    forged = Signature.objects.create(
        kind=Signature.APPROVAL,
        version=version,
        signer=reviewer2,
        printed_name="Ravi Tester",
        meaning=Signature.APPROVAL_MEANING,
        content_hash=version.content_hash,
        signed_at=version.created_at,
    )
    code, said = verify(capsys)
    assert code == 1
    assert f"signature {forged.pk} by Ravi Tester" in said


def test_events_made_under_a_retired_key_still_verify_and_new_ones_use_the_new_key(published, publisher, capsys):
    from django.conf import settings

    old_key = settings.AUDIT_KEY
    with override_settings(
        AUDIT_KEY="a-new-audit-key-for-the-next-year-0123456789", AUDIT_KEY_ID="2", AUDIT_RETIRED_KEYS={"1": old_key}
    ):
        from articles import services

        services.article_unpublish(article_id=published.pk, actor=publisher, reason="Withdrawn for checking")
        assert Event.objects.filter(article=published).order_by("-seq").first().key_id == "2"
        assert verify(capsys)[0] == 0
    with override_settings(
        AUDIT_KEY="a-new-audit-key-for-the-next-year-0123456789", AUDIT_KEY_ID="2", AUDIT_RETIRED_KEYS={}
    ):
        code, said = verify(capsys)
    assert code == 1
    assert "no audit key with id '1'" in said


def test_an_event_made_with_a_retired_key_after_the_new_key_was_in_use_is_found(published, publisher, capsys):
    from django.conf import settings

    old_key, new_key = settings.AUDIT_KEY, "a-new-audit-key-for-the-next-year-0123456789"
    with override_settings(AUDIT_KEY=new_key, AUDIT_KEY_ID="2", AUDIT_RETIRED_KEYS={"1": old_key}):
        services.article_unpublish(article_id=published.pk, actor=publisher, reason="Withdrawn for checking")
    # Whoever holds the retired key (it may have leaked) appends an event with it.
    services.article_set_policy(
        article_id=published.pk,
        actor=publisher,
        review_policy="before",
        approvals_required=1,
        rereview_months=6,
        reason="",
    )
    with override_settings(AUDIT_KEY=new_key, AUDIT_KEY_ID="2", AUDIT_RETIRED_KEYS={"1": old_key}):
        code, said = verify(capsys)
    assert code == 1
    assert "made with key '1', older than the key of the event before it" in said


# ---------------------------------------------------------------- chains of other subjects


def record_account_events(actor, count=3):
    from django.utils import timezone

    from articles.audit import record_trail_event

    return [
        record_trail_event(
            kind="account",
            action="profile_changed",
            actor=actor,
            now=timezone.now(),
            subject_id=actor.pk,
            details={"old": {"credentials": f"M.D. {n}"}, "new": {"credentials": f"M.D. {n + 1}"}},
        )
        for n in range(count)
    ]


def test_events_about_other_subjects_form_one_chain_per_kind(published, publisher, capsys):
    from articles.models import AuditChain

    events = record_account_events(publisher)
    assert [event.seq for event in events] == [1, 2, 3]
    assert events[1].previous_hash == events[0].event_hash
    head = AuditChain.objects.get(name="account")
    assert (head.head_id, head.head_hash) == (events[-1].pk, events[-1].event_hash)
    code, said = verify(capsys)
    assert code == 0 and "intact (8 events, 1 articles, 1 other chains)" in said


def test_the_old_and_new_values_of_a_change_are_covered_by_the_hash(publisher, capsys):
    events = record_account_events(publisher, count=2)
    as_owner_without_triggers(
        (
            'UPDATE articles_event SET details = \'{"old": {}, "new": {"credentials": "FACP"}}\' WHERE id = %s',
            [events[0].pk],
        ),
    )
    code, said = verify(capsys)
    assert code == 1
    assert f"event {events[0].pk} (account): its content does not match its hash" in said


def test_the_latest_event_of_another_chain_removed_shows_against_its_head(publisher, capsys):
    events = record_account_events(publisher)
    as_owner_without_triggers(("DELETE FROM articles_event WHERE id = %s", [events[-1].pk]))
    code, said = verify(capsys)
    assert code == 1
    assert f"chain 'account': its head is event {events[-1].pk}" in said


def test_another_chain_emptied_shows_against_its_head(publisher, capsys):
    record_account_events(publisher)
    as_owner_without_triggers(("DELETE FROM articles_event WHERE chain = 'account'", []))
    code, said = verify(capsys)
    assert code == 1
    assert "chain 'account' has no events although its head is event" in said


def test_an_unknown_kind_of_trail_is_refused(publisher):
    from django.utils import timezone

    from articles.audit import record_trail_event

    with pytest.raises(ValueError, match="unknown kind"):
        record_trail_event(kind="gossip", action="said", actor=publisher, now=timezone.now())


# ---------------------------------------------------------------- what readers are served


def test_a_live_version_swapped_behind_the_application_is_found(published, editor, capsys):
    signed = published.working_version
    unsigned = services.article_save_version(
        article_id=published.pk,
        actor=editor,
        base_version_id=signed.pk,
        content=Content(title="Unsigned", body="## Dose\n\nTake 500 mg."),
        note="Not reviewed",
    )
    # The runtime login may update articles: it points readers at the unsigned draft.
    Article.objects.filter(pk=published.pk).update(published_version=unsigned)
    code, said = verify(capsys)
    assert code == 1
    assert f"serves version id {unsigned.pk} but its trail last published version id {signed.pk}" in said


def test_a_false_reviewed_by_line_is_found(published, capsys):
    Article.objects.filter(pk=published.pk).update(
        public_reviewers=[
            {
                "name": "Famous Doctor",
                "printed_name": "Famous Doctor, M.D.",
                "credentials": "M.D.",
                "url": "/reviewers/famous/",
            }
        ]
    )
    code, said = verify(capsys)
    assert code == 1
    assert "approved by Famous Doctor, M.D., but its live version's signatures say approved by Rhea Tester" in said


def test_an_unapproved_live_version_shown_as_approved_is_found(published, capsys):
    Article.objects.filter(pk=published.pk).update(approvals_required=2)
    code, said = verify(capsys)
    assert code == 1 and "signatures say not approved" in said
