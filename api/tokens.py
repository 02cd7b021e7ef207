"""Making and revoking API tokens: each one is an event in the accounts' audit chain."""

from django.db import transaction
from django.utils import timezone

from api.models import ApiToken, hash_secret, new_secret
from articles.audit import record_trail_event
from articles.lifecycle import TransitionNotAllowed

MAX_ACTIVE_TOKENS = 20


def api_token_create(*, actor, name, ip=None, now=None):
    """Make a token for `actor`; returns (token, secret). The secret is not stored.
    Refuses an empty name and more than MAX_ACTIVE_TOKENS active tokens."""
    now = now or timezone.now()
    name = (name or "").strip()
    if not name:
        raise TransitionNotAllowed("Give the token a name, e.g. the system that will use it.")
    if len(name) > 100:
        raise TransitionNotAllowed("A token's name has at most 100 characters.")
    secret = new_secret()
    with transaction.atomic():
        if ApiToken.objects.filter(user=actor, revoked_at=None).count() >= MAX_ACTIVE_TOKENS:
            raise TransitionNotAllowed(f"You have {MAX_ACTIVE_TOKENS} active tokens; revoke one first.")
        token = ApiToken.objects.create(
            user=actor, name=name, key_hash=hash_secret(secret), hint=secret[:8], created_at=now
        )
        record_trail_event(
            kind="account",
            action="api_token_created",
            actor=actor,
            now=now,
            subject_id=actor.pk,
            ip=ip,
            comment=f"API token {name!r} created",
            details={"new": {"token": token.pk, "name": name, "hint": token.hint}},
        )
    return token, secret


def api_token_revoke(*, actor, token_id, ip=None, now=None):
    """Revoke one of `actor`'s own tokens. Refuses another person's token (as unknown)
    and a token already revoked."""
    now = now or timezone.now()
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().filter(pk=token_id, user=actor).first()
        if token is None:
            raise TransitionNotAllowed("You have no such token.")
        if token.revoked_at is not None:
            raise TransitionNotAllowed("This token is already revoked.")
        token.revoked_at = now
        token.save(update_fields=["revoked_at"])
        record_trail_event(
            kind="account",
            action="api_token_revoked",
            actor=actor,
            now=now,
            subject_id=actor.pk,
            ip=ip,
            comment=f"API token {token.name!r} revoked",
            details={"old": {"token": token.pk, "name": token.name}},
        )
    return token
