"""Public, read-only endpoints: what readers may see, nothing more. An article that is
not published, or whose published page is withheld, is a 404 here as on the site."""

import hashlib
import json
from datetime import date
from types import SimpleNamespace

from django.conf import settings
from django.core.cache import cache
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.urls import reverse
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Profile
from accounts.roles import REVIEWER
from api import filters
from api.pagination import Pages
from api.serializers import (
    CslItemSerializer,
    PublishedArticleDetailSerializer,
    PublishedArticleSerializer,
    ReviewerDetailSerializer,
    ReviewerSerializer,
)
from articles import selectors
from articles.models import VersionPage
from articles.rendering import AUDIENCES, render_markdown
from figures.html import url as figure_url
from public import pages
from references.formatting import to_csl

NOT_MODIFIED = OpenApiResponse(description="Not modified since the ETag sent in If-None-Match.")


class PublicView(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]


def readable_articles():
    """Published articles whose live page is not withheld."""
    withheld = VersionPage.objects.filter(version=OuterRef("published_version_id")).exclude(withheld_because="")
    return selectors.published_articles().exclude(Exists(withheld)).select_related("published_version")


def _review(article):
    facts = pages.review_facts(article)
    return {
        "status": facts.step,
        "approved": facts.approved,
        "last_reviewed": facts.last_reviewed,
        "review_due_since": facts.review_due,
        "reviewers": [
            {
                "name": r.get("printed_name") or r["name"],
                "credentials": r["credentials"],
                "profile_url": r["url"],
                "conflict_of_interest": r.get("conflict", ""),
            }
            for r in (article.public_reviewers if facts.approved else [])
        ],
    }


def _summary(article):
    version = article.published_version
    return {
        "slug": article.slug,
        "topic": article.topic,
        "title": version.title,
        "summary": version.summary,
        "aliases": version.aliases,
        "published_at": article.published_at,
        "page_url": pages.article_url(article.slug, "patient"),
        "api_url": reverse("api:article", args=[article.slug]),
        "review": _review(article),
    }


def _detail(article):
    version = article.published_version
    audiences = [
        {
            "audience": audience,
            "label": label,
            "body_html": render_markdown(version.body, version.references, audience=audience, figures=version.figures)[
                0
            ],
            "disclaimer": pages.DISCLAIMERS[audience],
            "page_url": pages.article_url(article.slug, audience),
        }
        for audience, label in AUDIENCES.items()
    ]
    return {
        **_summary(article),
        "body_markdown": version.body,
        "key_points": version.key_point_list,
        "faq": version.faq,
        "audiences": audiences,
        "references_url": reverse("api:article_references", args=[article.slug]),
        "figures": [_figure(figure) for figure in version.figures],
    }


def _figure(figure):
    return {
        **{name: figure[name] for name in ("key", "alt", "caption", "credit", "licence", "sha256", "width", "height")},
        "renditions": [
            {"width": r["width"], "height": r["height"], "url": pages.absolute_url(figure_url(r["name"]))}
            for r in figure["renditions"]
        ],
    }


def _etag(text):
    return '"%s"' % hashlib.sha256(text.encode()).hexdigest()[:32]


def conditional(request, data, *, etag=None, last_modified=None):
    """A cacheable answer: ETag (of the content), 304 when the client has it already."""
    etag = etag or _etag(json.dumps(data, sort_keys=True, default=str))
    not_modified = get_conditional_response(request._request, etag=etag, last_modified=last_modified)
    if not_modified is not None:
        return not_modified
    response = Response(data)
    response["ETag"] = etag
    if last_modified:
        response["Last-Modified"] = http_date(last_modified)
    response["Cache-Control"] = f"public, max-age={settings.API_MAX_AGE}"
    return response


def _article_or_404(slug):
    article = readable_articles().filter(slug=slug).first()
    if article is None:
        raise Http404("No published article at this address.")
    return article


class ArticleList(PublicView):
    pagination_class = Pages

    @extend_schema(
        operation_id="published_articles_list",
        tags=["published"],
        parameters=[filters.TOPIC, filters.UPDATED_SINCE],
        responses={200: PublishedArticleSerializer(many=True), 304: NOT_MODIFIED},
        summary="Published articles, most recently published first",
    )
    def get(self, request):
        queryset = filters.apply(readable_articles(), request.query_params, changed_field="published_at")
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(queryset.order_by("-published_at", "pk"), request, view=self)
        data = paginator.get_paginated_response(PublishedArticleSerializer(map(_summary, page), many=True).data).data
        return conditional(request, data)


