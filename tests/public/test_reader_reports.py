"""Readers report errors from the public page; editors triage the reports by a due date,
accept (the next version is the correction) or decline with a reason; readers hear back."""

from dataclasses import replace
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from articles import reader_reports, services
from articles.models import Event, ReaderReport
from articles.reminders import sweep
from articles.services import Content
from notifications.models import Notification

REPORT_URL = "/articles/sample-condition/report-error/"
HOSTILE = '<script>alert("x")</script> Dose should be 5 mg, not 50 mg & "twice"'


def send(client, text="The dose in the second paragraph is wrong.", **fields):
    return client.post(REPORT_URL, {"text": text, "source": "", "email": "", "website": "", **fields})


def test_the_live_page_links_to_a_plain_report_form(client, published):
    page = client.get("/articles/sample-condition/").content.decode()
    assert f'<a href="{REPORT_URL}">Report an error</a>' in page
    form = client.get(REPORT_URL).content.decode()
    assert '<form method="post"' in form and "<script" not in form
    assert client.get("/articles/no-such-article/report-error/").status_code == 404


def test_a_report_is_stored_due_for_triage_told_to_the_editors_and_audited(client, published, editor, settings):
    settings.REPORT_TRIAGE_DAYS = 3
    response = send(client, text=HOSTILE, source="https://example.org/label", email="reader@example.org")
    assert response.status_code == 200 and "Thank you" in response.content.decode()
    report = ReaderReport.objects.get()
    assert report.text == HOSTILE and report.version_id == published.published_version_id
    assert report.due_at - report.created_at == timedelta(days=3)
    assert Notification.objects.filter(kind="reader_report", recipient=editor).exists()
    event = Event.objects.get(article=published, action="reader_report")
    assert event.actor is None and "reader@example.org" not in event.comment and "script" not in event.comment
    call_command("verify_audit")


def test_hostile_text_is_shown_escaped_at_the_desk(client, published, editor):
    send(client, text=HOSTILE)
    client.force_login(editor)
    report = ReaderReport.objects.get()
    for url in ("/desk/reader-reports/", f"/desk/reader-reports/{report.pk}/"):
        page = client.get(url).content.decode()
        assert "<script>alert" not in page and "&lt;script&gt;alert" in page


def test_the_honeypot_is_thanked_and_nothing_is_stored(client, published):
    response = send(client, website="http://spam.example")
    assert response.status_code == 200 and "Thank you" in response.content.decode()
    assert not ReaderReport.objects.exists()


def test_one_address_may_send_only_so_many_reports_an_hour(client, published, settings):
    settings.REPORTS_PER_ADDRESS_PER_HOUR = 2
    assert send(client).status_code == 200 and send(client).status_code == 200
    refused = send(client, text="A third one, kept as typed")
    assert refused.status_code == 429
    assert "Too many reports" in refused.content.decode() and "A third one, kept as typed" in refused.content.decode()
    assert ReaderReport.objects.count() == 2


@pytest.mark.parametrize(
    "fields",
    [{"text": "x" * (ReaderReport.MAX_TEXT + 1)}, {"text": ""}, {"email": "not an address"}],
)
def test_a_bad_report_is_refused_with_a_message_and_keeps_what_was_typed(client, published, fields):
    response = send(client, **{"source": "My source, kept", **fields})
    assert response.status_code == 400
    assert "My source, kept" in response.content.decode() and "Please correct" in response.content.decode()
    assert not ReaderReport.objects.exists()


def test_overdue_reports_remind_the_editors_then_escalate_to_publishers(published, editor, publisher, settings):
    now = timezone.now()
    report = reader_reports.report_submit(slug=published.slug, text="Wrong dose", now=now)
    sweep(now=now + timedelta(days=settings.REPORT_TRIAGE_DAYS - 1))
    assert not Notification.objects.filter(kind="report_overdue").exists()
    sweep(now=report.due_at + timedelta(hours=1))
    assert Notification.objects.filter(kind="report_overdue", recipient=editor).count() == 1
    every, times = settings.REMIND_OVERDUE_REVIEW_EVERY_DAYS, settings.ESCALATE_AFTER_REMINDERS
    sweep(now=report.due_at + timedelta(days=every * (times + 1), hours=1))
    assert Notification.objects.filter(kind="report_escalated", recipient=publisher).exists()


def test_an_accepted_report_gets_the_next_version_as_its_correction_and_the_reader_is_told(
    client, published, editor, mailoutbox, django_capture_on_commit_callbacks
):
    send(client, email="reader@example.org")
    report = ReaderReport.objects.get()
    client.force_login(editor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/desk/reader-reports/{report.pk}/accept/", {"note": "Right: 5 mg"})
    assert response.status_code == 302 and response["Location"] == f"/desk/{published.pk}/edit/"
    assert [m.to for m in mailoutbox if "reader@example.org" in m.to] == [["reader@example.org"]]
    assert "correcting the article" in mailoutbox[-1].body
    published.refresh_from_db()
    version = services.article_save_version(
        article_id=published.pk,
        actor=editor,
        base_version_id=published.working_version_id,
        note="Correct the dose after a reader's report",
        content=replace(Content.of(published.working_version), body="Take 5 mg once daily."),
    )
    report.refresh_from_db()
    assert report.state == "accepted" and report.correction == version
    assert Event.objects.filter(article=published, action="report_accepted", actor=editor).exists()
    call_command("verify_audit")


def test_declining_needs_a_reason_which_the_reader_is_told(
    client, published, editor, mailoutbox, django_capture_on_commit_callbacks
):
    send(client, email="reader@example.org")
    report = ReaderReport.objects.get()
    client.force_login(editor)
    address = f"/desk/reader-reports/{report.pk}/"
    refused = client.post(f"{address}decline/", {"reason": ""}, follow=True)
    assert refused.redirect_chain == [(address, 302)] and ReaderReport.objects.get().state == "open"
    assert "Please correct the field marked below." in refused.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/desk/reader-reports/{report.pk}/decline/", {"reason": "The label says 50 mg for adults."})
    assert ReaderReport.objects.get().state == "declined"
    assert "The label says 50 mg for adults." in mailoutbox[-1].body
    again = client.post(f"/desk/reader-reports/{report.pk}/accept/", {"note": ""}, follow=True)
    assert again.redirect_chain == [(address, 302)] and "declined already" in again.content.decode()


def test_only_editors_and_publishers_triage(client, published, reviewer, outsider):
    send(client)
    report = ReaderReport.objects.get()
    for person in (reviewer, outsider):
        client.force_login(person)
        assert client.get("/desk/reader-reports/").status_code == 403
        assert client.post(f"/desk/reader-reports/{report.pk}/decline/", {"reason": "no"}).status_code == 403
    assert ReaderReport.objects.get().state == "open"


def test_a_publisher_who_accepts_a_report_lands_on_the_article_not_on_a_form_they_may_not_use(
    client, published, publisher
):
    send(client)
    report = ReaderReport.objects.get()
    client.force_login(publisher)
    response = client.post(f"/desk/reader-reports/{report.pk}/accept/", {"note": "Right: 5 mg"}, follow=True)
    assert response.redirect_chain == [(f"/desk/{published.pk}/", 302)]
    assert "An editor saves the corrected text" in response.content.decode()
