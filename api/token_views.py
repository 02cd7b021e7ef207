"""The desk page "API tokens": make one (its secret shown once), list and revoke yours."""

from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from api.models import ApiToken
from api.tokens import api_token_create, api_token_revoke
from articles.lifecycle import TransitionNotAllowed
from core.web import client_ip, desk_view


def _page(request, *, secret=None, created=None, error=None, name="", status=200):
    tokens = ApiToken.objects.filter(user=request.user)
    return render(
        request,
        "api/tokens.html",
        {
            "tokens": tokens,
            "secret": secret,
            "created": created,
            "error": error,
            "name": name,
        },
        status=status,
    )


@desk_view
@require_http_methods(["GET", "HEAD", "POST"])
def tokens(request):
    if request.method != "POST":
        return _page(request)
    try:
        if "revoke" in request.POST:
            try:
                token_id = int(request.POST["revoke"])
            except ValueError:
                raise TransitionNotAllowed("You have no such token.") from None
            api_token_revoke(actor=request.user, token_id=token_id, ip=client_ip(request))
            return _page(request)
        name = request.POST.get("name", "")
        token, secret = api_token_create(actor=request.user, name=name, ip=client_ip(request))
    except TransitionNotAllowed as refusal:
        return _page(request, error=str(refusal), name=request.POST.get("name", ""), status=400)
    response = _page(request, secret=secret, created=token)
    response["Cache-Control"] = "no-store"  # the secret is on this page, once
    return response
