"""Webhook endpoints and their deliveries (an outbox, like notifications)."""

from django.conf import settings
from django.db import models

EVENTS = [
    ("published", "Article published"),
    ("unpublished", "Article unpublished"),
    ("review_due", "Re-review due"),
    ("source_notice", "Notice on a cited source"),
]
EVENT_LABELS = dict(EVENTS)


class Endpoint(models.Model):
    """A URL another system gave us, the events it wants, and the secret we sign with.
    The secret is shown once, when the endpoint is registered; it is kept to sign."""

    url = models.URLField(max_length=500)
    events = models.JSONField(default=list)
    secret = models.CharField(max_length=100, editable=False)
    active = models.BooleanField(default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.url


class Delivery(models.Model):
    """One event for one endpoint, written in the same transaction as the change.

    `key` is unique, so a retried service call or sweep writes one row; the sender claims
    a due row with a locked conditional update, so two workers never post it twice.
    """

    PENDING, SENDING, DELIVERED, FAILED = "pending", "sending", "delivered", "failed"
    STATES = [(s, s) for s in (PENDING, SENDING, DELIVERED, FAILED)]

    key = models.CharField(max_length=200, unique=True)
    endpoint = models.ForeignKey(Endpoint, on_delete=models.CASCADE, related_name="deliveries")
    event = models.CharField(max_length=30, choices=EVENTS)
    body = models.TextField()  # the exact JSON posted and signed
    created_at = models.DateTimeField()
    state = models.CharField(max_length=10, choices=STATES, default=PENDING)
    next_attempt_at = models.DateTimeField()
    claimed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    last_status = models.PositiveSmallIntegerField(null=True, blank=True)
    last_response = models.CharField(max_length=500, blank=True)  # the start of the body, or the error
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="webhook_delivery_due")]

    def __str__(self):
        return f"{self.event} to {self.endpoint_id} ({self.state})"
