"""What readers see of a published article: its stored rendering, the facts of its
review, and the machine-readable description. Used by the public views and the
static export alike."""

import json
import math
from datetime import timezone as dt_timezone
import re
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from articles.lifecycle import REVIEW_AFTER, State
from articles.models import Article, ArticleVersion
from articles.rendering import AUDIENCES, render_markdown, render_reference_list
from notifications.reminders import add_months

RENDERING_FORMAT = 4  # bump when the stored rendering's shape or markup changes
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


FACT_FIELDS = ("pk", "slug", "state", "review_policy", "rereview_months", "working_version_id",
               "published_version_id", "published_at", "public_approved", "public_reviewed_at")


def published_articles():
    return Article.objects.filter(published_version__isnull=False)


@dataclass(frozen=True)
class ReviewFacts:
    approved: bool
    step: str  # "submitted", "under_review" or "approved"
    last_reviewed: object  # datetime of the latest approval of the shown version, or None
    review_due: object  # date the re-review fell due, when it has passed; else None
    due_at: object  # when the re-review falls due (approved pages), else None

    @property
    def cache_part(self):
        return f"{self.step}.{self.review_due or ''}"


def review_facts(article, now=None):
    """The review status of the shown (published) version, from the article's own row."""
    now = now or timezone.now()
    if article.public_approved:
        step = "approved"
    elif article.state == State.UNDER_REVIEW and article.working_version_id == article.published_version_id:
        step = "under_review"
    else:
        step = "submitted"
    due_at = None
    if article.public_approved and article.public_reviewed_at:
        due_at = add_months(article.public_reviewed_at, article.rereview_months)
    return ReviewFacts(
        approved=article.public_approved, step=step,
        last_reviewed=article.public_reviewed_at if article.public_approved else None,
        review_due=due_at.date() if due_at and due_at <= now else None, due_at=due_at,
    )


def _read_minutes(version):
    words = len(re.findall(r"\w+", " ".join([version.summary, version.body, version.key_points])))
    return max(1, math.ceil(words / WORDS_PER_MINUTE))


def _schema_citations(version):
    return [
        {"@type": "CreativeWork", "name": item["title"],
         **({"sameAs": f"https://doi.org/{item['doi']}"} if item.get("doi") else {}),
         **({"url": item["url"]} if item.get("url") else {})}
        for item in version.references
    ]


def rendering(version):
    """The version's public page for every audience, rendered once and stored with it:
    everything that does not change while the version stays the same, with markers
    where finish_page() puts the review facts."""
    from django.template.loader import render_to_string

    stored = version.rendered or {}
    if stored.get("format") == RENDERING_FORMAT and stored.get("style") == settings.CITATION_STYLE:
        return stored
    references_html = render_reference_list(version.references, settings.CITATION_STYLE)
    read_minutes = _read_minutes(version)
    slug = version.article.slug
    audiences = {}
    for audience in AUDIENCES:
        body_html, headings = render_markdown(version.body, version.references, audience=audience)
        content = render_to_string("public/article_content.html", {
            "version": version, "body_html": body_html, "toc": headings, "references_html": references_html,
            "disclaimer": DISCLAIMERS[audience],
        })
        # The whole page, with markers where the facts that may change are put per request.
        page = render_to_string("public/article.html", {
            "version": version, "read_minutes": read_minutes, "content_html": content, "audience": audience,
            "audiences": AUDIENCES, "links": site_links(), "chooser_url": reverse("public:choose_audience", args=[slug]),
            "canonical_url": settings.SITE_URL + article_url(slug, audience),
            "review_html": REVIEW_MARK, "json_ld": JSON_LD_MARK, "modified_time": MODIFIED_MARK,
        })
        audiences[audience] = {"page": page}
    meta = {"format": RENDERING_FORMAT, "style": settings.CITATION_STYLE, "read_minutes": read_minutes,
            "citations": _schema_citations(version)}
    stored = {**meta, "meta": meta, "audiences": audiences}
    ArticleVersion.objects.filter(pk=version.pk).update(rendered=stored)
    version.rendered = stored
    return stored


PAGE_COLUMNS = (*FACT_FIELDS, "approvals_required", "public_reviewers", "published_version__title",
                "published_version__summary", "published_version__aliases")
JSON_COLUMNS = {"public_reviewers", "published_version__aliases", "rendering_meta"}
TIME_COLUMNS = {"published_at", "public_reviewed_at"}
_LOOKUP = object()  # stands for the slug or id in the compiled query


def _stored(*path):
    """The text at `path` inside the live version's stored rendering (a JSON lookup)."""
    from django.db.models import F
    from django.db.models.fields.json import KeyTextTransform, KeyTransform

    expression = F("published_version__rendered")
    for key in path[:-1]:
        expression = KeyTransform(key, expression)
    return KeyTextTransform(path[-1], expression)


