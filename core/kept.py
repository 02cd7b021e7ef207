"""What a refused form held, kept for the page the browser is sent back to.

Every desk form is answered with a redirect (Post/Redirect/Get), refusals too: the
address bar then shows a page that a reload or a bookmark opens again, and what the
person typed is put back into the form from the session, once. Passwords, one-time
codes and CSRF tokens are never kept."""

from urllib.parse import urlsplit

from django.contrib import messages
from django.shortcuts import redirect

# Fields never kept: secrets, one-time codes and the CSRF token.
SECRET_MARKERS = ("password", "csrf", "otp")
SECRET_NAMES = ("code", "token")
MAX_KEPT_CHARACTERS = 50_000
REFUSED = "refused_form"


def is_secret(name):
    name = name.lower()
    return name in SECRET_NAMES or any(marker in name for marker in SECRET_MARKERS)


def kept_fields(post):
    """What a refused form held that is worth typing back: no secrets, bounded in size."""
    kept, size = {}, 0
    for name in post:
        if is_secret(name):
            continue
        values = post.getlist(name)
        size += sum(len(value) for value in values)
        if size > MAX_KEPT_CHARACTERS:
            break
        kept[name] = values
    return kept


def refused(request, page, reason, typed=None):
    """Answer a refused form with a redirect to `page` (a URL on this site), the reason as
    an error message, and `typed` (a dict of what the form held, as the page shows it)
    kept for that page's next request, secrets left out."""
    messages.error(request, reason)
    kept = {name: value for name, value in (typed or {}).items() if not is_secret(name)}
    request.session[REFUSED] = {"page": urlsplit(page).path, "typed": kept}
    return redirect(page)


def typed_back(request):
    """What a form refused on the way to this page held, once; {} otherwise."""
    kept = request.session.get(REFUSED)
    if not kept or kept.get("page") != request.path:
        return {}
    del request.session[REFUSED]
    return kept["typed"]
