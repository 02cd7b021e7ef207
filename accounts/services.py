"""Every write to accounts: identity, login names, activation, roles. Each is recorded in
the account trail (`articles.audit.record_trail_event`, kind "account") with the old and
new values, in the same transaction as the change.

The record names people by what signatures and events kept of them (printed name,
credentials, login name), so these services guard exactly those facts: identity changes
only by the person or an administrator, login names are used once, and an account that
signed or acted is deactivated, never renamed or deleted."""

import hashlib
import json

from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse

from accounts.models import IDENTITY_FIELDS, Profile, UsedUsername
from articles.audit import record_trail_event
from articles.lifecycle import may_change_identity, may_set_roles
from articles.models import Event, Signature
from core.errors import DomainError
from notifications.services import notify

IDENTITY_LABELS = {"display_name": "Printed name", "credentials": "Credentials", "specialty": "Specialty"}
# Account fields the admin may change; each change is recorded with its old and new value.
ACCOUNT_FIELDS = ("username", "first_name", "last_name", "email", "is_active", "is_staff", "is_superuser")
# Flags that grant powers, like roles: nobody changes their own.
POWER_FIELDS = ("is_staff", "is_superuser")


class AccountChangeRefused(DomainError):
    """A refused change to an account or a profile, with a message for the person who asked."""


class StaleIdentity(AccountChangeRefused):
    """The form was opened on identity values that have changed since."""


# ---------------------------------------------------------------- identity


def identity_of(profile):
    return {field: getattr(profile, field) for field in IDENTITY_FIELDS}


def identity_token(profile):
    """A short fingerprint of the identity a form was opened on, to refuse stale forms."""
    text = json.dumps(identity_of(profile), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:20]


def identity_problems(values):
    """What is wrong with the identity values typed, as sentences (empty when nothing)."""
    problems = []
    if not values["display_name"]:
        problems.append("A printed name is needed: it is the name your signatures carry.")
    for field in IDENTITY_FIELDS:
        limit = Profile._meta.get_field(field).max_length
        if len(values[field]) > limit:
            problems.append(
                f"{IDENTITY_LABELS[field]} can be at most {limit} characters (you typed {len(values[field])})."
            )
        if any(ord(char) < 32 for char in values[field]):
            problems.append(f"{IDENTITY_LABELS[field]} must be one line of text.")
    return problems


def _printed(identity, fallback):
    name = identity["display_name"] or fallback
    return f"{name}, {identity['credentials']}" if identity["credentials"] else name


def profile_update_identity(*, actor, profile_id, display_name, credentials, specialty, ip, now, expected_token=None):
    """Change a person's printed name, credentials and specialty; record the old and new
    values in the account trail and tell the person (after commit, through the outbox).

    Refuses (AccountChangeRefused): anyone but the person and administrators; an empty
    printed name; a value too long or on several lines; a form opened on identity values
    that changed since (`expected_token`, StaleIdentity). Returns (profile, event); the
    event is None when nothing changed."""
    typed = {"display_name": display_name.strip(), "credentials": credentials.strip(), "specialty": specialty.strip()}
    problems = identity_problems(typed)
    if problems:
        raise AccountChangeRefused(" ".join(problems))
    with transaction.atomic():
        profile = Profile.objects.select_for_update().select_related("user").get(pk=profile_id)
        if not may_change_identity(actor_id=actor.pk, actor_is_superuser=actor.is_superuser, person_id=profile.user_id):
            raise AccountChangeRefused(
                "Only the person themselves or an administrator can change a printed name or credentials."
            )
        if expected_token is not None and expected_token != identity_token(profile):
            raise StaleIdentity(
                "This profile was changed after the form was opened; the current values are shown. "
                "Check them and send your change again."
            )
        old = identity_of(profile)
        changed = [field for field in IDENTITY_FIELDS if typed[field] != old[field]]
        if not changed:
            return profile, None
        for field in changed:
            setattr(profile, field, typed[field])
        profile.save(update_fields=changed)
        fallback = profile.user.get_full_name() or profile.user.get_username()
        before, after = _printed(old, fallback), profile.printed_name
        event = record_trail_event(
            kind="account",
            action="identity_changed",
            actor=actor,
            now=now,
            subject_id=profile.user_id,
            ip=ip,
            comment=f"{profile.user.get_username()}: {before} → {after}",
            details={
                "username": profile.user.get_username(),
                "old": {field: old[field] for field in changed},
                "new": {field: typed[field] for field in changed},
            },
        )
        _tell_about_identity(profile, actor, old, changed, event, now)
    return profile, event


def _tell_about_identity(profile, actor, old, changed, event, now):
    changes = [(IDENTITY_LABELS[field], old[field], getattr(profile, field)) for field in changed]
    who = "You" if actor.pk == profile.user_id else actor.profile.printed_name
    notify(
        kind="identity",
        recipients=[profile.user],
        key=f"identity:{event.pk}",
        now=now,
        url=reverse("my_profile"),
        facts={"who": who, "changes": changes},
    )


# ---------------------------------------------------------------- login names and accounts


