from django.contrib import admin
from reversion.admin import VersionAdmin

from articles.models import Article, ArticleVersion, Event, FastTrackRequest, ReviewRound, Schedule, Signature
from core.admin import ReadOnlyAdmin


@admin.register(Article)
class ArticleAdmin(VersionAdmin, ReadOnlyAdmin):
    list_display = ("slug", "topic", "state", "review_policy", "approvals_required", "state_changed_at")
    list_filter = ("state", "review_policy")
    search_fields = ("slug", "topic", "working_version__title")
    list_select_related = ("working_version",)


@admin.register(ArticleVersion)
class ArticleVersionAdmin(ReadOnlyAdmin):
    list_display = ("article", "number", "title", "created_by", "created_at", "content_hash")
    list_select_related = ("article", "created_by")
    search_fields = ("title", "article__slug")


@admin.register(ReviewRound)
class ReviewRoundAdmin(ReadOnlyAdmin):
    list_display = ("article", "number", "version", "outcome", "opened_at", "due_at")
    list_select_related = ("article", "version")


@admin.register(Signature)
class SignatureAdmin(ReadOnlyAdmin):
    list_display = ("printed_name", "meaning", "version", "signed_at", "content_hash")
    list_select_related = ("version",)


@admin.register(Schedule)
class ScheduleAdmin(ReadOnlyAdmin):
    list_display = ("article", "kind", "version", "due_at", "outcome", "outcome_note", "created_by")
    list_filter = ("kind", "outcome")
    list_select_related = ("article", "version", "created_by")


@admin.register(FastTrackRequest)
class FastTrackRequestAdmin(ReadOnlyAdmin):
    list_display = ("article", "requested_by", "requested_at", "status", "decided_by", "decided_at", "reason")
    list_filter = ("status",)
    list_select_related = ("article", "requested_by", "decided_by")


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "article", "actor_name", "action", "from_state", "to_state", "client_ip")
    list_filter = ("action",)
    list_select_related = ("article",)
