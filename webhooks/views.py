"""The publishers' webhooks page: register endpoints, pause them, see deliveries."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from accounts.roles import roles_of
from articles.lifecycle import may_manage_webhooks
from core.web import desk_view, form_post
from webhooks import selectors, services
from webhooks.models import EVENTS, Endpoint


def _publishers_only(request):
    if not may_manage_webhooks(roles_of(request.user)):
        raise PermissionDenied("Only publishers manage webhooks.")


def _page(request, status=200, **context):
    context.setdefault("typed", {"url": "", "events": []})
    return render(
        request,
        "webhooks/index.html",
        {
            "endpoints": selectors.endpoints(),
            "deliveries": selectors.recent_deliveries(),
            "events": EVENTS,
            **context,
        },
        status=status,
    )


@desk_view
@require_http_methods(["GET", "HEAD", "POST"])
def index(request):
    _publishers_only(request)
    if request.method != "POST":
        return _page(request)
    typed = {"url": request.POST.get("url", ""), "events": request.POST.getlist("events")}
    try:
        endpoint, secret = services.endpoint_create(actor=request.user, url=typed["url"], events=typed["events"])
    except services.EndpointRefused as refusal:
        return _page(request, status=400, error=str(refusal), typed=typed)
    # The secret is shown in this answer only: reloading the page does not show it again.
    return _page(request, status=201, created=endpoint, secret=secret)


@desk_view
@form_post("webhooks:index")
def set_active(request, endpoint_id):
    _publishers_only(request)
    endpoint = get_object_or_404(Endpoint, pk=endpoint_id)
    services.endpoint_set_active(endpoint_id=endpoint.pk, active=request.POST.get("active") == "1")
    return redirect("webhooks:index")
