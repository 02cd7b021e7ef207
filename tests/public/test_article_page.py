import json
import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from articles import services
from articles.services import Content
from public import pages as public
from tests.references.conftest import add_reference, jones, smith  # noqa: F401  (fixtures)
from tests.workflow import approve, claim, fast_track, publish, submit

BODY = """## Overview

Sample condition is common [@smith2020].

::: audience professional
Start at **5 mg** daily; titrate to 10 mg [@smith2020; @jones2021].
:::

::: audience patient
Your doctor will choose the dose with you.
:::

## Living with it

Most people recover [@jones2021].
"""


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()


@pytest.fixture
def live(draft, editor, reviewer, publisher, smith, jones):
    services.article_save_version(
        article_id=draft.pk,
        actor=editor,
        base_version_id=draft.working_version_id,
        note="full text",
        content=Content(
            title="What is sample condition?",
            summary="A short summary.",
            body=BODY,
            key_points="It is common\nIt is treatable",
            aliases=("Sample syndrome",),
            faq=({"question": "Is it catching?", "answer": "No."},),
        ),
    )
    submit(draft, editor)
    claim(draft, reviewer)
    approve(draft, reviewer)
    publish(draft, publisher)
    draft.refresh_from_db()
    return draft


def test_a_reader_sees_everything_an_approved_article_shows(client, live, reviewer):
    page = client.get("/articles/sample-condition/").content.decode()
    for text in [
        "What is sample condition?",
        "Also called: Sample syndrome",
        "min read",
        "On this page",
        'href="#overview"',
        "At a glance",
        "It is treatable",
        "Is it catching?",
        "Last updated",
        "Our editorial policy",
        'id="ref-1"',
        'id="ref-2"',
        "general information for patients",
    ]:
        assert text in page, text
    assert re.search(r'<li class="current" aria-current="step">Approved</li>', page)
    assert "pending medical review" not in page
    review_line = page.split('class="review-line"')[1].split("</p>")[0]
    assert f'href="{reviewer.profile.get_absolute_url()}"' in review_line and "Rhea Tester, M.D., FACP" in review_line
    assert "Last reviewed" in review_line


def test_audiences_have_their_own_url_block_and_disclaimer(client, live):
    patient = client.get("/articles/sample-condition/").content.decode()
    professional = client.get("/articles/sample-condition/professional/").content.decode()
    assert "Your doctor will choose the dose" in patient and "titrate to 10 mg" not in patient
    assert "titrate to 10 mg" in professional and "Your doctor will choose" not in professional
    assert "intended for healthcare professionals" in professional
    assert client.get("/articles/sample-condition/nurse/").status_code == 404


def test_the_chooser_works_without_javascript_and_is_remembered(client, live):
    response = client.get("/articles/sample-condition/audience/", {"audience": "professional"})
    assert response.status_code == 302 and response["Location"] == "/articles/sample-condition/professional/"
    assert client.cookies["audience"].value == "professional"
    again = client.get("/articles/sample-condition/")
    assert again.status_code == 302 and again["Location"].endswith("/professional/")
    assert "Cookie" in again["Vary"]
    assert client.get("/articles/sample-condition/audience/", {"audience": "<script>"}).status_code == 400


def test_json_ld_describes_the_review_audience_and_citations(client, live):
    page = client.get("/articles/sample-condition/professional/").content.decode()
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1))
    assert data["@type"] == "MedicalWebPage"
    assert data["lastReviewed"] == live.published_at.date().isoformat()
    assert data["reviewedBy"][0]["name"] == "Rhea Tester" and data["reviewedBy"][0]["honorificSuffix"] == "M.D., FACP"
    assert data["audience"]["audienceType"] == "Clinician"
    assert [c["name"] for c in data["citation"]] == ["A sample trial", "Another sample study"]
    assert '<meta property="og:title" content="What is sample condition?">' in page


def test_a_hostile_title_cannot_break_out_of_the_json_ld(client, draft, editor, reviewer, publisher):
    services.article_save_version(
        article_id=draft.pk,
        actor=editor,
        base_version_id=draft.working_version_id,
        note="x",
        content=Content(title="</script><script>alert(1)</script>", body="Body"),
    )
    submit(draft, editor), claim(draft, reviewer), approve(draft, reviewer), publish(draft, publisher)
    page = client.get("/articles/sample-condition/").content.decode()
    assert "<script>alert(1)</script>" not in page


def test_unpublished_drafts_and_unknown_slugs_are_404_not_403(client, draft, approved, publisher):
    assert client.get("/articles/sample-condition/").status_code == 404  # approved, never published
    assert client.get("/articles/no-such-article/").status_code == 404
    assert client.get("/articles/Not%20a%20slug!/").status_code == 404


def test_a_fast_tracked_article_carries_the_caution_banner_and_its_real_step(
    client, draft, editor, reviewer, publisher
):
    fast_track(draft, publisher, reviewer)
    submit(draft, editor)
    publish(draft, publisher)
    page = client.get("/articles/sample-condition/").content.decode()
    assert "Educational purpose only - content is pending medical review" in page
    assert '<li class="current" aria-current="step">Submitted</li>' in page
    assert "Not yet medically reviewed" in page
    claim(draft, reviewer)
    assert (
        '<li class="current" aria-current="step">Under review</li>'
        in client.get("/articles/sample-condition/").content.decode()
    )
    approve(draft, reviewer)
    page = client.get("/articles/sample-condition/").content.decode()
    assert "pending medical review" not in page and '<li class="current" aria-current="step">Approved</li>' in page


