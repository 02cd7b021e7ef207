from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("", views.reports_page, name="index"),
    path("<slug:table>.csv", views.report_csv, name="csv"),
]
