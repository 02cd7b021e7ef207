from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from api import desk_views, public_views

app_name = "api"

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("articles/", public_views.ArticleList.as_view(), name="articles"),
    path("articles/<str:slug>/", public_views.ArticleDetail.as_view(), name="article"),
    path("articles/<str:slug>/references/", public_views.ArticleReferences.as_view(), name="article_references"),
    path("reviewers/", public_views.ReviewerList.as_view(), name="reviewers"),
    path("reviewers/<str:slug>/", public_views.ReviewerDetail.as_view(), name="reviewer"),
    path("desk/articles/", desk_views.DeskArticles.as_view(), name="desk_articles"),
    path("desk/articles/<int:article_id>/", desk_views.DeskArticle.as_view(), name="desk_article"),
    path("desk/articles/<int:article_id>/submit/", desk_views.Submit.as_view(), name="desk_submit"),
    path("desk/articles/<int:article_id>/comments/", desk_views.Comments.as_view(), name="desk_comments"),
    path("desk/articles/<int:article_id>/assignments/", desk_views.Assign.as_view(), name="desk_assign"),
    path("desk/articles/<int:article_id>/publish/", desk_views.Publish.as_view(), name="desk_publish"),
    path("desk/articles/<int:article_id>/unpublish/", desk_views.Unpublish.as_view(), name="desk_unpublish"),
    path("desk/queues/<str:queue>/", desk_views.DeskQueue.as_view(), name="desk_queue"),
]
