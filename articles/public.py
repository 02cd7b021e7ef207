"""What readers see of a published article: its stored rendering, the facts of its
review, and the machine-readable description. Used by the public views and the
static export alike."""

import json
import math
import re
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, F, Max, Q
from django.urls import reverse
from django.utils import timezone

from articles.lifecycle import REVIEW_AFTER, State
from articles.models import Article, ArticleVersion, Signature
from articles.rendering import AUDIENCES, render_markdown, render_reference_list
from notifications.reminders import add_months

RENDERING_FORMAT = 1  # bump when the stored rendering's shape or markup changes
WORDS_PER_MINUTE = 200
DISCLAIMERS = {
    "patient": "This article is general information for patients. It is not a substitute for advice from "
               "your own doctor or nurse, who knows your health.",
    "caregiver": "This article is general information for people caring for someone. It is not a substitute "
                 "for advice from the care team of the person you look after.",
    "professional": "This content is intended for healthcare professionals. It supports, and does not replace, "
                    "clinical judgement and local guidance.",
}
SCHEMA_AUDIENCE = {"patient": "Patient", "caregiver": "Caregiver", "professional": "Clinician"}


def published_articles():
    """Published articles with the facts their page needs, in one query."""
    approvals = Q(published_version__signatures__kind=Signature.APPROVAL)
    return Article.objects.filter(published_version__isnull=False).annotate(
        last_reviewed=Max("published_version__signatures__signed_at", filter=approvals),
        valid_approvals=Count(
            "published_version__signatures__signer",
            filter=approvals & Q(published_version__signatures__content_hash=F("published_version__content_hash")),
            distinct=True,
        ),
    )


@dataclass(frozen=True)
class ReviewFacts:
    approved: bool
    step: str  # "submitted", "under_review" or "approved"
    last_reviewed: object  # datetime of the latest approval of the shown version, or None
    review_due: object  # date the re-review fell due, when it has passed; else None

    @property
    def cache_part(self):
        return f"{self.step}.{self.review_due or ''}"


def review_facts(article, now=None):
    """The review status of the shown (published) version, from published_articles()."""
    now = now or timezone.now()
    approved = article.valid_approvals >= article.approvals_required
    if approved:
        step = "approved"
    elif article.state == State.UNDER_REVIEW and article.working_version_id == article.published_version_id:
        step = "under_review"
    else:
        step = "submitted"
    due = None
    if approved and article.last_reviewed:
        due_at = add_months(article.last_reviewed, article.rereview_months)
        due = due_at.date() if due_at <= now else None
    return ReviewFacts(approved=approved, step=step, last_reviewed=article.last_reviewed if approved else None,
                       review_due=due)


def _read_minutes(version):
    words = len(re.findall(r"\w+", " ".join([version.summary, version.body, version.key_points])))
    return max(1, math.ceil(words / WORDS_PER_MINUTE))


def rendering(version):
    """The version's public HTML for every audience, made once and stored with it."""
    stored = version.rendered or {}
    if stored.get("format") == RENDERING_FORMAT and stored.get("style") == settings.CITATION_STYLE:
        return stored
    audiences = {}
    for audience in AUDIENCES:
        body_html, headings = render_markdown(version.body, version.references, audience=audience)
        audiences[audience] = {"body_html": body_html, "toc": [[level, text, anchor] for level, text, anchor in headings]}
    stored = {
        "format": RENDERING_FORMAT, "style": settings.CITATION_STYLE, "read_minutes": _read_minutes(version),
        "references_html": render_reference_list(version.references, settings.CITATION_STYLE), "audiences": audiences,
    }
    ArticleVersion.objects.filter(pk=version.pk).update(rendered=stored)
    version.rendered = stored
    return stored


def signatures_of(version):
    return list(
        Signature.objects.filter(version=version, kind=Signature.APPROVAL, content_hash=version.content_hash)
        .select_related("signer__profile").order_by("signed_at")
    )


def json_ld(article, version, facts, signatures, audience, page_url):
    """schema.org MedicalWebPage for the page, as a JSON string safe inside <script>."""
    data = {
        "@context": "https://schema.org",
        "@type": "MedicalWebPage",
        "name": version.title,
        "headline": version.title,
        "url": page_url,
        "description": version.summary,
        "dateModified": article.published_at.isoformat() if article.published_at else None,
        "audience": {"@type": "MedicalAudience", "audienceType": SCHEMA_AUDIENCE[audience]},
        "citation": [
            {"@type": "CreativeWork", "name": item["title"],
             **({"sameAs": f"https://doi.org/{item['doi']}"} if item.get("doi") else {}),
             **({"url": item["url"]} if item.get("url") else {})}
            for item in version.references
        ],
    }
    if version.aliases:
        data["alternateName"] = version.aliases
    if facts.approved and facts.last_reviewed:
        data["lastReviewed"] = facts.last_reviewed.date().isoformat()
        data["reviewedBy"] = [
            {"@type": "Person", "name": s.signer.profile.name, "honorificSuffix": s.credentials,
             "url": settings.SITE_URL + s.signer.profile.get_absolute_url()}
            for s in signatures
        ]
    text = json.dumps({k: v for k, v in data.items() if v not in (None, "", [])}, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def page_context(article, audience, now=None):
    """Everything the public article template shows, for one audience."""
    version = article.published_version
    facts = review_facts(article, now)
    signatures = signatures_of(version) if facts.approved else []
    stored = rendering(version)
    page_path = article_url(article.slug, audience)
    return {
        "article": article, "version": version, "facts": facts, "signatures": signatures, "audience": audience,
        "audiences": AUDIENCES, "body_html": stored["audiences"][audience]["body_html"],
        "toc": stored["audiences"][audience]["toc"], "references_html": stored["references_html"],
        "read_minutes": stored["read_minutes"], "disclaimer": DISCLAIMERS[audience],
        "fast_track": article.review_policy == REVIEW_AFTER,
        "json_ld": json_ld(article, version, facts, signatures, audience, settings.SITE_URL + page_path),
        "canonical_url": settings.SITE_URL + page_path,
        "steps": [("submitted", "Submitted"), ("under_review", "Under review"), ("approved", "Approved")],
    }


def article_url(slug, audience):
    from articles.rendering import DEFAULT_AUDIENCE

    if audience == DEFAULT_AUDIENCE:
        return reverse("public:article", args=[slug])
    return reverse("public:article_for", args=[slug, audience])