@lru_cache(maxsize=16)
def _page_query(audience, field):
    """The page's one query, compiled once per (audience, lookup field): building it
    through the ORM costs several times what the database takes to answer it."""
    names = (*PAGE_COLUMNS, "page_html", "rendering_meta")
    placeholder = -7_654_321 if field == "pk" else "__lookup__"
    queryset = published_articles().filter(**{field: placeholder}).annotate(
        page_html=_stored("audiences", audience, "page"), rendering_meta=_stored("meta"),
    ).values_list(*names)
    sql, params = queryset.query.sql_with_params()
    return sql, [(_LOOKUP if value == placeholder else value) for value in params], names


class PublicPage:
    """The columns one public page needs, read by load_page()."""

    def __init__(self, names, row):
        # A raw row skips Django's converters: SQLite gives naive times, 0/1 and JSON text.
        for name, value in zip(names, row):
            if name in JSON_COLUMNS and isinstance(value, str):
                value = json.loads(value)
            elif name in TIME_COLUMNS and value is not None:
                value = parse_datetime(value) if isinstance(value, str) else value
                value = value if timezone.is_aware(value) else value.replace(tzinfo=dt_timezone.utc)
            setattr(self, name.replace("published_version__", "version_"), value)
        self.public_approved = bool(self.public_approved)
        self.published_version = VersionFacts(self.version_title, self.version_summary, self.version_aliases or [])


@dataclass(frozen=True)
class VersionFacts:
    title: str
    summary: str
    aliases: list


def load_page(audience, **lookup):
    """A published article with the stored HTML of one audience, in one query (the
    rendering is made first if this version has none yet)."""
    from django.db import connection

    (field, value), = lookup.items()
    sql, params, names = _page_query(audience, field)
    params = [value if item is _LOOKUP else item for item in params]

    def query():
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            row = cursor.fetchone()
        return PublicPage(names, row) if row else None

    article = query()
    if article is None:
        return None
    meta = article.rendering_meta or {}
    if article.page_html is None or meta.get("format") != RENDERING_FORMAT or meta.get("style") != settings.CITATION_STYLE:
        rendering(ArticleVersion.objects.get(pk=article.published_version_id))
        article = query()
        meta = article.rendering_meta
    article.read_minutes, article.citations = meta["read_minutes"], meta["citations"]
    return article


def json_ld(article, facts, audience, page_url):
    """schema.org MedicalWebPage for the page, as a JSON string safe inside <script>."""
    version = article.published_version
    data = {
        "@context": "https://schema.org",
        "@type": "MedicalWebPage",
        "name": version.title,
        "headline": version.title,
        "url": page_url,
        "description": version.summary,
        "dateModified": article.published_at.isoformat() if article.published_at else None,
        "audience": {"@type": "MedicalAudience", "audienceType": SCHEMA_AUDIENCE[audience]},
        "citation": article.citations,
        "alternateName": version.aliases,
    }
    if facts.approved and facts.last_reviewed:
        data["lastReviewed"] = facts.last_reviewed.date().isoformat()
        data["reviewedBy"] = [
            {"@type": "Person", "name": r["name"], "honorificSuffix": r["credentials"], "url": settings.SITE_URL + r["url"]}
            for r in article.public_reviewers
        ]
    text = json.dumps({k: v for k, v in data.items() if v not in (None, "", [])}, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


REVIEW_MARK = "<!--imprimatur:review-->"
JSON_LD_MARK = "<!--imprimatur:json-ld-->"
MODIFIED_MARK = "<!--imprimatur:modified-->"
STEPS = [("submitted", "Submitted"), ("under_review", "Under review"), ("approved", "Approved")]


def finish_page(article, audience, now=None):
    """The stored page of one audience with this moment's review facts put in: the
    only template rendered per request is the small review header."""
    from django.template.loader import render_to_string

    facts = review_facts(article, now)
    review_html = render_to_string("public/review_header.html", {
        "article": article, "facts": facts, "steps": STEPS, "links": site_links(),
        "fast_track": article.review_policy == REVIEW_AFTER,
    })
    page_url = settings.SITE_URL + article_url(article.slug, audience)
    return (
        article.page_html.replace(REVIEW_MARK, review_html, 1)
        .replace(JSON_LD_MARK, json_ld(article, facts, audience, page_url), 1)
        .replace(MODIFIED_MARK, article.published_at.isoformat(), 1)
    )


@lru_cache(maxsize=1)
def site_links():
    """The site's fixed addresses, resolved once rather than on every page view."""
    return {"home": reverse("home"), "index": reverse("public:index"), "editorial_policy": reverse("editorial_policy"),
            "login": reverse("login")}


def article_url(slug, audience):
    from articles.rendering import DEFAULT_AUDIENCE

    if audience == DEFAULT_AUDIENCE:
        return reverse("public:article", args=[slug])
    return reverse("public:article_for", args=[slug, audience])
