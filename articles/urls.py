from django.urls import path, re_path

from articles import report_views, trail_views, views

app_name = "articles"

urlpatterns = [
    path("", views.desk_list, name="list"),
    path("new/", views.article_new, name="new"),
    path("review/", views.review_queue, name="review_queue"),
    path("publish/", views.publish_queue, name="publish_queue"),
    path("pages/<slug:key>/", views.edit_site_page, name="edit_site_page"),
    path("reader-reports/", report_views.report_queue, name="reader_reports"),
    path("reader-reports/<int:report_id>/", report_views.report_detail, name="reader_report"),
    re_path(
        r"^reader-reports/(?P<report_id>\d+)/(?P<decision>accept|decline)/$",
        report_views.report_decide,
        name="reader_report_decide",
    ),
    path("audit/", trail_views.audit_trail, name="audit_trail"),
    re_path(r"^audit/trail\.(?P<fmt>csv|json)$", trail_views.audit_trail_export, name="audit_trail_export"),
    path("<int:article_id>/", views.article_page, name="article"),
    path("<int:article_id>/edit/", views.article_edit, name="edit"),
    path("<int:article_id>/submit/", views.submit, name="submit"),
    path("<int:article_id>/claim/", views.claim, name="claim"),
    path("<int:article_id>/join/", views.join, name="join"),
    path("<int:article_id>/assign/", views.assign, name="assign"),
    path("<int:article_id>/comment/", views.comment, name="comment"),
    path("<int:article_id>/reply/", views.reply, name="reply"),
    path("<int:article_id>/resolve/", views.mark_thread, {"change": "resolve"}, name="resolve_thread"),
    path("<int:article_id>/reopen/", views.mark_thread, {"change": "reopen"}, name="reopen_thread"),
    path("<int:article_id>/request-changes/", views.request_changes, name="request_changes"),
    path("<int:article_id>/approve/", views.approve, name="approve"),
    path("<int:article_id>/publish/", views.publish, name="publish"),
    path("<int:article_id>/schedule/", views.schedule, name="schedule"),
    path("<int:article_id>/schedule-unpublish/", views.schedule_unpublish, name="schedule_unpublish"),
    path("<int:article_id>/cancel-schedule/", views.cancel_schedule, name="cancel_schedule"),
    path("<int:article_id>/unpublish/", views.unpublish, name="unpublish"),
    path("<int:article_id>/policy/", views.set_policy, name="policy"),
    path("<int:article_id>/fast-track/confirm/", views.confirm_fast_track, name="confirm_fast_track"),
    path("<int:article_id>/fast-track/withdraw/", views.withdraw_fast_track, name="withdraw_fast_track"),
    path("<int:article_id>/fast-track/decline/", views.decline_fast_track, name="decline_fast_track"),
    path("<int:article_id>/history/", views.history, name="history"),
    path("<int:article_id>/compare/", views.compare, name="compare"),
    path("<int:article_id>/restore/<int:version_id>/", views.restore, name="restore"),
    re_path(r"^(?P<article_id>\d+)/audit\.(?P<fmt>csv|json)$", views.audit_export, name="audit"),
    # Under the library's address, as before the view moved here.
    re_path(
        r"^references/article/(?P<article_id>\d+)\.(?P<fmt>ris|json)$",
        views.export_references,
        name="export_references",
    ),
]
