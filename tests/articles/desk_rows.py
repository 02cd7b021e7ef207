"""Many articles at once for the desk list's tests, written with bulk_create: every
state, five topics, open rounds (some overdue, some signed once of two), live pages
(some due for re-review). Rows only: no events, no services."""

from datetime import timedelta

from django.utils import timezone

from articles.lifecycle import State
from articles.models import Article, ArticleVersion, ReviewAssignment, ReviewRound, Signature

STATES = list(State)
BATCH = 2000


def build_articles(count, *, editor, reviewers, label="bulk"):
    """`count` articles; returns them. Each seventh article is in each state."""
    now = timezone.now()
    articles = Article.objects.bulk_create(
        [
            Article(
                slug=f"{label}-{index}",
                topic=f"Topic {index % 5}",
                state=STATES[index % len(STATES)],
                approvals_required=2 if index % 3 == 0 else 1,
                state_changed_at=now - timedelta(hours=index),
                created_by=editor,
                created_at=now - timedelta(days=400),
            )
            for index in range(count)
        ],
        batch_size=BATCH,
    )
    versions = ArticleVersion.objects.bulk_create(
        [
            ArticleVersion(
                article=article,
                number=1,
                title=f"{label.capitalize()} article {index}",
                note="bulk",
                content_hash=f"{index:064d}",
                created_by=editor,
                created_at=article.created_at,
            )
            for index, article in enumerate(articles)
        ],
        batch_size=BATCH,
    )
    for index, (article, version) in enumerate(zip(articles, versions, strict=True)):
        article.working_version = version
        if article.state == State.PUBLISHED:
            article.published_version, article.published_at = version, now - timedelta(days=index % 500)
            article.public_approved, article.public_reviewed_at = True, now - timedelta(days=index % 500)
    Article.objects.bulk_update(
        articles,
        ["working_version", "published_version", "published_at", "public_approved", "public_reviewed_at"],
        batch_size=BATCH,
    )
    _open_rounds(articles, editor, reviewers, now)
    return articles


def _open_rounds(articles, editor, reviewers, now):
    in_review = [a for a in articles if a.state in (State.SUBMITTED, State.UNDER_REVIEW)]
    rounds = ReviewRound.objects.bulk_create(
        [
            ReviewRound(
                article=article,
                version=article.working_version,
                number=1,
                opened_by=editor,
                opened_at=now - timedelta(days=10),
                # Every other one was due four days ago.
                due_at=now + timedelta(days=-4 if index % 2 else 20),
            )
            for index, article in enumerate(in_review)
        ],
        batch_size=BATCH,
    )
    claimed = [r for r in rounds if r.article.state == State.UNDER_REVIEW]
    ReviewAssignment.objects.bulk_create(
        [
            ReviewAssignment(
                review_round=review_round,
                reviewer=reviewers[index % len(reviewers)],
                assigned_by=editor,
                assigned_at=now - timedelta(days=9),
                due_at=review_round.due_at,
            )
            for index, review_round in enumerate(claimed)
        ],
        batch_size=BATCH,
    )
    Signature.objects.bulk_create(
        [
            Signature(
                kind=Signature.APPROVAL,
                review_round=review_round,
                version=review_round.version,
                signer=reviewers[index % len(reviewers)],
                printed_name="Bulk Signer, M.D.",
                meaning=Signature.APPROVAL_MEANING,
                content_hash=review_round.version.content_hash,
                signed_at=now - timedelta(days=1),
            )
            for index, review_round in enumerate(claimed)
            if review_round.article.approvals_required == 2
        ],
        batch_size=BATCH,
    )
