"""Registering webhook endpoints and delivering events to them.

`announce()` writes one delivery row per subscribed endpoint inside the caller's
transaction (an outbox) and asks, after commit, for a delivery task. `deliver_due()`
claims due rows with a locked conditional update (two workers never post the same row
at once), posts the signed body with a short timeout, and on failure schedules the next
attempt with exponential backoff. Beat's sweep delivers whatever a down broker or a
down receiver left waiting.

Verifying a delivery (receiver side): recompute
    HMAC-SHA256(secret, f"{Imprimatur-Timestamp}.{raw body}")
as hex and compare it, in constant time, with `Imprimatur-Signature` after "sha256=";
refuse timestamps more than a few minutes old (replays). See `signature()`.
"""

import hashlib
import hmac
import ipaddress
import json
import logging
import secrets
import socket
import urllib.error
import urllib.request
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from webhooks.models import EVENT_LABELS, Delivery, Endpoint

log = logging.getLogger(__name__)
STALE_CLAIM = timedelta(minutes=5)
MAX_BACKOFF = timedelta(hours=6)
USER_AGENT = "Imprimatur-Webhooks/1"


class EndpointRefused(ValueError):
    """An endpoint that cannot be registered; the message says why."""


def signature(secret, timestamp, body):
    """The hex HMAC-SHA256 of "<timestamp>.<body>" under the endpoint's secret."""
    message = f"{timestamp}.".encode() + (body if isinstance(body, bytes) else body.encode("utf-8"))
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def _local_address(address):
    try:
        return not ipaddress.ip_address(address.split("%", 1)[0]).is_global
    except ValueError:
        return False


def local_target(host, port=None):
    """Why posting to `host` is refused, or None: an address on this machine or a private
    network (loopback, private, link-local, reserved) is not an endpoint for a publisher
    to point at, unless WEBHOOK_ALLOW_LOCAL_TARGETS says so. A name is resolved."""
    if settings.WEBHOOK_ALLOW_LOCAL_TARGETS:
        return None
    if host.lower() == "localhost" or host.lower().endswith(".localhost") or _local_address(host):
        return f"{host} is an address on this machine or a private network"
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, port or 443, proto=socket.IPPROTO_TCP)}
    except OSError:
        return None  # unresolvable now: the post fails and is retried like any unreachable receiver
    local = sorted(address for address in addresses if _local_address(address))
    return f"{host} resolves to an address on this machine or a private network ({local[0]})" if local else None


def _check_url(url):
    url = (url or "").strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise EndpointRefused(
            f"“{url[:200]}” is not an http:// or https:// address; webhooks are posted over HTTP only."
        )
    if not parts.hostname:
        raise EndpointRefused(f"“{url[:200]}” names no host.")
    if len(url) > 500:
        raise EndpointRefused("The address is longer than 500 characters.")
    if not settings.WEBHOOK_ALLOW_LOCAL_TARGETS and (
        parts.hostname.lower() == "localhost" or _local_address(parts.hostname)
    ):
        raise EndpointRefused(
            f"“{url[:200]}” is an address on this machine or a private network; "
            "webhooks go to receivers on the internet."
        )
    return url


def endpoint_create(*, actor, url, events, now=None):
    """Register an endpoint for `events`; returns (endpoint, secret). The secret is made
    here and returned once so the page can show it. Refuses addresses that are not
    http(s) and an empty or unknown choice of events (EndpointRefused)."""
    url = _check_url(url)
    events = sorted(set(events or ()))
    if not events:
        raise EndpointRefused("Choose at least one event to send.")
    unknown = [name for name in events if name not in EVENT_LABELS]
    if unknown:
        raise EndpointRefused(f"Unknown event: {', '.join(unknown)[:200]}.")
    secret = "whsec_" + secrets.token_urlsafe(32)
    endpoint = Endpoint.objects.create(
        url=url, events=events, secret=secret, created_by=actor, created_at=now or timezone.now()
    )
    return endpoint, secret


def endpoint_set_active(*, endpoint_id, active):
    """Pause or resume an endpoint; a paused one gets no new deliveries."""
    return Endpoint.objects.filter(pk=endpoint_id).update(active=active)