def test_a_page_past_its_re_review_date_says_so(client, live):
    from articles.models import Article

    # Approved 400 days ago, with a 12-month re-review interval.
    Article.objects.filter(pk=live.pk).update(public_reviewed_at=timezone.now() - timedelta(days=400))
    page = client.get("/articles/sample-condition/").content.decode()
    assert "Review due since" in page and "Last reviewed" not in page.split('class="review-line"')[1].split("</p>")[0]


def test_a_cached_page_costs_no_query_and_answers_conditional_requests(
    client, shared_cache, live, django_assert_num_queries
):
    first = client.get("/articles/sample-condition/")
    assert first.status_code == 200 and first["ETag"] and first["Last-Modified"]
    assert "public" in first["Cache-Control"]
    with django_assert_num_queries(0):
        assert client.get("/articles/sample-condition/").content == first.content
    with django_assert_num_queries(0):
        assert client.get("/articles/sample-condition/", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    assert client.get("/articles/sample-condition/", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]).status_code == 304


def test_publishing_a_new_version_and_unpublishing_change_what_is_served(client, live, editor, reviewer2, publisher):
    client.get("/articles/sample-condition/")
    live.refresh_from_db()
    services.article_save_version(
        article_id=live.pk,
        actor=editor,
        base_version_id=live.working_version_id,
        note="v",
        content=Content(title="What is sample condition? (updated)", body="New text"),
    )
    assert "(updated)" not in client.get("/articles/sample-condition/").content.decode()  # the draft is not live
    submit(live, editor), claim(live, reviewer2), approve(live, reviewer2), publish(live, publisher)
    assert "(updated)" in client.get("/articles/sample-condition/").content.decode()
    services.article_unpublish(article_id=live.pk, actor=publisher, reason="withdrawn")
    assert client.get("/articles/sample-condition/").status_code == 404


def test_uncached_page_queries_do_not_grow_with_references_reviewers_or_versions(
    client, settings, draft, editor, reviewer, reviewer2, publisher, add_reference, django_assert_max_num_queries
):
    settings.PUBLIC_PAGE_CACHE = False
    counts = []
    for size in (2, 12):
        for n in range(size):
            add_reference(key=f"r{size}-{n}", title=f"Study {size} {n}", family=f"A{n}", year=2000 + n)
        draft.refresh_from_db()
        body = " ".join(f"[@r{size}-{n}]" for n in range(size))
        services.article_save_version(
            article_id=draft.pk,
            actor=editor,
            base_version_id=draft.working_version_id,
            note=f"v{size}",
            content=Content(title="T", body=body),
        )
        services.article_set_policy(
            article_id=draft.pk,
            actor=publisher,
            review_policy="before",
            approvals_required=1 if size == 2 else 2,
            rereview_months=12,
        )
        submit(draft, editor), claim(draft, reviewer)
        services.article_assign(article_id=draft.pk, actor=publisher, reviewer_id=reviewer2.pk)
        approve(draft, reviewer)
        if size == 12:
            approve(draft, reviewer2)
        publish(draft, publisher)
        with django_assert_max_num_queries(1) as captured:
            assert client.get("/articles/sample-condition/").status_code == 200
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]


def test_an_uncached_page_is_one_query_from_its_first_view_on(client, live, django_assert_num_queries):
    from articles.models import VersionPage

    assert VersionPage.objects.filter(version=live.published_version).count() == 3  # stored at publication
    for _ in range(2):
        with django_assert_num_queries(1):
            assert "titrate to 10 mg" in client.get("/articles/sample-condition/professional/").content.decode()


def test_a_page_a_deploy_made_outdated_is_rendered_again_on_its_next_view(client, live, settings):
    from articles.models import VersionPage

    VersionPage.objects.update(rendering_format=0)  # made by an older renderer
    assert "titrate to 10 mg" in client.get("/articles/sample-condition/professional/").content.decode()
    assert set(VersionPage.objects.values_list("rendering_format", flat=True)) == {public.RENDERING_FORMAT}


def test_what_reviewers_typed_in_their_profile_is_escaped_on_the_page(client, draft, editor, publisher, make_staff):
    from accounts.roles import REVIEWER

    hostile = make_staff("hazel", REVIEWER, credentials='<img src=x onerror="alert(1)">')
    submit(draft, editor), claim(draft, hostile), approve(draft, hostile), publish(draft, publisher)
    page = client.get("/articles/sample-condition/").content.decode()
    review_line = page.split('class="review-line"')[1].split("</p>")[0]
    assert "<img" not in page and "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in review_line


def test_a_cached_page_follows_a_change_of_its_review_facts(
    client, shared_cache, draft, editor, reviewer, publisher, django_capture_on_commit_callbacks
):
    fast_track(draft, publisher, reviewer)
    submit(draft, editor)
    publish(draft, publisher)
    assert "pending medical review" in client.get("/articles/sample-condition/").content.decode()  # now cached
    claim(draft, reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        approve(draft, reviewer)
    page = client.get("/articles/sample-condition/").content.decode()
    assert "pending medical review" not in page and "Rhea Tester, M.D., FACP" in page
