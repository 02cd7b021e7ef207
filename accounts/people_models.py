"""Rows behind people management: one-time links (invitations and password resets) and
the sessions each person has open, so that deactivating an account can end them."""

import hashlib
import secrets

from django.conf import settings
from django.db import models


def hash_link_secret(secret):
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def new_link_secret():
    return secrets.token_urlsafe(32)


class AccountLink(models.Model):
    """A one-time link that lets its holder set the account's password: an invitation or
    a password reset. Only the SHA-256 of the secret is stored (the secret is in the
    e-mail alone); a link is good once, until it expires, unless a newer one replaced it."""

    INVITATION = "invitation"
    RESET = "reset"
    PURPOSES = [(INVITATION, "Invitation"), (RESET, "Password reset")]

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="account_links")
    purpose = models.CharField(max_length=20, choices=PURPOSES)
    secret_hash = models.CharField(max_length=64, unique=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "purpose"])]

    def __str__(self):
        return f"{self.get_purpose_display()} for user {self.user_id}"

    def is_open(self, now):
        return self.used_at is None and self.withdrawn_at is None and now < self.expires_at


class SignedInSession(models.Model):
    """A session someone signed in with, kept so their sessions can be ended at once
    (deactivation) whichever session store holds them."""

    session_key = models.CharField(max_length=40, primary_key=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    started_at = models.DateTimeField()

    def __str__(self):
        return f"session of user {self.user_id} since {self.started_at:%Y-%m-%d %H:%M}"