def has_acted(user_id):
    """Whether the account is in the record: it signed, or an event names it as actor."""
    return Event.objects.filter(actor_id=user_id).exists() or Signature.objects.filter(signer_id=user_id).exists()


def username_refusal(username, user=None):
    """Why `user` (None: a new account) may not take the login name `username`, or None."""
    if user is not None and user.pk:
        current = get_user_model().objects.filter(pk=user.pk).values_list("username", flat=True).first()
        if username == current:
            return None
        if has_acted(user.pk):
            return (
                f"“{current}” has signed or acted in the record, and the record names people by login name: "
                "it never changes. Create a new account if a new login name is needed."
            )
    used = UsedUsername.objects.filter(username__iexact=username)
    if user is not None and user.pk:
        used = used.exclude(user_id=user.pk)
    if used.exists():
        return (
            f"The login name “{username}” has been used before and is never given again, so that the "
            "record always means one person by it. Choose another."
        )
    return None


def _plain(value):
    return value if isinstance(value, (bool, int, str)) or value is None else str(value)


def user_create(*, actor, user, ip, now):
    """Save a new account built by a form (password already set) and record its creation.
    Refuses a login name that was ever used before."""
    refusal = username_refusal(user.username)
    if refusal:
        raise AccountChangeRefused(refusal)
    with transaction.atomic():
        user.save()
        record_trail_event(
            kind="account",
            action="account_created",
            actor=actor,
            now=now,
            subject_id=user.pk,
            ip=ip,
            comment=f"account {user.get_username()} created",
            details={
                "username": user.get_username(),
                "new": {field: _plain(getattr(user, field)) for field in ACCOUNT_FIELDS},
            },
        )
    return user


def user_update_account(*, actor, user_id, changes, ip, now):
    """Change an account's login name, names, e-mail, activation or admin flags, and record
    the old and new values. Deactivating is how an account that acted leaves.

    Refuses: a new login name for an account that signed or acted, or one ever used before;
    a change of one's own admin flags. Returns the event, or None when nothing changed."""
    User = get_user_model()
    unknown = set(changes) - set(ACCOUNT_FIELDS)
    if unknown:
        raise ValueError(f"not account fields: {sorted(unknown)}")
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user_id)
        changed = [field for field in ACCOUNT_FIELDS if field in changes and changes[field] != getattr(user, field)]
        if not changed:
            return None
        if "username" in changed and (refusal := username_refusal(changes["username"], user)):
            raise AccountChangeRefused(refusal)
        if set(changed) & set(POWER_FIELDS) and not may_set_roles(actor_id=actor.pk, person_id=user.pk):
            raise AccountChangeRefused("Nobody changes their own administrator flags: ask another administrator.")
        old = {field: _plain(getattr(user, field)) for field in changed}
        for field in changed:
            setattr(user, field, changes[field])
        user.save(update_fields=changed)
        action = "account_changed"
        if "is_active" in changed:
            action = "account_reactivated" if user.is_active else "account_deactivated"
        return record_trail_event(
            kind="account",
            action=action,
            actor=actor,
            now=now,
            subject_id=user.pk,
            ip=ip,
            comment=f"{old.get('username', user.get_username())}: {', '.join(changed)} changed",
            details={
                "username": user.get_username(),
                "old": old,
                "new": {field: _plain(getattr(user, field)) for field in changed},
            },
        )


def user_delete(*, actor, user_id, ip, now):
    """Delete an account that never signed or acted (with its profile), recording it. An
    account in the record is refused: deactivate it instead, so the record keeps it."""
    User = get_user_model()
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user_id)
        if has_acted(user.pk):
            raise AccountChangeRefused(deletion_refusal(user))
        username = user.get_username()
        record_trail_event(
            kind="account",
            action="account_deleted",
            actor=actor,
            now=now,
            subject_id=user.pk,
            ip=ip,
            comment=f"account {username} deleted (it never signed or acted)",
            details={"username": username},
        )
        user.delete()


def deletion_refusal(user):
    return (
        f"{user.get_username()} has signed or acted in the record, so the account is kept: "
        "deactivate it instead (untick “Active”)."
    )


def user_set_roles(*, actor, user_id, groups, ip, now):
    """Give an account exactly `groups` (its roles) and record the old and new role names.
    Refuses a change of one's own roles. Returns the event, or None when nothing changed."""
    User = get_user_model()
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user_id)
        old = sorted(user.groups.values_list("name", flat=True))
        new = sorted(group.name for group in groups)
        if old == new:
            return None
        if not may_set_roles(actor_id=actor.pk, person_id=user.pk):
            raise AccountChangeRefused("Nobody changes their own roles: ask another administrator.")
        user.groups.set(groups)
        user._role_names = None
        return record_trail_event(
            kind="account",
            action="roles_changed",
            actor=actor,
            now=now,
            subject_id=user.pk,
            ip=ip,
            comment=f"{user.get_username()}: roles {', '.join(old) or 'none'} → {', '.join(new) or 'none'}",
            details={"username": user.get_username(), "old": {"roles": old}, "new": {"roles": new}},
        )
