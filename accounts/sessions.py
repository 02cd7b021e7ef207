"""Limits on a signed-in session: it ends after SESSION_IDLE_MINUTES without a request
and SESSION_MAX_HOURS after sign-in, whatever happens in between. Signing an approval
re-enters the password inside a session, so an ended session is what makes an unattended
desk ask for the full sign-in again.

An ending is a "session_expired" event in the sign-in chain. A form sent on an ended
session is refused (the person signs in again and comes back to the page the form was
on); what they typed, except passwords and codes, is put back into that form."""

from datetime import timedelta
from importlib import import_module
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import resolve_url
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from accounts.people_models import SignedInSession
from articles.audit import record_trail_event
from core.kept import kept_fields
from core.web import client_ip

STARTED, SEEN, RESUME = "limits_started_at", "limits_seen_at", "limits_resume_form"
# The last request's time is written at most this often (seconds), not on every request.
TOUCH_EVERY = 60


def expiry_reason(*, now, started, seen, idle_seconds, lifetime_seconds):
    """Why a session stamped `started` (sign-in) and `seen` (last request) is over at
    `now` (all in seconds), or None while it lives."""
    if now - started >= lifetime_seconds:
        return "lifetime"
    if now - seen >= idle_seconds:
        return "idle"
    return None


def session_started(request, user, now=None):
    """Stamp a session just signed in and remember it as one of the person's sessions
    (forgetting those of theirs past the lifetime, which no store keeps any more)."""
    now = now or timezone.now()
    request.session[STARTED] = request.session[SEEN] = now.timestamp()
    if request.session.session_key is None:
        request.session.save()
    lifetime = timedelta(hours=settings.SESSION_MAX_HOURS)
    SignedInSession.objects.filter(user=user, started_at__lt=now - lifetime).delete()
    SignedInSession.objects.update_or_create(
        session_key=request.session.session_key, defaults={"user": user, "started_at": now}
    )


def session_forgotten(request):
    """The session is no longer one of the person's: they signed out, or its limits ended it."""
    SignedInSession.objects.filter(session_key=request.session.session_key).delete()


def end_sessions_of(user):
    """End every session the person signed in with (on deactivation), in whichever
    session store holds them. Returns how many were ended."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    keys = list(SignedInSession.objects.filter(user=user).values_list("session_key", flat=True))
    for key in keys:
        store(session_key=key).delete()
    SignedInSession.objects.filter(user=user, session_key__in=keys).delete()
    return len(keys)


def ended_after(reason):
    """The limit a session reached, in words: "30 minutes without activity"."""
    if reason == "idle":
        return f"{settings.SESSION_IDLE_MINUTES} minutes without activity"
    return f"{settings.SESSION_MAX_HOURS} hours after sign-in"


def session_expired(*, user, reason, ip, now):
    """Record the end of a session the limits closed, as a sign-out in the sign-in chain."""
    return record_trail_event(
        kind="sign-in",
        action="session_expired",
        actor=user,
        now=now,
        subject_id=user.pk,
        ip=ip,
        comment=f"signed out: session ended {ended_after(reason)}",
        details={"username": user.get_username(), "reason": reason},
    )


def _page_of_form(request):
    """Where the refused form was: the page it was sent from on this site, else the dashboard."""
    referer = request.META.get("HTTP_REFERER", "")
    if referer and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        parts = urlsplit(referer)
        return parts.path + (f"?{parts.query}" if parts.query else "")
    return resolve_url(settings.LOGIN_REDIRECT_URL)


class SessionLimitsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.ended(request) or self.get_response(request)

    def ended(self, request):
        """None while the session lives (touching its last-seen time); once over, the
        session is closed and recorded, and a form sent on it is answered by the sign-in."""
        session = request.session
        if SESSION_KEY not in session:
            return None
        now = timezone.now()
        started, seen = session.get(STARTED), session.get(SEEN)
        if started is None or seen is None:
            # Signed in before the limits existed: they start counting now.
            session[STARTED] = session[SEEN] = now.timestamp()
            return None
        reason = expiry_reason(
            now=now.timestamp(),
            started=started,
            seen=seen,
            idle_seconds=settings.SESSION_IDLE_MINUTES * 60,
            lifetime_seconds=settings.SESSION_MAX_HOURS * 3600,
        )
        if reason is None:
            if now.timestamp() - seen >= TOUCH_EVERY:
                session[SEEN] = now.timestamp()
            return None
        user = request.user
        if user.is_authenticated:
            session_expired(user=user, reason=reason, ip=client_ip(request), now=now)
        session_forgotten(request)
        session.flush()
        request.user = AnonymousUser()
        if request.method != "POST" or request.path == reverse("logout"):
            messages.info(request, f"Your session ended {ended_after(reason)}: sign in again to go on.")
            return None
        page = _page_of_form(request)
        session[RESUME] = {"page": urlsplit(page).path, "action": request.path, "fields": kept_fields(request.POST)}
        messages.warning(
            request,
            f"Your session ended {ended_after(reason)}, so what you sent was not accepted. Sign in again: "
            "you will be back on the page, with what you typed (passwords excepted) put back in the form.",
        )
        return redirect_to_login(page)


def resumed_form(request):
    """Context processor: the fields of a form refused on an ended session, once, on the
    page it was sent from, after the person signed in again."""
    session = getattr(request, "session", None)
    if session is None or RESUME not in session or not request.user.is_authenticated:
        return {}
    if session[RESUME].get("page") != request.path:
        return {}
    stash = session.pop(RESUME)
    return {"resumed_form": {"action": stash["action"], "fields": stash["fields"]}}
