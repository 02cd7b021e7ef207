"""What readers see. Only a published version is ever shown: anything else is a 404.

A published version never changes, so its page is rendered once per (version,
audience, review facts) and cached; the facts come from one query, which is also
all a cached or 304 answer costs.
"""

import hashlib

from django.conf import settings
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.core.cache import cache
from django.db import connection
from django.db.models import Q
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date
from django.views.decorators.http import require_safe

from accounts.roles import roles_of
from articles import public, public_cache
from articles.lifecycle import may_edit_site_pages
from articles.models import SitePage
from articles.rendering import AUDIENCES, DEFAULT_AUDIENCE, render_markdown

AUDIENCE_COOKIE = "audience"
MAX_QUERY = 200


def page_key(article, audience, facts):
    return f"public-page:{public.RENDERING_FORMAT}:{article.published_version_id}:{audience}:{facts.cache_part}"


def _page(request, slug, audience):
    if settings.PUBLIC_PAGE_CACHE:
        # The small columns first: a cached page (or a 304) needs nothing more.
        article = public.published_articles().filter(slug=slug).only(*public.FACT_FIELDS).first()
    else:
        article = public.load_page(audience, slug=slug)
    if article is None:
        raise Http404("No published article at this address")
    facts = public.review_facts(article)
    key = page_key(article, audience, facts)
    etag = '"%s"' % hashlib.sha256(key.encode()).hexdigest()[:32]
    last_modified = int(article.published_at.timestamp())
    not_modified = get_conditional_response(request, etag=etag, last_modified=last_modified)
    if not_modified is not None:
        return not_modified
    html = cache.get(key) if settings.PUBLIC_PAGE_CACHE else None
    if html is None:
        if settings.PUBLIC_PAGE_CACHE:
            article = public.load_page(audience, pk=article.pk)
        html = public.finish_page(article)
        if settings.PUBLIC_PAGE_CACHE:
            cache.set(key, html, settings.PUBLIC_PAGE_CACHE_SECONDS)
    response = HttpResponse(html)
    response["ETag"] = etag
    response["Last-Modified"] = http_date(last_modified)
    response["Cache-Control"] = f"public, max-age={settings.PUBLIC_PAGE_MAX_AGE}"
    # Let the WSGI fast path answer the next reader, until the review falls due.
    valid_until = facts.due_at.timestamp() if facts.due_at and not facts.review_due else None
    public_cache.mark(response, slug, audience, valid_until=valid_until)
    return response


@require_safe
def article(request, slug):
    chosen = request.COOKIES.get(AUDIENCE_COOKIE)
    if chosen in AUDIENCES and chosen != DEFAULT_AUDIENCE:
        response = redirect(public.article_url(slug, chosen))
    else:
        response = _page(request, slug, DEFAULT_AUDIENCE)
    patch_vary_headers(response, ["Cookie"])
    return response


@require_safe
def article_for(request, slug, audience):
    if audience not in AUDIENCES:
        raise Http404("No such audience")
    return _page(request, slug, audience)


@require_safe
def choose_audience(request, slug):
    """The "Which best describes you?" form: remember the choice, show that page."""
    audience = request.GET.get("audience", "")
    if audience not in AUDIENCES:
        return HttpResponseBadRequest("Choose patient, caregiver or professional.")
    response = redirect(public.article_url(slug, audience))
    response.set_cookie(AUDIENCE_COOKIE, audience, max_age=365 * 24 * 3600, samesite="Lax",
                        secure=settings.HTTPS, httponly=True)
    return response


def _clean_query(raw):
    return " ".join(raw.replace("\x00", " ").split())[:MAX_QUERY]


def search_published(query):
    articles = public.published_articles().select_related("published_version")
    if not query:
        return articles.order_by("topic", "published_version__title"), False
    if connection.vendor == "postgresql":
        vector = (SearchVector("published_version__title", weight="A", config="english")
                  + SearchVector("published_version__summary", weight="B", config="english")
                  + SearchVector("published_version__body", weight="C", config="english"))
        search = SearchQuery(query, search_type="websearch", config="english")
        ranked = articles.annotate(rank=SearchRank(vector, search)).filter(rank__gt=0).order_by("-rank", "pk")
        return ranked, True
    words = Q()
    for word in query.split()[:10]:
        words &= Q(published_version__title__icontains=word) | Q(published_version__body__icontains=word)
    return articles.filter(words).order_by("published_version__title"), True


@require_safe
def index(request):
    query = _clean_query(request.GET.get("q", ""))
    found, searching = search_published(query)
    return render(request, "public/index.html", {"articles": list(found[:200]), "query": query, "searching": searching})


@require_safe
def site_page(request, key):
    page = SitePage.objects.filter(key=key).select_related("updated_by__profile").first()
    if page is None:
        raise Http404("No such page")
    body_html, _ = render_markdown(page.body)
    return render(request, "public/site_page.html", {
        "page": page, "body_html": body_html, "may_edit": may_edit_site_pages(roles_of(request.user)),
    })
