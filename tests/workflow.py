"""Taking an article through the workflow in tests, through the real services."""

from articles import services
from articles.services import Content
from tests.conftest import PERSONA_PASSWORD

BODY = "## Dosage\n\nTake 5 mg once daily for 14 days.\n\n## Side effects\n\nNausea in 3% of people."


def make_draft(editor):
    """A fresh article in Draft, written by the editor persona."""
    return services.article_create(
        actor=editor,
        slug="sample-condition",
        topic="Cardiology",
        content=Content(
            title="What is sample condition?",
            summary="A short summary.",
            body=BODY,
            key_points="It is common\nIt is treatable",
            aliases=("Sample syndrome",),
        ),
        note="First draft",
    )


def submit(article, editor):
    article.refresh_from_db()
    return services.article_submit(article_id=article.pk, actor=editor, expected_version_id=article.working_version_id)


def claim(article, reviewer):
    return services.article_claim(article_id=article.pk, actor=reviewer)


def approve(article, reviewer, password=PERSONA_PASSWORD):
    article.refresh_from_db()
    return services.article_approve(
        article_id=article.pk, actor=reviewer, password=password, expected_hash=article.working_version.content_hash
    )


def publish(article, publisher):
    article.refresh_from_db()
    return services.article_publish(
        article_id=article.pk, actor=publisher, expected_version_id=article.working_version_id
    )


def fast_track(article, asker, confirmer, reason="Outbreak: readers need this now"):
    """Switch the article to review after publication: one publisher asks, another person confirms."""
    request = services.article_request_fast_track(article_id=article.pk, actor=asker, reason=reason)
    services.article_confirm_fast_track(
        article_id=article.pk, actor=confirmer, request_id=request.pk, password=PERSONA_PASSWORD
    )
    article.refresh_from_db()
    return request