class ArticleDetail(PublicView):
    @extend_schema(
        operation_id="published_article",
        tags=["published"],
        responses={200: PublishedArticleDetailSerializer, 304: NOT_MODIFIED},
        summary="One published article: content as Markdown and rendered per audience, review facts",
    )
    def get(self, request, slug):
        article = _article_or_404(slug)
        facts = pages.review_facts(article)
        key = (
            f"api-article:{pages.RENDERING_FORMAT}:{article.published_version_id}:{facts.cache_part}:"
            f"{article.public_reviewed_at}:{json.dumps(article.public_reviewers, sort_keys=True)}"
        )
        etag = _etag(key)
        last_modified = int(article.published_at.timestamp())
        not_modified = get_conditional_response(request._request, etag=etag, last_modified=last_modified)
        if not_modified is not None:
            return not_modified
        # The key names everything the answer depends on, so an entry never goes stale.
        cache_key = "api-article:" + etag.strip('"')
        data = cache.get(cache_key)
        if data is None:
            data = PublishedArticleDetailSerializer(_detail(article)).data
            cache.set(cache_key, data, settings.PUBLIC_PAGE_CACHE_SECONDS)
        return conditional(request, data, etag=etag, last_modified=last_modified)


def _csl(snapshot, number):
    accessed = snapshot.get("accessed")
    reference = SimpleNamespace(**{**snapshot, "accessed": date.fromisoformat(accessed) if accessed else None})
    return {**to_csl(reference), "id": snapshot["key"], "number": number}


class ArticleReferences(PublicView):
    @extend_schema(
        operation_id="published_article_references",
        tags=["published"],
        responses={200: CslItemSerializer(many=True), 304: NOT_MODIFIED},
        summary="The article's references, as CSL-JSON, in citation order",
    )
    def get(self, request, slug):
        article = _article_or_404(slug)
        references = article.published_version.references
        data = [_csl(snapshot, number) for number, snapshot in enumerate(references, start=1)]
        return conditional(request, data, last_modified=int(article.published_at.timestamp()))


def board_profiles():
    """Public profiles: active members of the Medical Advisory Board only."""
    return Profile.objects.filter(user__is_active=True, user__groups__name=REVIEWER).distinct()


def _profile(profile):
    return {
        "slug": profile.slug,
        "name": profile.name,
        "credentials": profile.credentials,
        "specialty": profile.specialty,
        "bio": profile.bio,
        "profile_url": profile.get_absolute_url(),
    }


class ReviewerList(PublicView):
    pagination_class = Pages

    @extend_schema(
        operation_id="reviewers_list",
        tags=["published"],
        responses={200: ReviewerSerializer(many=True), 304: NOT_MODIFIED},
        summary="Members of the Medical Advisory Board",
    )
    def get(self, request):
        paginator = self.pagination_class()
        queryset = board_profiles().select_related("user").order_by("slug")
        page = paginator.paginate_queryset(queryset, request, view=self)
        data = paginator.get_paginated_response(ReviewerSerializer(map(_profile, page), many=True).data).data
        return conditional(request, data)


class ReviewerDetail(PublicView):
    @extend_schema(
        operation_id="reviewer",
        tags=["published"],
        responses={200: ReviewerDetailSerializer, 304: NOT_MODIFIED},
        summary="A board member and the published articles they signed",
    )
    def get(self, request, slug):
        profile = board_profiles().select_related("user").filter(slug=slug).first()
        if profile is None:
            raise Http404("No board member at this address.")
        reviewed = selectors.signed_by(readable_articles(), profile.user)
        data = ReviewerDetailSerializer(
            {
                **_profile(profile),
                "reviewed": [
                    {
                        "slug": a.slug,
                        "title": a.published_version.title,
                        "api_url": reverse("api:article", args=[a.slug]),
                    }
                    for a in reviewed
                ],
            }
        ).data
        return conditional(request, data)
