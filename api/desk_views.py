"""Staff endpoints, for holders of a personal token. Thin: validate the shape of the
input, call the same service as the desk page; the lifecycle decides, and its refusals
become 403 (TransitionNotAllowed) or 409 (StaleVersion) problem details.

Approving (signing) and confirming a fast-track request are not offered: both need
the person to re-enter their password on the desk."""

from django.db import IntegrityError
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.exceptions import APIException
from rest_framework.response import Response
from rest_framework.views import APIView

from api import filters
from api.pagination import Pages
from api.serializers import (
    MAX_ID,
    ArticleCreateSerializer,
    AssignSerializer,
    CommentSerializer,
    CommentWriteSerializer,
    DeskArticleDetailSerializer,
    DeskArticleSerializer,
    ExpectedVersionSerializer,
    PublishSerializer,
    UnpublishSerializer,
    VersionSaveSerializer,
)
from articles import selectors, services
from articles.lifecycle import Action, available_actions
from articles.models import Article
from articles.services import Content
from core.web import client_ip

QUEUES = {
    "editor": "Drafts and articles with changes requested, most recently changed first.",
    "review": "Articles waiting for or in review, oldest submission first.",
    "assigned": "Articles in review assigned to the token's holder.",
    "publish": "Approved versions waiting for publication, fast-tracked ones in review, pending schedules.",
}


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "This conflicts with what is stored."
    default_code = "conflict"


def _queue(name, user):
    if name == "editor":
        return selectors.editor_worklist()
    if name == "review":
        return selectors.review_queue()
    if name == "assigned":
        return selectors.review_queue(reviewer=user)
    return selectors.publish_queue()


def _article_id_or_404(article_id):
    if article_id > MAX_ID or not Article.objects.filter(pk=article_id).exists():
        raise Http404("No article with this id.")
    return article_id


def _content(data):
    return Content(
        title=data["title"],
        summary=data["summary"],
        body=data["body"],
        key_points=data["key_points"],
        faq=tuple(data["faq"]),
        aliases=tuple(data["aliases"]),
        reference_list=tuple(data["reference_list"]),
    )


# The lifecycle's actions this API offers (signing and fast-track need the desk).
OFFERED = (Action.EDIT, Action.SUBMIT, Action.COMMENT, Action.ASSIGN, Action.PUBLISH, Action.UNPUBLISH)


def _desk_article(request, article_id, status_code=status.HTTP_200_OK):
    article = Article.objects.select_related("working_version", "published_version").get(pk=article_id)
    allowed = available_actions(services.situation_for_viewer(article, request.user))
    article.actions = [action.value for action in OFFERED if action in allowed]
    return Response(DeskArticleDetailSerializer(article).data, status=status_code)


def _valid(serializer_class, request):
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class DeskView(APIView):
    pass


class DeskArticles(DeskView):
    pagination_class = Pages

    @extend_schema(
        operation_id="desk_articles_list",
        tags=["desk"],
        parameters=[filters.STATE, filters.TOPIC, filters.UPDATED_SINCE],
        responses=DeskArticleSerializer(many=True),
        summary="Every article on the desk, most recently changed first",
    )
    def get(self, request):
        queryset = filters.apply(
            selectors.desk_articles(), request.query_params, changed_field="state_changed_at", with_state=True
        )
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(queryset.order_by("-state_changed_at", "-pk"), request, view=self)
        return paginator.get_paginated_response(DeskArticleSerializer(page, many=True).data)

    @extend_schema(
        operation_id="desk_article_create",
        tags=["desk"],
        request=ArticleCreateSerializer,
        responses={201: DeskArticleDetailSerializer},
        summary="Create an article and its first draft (editors)",
    )
    def post(self, request):
        data = _valid(ArticleCreateSerializer, request)
        if Article.objects.filter(slug=data["slug"]).exists():
            raise Conflict(f"An article with the address {data['slug']!r} exists already.")
        try:
            article = services.article_create(
                actor=request.user,
                slug=data["slug"],
                topic=data["topic"],
                content=_content(data),
                note=data["note"],
                ip=client_ip(request),
            )
        except IntegrityError:  # the same slug, created at the same moment by someone else
            raise Conflict(f"An article with the address {data['slug']!r} exists already.") from None
        return _desk_article(request, article.pk, status.HTTP_201_CREATED)


