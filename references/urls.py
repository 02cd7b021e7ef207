from django.urls import path, re_path

from references import views

app_name = "references"

urlpatterns = [
    path("", views.library, name="library"),
    path("new/", views.create, name="create"),
    path("import/", views.import_file, name="import"),
    path("import/jobs/<uuid:token>/", views.import_job, name="import_job"),
    path("import/jobs/<uuid:token>/status/", views.import_job_status, name="import_job_status"),
    path("import/jobs/<uuid:token>/confirm/", views.import_job_confirm, name="import_job_confirm"),
    path("import/jobs/<uuid:token>/cancel/", views.import_job_cancel, name="import_job_cancel"),
    path("lookup/", views.lookup_identifier, name="lookup"),
    path("search.json", views.citation_search, name="search"),
    re_path(r"^export\.(?P<fmt>ris|json)$", views.export_library, name="export"),
    path("<int:reference_id>/", views.detail, name="detail"),
    path("<int:reference_id>/edit/", views.edit, name="edit"),
    path("<int:reference_id>/check-retraction/", views.check_retraction, name="check_retraction"),
    path("<int:reference_id>/clear-retraction/", views.clear_retraction, name="clear_retraction"),
    path("<int:reference_id>/mark-retracted/", views.mark_retracted, name="mark_retracted"),
]
