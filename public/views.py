"""What readers see. Only a published version is ever shown: anything else is a 404.

A public page is its stored rendering (VersionPage, made at publication) with the
review facts put in, read in one query; the finished page is kept in the shared cache
(public.cache) when there is one, so a cached answer costs no query.
"""

import hashlib
import re

from django.conf import settings
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date
from django.views.decorators.http import require_http_methods, require_safe

from accounts.models import Profile
from accounts.roles import REVIEWER, roles_of
from articles import selectors
from articles.lifecycle import may_edit_site_pages
from articles.models import SitePage
from articles.reader_reports import ReportRefused, report_submit
from articles.rendering import AUDIENCES, DEFAULT_AUDIENCE, render_markdown
from core.web import client_ip
from public import cache, changes, pages
from public.forms import ReportErrorForm
from registry.selectors import public_registry

AUDIENCE_COOKIE = "audience"
MAX_QUERY = 200


def _finished_page(slug, audience):
    """The finished page as a cache entry, from the database; None for a 404."""
    article = pages.load_page(audience, slug=slug)
    if article is not None and article.page_html is None and changes.store_missing_pages(article.pk):
        article = pages.load_page(audience, slug=slug)
    if article is None or not article.page_html:
        return None  # not published, or withheld
    facts = pages.review_facts(article)
    identity = f"{pages.RENDERING_FORMAT}:{article.published_version_id}:{audience}:{facts.cache_part}"
    return {
        "body": pages.finish_page(article).encode(),
        "etag": '"%s"' % hashlib.sha256(identity.encode()).hexdigest()[:32],
        "last_modified": int(article.published_at.timestamp()),
        # The page changes by itself when the re-review falls due.
        "valid_until": facts.due_at.timestamp() if facts.due_at and not facts.review_due else None,
    }


def _page(request, slug, audience):
    if getattr(request, "public_page_missing", None) == (slug, audience):
        raise Http404("No published article at this address")  # the middleware looked already
    entry = _entry(slug, audience)
    if entry is None:
        raise Http404("No published article at this address")
    return _answer(request, entry)


def _entry(slug, audience):
    """The finished page from the shared cache, else from the database (then cached)."""
    entry, token = cache.lookup(slug, audience)
    if entry is None:
        entry = _finished_page(slug, audience)
        if entry is not None:
            cache.store(slug, audience, token, entry)
    return entry


def _answer(request, entry):
    response = HttpResponse(entry["body"])
    response["ETag"] = entry["etag"]
    response["Last-Modified"] = http_date(entry["last_modified"])
    response["Cache-Control"] = f"public, max-age={settings.PUBLIC_PAGE_MAX_AGE}"
    return (
        get_conditional_response(request, etag=entry["etag"], last_modified=entry["last_modified"], response=response)
        or response
    )


PAGE_PATH = re.compile(r"^/articles/(?P<slug>[-a-zA-Z0-9_]+)/(?:(?P<audience>[-a-zA-Z0-9_]+)/)?$")


