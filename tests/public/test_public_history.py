"""The page says who wrote it and what changed when: each published version's date and
public change note, required once an earlier version was public, and corrections made
after readers' reports."""

import json
import re
from dataclasses import replace
from datetime import timedelta

import pytest
from django.utils import timezone

from articles import reader_reports, services
from articles.services import Content
from core.errors import TransitionNotAllowed
from tests.workflow import approve, claim, submit
from tests.workflow import refused as refused_page

URL = "/articles/sample-condition/"


def history(page):
    return re.findall(r"<li><time [^>]*>[^<]*</time>: (.*?)</li>", page.split('class="history"')[1].split("</ol>")[0])


def revise(article, editor, reviewer, body="Take 5 mg once daily."):
    article.refresh_from_db()
    services.article_save_version(
        article_id=article.pk,
        actor=editor,
        base_version_id=article.working_version_id,
        note="internal: dose wording",
        content=replace(Content.of(article.working_version), body=body),
    )
    submit(article, editor)
    claim(article, reviewer)
    approve(article, reviewer)
    article.refresh_from_db()


def test_the_first_publication_shows_the_writer_and_first_published(client, published, editor):
    page = client.get(URL).content.decode()
    name = editor.profile.printed_name
    assert f"Written by {name}." in page
    assert history(page) == ["First published."]
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1))
    assert data["author"] == [{"@type": "Person", "name": name}]


def test_a_later_publication_needs_a_public_note_which_the_history_shows(
    client, published, editor, reviewer, publisher
):
    revise(published, editor, reviewer)
    with pytest.raises(TransitionNotAllowed, match="public change note"):
        services.article_publish(
            article_id=published.pk, actor=publisher, expected_version_id=published.working_version_id
        )
    published.refresh_from_db()
    assert published.published_version.number == 1  # still the old one
    services.article_publish(
        article_id=published.pk,
        actor=publisher,
        expected_version_id=published.working_version_id,
        public_note="Clarified the daily dose.",
    )
    page = client.get(URL).content.decode()
    assert history(page) == ["Clarified the daily dose.", "First published."]
    assert "internal: dose wording" not in page


def test_the_desk_refuses_a_publication_without_the_note_and_keeps_the_form(
    client, published, editor, reviewer, publisher
):
    revise(published, editor, reviewer)
    client.force_login(publisher)
    refused = client.post(
        f"/desk/{published.pk}/publish/", {"version_id": published.working_version_id, "public_note": "  "}
    )
    assert "public change note" in refused_page(client, refused, published)  # the desk's refusal, page kept


def test_a_scheduled_publication_carries_its_note(published, editor, reviewer, publisher):
    revise(published, editor, reviewer)
    at = timezone.now() + timedelta(hours=1)
    with pytest.raises(TransitionNotAllowed, match="public change note"):
        services.article_schedule(
            article_id=published.pk, actor=publisher, expected_version_id=published.working_version_id, publish_at=at
        )
    services.article_schedule(
        article_id=published.pk,
        actor=publisher,
        expected_version_id=published.working_version_id,
        publish_at=at,
        public_note="Dose clarified.",
    )
    services.publish_due_articles(now=at + timedelta(minutes=1))
    published.refresh_from_db()
    assert published.published_version.number == 2 and published.published_version.public_note == "Dose clarified."


def test_a_correction_after_a_readers_report_says_so(client, published, editor, reviewer, publisher):
    report = reader_reports.report_submit(slug=published.slug, text="Dose is wrong")
    reader_reports.report_accept(actor=editor, report_id=report.pk)
    revise(published, editor, reviewer)
    services.article_publish(
        article_id=published.pk,
        actor=publisher,
        expected_version_id=published.working_version_id,
        public_note="Corrected the daily dose.",
    )
    entries = history(client.get(URL).content.decode())
    assert entries[0] == (
        'Corrected the daily dose. <strong class="reader-correction">Corrected after a reader' + "'s report.</strong>"
    )
