"""Per-person API tokens. Only a SHA-256 hash of the secret is stored: the secret is
shown once, when the token is made, and a copy of the database lets nobody act."""

import hashlib
import secrets

from django.conf import settings
from django.db import models

TOKEN_PREFIX = "imp_"


def hash_secret(secret):
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def new_secret():
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


class ApiToken(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    key_hash = models.CharField(max_length=64, unique=True)
    # The first characters of the secret, so a person can tell their tokens apart.
    hint = models.CharField(max_length=12)
    created_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.name} ({self.hint}…)"

    @property
    def is_active(self):
        return self.revoked_at is None
