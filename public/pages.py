"""What readers see of a published article: its stored rendering, the facts of its
review, and the machine-readable description. Used by the public views and the
static export alike."""

import json
import math
import re
from dataclasses import dataclass
from datetime import timezone as dt_timezone
from functools import lru_cache

from django.conf import settings
from django.db import connection
from django.db.models import Count, OuterRef, Subquery
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.dates import MONTHS
from django.utils.html import escape

from articles import selectors
from articles.lifecycle import Policy, State
from articles.models import ArticleVersion, VersionPage, rereview_due_at
from articles.rendering import AUDIENCES, DEFAULT_AUDIENCE, render_markdown, render_reference_list
from core.text import full_stop_after, sentence
from figures.html import largest
from figures.html import url as figure_url
from references.models import SourceNotice

RENDERING_FORMAT = 8  # bump when the stored rendering's shape or markup changes
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


FACT_FIELDS = (
    "pk",
    "slug",
    "state",
    "review_policy",
    "rereview_months",
    "working_version_id",
    "published_version_id",
    "published_at",
    "public_approved",
    "public_reviewed_at",
)


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
        due_at = rereview_due_at(article.public_reviewed_at, article.rereview_months)
    return ReviewFacts(
        approved=article.public_approved,
        step=step,
        last_reviewed=article.public_reviewed_at if article.public_approved else None,
        review_due=due_at.date() if due_at and due_at <= now else None,
        due_at=due_at,
    )


def _read_minutes(version):
    words = len(re.findall(r"\w+", " ".join([version.summary, version.body, version.key_points])))
    return max(1, math.ceil(words / WORDS_PER_MINUTE))


def source_notices(version):
    """{reference id: [notice public data]} for the sources the version cites: one query.
    Notices are facts about the sources, read when the page is rendered, never frozen
    into the version or its signed hash."""
    ids = [item["id"] for item in version.references if item.get("id")]
    found = {}
    if ids:
        for notice in SourceNotice.objects.filter(reference_id__in=ids).order_by("published_on", "id"):
            found.setdefault(notice.reference_id, []).append(notice.public_data())
    return found


@dataclass(frozen=True)
class HistoryEntry:
    number: int
    published_at: object
    note: str
    reader_reports: int  # reports this version corrected

    @property
    def day(self):
        return _day(self.published_at)


def public_history(version):
    """(history, writers) up to `version`: the published versions, newest first, with the
    note readers are told and how many readers' reports each corrected; and the editors
    who wrote the versions, first writer first. One query."""
    versions = list(
        ArticleVersion.objects.filter(article_id=version.article_id, number__lte=version.number)
        .select_related("created_by__profile")
        .annotate(reader_reports=Count("corrects_reports"))
        .order_by("-number")
    )
    history = [
        HistoryEntry(v.number, v.first_published_at, v.public_note, v.reader_reports)
        for v in versions
        if v.first_published_at is not None
    ]
    writers = list(dict.fromkeys(v.created_by.profile.printed_name for v in reversed(versions)))
    return history, writers


def _schema_correction(notice):
    return {
        "@type": "CorrectionComment",
        "name": notice["label"],
        **({"datePublished": notice["date"]} if notice.get("date") else {}),
        **({"url": notice["url"]} if notice.get("url") else {}),
    }


def _schema_citations(version, notices):
    return [
        {
            "@type": "CreativeWork",
            "name": item["title"],
            **({"sameAs": f"https://doi.org/{item['doi']}"} if item.get("doi") else {}),
            **({"url": item["url"]} if item.get("url") else {}),
            **(
                {"correction": [_schema_correction(n) for n in notices[item.get("id")]]}
                if notices.get(item.get("id"))
                else {}
            ),
        }
        for item in version.references
    ]


