from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_safe

from core.web import form_post
from notifications import services
from notifications.models import KINDS, MODES, Notification, NotificationPreference


@require_safe
@login_required
def inbox(request):
    notifications = Notification.objects.filter(recipient=request.user).select_related("article")
    page = Paginator(notifications, 30).get_page(request.GET.get("page"))
    return render(request, "notifications/inbox.html", {"page": page})


@form_post("notifications:inbox")
@login_required
def mark_read(request):
    ids = [int(value) for value in request.POST.getlist("id") if value.isdigit()]
    services.mark_read(user=request.user, notification_ids=ids or None)
    return redirect("notifications:inbox")


@login_required
def preferences(request):
    valid_modes = {mode for mode, _ in MODES}
    if request.method == "POST":
        chosen = {kind: request.POST.get(kind) for kind, _ in KINDS}
        wrong = [kind for kind, mode in chosen.items() if mode not in valid_modes]
        if wrong:
            messages.error(request, "Choose one delivery for every kind of notification.")
        else:
            services.set_preferences(user=request.user, modes=chosen)
            messages.success(request, "Notification settings saved.")
            return redirect("notifications:preferences")
    saved = dict(NotificationPreference.objects.filter(user=request.user).values_list("kind", "mode"))
    rows = [(kind, label, request.POST.get(kind) or saved.get(kind, "email")) for kind, label in KINDS]
    return render(
        request,
        "notifications/preferences.html",
        {"rows": rows, "modes": MODES},
        status=400 if request.method == "POST" else 200,
    )
