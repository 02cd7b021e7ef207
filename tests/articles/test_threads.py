"""Review comments as threads: answered, resolved and reopened through the services, each
step in the audit trail; an approval's comment reaches the editors."""

import pytest
from django.core.management import call_command
from django.db import connection

from articles import services
from articles.lifecycle import TransitionNotAllowed
from articles.models import Event, ReviewComment
from notifications.models import Notification
from tests.conftest import as_owner
from tests.workflow import approve, claim, submit


def thread_of(article):
    return ReviewComment.objects.get(review_round__article=article, thread=None)


def test_the_editor_answers_a_requested_change_and_resolves_it_with_every_step_in_the_trail(
    changes_requested, editor, reviewer, capsys
):
    thread = thread_of(changes_requested)
    answer = services.article_reply(
        article_id=changes_requested.pk, actor=editor, thread_id=thread.pk, body="Added: 14 days."
    )
    assert answer.thread == thread and answer.review_round_id == thread.review_round_id
    services.article_resolve_thread(article_id=changes_requested.pk, actor=editor, thread_id=thread.pk)
    thread.refresh_from_db()
    assert thread.is_resolved and thread.resolved_by == editor
    events = list(Event.objects.filter(article=changes_requested).order_by("seq"))
    assert [e.action for e in events][-2:] == ["reply", "resolve_thread"]
    assert events[-2].comment == "Added: 14 days." and events[-2].details == {"thread": thread.pk, "reply": answer.pk}
    assert events[-1].details == {"thread": thread.pk} and "resolved the thread of Rhea" in events[-1].comment
    assert {e.to_state for e in events[-2:]} == {"changes_requested"}  # the article's state stays
    # The reviewer who asked hears of the answer.
    told = Notification.objects.get(kind="comment", recipient=reviewer)
    assert "Added: 14 days." in told.message and "“Dosage”" in told.message
    call_command("verify_audit")
    assert "intact" in capsys.readouterr().out


def test_a_reviewer_resolves_only_a_thread_they_opened_and_a_publisher_touches_none(
    changes_requested, reviewer, reviewer2, publisher
):
    thread = thread_of(changes_requested)
    for outsider, refusal in ((reviewer2, "the reviewer who wrote this comment"), (publisher, "Only an editor or")):
        with pytest.raises(TransitionNotAllowed, match=refusal):
            services.article_resolve_thread(article_id=changes_requested.pk, actor=outsider, thread_id=thread.pk)
    with pytest.raises(TransitionNotAllowed, match="Only an editor or reviewer can answer"):
        services.article_reply(article_id=changes_requested.pk, actor=publisher, thread_id=thread.pk, body="Hm")
    thread.refresh_from_db()
    assert not thread.is_resolved and not thread.replies.exists()
    assert not Event.objects.filter(article=changes_requested, action__in=("reply", "resolve_thread")).exists()
    # Another reviewer may answer; the author resolves and reopens.
    services.article_reply(article_id=changes_requested.pk, actor=reviewer2, thread_id=thread.pk, body="Agreed.")
    services.article_resolve_thread(article_id=changes_requested.pk, actor=reviewer, thread_id=thread.pk)
    services.article_reopen_thread(article_id=changes_requested.pk, actor=reviewer, thread_id=thread.pk)
    thread.refresh_from_db()
    assert not thread.is_resolved and thread.resolved_by is None


def test_a_resolved_thread_takes_no_answer_until_reopened(changes_requested, editor):
    thread = thread_of(changes_requested)
    services.article_resolve_thread(article_id=changes_requested.pk, actor=editor, thread_id=thread.pk)
    with pytest.raises(TransitionNotAllowed, match="reopen it"):
        services.article_reply(article_id=changes_requested.pk, actor=editor, thread_id=thread.pk, body="Late")
    with pytest.raises(TransitionNotAllowed, match="resolved"):
        services.article_resolve_thread(article_id=changes_requested.pk, actor=editor, thread_id=thread.pk)
    services.article_reopen_thread(article_id=changes_requested.pk, actor=editor, thread_id=thread.pk)
    with pytest.raises(TransitionNotAllowed, match="open already"):
        services.article_reopen_thread(article_id=changes_requested.pk, actor=editor, thread_id=thread.pk)
    services.article_reply(article_id=changes_requested.pk, actor=editor, thread_id=thread.pk, body="Now")
    assert thread.replies.count() == 1