def _script_safe_json(data):
    """JSON text that cannot end the <script> element it stands in."""
    text = json.dumps(data, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def absolute_url(address):
    """An address on this site (or already absolute, as a bucket's) as readers outside it use it."""
    return address if address.startswith(("https://", "http://")) else settings.SITE_URL + address


def _schema_image(figure):
    widest = largest(figure)
    return {
        "@type": "ImageObject",
        "contentUrl": absolute_url(figure_url(widest["name"])),
        "width": widest["width"],
        "height": widest["height"],
        "caption": figure["caption"] or figure["alt"],
        **({"creditText": figure["credit"]} if figure["credit"] else {}),
        **({"license": figure["licence"]} if figure["licence"] else {}),
    }


def version_json_ld(version, audience, page_url, notices=None, authors=()):
    """The schema.org MedicalWebPage of one audience's page, less the members the review
    facts add per request (review_json_ld): a marker stands where they go."""
    data = {
        "@context": "https://schema.org",
        "@type": "MedicalWebPage",
        "name": version.title,
        "headline": version.title,
        "url": page_url,
        "description": version.summary,
        "audience": {"@type": "MedicalAudience", "audienceType": SCHEMA_AUDIENCE[audience]},
        "citation": _schema_citations(version, notices or {}),
        "alternateName": version.aliases,
        "author": [{"@type": "Person", "name": name} for name in authors],
        "image": [_schema_image(figure) for figure in version.figures],
    }
    text = _script_safe_json({name: value for name, value in data.items() if value not in ("", [])})
    return text[:-1] + JSON_LD_MARK + "}"


def review_json_ld(article, facts):
    """The JSON-LD members that come from the review facts, each led by a comma."""
    data = {"dateModified": article.published_at.isoformat()}
    through = literature_through(article, facts)
    if through:
        data["temporalCoverage"] = f"../{through[:7]}"  # the evidence considered, up to that month
    if facts.approved and facts.last_reviewed:
        data["lastReviewed"] = _day(facts.last_reviewed)[0]
        data["reviewedBy"] = [
            {
                "@type": "Person",
                "name": r["name"],
                "honorificSuffix": r["credentials"],
                "url": settings.SITE_URL + r["url"],
                # schema.org has no property for a conflict of interest: it is said in words.
                **({"description": f"Declared a conflict of interest: {r['conflict']}"} if r.get("conflict") else {}),
            }
            for r in article.public_reviewers
        ]
    return "".join(f", {json.dumps(name)}: {_script_safe_json(value)}" for name, value in data.items())


def render_pages(version):
    """The version's public page for every audience (unsaved VersionPage rows): all that
    does not change while the version stays the same, with markers where finish_page()
    puts the review facts. Stored by public.changes.store_version_pages(), which first
    re-proves the signed content."""

    notices = source_notices(version)
    history, authors = public_history(version)
    references_html = render_reference_list(version.references, settings.CITATION_STYLE, notices)
    read_minutes = _read_minutes(version)
    slug = version.article.slug
    pages = []
    for audience in AUDIENCES:
        body_html, headings = render_markdown(
            version.body, version.references, audience=audience, figures=version.figures
        )
        content = render_to_string(
            "public/article_content.html",
            {
                "version": version,
                "body_html": body_html,
                "toc": headings,
                "references_html": references_html,
                "disclaimer": DISCLAIMERS[audience],
            },
        )
        page_url = settings.SITE_URL + article_url(slug, audience)
        html = render_to_string(
            "public/article.html",
            {
                "version": version,
                "read_minutes": read_minutes,
                "content_html": content,
                "audience": audience,
                "audiences": AUDIENCES,
                "links": site_links(),
                "chooser_url": reverse("public:choose_audience", args=[slug]),
                "report_url": reverse("public:report_error", args=[slug]),
                "canonical_url": page_url,
                "json_ld": version_json_ld(version, audience, page_url, notices, authors),
                "history": history,
                "written_by": sentence(", ".join(authors)) if authors else "",
                "review_html": REVIEW_MARK,
                "modified_time": MODIFIED_MARK,
            },
        )
        pages.append(
            VersionPage(
                version=version,
                audience=audience,
                html=html,
                rendering_format=RENDERING_FORMAT,
                citation_style=settings.CITATION_STYLE,
            )
        )
    return pages


def withheld_pages(version, problem):
    """Empty rows that stand for a version's withheld pages: readers get a 404."""
    return [
        VersionPage(
            version=version,
            audience=audience,
            html="",
            withheld_because=problem[:500],
            rendering_format=RENDERING_FORMAT,
            citation_style=settings.CITATION_STYLE,
        )
        for audience in AUDIENCES
    ]


def current_pages(version_id):
    """The version's stored pages made by this renderer in this citation style."""
    return VersionPage.objects.filter(
        version_id=version_id, rendering_format=RENDERING_FORMAT, citation_style=settings.CITATION_STYLE
    )


PAGE_COLUMNS = (*FACT_FIELDS, "public_reviewers", "page_html")
TIME_COLUMNS = {"published_at", "public_reviewed_at"}
_LOOKUP = object()  # stands for the slug or id in the compiled query


@lru_cache(maxsize=16)
def _page_query(audience, field, citation_style):
    """The page's one query, compiled once per (audience, lookup field, style): building
    it through the ORM costs several times what the database takes to answer it."""
    placeholder = -7_654_321 if field == "pk" else "__lookup__"
    page = VersionPage.objects.filter(
        version=OuterRef("published_version_id"),
        audience=audience,
        rendering_format=RENDERING_FORMAT,
        citation_style=citation_style,
    ).values("html")[:1]
    queryset = (
        selectors.published_articles()
        .filter(**{field: placeholder})
        .order_by()
        .annotate(
            page_html=Subquery(page),
        )
        .values_list(*PAGE_COLUMNS)
    )
    sql, params = queryset.query.sql_with_params()
    return sql, [(_LOOKUP if value == placeholder else value) for value in params]


class PublicPage:
    """The columns one public page needs, read by load_page()."""

    def __init__(self, row):
        # A raw row skips Django's converters: SQLite gives naive times, 0/1 and JSON text.
        for name, value in zip(PAGE_COLUMNS, row, strict=True):
            if name in TIME_COLUMNS and value is not None:
                value = parse_datetime(value) if isinstance(value, str) else value
                value = value if timezone.is_aware(value) else value.replace(tzinfo=dt_timezone.utc)
            setattr(self, name, value)
        if isinstance(self.public_reviewers, str):
            self.public_reviewers = json.loads(self.public_reviewers)
        self.public_approved = bool(self.public_approved)


def load_page(audience, **lookup):
    """A published article with the stored page of one audience, in one query.
    `page_html` is None when no page is stored for this renderer and citation style
    (rendered at publication; a deploy that changes either re-renders with
    `manage.py render_public_pages`), and "" when the page is withheld."""

    ((field, value),) = lookup.items()
    sql, params = _page_query(audience, field, settings.CITATION_STYLE)
    with connection.cursor() as cursor:
        cursor.execute(sql, [value if item is _LOOKUP else item for item in params])
        row = cursor.fetchone()
    return PublicPage(row) if row else None


REVIEW_MARK = "<!--imprimatur:review-->"
JSON_LD_MARK = "<!--imprimatur:json-ld-->"
MODIFIED_MARK = "<!--imprimatur:modified-->"
STEPS = [("submitted", "Submitted"), ("under_review", "Under review"), ("approved", "Approved")]
CAUTION = (
    '<p class="caution" role="note"><strong>Educational purpose only - content is pending medical review.'
    "</strong>\n      This article was published before its medical review{why}; its review is in progress.</p>"
)


def _day(value):
    """(ISO date, "November 5, 2026") of a date, or of a moment in the site's time zone."""
    if hasattr(value, "hour"):
        value = timezone.localtime(value)
    return value.isoformat()[:10], f"{MONTHS[value.month]} {value.day}, {value.year}"


def literature_through(article, facts):
    """The latest month (ISO date of its first day) the live version's signers said they
    checked the literature through, or None."""
    if not facts.approved:
        return None
    return max((r["literature_through"] for r in article.public_reviewers if r.get("literature_through")), default=None)


def _reviewer_html(reviewer):
    """A signer on the review line, with the conflict of interest they declared at signing."""
    html = f'<a href="{escape(reviewer["url"])}">{escape(reviewer["printed_name"])}</a>'
    if reviewer.get("conflict"):
        html += f' <span class="conflict">(declared a conflict of interest: {escape(reviewer["conflict"])})</span>'
    return html


def review_header(article, facts):
    """The status tracker, caution banner and medical review line: the one part of the
    page made per request. Written out here rather than in a template because it is on
    every uncached page view, where a template took eight times as long; every value from
    the database goes through escape()."""
    steps = "".join(
        f'<li class="current" aria-current="step">{label}</li>' if key == facts.step else f"<li>{label}</li>"
        for key, label in STEPS
    )
    parts = [f'<nav class="tracker" aria-label="Medical review status"><ol>{steps}</ol></nav>\n']
    if not facts.approved:
        why = " because the information was needed quickly" if article.review_policy == Policy.AFTER else ""
        parts.append(CAUTION.format(why=why) + "\n")
    parts.append('<p class="review-line">\n      ')
    if facts.approved:
        reviewers = article.public_reviewers
        names = ", ".join(_reviewer_html(r) for r in reviewers)
        # The sentence ends with the last name shown, unless a declared conflict follows it.
        last = reviewers[-1] if reviewers else {}
        stop = "." if not last or last.get("conflict") else full_stop_after(last["printed_name"])
        parts.append(f"Reviewed by {names}{stop}\n      ")
        through = literature_through(article, facts)
        if through:
            label = f"{MONTHS[int(through[5:7])]} {through[:4]}"
            parts.append(f'Literature reviewed through <time datetime="{through[:7]}">{label}</time>.\n      ')
        if facts.review_due:
            parts.append(f'<strong class="review-due">Review due since {_day(facts.review_due)[1]}.</strong>\n      ')
        else:
            parts.append('Last reviewed <time datetime="{}">{}</time>.\n      '.format(*_day(facts.last_reviewed)))
    else:
        parts.append("Not yet medically reviewed.\n      ")
    parts.append('Last updated <time datetime="{}">{}</time>.\n      '.format(*_day(article.published_at)))
    parts.append(f'<a href="{site_links()["editorial_policy"]}">Our editorial policy</a>\n    </p>')
    return "".join(parts)


def finish_page(article, now=None):
    """The page load_page() read, with this moment's review facts put in: no request,
    no user, so it can be cached and exported."""
    facts = review_facts(article, now)
    return (
        article.page_html.replace(REVIEW_MARK, review_header(article, facts), 1)
        .replace(JSON_LD_MARK, review_json_ld(article, facts), 1)
        .replace(MODIFIED_MARK, article.published_at.isoformat(), 1)
    )


@lru_cache(maxsize=1)
def site_links():
    """The site's fixed addresses, resolved once rather than on every page view."""
    return {
        "home": reverse("home"),
        "index": reverse("public:index"),
        "editorial_policy": reverse("editorial_policy"),
        "login": reverse("login"),
    }


def article_url(slug, audience):

    if audience == DEFAULT_AUDIENCE:
        return reverse("public:article", args=[slug])
    return reverse("public:article_for", args=[slug, audience])
