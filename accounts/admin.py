from django.contrib import admin

from accounts.models import Profile


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ("printed_name", "user", "specialty", "slug")
    search_fields = ("display_name", "user__username", "specialty")
    list_select_related = ("user",)