def test_an_answer_is_never_a_thread_and_a_thread_belongs_to_its_article(changes_requested, editor, make_staff):
    thread = thread_of(changes_requested)
    answer = services.article_reply(article_id=changes_requested.pk, actor=editor, thread_id=thread.pk, body="Done")
    with pytest.raises(TransitionNotAllowed, match="no such review thread"):
        services.article_resolve_thread(article_id=changes_requested.pk, actor=editor, thread_id=answer.pk)
    other = services.article_create(
        actor=editor, slug="other", topic="", content=services.Content(title="Other", body="B"), note="n"
    )
    with pytest.raises(TransitionNotAllowed, match="no such review thread"):
        services.article_reply(article_id=other.pk, actor=editor, thread_id=thread.pk, body="Wrong article")
    with pytest.raises(TransitionNotAllowed, match="Write an answer"):
        services.article_reply(article_id=changes_requested.pk, actor=editor, thread_id=thread.pk, body="  ")


def test_editors_still_answer_threads_while_they_revise_the_draft(changes_requested, editor):
    changes_requested.refresh_from_db()
    services.article_save_version(
        article_id=changes_requested.pk,
        actor=editor,
        base_version_id=changes_requested.working_version_id,
        content=services.Content(title="What is sample condition?", body="## Dosage\n\nTake 5 mg for 14 days."),
        note="Course length",
    )
    thread = thread_of(changes_requested)
    services.article_reply(article_id=changes_requested.pk, actor=editor, thread_id=thread.pk, body="See v2.")
    services.article_resolve_thread(article_id=changes_requested.pk, actor=editor, thread_id=thread.pk)
    changes_requested.refresh_from_db()
    assert changes_requested.state == "draft"


def test_verify_audit_names_a_thread_resolved_behind_the_application(changes_requested, capsys):
    thread = thread_of(changes_requested)
    with as_owner(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE articles_reviewcomment SET resolved_at = now(), resolved_by_id = author_id WHERE id = %s",
            [thread.pk],
        )
    with pytest.raises(SystemExit) as exit_info:
        call_command("verify_audit")
    assert exit_info.value.code == 1
    assert f"review thread {thread.pk}" in capsys.readouterr().err


def test_an_approval_with_a_comment_opens_a_thread_and_reaches_the_editors(draft, editor, reviewer, publisher):
    submit(draft, editor)
    claim(draft, reviewer)
    approve(draft, reviewer, comment="Fine; next time cite the 2024 guideline.")
    thread = thread_of(draft)
    assert thread.with_approval and thread.author == reviewer and not thread.requests_changes
    mail = Notification.objects.get(kind="approved", recipient=editor)
    assert "Rhea" in mail.message and "Fine; next time cite the 2024 guideline." in mail.message
    assert Notification.objects.filter(kind="approved", recipient=publisher).exists()
    event = Event.objects.get(article=draft, action="approve")
    assert event.details["thread"] == thread.pk and event.details["comment"].startswith("Fine;")


def test_the_first_of_two_approvals_sends_its_comment_to_the_editors_at_once(
    draft, editor, reviewer, reviewer2, publisher
):
    services.article_set_policy(
        article_id=draft.pk, actor=publisher, review_policy="before", approvals_required=2, rereview_months=12
    )
    submit(draft, editor)
    claim(draft, reviewer)
    approve(draft, reviewer, comment="One more source would help.")
    mail = Notification.objects.get(recipient=editor)
    assert mail.kind == "comment" and "needs more approvals" in mail.message
    assert "One more source would help." in mail.message
    # Without a comment, a signature that leaves the quorum waiting tells nobody yet.
    services.article_assign(article_id=draft.pk, actor=publisher, reviewer_id=reviewer2.pk)
    approve(draft, reviewer2)
    assert Notification.objects.filter(recipient=editor, kind="approved").count() == 1


