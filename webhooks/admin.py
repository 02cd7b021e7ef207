from django.contrib import admin

from webhooks.models import Delivery, Endpoint


@admin.register(Endpoint)
class EndpointAdmin(admin.ModelAdmin):
    list_display = ["url", "events", "active", "created_by", "created_at"]
    readonly_fields = ["url", "events", "created_by", "created_at"]


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["event", "endpoint", "state", "attempts", "last_status", "next_attempt_at", "created_at"]
    list_filter = ["state", "event"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False
