from django.urls import path

from public import views

app_name = "public"

urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:slug>/", views.article, name="article"),
    path("<slug:slug>/audience/", views.choose_audience, name="choose_audience"),
    path("<slug:slug>/report-error/", views.report_error, name="report_error"),
    path("<slug:slug>/<slug:audience>/", views.article_for, name="article_for"),
]
