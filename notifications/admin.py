from django.contrib import admin

from notifications.models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("created_at", "recipient", "kind", "subject", "email_state", "read_at")
    list_filter = ("kind", "email_state")
    list_select_related = ("recipient",)
    readonly_fields = [field.name for field in Notification._meta.fields]
