"""Taking an article through the workflow in tests, through the real services."""

from accounts import two_factor
from articles import services
from articles.services import Content
from tests.conftest import PERSONA_PASSWORD
from tests.two_factor import fresh_code

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


def signing_code(person):
    """The code a person types beside their password to sign: a fresh one from their
    authenticator when they have one (each signature in a test gets its own time step)."""
    return fresh_code(person) if two_factor.is_enrolled(person) else ""


def approve(
    article, reviewer, password=PERSONA_PASSWORD, code=None, conflict="none", conflict_interests="", comment=""
):
    article.refresh_from_db()
    return services.article_approve(
        article_id=article.pk,
        actor=reviewer,
        password=password,
        code=signing_code(reviewer) if code is None else code,
        expected_hash=article.working_version.content_hash,
        conflict=conflict,
        conflict_interests=conflict_interests,
        comment=comment,
    )


def publish(article, publisher, public_note=None):
    """Publish the working version. Once a version was public, readers are owed a public
    change note: "Updated." unless the test says otherwise."""
    article.refresh_from_db()
    if public_note is None and article.versions.filter(first_published_at__isnull=False).exists():
        public_note = "Updated."
    return services.article_publish(
        article_id=article.pk, actor=publisher, expected_version_id=article.working_version_id, public_note=public_note
    )


def ask_fast_track(article, publisher, reason="Outbreak: readers need this now"):
    """A publisher asks, in the policy form, for review after publication; returns the waiting request."""
    services.article_set_policy(
        article_id=article.pk,
        actor=publisher,
        review_policy="after",
        approvals_required=1,
        rereview_months=12,
        reason=reason,
    )
    return services.pending_fast_track(article)


def fast_track(article, asker, confirmer, reason="Outbreak: readers need this now"):
    """Switch the article to review after publication: one publisher asks, another person confirms."""
    request = services.article_request_fast_track(article_id=article.pk, actor=asker, reason=reason)
    services.article_confirm_fast_track(
        article_id=article.pk,
        actor=confirmer,
        request_id=request.pk,
        password=PERSONA_PASSWORD,
        code=signing_code(confirmer),
    )
    article.refresh_from_db()
    return request


def refused(client, response, article):
    """A refused desk form is answered like any other (Post/Redirect/Get): a redirect to
    the article's page, which says why and holds what was typed. Returns that page's text."""
    assert response.status_code == 302 and response["Location"] == f"/desk/{article.pk}/"
    page = client.get(response["Location"])
    assert page.status_code == 200
    return page.content.decode()
