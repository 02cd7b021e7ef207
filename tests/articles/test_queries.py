"""Every staff page runs a fixed number of SQL queries, whatever the amount of data."""

import pytest

from articles import services
from articles.models import Article
from articles.services import Content
from tests.workflow import approve, claim, publish, submit


def grow(count, editor, reviewer, reviewer2, publisher):
    """`count` articles of each stage, each with a few versions, rounds and comments."""
    for index in range(count):
        article = services.article_create(
            actor=editor,
            slug=f"a-{count}-{index}",
            topic=f"T{index % 3}",
            content=Content(title=f"Article {index}", body="## H\n\n5 mg"),
            note="v1",
        )
        for n in range(2):
            article.refresh_from_db()
            services.article_save_version(
                article_id=article.pk,
                actor=editor,
                base_version_id=article.working_version_id,
                content=Content(title=f"Article {index}", body=f"## H\n\n{n} mg"),
                note=f"v{n + 2}",
            )
        submit(article, editor)
        if index % 4 == 0:
            continue
        claim(article, reviewer)
        services.article_assign(article_id=article.pk, actor=publisher, reviewer_id=reviewer2.pk)
        services.article_comment(article_id=article.pk, actor=reviewer, body="A comment")
        if index % 4 == 1:
            continue
        approve(article, reviewer)
        if index % 4 == 2:
            continue
        publish(article, publisher)
    return Article.objects.order_by("pk").last()


PAGES = ["/dashboard/", "/desk/", "/desk/review/", "/desk/review/?mine=1", "/desk/review/?waiting=1", "/desk/publish/"]


@pytest.mark.parametrize("persona", ["editor", "reviewer", "publisher"])
def test_lists_and_dashboards_do_not_grow_with_data(
    client, request, editor, reviewer, reviewer2, publisher, django_assert_max_num_queries, persona
):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    counts = {}
    for size in (4, 12):
        grow(size, editor, reviewer, reviewer2, publisher)
        for url in PAGES:
            # 13: one of them finds the session's second factor (its device, or that it has none).
            with django_assert_max_num_queries(13) as captured:
                assert client.get(url).status_code == 200
            counts.setdefault(url, []).append(len(captured.captured_queries))
    for url, (small, large) in counts.items():
        assert small == large, f"{url} ran {small} then {large} queries"


def test_article_page_and_history_do_not_grow_with_versions_rounds_or_reviewers(
    client, editor, reviewer, reviewer2, publisher, django_assert_max_num_queries
):
    client.force_login(publisher)
    counts = []
    for size in (4, 12):
        article = grow(size, editor, reviewer, reviewer2, publisher)
        for n in range(size):  # more versions and rounds on this one article
            article.refresh_from_db()
            services.article_save_version(
                article_id=article.pk,
                actor=editor,
                base_version_id=article.working_version_id,
                content=Content(title="Grown", body=f"## H\n\n{n + 10} mg"),
                note="more",
            )
            submit(article, editor)
            claim(article, reviewer)
            services.article_comment(article_id=article.pk, actor=reviewer, body="more")
        measured = []
        # The session's last-seen time is written at most once a minute (accounts.sessions):
        # a slow setup crosses that minute, so one request writes it before anything is measured.
        client.get("/dashboard/")
        for url in (f"/desk/{article.pk}/", f"/desk/{article.pk}/history/", f"/desk/{article.pk}/audit.json"):
            with django_assert_max_num_queries(25) as captured:
                assert client.get(url).status_code == 200
            measured.append(len(captured.captured_queries))
        counts.append(measured)
    assert counts[0] == counts[1]


def test_the_due_schedule_sweep_runs_a_constant_number_of_queries_per_schedule(editor, reviewer, publisher):
    from datetime import timedelta

    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    now = timezone.now()

    def schedule_approved(count, label):
        for index in range(count):
            article = services.article_create(
                actor=editor,
                slug=f"s-{label}-{index}",
                topic="T",
                content=Content(title=f"Scheduled {label} {index}", body="## H\n\n5 mg"),
                note="v1",
            )
            submit(article, editor)
            claim(article, reviewer)
            approve(article, reviewer)
            article.refresh_from_db()
            services.article_schedule(
                article_id=article.pk,
                actor=publisher,
                expected_version_id=article.working_version_id,
                publish_at=now + timedelta(minutes=1),
                now=now,
            )

    def sweep():
        with CaptureQueriesContext(connection) as captured:
            runs = services.publish_due_articles(now=now + timedelta(minutes=1))
        assert all(run.outcome == "done" for run in runs)
        return len(captured.captured_queries)

    schedule_approved(1, "warm")
    sweep()  # caches filled (content types and the like) before measuring
    empty = sweep()
    schedule_approved(2, "small")
    small = sweep()
    schedule_approved(4, "large")
    large = sweep()
    per_schedule = (small - empty) / 2
    assert large - empty == 4 * per_schedule, f"{empty}, {small}, {large} queries for 0, 2, 4 due schedules"
    # A publication also dates the version and reads its public history for the page.
    assert per_schedule <= 42, per_schedule
