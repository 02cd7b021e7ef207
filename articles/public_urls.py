from django.urls import path

from articles import public_views

app_name = "public"

urlpatterns = [
    path("", public_views.index, name="index"),
    path("<slug:slug>/", public_views.article, name="article"),
    path("<slug:slug>/audience/", public_views.choose_audience, name="choose_audience"),
    path("<slug:slug>/<slug:audience>/", public_views.article_for, name="article_for"),
]