class PublicPageMiddleware:
    """Answers an article page (from the shared cache, else from the database) before the
    session, CSRF, authentication, two-factor and message middleware and the URL resolver
    run: a finished public page is the same for every reader, so none of them has anything
    to do for it. It stands after SecurityMiddleware and CommonMiddleware, so the HTTPS
    redirect and the host check apply as to any page, and the response goes back out
    through them (and the frame and content-type headers). A page that is not published
    goes on to the view, which answers the site's 404 page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        match = PAGE_PATH.match(request.path_info)
        if match is None or request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        slug, audience = match["slug"], match["audience"] or DEFAULT_AUDIENCE
        bare = match["audience"] is None
        if audience not in AUDIENCES or (
            bare and request.COOKIES.get(AUDIENCE_COOKIE, DEFAULT_AUDIENCE) != DEFAULT_AUDIENCE
        ):
            return self.get_response(request)  # the chooser's address, or a remembered audience to redirect to
        entry = _entry(slug, audience)
        if entry is None:
            request.public_page_missing = (slug, audience)
            return self.get_response(request)
        response = _answer(request, entry)
        if bare:
            patch_vary_headers(response, ["Cookie"])
        return response


@require_safe
def article(request, slug):
    chosen = request.COOKIES.get(AUDIENCE_COOKIE)
    if chosen in AUDIENCES and chosen != DEFAULT_AUDIENCE:
        response = redirect(pages.article_url(slug, chosen))
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
        back = {"url": pages.article_url(slug, DEFAULT_AUDIENCE), "label": "Back to the article"}
        return render(
            request, "400.html", {"reason": "Choose patient, caregiver or professional.", "back": back}, status=400
        )
    response = redirect(pages.article_url(slug, audience))
    response.set_cookie(
        AUDIENCE_COOKIE, audience, max_age=365 * 24 * 3600, samesite="Lax", secure=settings.HTTPS, httponly=True
    )
    return response


def _clean_query(raw):
    return " ".join(raw.replace("\x00", " ").split())[:MAX_QUERY]


def search_published(query):
    articles = selectors.published_articles().select_related("published_version")
    if not query:
        return articles.order_by("topic", "published_version__title"), False
    if connection.vendor == "postgresql":
        vector = (
            SearchVector("published_version__title", weight="A", config="english")
            + SearchVector("published_version__summary", weight="B", config="english")
            + SearchVector("published_version__body", weight="C", config="english")
        )
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
    context = {"articles": list(found[:200]), "query": query, "searching": searching, "links": pages.site_links()}
    return render(request, "public/index.html", context)


@require_safe
def site_page(request, key):
    page = SitePage.objects.filter(key=key).select_related("updated_by__profile").first()
    if page is None:
        raise Http404("No such page")
    body_html, _ = render_markdown(page.body)
    return render(
        request,
        "public/site_page.html",
        {
            "page": page,
            "body_html": body_html,
            "may_edit": may_edit_site_pages(roles_of(request.user)),
            "links": pages.site_links(),
        },
    )


@require_safe
def reviewer_profile(request, slug):
    """A board member's public page, with the live articles they signed."""
    staff_profile = get_object_or_404(Profile.objects.select_related("user"), slug=slug)
    reviewed = selectors.signed_by(selectors.published_articles(), staff_profile.user).select_related(
        "published_version"
    )
    # Members of the Medical Advisory Board have a public page; so do former members
    # whose signature is on a live article, since its review line links here.
    member = staff_profile.user.is_active and staff_profile.user.groups.filter(name=REVIEWER).exists()
    reviewed = list(reviewed)
    if not member and not reviewed:
        raise Http404("No such reviewer")
    context = {"profile": staff_profile, "reviewed": reviewed, "member": member, "links": pages.site_links()}
    context.update(public_registry(staff_profile.user, timezone.now()))  # what the registry vouches for
    return render(request, "public/reviewer.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
def report_error(request, slug):
    """ "Report an error" on a live page: a plain form. A filled-in honeypot is thanked
    and dropped; a refused report keeps what was typed and says why (400, 404, 429)."""
    article = selectors.published_articles().filter(slug=slug).select_related("published_version").first()
    if article is None:
        raise Http404("No published article at this address")
    context = {"article": article, "version": article.published_version, "links": pages.site_links()}
    form = ReportErrorForm(request.POST if request.method == "POST" else None)
    if request.method != "POST":
        return render(request, "public/report_error.html", {**context, "form": form})
    if not form.is_valid():
        return render(request, "public/report_error.html", {**context, "form": form}, status=400)
    if not form.cleaned_data["website"]:
        try:
            report_submit(
                slug=slug,
                text=form.cleaned_data["text"],
                source=form.cleaned_data["source"],
                email=form.cleaned_data["email"],
                ip=client_ip(request),
            )
        except ReportRefused as error:
            context.update(form=form, error=error.message)
            return render(request, "public/report_error.html", context, status=error.status)
    return render(request, "public/report_error.html", {**context, "sent": True})
