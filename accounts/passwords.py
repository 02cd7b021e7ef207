"""When a password was last set, and the periodic change NIST SP 800-63B advises against
unless a deployment asks for it (PASSWORD_MAX_AGE_DAYS, 0: never). A password set on the
password page, through an invitation or through a reset link is an event in the account
trail: the latest such event is the password's date (the account's creation before any)."""

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse

from articles.audit import record_trail_event
from articles.models import Event

PASSWORD_SET = ("password_changed", "password_reset_done", "invitation_accepted")
DUE = "password_change_due"


def password_set_at(user):
    latest = (
        Event.objects.filter(chain="account", subject_id=str(user.pk), action__in=PASSWORD_SET)
        .order_by("-seq")
        .values_list("created_at", flat=True)
        .first()
    )
    return latest or user.date_joined


def password_change_due(user, now):
    """Whether the deployment asks for a periodic change and this password is older."""
    days = settings.PASSWORD_MAX_AGE_DAYS
    return bool(days) and now - password_set_at(user) >= timedelta(days=days)


def password_changed(*, user, ip, now):
    """Someone changed their own password on the password page: an account event."""
    return record_trail_event(
        kind="account",
        action="password_changed",
        actor=user,
        now=now,
        subject_id=user.pk,
        ip=ip,
        comment=f"{user.get_username()}: password changed",
        details={"username": user.get_username()},
    )


def flag_if_due(request, user, now):
    """At sign-in: mark the session when the password must be changed before going on."""
    if password_change_due(user, now):
        request.session[DUE] = True


class PasswordAgeMiddleware:
    """A session marked at sign-in goes to the password page, and nowhere else, until the
    password is changed."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.session.get(DUE) and request.path not in self.allowed():
            messages.warning(
                request,
                f"Your password is more than {settings.PASSWORD_MAX_AGE_DAYS} days old: choose a new one to go on.",
            )
            return redirect("password_change")
        return self.get_response(request)

    @staticmethod
    def allowed():
        # The two-factor pages come first (accounts.two_factor): the code, or enrolment.
        pages = ("password_change", "password_change_done", "logout", "two_factor_verify", "two_factor")
        return {reverse(name) for name in pages}