class DeskQueue(DeskView):
    pagination_class = Pages

    @extend_schema(
        operation_id="desk_queue",
        tags=["desk"],
        parameters=[
            OpenApiParameter(
                "queue",
                str,
                OpenApiParameter.PATH,
                enum=list(QUEUES),
                description="; ".join(f"{k}: {v}" for k, v in QUEUES.items()),
            ),
            filters.TOPIC,
        ],
        responses=DeskArticleSerializer(many=True),
        summary="A work queue, as on the desk pages",
    )
    def get(self, request, queue):
        if queue not in QUEUES:
            raise Http404(f"No such queue; the queues are {', '.join(QUEUES)}.")
        queryset = filters.apply(_queue(queue, request.user), request.query_params, changed_field="state_changed_at")
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(queryset, request, view=self)
        return paginator.get_paginated_response(DeskArticleSerializer(page, many=True).data)


class DeskArticle(DeskView):
    @extend_schema(
        operation_id="desk_article",
        tags=["desk"],
        responses=DeskArticleDetailSerializer,
        summary="An article and its working version",
    )
    def get(self, request, article_id):
        return _desk_article(request, _article_id_or_404(article_id))

    @extend_schema(
        operation_id="desk_article_save_version",
        tags=["desk"],
        request=VersionSaveSerializer,
        responses=DeskArticleDetailSerializer,
        summary="Save edited content as a new version (back to Draft; an open review round is superseded)",
    )
    def put(self, request, article_id):
        _article_id_or_404(article_id)
        data = _valid(VersionSaveSerializer, request)
        services.article_save_version(
            article_id=article_id,
            actor=request.user,
            base_version_id=data["base_version_id"],
            content=_content(data),
            note=data["note"],
            ip=client_ip(request),
        )
        return _desk_article(request, article_id)


class Submit(DeskView):
    @extend_schema(
        operation_id="desk_article_submit",
        tags=["desk"],
        request=ExpectedVersionSerializer,
        responses=DeskArticleDetailSerializer,
        summary="Submit the working version for review",
    )
    def post(self, request, article_id):
        _article_id_or_404(article_id)
        data = _valid(ExpectedVersionSerializer, request)
        services.article_submit(
            article_id=article_id,
            actor=request.user,
            expected_version_id=data["expected_version_id"],
            ip=client_ip(request),
        )
        return _desk_article(request, article_id)


class Comments(DeskView):
    @extend_schema(
        operation_id="desk_article_comment",
        tags=["desk"],
        request=CommentWriteSerializer,
        responses={201: CommentSerializer},
        summary="Comment on the current review round",
    )
    def post(self, request, article_id):
        _article_id_or_404(article_id)
        data = _valid(CommentWriteSerializer, request)
        comment = services.article_comment(
            article_id=article_id, actor=request.user, body=data["body"], section=data["section"], ip=client_ip(request)
        )
        return Response(CommentSerializer(comment).data, status=status.HTTP_201_CREATED)


class Assign(DeskView):
    @extend_schema(
        operation_id="desk_article_assign",
        tags=["desk"],
        request=AssignSerializer,
        responses=DeskArticleDetailSerializer,
        summary="Assign a board member to the open round (publishers)",
    )
    def post(self, request, article_id):
        _article_id_or_404(article_id)
        data = _valid(AssignSerializer, request)
        services.article_assign(
            article_id=article_id,
            actor=request.user,
            reviewer_id=data["reviewer_id"],
            due_at=data["due_at"],
            ip=client_ip(request),
        )
        return _desk_article(request, article_id)


class Publish(DeskView):
    @extend_schema(
        operation_id="desk_article_publish",
        tags=["desk"],
        request=PublishSerializer,
        responses=DeskArticleDetailSerializer,
        summary="Publish the approved working version (publishers who did not sign it)",
    )
    def post(self, request, article_id):
        _article_id_or_404(article_id)
        data = _valid(PublishSerializer, request)
        services.article_publish(
            article_id=article_id,
            actor=request.user,
            expected_version_id=data["expected_version_id"],
            public_note=data.get("public_note"),
            ip=client_ip(request),
        )
        return _desk_article(request, article_id)


class Unpublish(DeskView):
    @extend_schema(
        operation_id="desk_article_unpublish",
        tags=["desk"],
        request=UnpublishSerializer,
        responses=DeskArticleDetailSerializer,
        summary="Take the article off the public site, with a reason",
    )
    def post(self, request, article_id):
        _article_id_or_404(article_id)
        data = _valid(UnpublishSerializer, request)
        services.article_unpublish(
            article_id=article_id, actor=request.user, reason=data["reason"], ip=client_ip(request)
        )
        return _desk_article(request, article_id)
