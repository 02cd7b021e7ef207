from django.conf import settings


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
