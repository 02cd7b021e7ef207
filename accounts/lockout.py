"""Throttling of passwords: whether a login name or an address is locked, and what a
failure, a lockout and an unlock leave in the record.

django-axes counts the failures (`axes.AccessAttempt`) and decides: its backend refuses a
sign-in at the login page and at the admin's before the password is checked, and its
handler marks the request whose failure locks. A signing password (approval,
fast-track confirmation) goes through the same handler here, so a wrong password at
either place counts on one counter per login name and one per address, and a lock at
either place refuses both. LOCKOUT_FAILURES failures, each less than LOCKOUT_MINUTES
after the one before, lock the name (or the address) for LOCKOUT_MINUTES after the last.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from datetime import timezone as dt_timezone

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_credentials, get_lockout_parameters
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Max, Sum
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from accounts.roles import active_members
from articles.audit import clean_ip, record_trail_event
from core.errors import DomainError, TransitionNotAllowed
from core.roles import PUBLISHER, may_unlock_sign_ins, roles_of
from notifications.services import notify

ACCOUNT, ADDRESS = "account", "address"
# What axes counts by (settings.AXES_LOCKOUT_PARAMETERS), as the record names it.
SCOPES = {"username": ACCOUNT, "ip_address": ADDRESS}
# Where a signing password is checked, as axes records it with the attempt.
SIGNING_PAGE = "(signature password)"
TRIED_NAME_LENGTH = 150


def failure_limit(request=None, credentials=None):
    """AXES_FAILURE_LIMIT: read when asked, so that LOCKOUT_FAILURES is the one setting."""
    return settings.LOCKOUT_FAILURES


def cool_off(request=None):
    """AXES_COOLOFF_TIME: how long a lock lasts after the failure that made it."""
    return timedelta(minutes=settings.LOCKOUT_MINUTES)


class SignerLocked(TransitionNotAllowed):
    """A signature refused because the signer's login name or address is locked."""


@dataclass(frozen=True)
class Lock:
    """One lock in force: on a login name (ACCOUNT) or on an address (ADDRESS)."""

    scope: str
    value: str
    failures: int
    until: datetime

    @property
    def until_utc(self):
        return self.until.astimezone(dt_timezone.utc)

    @property
    def what(self):
        return describe(self.scope, self.value)

    @property
    def ends(self):
        return f"{self.until_utc:%H:%M} UTC ({self.until_utc:%Y-%m-%d})"


def explain(locks):
    """One sentence for the locks that refused an attempt: what is locked, until when, who can unlock."""
    if not locks:
        return "Too many wrong passwords: signing in is locked for a while."
    first, *others = locks
    also = "".join(f", and {lock.what} until {lock.ends}" for lock in others)
    return (
        f"Too many wrong passwords: {first.what} is locked until {first.ends}{also}. "
        "Wait until then, or ask a publisher or an administrator to unlock it."
    )


def describe(scope, value):
    """A locked scope as a sentence names it."""
    return f"the login name “{value}”" if scope == ACCOUNT else f"the address {value}"


def _request(ip, page):
    """What axes reads of a request, for a password checked away from the sign-in pages:
    `ip` is the client's address as the view found it."""
    request = HttpRequest()
    request.path = request.path_info = page
    request.META = {"PATH_INFO": page, "HTTP_USER_AGENT": page, **({"REMOTE_ADDR": ip} if ip else {})}
    return request


def _locks(request, credentials):
    """The locks in force for this request's address and these credentials' login name,
    from the same attempts axes counts: a scope is locked when its failures reach the limit."""
    AxesProxyHandler.update_request(request)
    parameters = get_lockout_parameters(request, credentials)
    attempts = AxesProxyHandler.get_implementation().get_user_attempts(request, credentials)
    username = credentials.get(settings.AXES_USERNAME_FORM_FIELD) if credentials else None
    values = {ACCOUNT: username, ADDRESS: request.axes_ip_address}
    limit, locks = failure_limit(), []
    for parameter, counted in zip(parameters, attempts, strict=True):
        totals = counted.aggregate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
        if (totals["failures"] or 0) >= limit:
            scope = SCOPES[parameter]
            locks.append(Lock(scope, str(values[scope]), totals["failures"], totals["last"] + cool_off()))
    return locks


def refusal_for_request(request, credentials):
    """Why this sign-in was refused, for the lockout page."""
    return explain(_locks(request, credentials or {}))


# ---------------------------------------------------------------- signing passwords


def signing_password_ok(user, password, *, ip):
    """Whether `password` is `user`'s, for a signature. While their login name or their
    address is locked the password is not checked at all: the attempt is refused
    (SignerLocked, saying until when and who can unlock) and recorded."""
    request, credentials = _request(ip, SIGNING_PAGE), get_credentials(user.get_username())
    if AxesProxyHandler.is_locked(request, credentials):
        locks = _locks(request, credentials)
        record_trail_event(
            kind="sign-in",
            action="signature_refused_locked",
            actor=user,
            now=timezone.now(),
            subject_id=user.pk,
            ip=ip,
            comment=f"{user.get_username()} tried to sign while locked: nothing was signed",
            details={"username": user.get_username(), "locks": [lock.scope for lock in locks]},
        )
        raise SignerLocked(explain(locks))
    return user.check_password(password or "")


