from notifications.models import Notification


def unread(request):
    """The unread count shown in the navigation: one COUNT query, staff only."""
    user = getattr(request, "user", None)
    if not getattr(user, "is_authenticated", False):
        return {}
    return {"unread_notifications": Notification.objects.filter(recipient=user, read_at__isnull=True).count()}
