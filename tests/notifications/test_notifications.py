import pytest
from django.core import mail
from django.db import transaction

from articles import services
from notifications import services as notification_services
from notifications.models import Notification
from tests.workflow import claim, submit


def test_submitting_writes_a_row_per_reviewer_and_mails_them_after_commit(
    draft, editor, reviewer, reviewer2, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        submit(draft, editor)
    rows = Notification.objects.filter(kind="submitted")
    assert {row.recipient for row in rows} == {reviewer, reviewer2}
    assert {row.email_state for row in rows} == {Notification.SENT}
    assert sorted(message.to[0] for message in mail.outbox) == sorted([reviewer.email, reviewer2.email])
    html = mail.outbox[0].alternatives[0][0]
    assert f"/desk/{draft.pk}/" in mail.outbox[0].body and f"/desk/{draft.pk}/" in html


def test_a_rolled_back_transition_leaves_no_notification(draft, editor, reviewer):
    with pytest.raises(RuntimeError), transaction.atomic():
        submit(draft, editor)
        raise RuntimeError("the request failed after the transition")
    assert not Notification.objects.exists()


def test_a_second_delivery_run_sends_nothing_more(draft, editor, reviewer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        submit(draft, editor)
    sent = len(mail.outbox)
    assert notification_services.deliver_pending() == 0
    assert len(mail.outbox) == sent


def test_changes_requested_and_approval_go_to_the_editor(draft, editor, reviewer, publisher):
    submit(draft, editor)
    claim(draft, reviewer)
    services.article_request_changes(
        article_id=draft.pk, actor=reviewer, body="Check the dose.", expected_version_id=draft.working_version_id
    )
    row = Notification.objects.get(kind="changes_requested")
    assert row.recipient == editor and "Check the dose." in row.message


def test_each_person_chooses_email_in_app_or_digest(
    draft, editor, reviewer, reviewer2, make_staff, django_capture_on_commit_callbacks
):
    third = make_staff("rosa", "Reviewer")
    notification_services.set_preferences(user=reviewer, modes={"submitted": "in_app"})
    notification_services.set_preferences(user=reviewer2, modes={"submitted": "digest"})
    with django_capture_on_commit_callbacks(execute=True):
        submit(draft, editor)
    assert [message.to for message in mail.outbox] == [[third.email]]
    states = dict(Notification.objects.values_list("recipient__username", "email_state"))
    assert states == {"rhea": "skipped", "ravi": "digest", "rosa": "sent"}
    assert notification_services.send_digests() == 1
    assert mail.outbox[-1].to == [reviewer2.email] and "daily digest" in mail.outbox[-1].subject
    assert notification_services.send_digests() == 0


def test_a_failing_mail_server_keeps_the_row_for_the_next_run(
    draft, editor, reviewer, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_PORT = 1  # nothing listens there
    with django_capture_on_commit_callbacks(execute=True):
        submit(draft, editor)
    row = Notification.objects.get()
    assert row.email_state == Notification.PENDING and row.email_error and row.email_attempts == 1
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert notification_services.deliver_pending() == 1
    assert Notification.objects.get().email_state == Notification.SENT


def test_the_inbox_shows_unread_count_and_marks_read(client, draft, editor, reviewer):
    submit(draft, editor)
    client.force_login(reviewer)
    page = client.get("/dashboard/").content.decode()
    assert 'aria-label="1 unread"' in page
    inbox = client.get("/notifications/").content.decode()
    assert "Submitted for review: What is sample condition?" in inbox
    client.post("/notifications/read/")
    assert 'aria-label="1 unread"' not in client.get("/dashboard/").content.decode()


def test_preferences_refuse_an_unknown_mode_and_keep_the_choices(client, reviewer):
    from notifications.models import KINDS, NotificationPreference

    client.force_login(reviewer)
    chosen = {kind: "digest" for kind, _ in KINDS}
    response = client.post("/notifications/settings/", {**chosen, "submitted": "carrier-pigeon"})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'name="assigned" value="digest" checked' in page  # what was typed is shown again
    assert not NotificationPreference.objects.exists()  # and nothing was stored
    assert client.post("/notifications/settings/", chosen).status_code == 302
    assert dict(NotificationPreference.objects.filter(user=reviewer).values_list("kind", "mode")) == chosen


def test_nobody_sees_another_persons_notifications(client, draft, editor, reviewer, outsider):
    submit(draft, editor)
    client.force_login(outsider)
    assert "Submitted for review" not in client.get("/notifications/").content.decode()
    client.post("/notifications/read/", {"id": Notification.objects.get().pk})
    assert Notification.objects.get().read_at is None