def signing_failed(user, *, ip, credential="password"):
    """Count a wrong signing password or two-factor code (`credential`) as a failed
    sign-in of `user` from `ip` (the signature's own event says what was being signed), so
    codes cannot be guessed at the signing form either. When it locks, the lockout is
    recorded and told (see `record_lockouts`) and SignerLocked says so."""
    request, credentials = _request(ip, SIGNING_PAGE), get_credentials(user.get_username())
    AxesProxyHandler.user_login_failed(sender=__name__, credentials=credentials, request=request)
    record_lockouts(request, user.get_username())
    if request.axes_locked_out:
        locks = _locks(request, credentials)
        raise SignerLocked(f"The {credential} is wrong. " + explain(locks))


# ---------------------------------------------------------------- lockouts and unlocking


def record_lockouts(request, username):
    """After axes counted a failure on `request`: when it locked, record each lock (an
    event in the "sign-in" chain) and tell the person, when an account has that name,
    and the publishers. A failure is counted only while neither its name nor its
    address is locked, so the locks found after a counted failure all began with it;
    a refusal while locked is not counted (axes leaves its count unset) and begins
    nothing: each lockout is recorded and told once."""
    if not getattr(request, "axes_locked_out", False) or getattr(request, "axes_failures_since_start", None) is None:
        return
    username = str(username or "")[:TRIED_NAME_LENGTH]
    for lock in _locks(request, get_credentials(username or None)):
        _record_lockout(lock, username, request.axes_ip_address, getattr(request, "path", ""))


def _account_named(username):
    User = get_user_model()
    return User.objects.filter(**{User.USERNAME_FIELD: username}).first() if username else None


def _publishers():
    return active_members(PUBLISHER).distinct()


def _record_lockout(lock, username, ip, page):
    account = _account_named(username) if lock.scope == ACCOUNT else None
    now = timezone.now()
    with transaction.atomic():
        event = record_trail_event(
            kind="sign-in",
            action="locked_out",
            actor=None,
            now=now,
            subject_id=account.pk if account else "",
            ip=ip,
            comment=f"{lock.what} locked until {lock.until_utc:%Y-%m-%d %H:%M} UTC after {lock.failures} failures",
            details={
                "username": username,
                "scope": lock.scope,
                "locked": lock.value,
                "failures": lock.failures,
                "until": lock.until_utc.isoformat(),
                "page": page[:200],
            },
        )
        told = {
            "failures": lock.failures,
            "what": lock.what,
            "until": lock.until_utc,
            "by_address": lock.scope != ACCOUNT,
            "ip": ip,
            "username": username,
        }
        if account is not None and account.is_active:
            notify(
                kind="lockout",
                recipients=[account],
                key=f"lockout:{event.pk}:person",
                now=now,
                url=reverse("login"),
                facts={**told, "to_publishers": False},
            )
        notify(
            kind="lockout",
            recipients=[publisher for publisher in _publishers() if publisher != account],
            key=f"lockout:{event.pk}",
            now=now,
            url=reverse("lockouts"),
            facts={**told, "to_publishers": True},
        )
    return event


def locks_in_force(now=None):
    """Every lock in force, latest first: two queries, whatever the number of attempts."""
    now = now or timezone.now()
    since, limit = now - cool_off(), failure_limit()
    recent = AccessAttempt.objects.filter(attempt_time__gte=since)
    locks = []
    for scope, field in ((ACCOUNT, "username"), (ADDRESS, "ip_address")):
        rows = (
            recent.exclude(**{f"{field}__isnull": True})
            .values(field)
            .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
            .filter(failures__gte=limit)
        )
        locks += [Lock(scope, str(row[field]), row["failures"], row["last"] + cool_off()) for row in rows]
    return sorted(locks, key=lambda lock: lock.until, reverse=True)


class UnlockRefused(DomainError):
    """An unlock refused, with the reason for the person who asked."""


def unlock(*, actor, scope, value, ip=None, now=None):
    """Lift a lock before it ends: a publisher or an administrator only. Forgets the
    failures counted for that login name (or address) and records who unlocked it.
    Refuses anyone else, and a scope that is not a login name or an address."""
    now = now or timezone.now()
    if not may_unlock_sign_ins(roles_of(actor), is_superuser=actor.is_superuser):
        raise UnlockRefused("Only a publisher or an administrator can unlock a login name or an address.")
    value = str(value or "").strip()[:TRIED_NAME_LENGTH]
    if scope == ACCOUNT and value:
        counted = {"username": value}
    elif scope == ADDRESS and clean_ip(value):
        counted = {"ip_address": clean_ip(value)}
    else:
        raise UnlockRefused("Say which login name or which address to unlock.")
    account = _account_named(value) if scope == ACCOUNT else None
    with transaction.atomic():
        forgotten, _ = AccessAttempt.objects.filter(**counted).delete()
        return record_trail_event(
            kind="sign-in",
            action="unlocked",
            actor=actor,
            now=now,
            subject_id=account.pk if account else "",
            ip=ip,
            comment=f"{actor.get_username()} unlocked {describe(scope, value)}",
            details={
                "username": value if scope == ACCOUNT else "",
                "scope": scope,
                "unlocked": value,
                "attempts_forgotten": forgotten,
            },
        )
