from django.contrib import admin

from accounts.models import Profile


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ("printed_name", "user", "specialty", "slug")
    search_fields = ("display_name", "user__username", "specialty")
    list_select_related = ("user",)
    # A reviewer's public address is permanent: published pages, their static export
    # and other sites link to it, and a changed one would leave those links dead.
    readonly_fields = ("slug",)
