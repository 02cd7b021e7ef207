from django.contrib import admin

from api.models import ApiToken
from core.admin import ReadOnlyAdmin


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    """Who holds which token, read-only: tokens are made and revoked by their holders on
    the desk (audited); an administrator ends access by deactivating the account."""

    list_display = ("name", "user", "hint", "created_at", "last_used_at", "revoked_at")
    list_filter = ("revoked_at",)
    search_fields = ("name", "user__username")
    list_select_related = ("user",)
    exclude = ("key_hash",)
