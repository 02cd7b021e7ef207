"""Sign-ins, failed sign-ins and sign-outs, each an event in the audit trail's
"sign-in" chain. Django's auth signals call these (see accounts/signals.py)."""

from django.contrib.auth import get_user_model
from django.utils import timezone

from articles.audit import record_trail_event

# A failed attempt keeps the name that was tried, up to the length a login name can have.
TRIED_NAME_LENGTH = 150


def sign_in_recorded(*, user, ip=None, now=None):
    """Someone signed in."""
    return record_trail_event(
        kind="sign-in",
        action="sign_in",
        actor=user,
        now=now or timezone.now(),
        subject_id=user.pk,
        ip=ip,
        details={"username": user.get_username()},
    )


def sign_in_failed(*, username, ip=None, page="", now=None):
    """A sign-in was refused. The event names the login name tried, the page (the login
    page or the admin's) and, when an account has that name, its id; nobody is the
    actor, since nobody proved who they are."""
    username = str(username or "")[:TRIED_NAME_LENGTH]
    account_id = (
        get_user_model()
        .objects.filter(**{get_user_model().USERNAME_FIELD: username})
        .values_list("pk", flat=True)
        .first()
        if username
        else None
    )
    return record_trail_event(
        kind="sign-in",
        action="sign_in_failed",
        actor=None,
        now=now or timezone.now(),
        subject_id=account_id or "",
        ip=ip,
        comment=f"failed sign-in as “{username}”",
        details={"username": username, **({"page": page[:200]} if page else {})},
    )


def sign_out_recorded(*, user, ip=None, now=None):
    """Someone signed out (Django also says so when nobody was signed in: nothing then)."""
    if user is None:
        return None
    return record_trail_event(
        kind="sign-in",
        action="sign_out",
        actor=user,
        now=now or timezone.now(),
        subject_id=user.pk,
        ip=ip,
        details={"username": user.get_username()},
    )