def announce(*, event, key, payload, now):
    """Write a delivery of `payload` to every active endpoint subscribed to `event`, in the
    caller's transaction; `key` names the occurrence, so writing it twice adds nothing.
    Returns how many rows were written."""
    endpoints = [endpoint for endpoint in Endpoint.objects.filter(active=True) if event in endpoint.events]
    if not endpoints:
        return 0
    body = json.dumps(
        {"event": event, "id": key, "occurred_at": now.isoformat(), "data": payload},
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    rows = [
        Delivery(
            key=f"{key}:{endpoint.pk}"[:200],
            endpoint=endpoint,
            event=event,
            body=body,
            created_at=now,
            next_attempt_at=now,
        )
        for endpoint in endpoints
    ]
    Delivery.objects.bulk_create(rows, ignore_conflicts=True)
    transaction.on_commit(queue_delivery)
    return len(rows)


def queue_delivery():
    """Ask a worker to deliver now; a broker that is down leaves the rows to the sweep."""
    from webhooks.tasks import deliver_webhooks  # noqa: PLC0415 - tasks import these services: deferred Celery

    try:
        deliver_webhooks.delay()
    except Exception as error:  # kombu raises several kinds when the broker is unreachable
        log.warning("webhook delivery not queued (%s); the sweep will deliver it", error)


def _claim(now, limit):
    due = Q(state=Delivery.PENDING, next_attempt_at__lte=now) | Q(
        state=Delivery.SENDING, claimed_at__lt=now - STALE_CLAIM
    )  # a worker died holding it
    with transaction.atomic():
        ids = list(
            Delivery.objects.select_for_update(skip_locked=True)
            .filter(due)
            .order_by("next_attempt_at", "id")
            .values_list("id", flat=True)[:limit]
        )
        Delivery.objects.filter(id__in=ids).update(state=Delivery.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    return ids


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    # A redirect could lead the signed body anywhere: the registered address is the only target.
    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(_NoRedirects)


def _post(delivery):
    """Post one delivery; returns (status or None, the start of the response or the error)."""
    parts = urlsplit(delivery.endpoint.url)
    refused = local_target(parts.hostname or "", parts.port)
    if refused:  # checked again when posting: a name may point somewhere else by now
        return None, f"Not posted: {refused}."
    timestamp = str(int(timezone.now().timestamp()))
    body = delivery.body.encode("utf-8")
    request = urllib.request.Request(
        delivery.endpoint.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            "Imprimatur-Event": delivery.event,
            "Imprimatur-Delivery": delivery.key,
            "Imprimatur-Timestamp": timestamp,
            "Imprimatur-Signature": "sha256=" + signature(delivery.endpoint.secret, timestamp, body),
        },
    )
    try:
        with _opener.open(request, timeout=settings.WEBHOOK_TIMEOUT_SECONDS) as response:
            return response.status, response.read(500).decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, error.read(500).decode("utf-8", "replace")
    except (OSError, ValueError) as error:  # refused, timed out, DNS, TLS
        return None, f"{type(error).__name__}: {error}"


def backoff(attempts):
    """The wait before the next attempt after `attempts` failed ones: doubling, capped."""
    return min(timedelta(seconds=settings.WEBHOOK_RETRY_BASE_SECONDS * 2 ** (attempts - 1)), MAX_BACKOFF)


def deliver_due(*, now=None, limit=100):
    """Post the due deliveries (and those a dead worker left claimed). A 2xx answer
    delivers; anything else is retried with backoff until WEBHOOK_MAX_ATTEMPTS, then
    failed. Returns how many were delivered."""
    now = now or timezone.now()
    delivered = 0
    for delivery in Delivery.objects.filter(id__in=_claim(now, limit)).select_related("endpoint"):
        status, answer = _post(delivery)
        done = status is not None and 200 <= status < 300
        fields = {"last_status": status, "last_response": answer[:500], "last_attempt_at": timezone.now()}
        if done:
            fields.update(state=Delivery.DELIVERED, delivered_at=fields["last_attempt_at"])
            delivered += 1
        elif delivery.attempts >= settings.WEBHOOK_MAX_ATTEMPTS:
            fields.update(state=Delivery.FAILED)
        else:
            fields.update(state=Delivery.PENDING, next_attempt_at=now + backoff(delivery.attempts))
        Delivery.objects.filter(pk=delivery.pk, state=Delivery.SENDING).update(**fields)
        if not done:
            log.warning(
                "webhook %s to %s not delivered: %s %s", delivery.pk, delivery.endpoint.url, status, answer[:200]
            )
    return delivered