def test_a_comment_too_long_is_refused_before_the_password_is_checked(draft, editor, reviewer):
    submit(draft, editor)
    claim(draft, reviewer)
    with pytest.raises(TransitionNotAllowed, match="at most 10,000 characters"):
        approve(draft, reviewer, password="wrong", code="", comment="x" * 10_001)
    assert not Event.objects.filter(article=draft, action="signature_failed").exists()


# ---------------------------------------------------------------- over HTTP


def test_the_editors_page_shows_requested_changes_first_with_their_section(client, changes_requested, editor):
    client.force_login(editor)
    page = client.get(f"/desk/{changes_requested.pk}/").content.decode()
    threads_at, body_at = page.index('data-testid="threads"'), page.index('id="content-heading"')
    assert threads_at < page.index('class="actions"') < body_at
    assert 'Change requested</span>\n    on <a href="#dosage">“Dosage”</a>' in page
    assert page.count("Say how long the course lasts.") == 1  # not repeated in the rounds below


def test_an_answer_posted_as_the_editor_lands_and_a_wrong_reviewer_is_refused(
    client, changes_requested, editor, reviewer2
):
    thread = thread_of(changes_requested)
    client.force_login(editor)
    response = client.post(f"/desk/{changes_requested.pk}/reply/", {"thread_id": thread.pk, "body": "Added 14 days."})
    assert response.status_code == 302 and response["Location"] == f"/desk/{changes_requested.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "Added 14 days." in page and "Mark resolved" in page

    client.force_login(reviewer2)
    page = client.get(f"/desk/{changes_requested.pk}/").content.decode()
    assert "Mark resolved" not in page and "Your answer" in page  # may answer, may not resolve
    response = client.post(f"/desk/{changes_requested.pk}/resolve/", {"thread_id": thread.pk}, follow=True)
    assert response.redirect_chain == [(f"/desk/{changes_requested.pk}/", 302)]
    assert "Only an editor or the reviewer who wrote this comment" in response.content.decode()
    thread.refresh_from_db()
    assert not thread.is_resolved


def test_an_answer_to_a_thread_resolved_meanwhile_is_refused_and_kept(client, changes_requested, editor):
    thread = thread_of(changes_requested)
    services.article_resolve_thread(article_id=changes_requested.pk, actor=editor, thread_id=thread.pk)
    client.force_login(editor)
    response = client.post(
        f"/desk/{changes_requested.pk}/reply/", {"thread_id": thread.pk, "body": "My careful answer"}, follow=True
    )
    page = response.content.decode()
    assert "reopen it to answer" in page and "My careful answer" in page
    assert client.post(f"/desk/{changes_requested.pk}/reopen/", {"thread_id": thread.pk}).status_code == 302


def test_a_thread_id_that_is_no_thread_of_the_article_is_a_404(client, changes_requested, editor):
    client.force_login(editor)
    for posted in ({"thread_id": "999999"}, {"thread_id": "x"}, {}):
        assert client.post(f"/desk/{changes_requested.pk}/resolve/", posted).status_code == 404
    assert client.get(f"/desk/{changes_requested.pk}/reply/")["Location"] == f"/desk/{changes_requested.pk}/"


def test_the_article_page_runs_as_many_queries_with_twenty_threads_as_with_one(
    client, changes_requested, editor, reviewer, django_assert_max_num_queries
):
    client.force_login(editor)
    counts = []
    for wanted in (1, 20):
        while ReviewComment.objects.filter(thread=None).count() < wanted:
            services.article_comment(article_id=changes_requested.pk, actor=reviewer, body="More", section="Dosage")
        for thread in ReviewComment.objects.filter(thread=None):
            if not thread.replies.exists():
                services.article_reply(article_id=changes_requested.pk, actor=editor, thread_id=thread.pk, body="Ok")
        resolvable = ReviewComment.objects.filter(thread=None, resolved_at=None).order_by("pk").last()
        services.article_resolve_thread(article_id=changes_requested.pk, actor=editor, thread_id=resolvable.pk)
        client.get("/dashboard/")  # writes the session's last-seen time if a minute has passed
        with django_assert_max_num_queries(40) as captured:
            page = client.get(f"/desk/{changes_requested.pk}/").content.decode()
        assert page.count('data-testid="thread"') == wanted
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1], counts
