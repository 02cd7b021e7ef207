from functools import wraps

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect

from core.roles import may_use_desk, roles_of


def client_ip(request):
    """The client's address. Behind PROXY_COUNT trusted proxies, each appending the
    address it was reached from to X-Forwarded-For, the client is the entry that many
    places from the right: entries further left were written by the client itself."""
    hops = settings.PROXY_COUNT
    if hops:
        forwarded = [
            entry.strip() for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if entry.strip()
        ]
        if len(forwarded) >= hops:
            return forwarded[-hops]
    return request.META.get("REMOTE_ADDR")


def declared_length(request):
    """The body length a request declares (Content-Length), 0 when absent or malformed:
    known before the body is read, so an over-large upload can be refused unread."""
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def desk_view(view):
    """Signed-in staff holding an editorial role; anyone else is refused."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not may_use_desk(roles_of(request.user)):
            raise PermissionDenied("Only editors, reviewers and publishers use the editorial desk.")
        return view(request, *args, **kwargs)

    return login_required(wrapper)


def form_post(page, *names):
    """For the address a form posts to, instead of require_POST: a GET or HEAD of it (a
    reload after a refusal, a bookmark, an address typed in) is sent to the page the form
    is on, the URL named `page` with the view's arguments `names`; other methods are 405."""

    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method in ("GET", "HEAD"):
                return redirect(page, **{name: kwargs[name] for name in names})
            if request.method != "POST":
                return HttpResponseNotAllowed(["GET", "HEAD", "POST"])
            return view(request, *args, **kwargs)

        wrapper.form_page = page
        return wrapper

    return decorate
