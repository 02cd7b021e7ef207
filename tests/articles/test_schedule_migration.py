"""The migration moves a publication scheduled in the old column into a Schedule row
pinned to the working version, before the column is dropped."""

from datetime import datetime, timezone

import pytest

from tests.conftest import migrate_as_owner

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE, AFTER = ("articles", "0008_version_pages"), ("articles", "0009_schedules_pinned_to_versions")


def test_a_publication_scheduled_before_the_upgrade_becomes_a_pending_schedule_of_the_working_version():
    at = datetime(2030, 1, 15, 14, 0, tzinfo=timezone.utc)
    apps = migrate_as_owner(BEFORE)
    try:
        User = apps.get_model("auth", "User")
        Article = apps.get_model("articles", "Article")
        ArticleVersion = apps.get_model("articles", "ArticleVersion")
        publisher = User.objects.create(username="paula-old")
        article = Article.objects.create(
            slug="old",
            created_by=publisher,
            created_at=at,
            state_changed_at=at,
            state="approved",
            scheduled_publish_at=at,
            scheduled_by=publisher,
        )
        version = ArticleVersion.objects.create(
            article=article, number=1, title="Old", note="n", content_hash="a" * 64, created_by=publisher, created_at=at
        )
        Article.objects.filter(pk=article.pk).update(working_version=version)

        apps = migrate_as_owner(AFTER)

        schedule = apps.get_model("articles", "Schedule").objects.get()
        assert (schedule.article_id, schedule.version_id, schedule.content_hash) == (article.pk, version.pk, "a" * 64)
        assert (schedule.kind, schedule.outcome, schedule.due_at, schedule.created_by_id) == (
            "publish",
            "pending",
            at,
            publisher.pk,
        )
    finally:
        migrate_as_owner()
