"""Two-factor in tests: enrol a persona as the enrolment page would, and compute the code
its authenticator app would show (django-otp's TOTP, zero-padded)."""

from base64 import b32decode

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import two_factor
from accounts.demo import current_code, fresh_code

__all__ = ["VerifiedClient", "code_at", "code_for_key", "current_code", "enrol", "fresh_code", "type_code_if_asked"]


def enrol(user):
    """A confirmed authenticator for `user` (the one it has, if any)."""
    return two_factor.authenticator_of(user) or TOTPDevice.objects.create(
        user=user, name=two_factor.AUTHENTICATOR, confirmed=True
    )


def code_at(device, steps_ahead):
    """The code the app will show `steps_ahead` 30-second steps from now (django-otp accepts
    one step either side of now, so the next step's code works once too)."""
    return current_code(device, steps_ahead)


def code_for_key(typed_key, steps_ahead=0):
    """What an authenticator app shows for a key typed from the enrolment page (SHA-1, six
    digits, 30-second steps), computed here as the app would."""
    key = typed_key.replace(" ", "")
    key += "=" * (-len(key) % 8)
    return f"{totp(b32decode(key), step=30, t0=0, digits=6, drift=steps_ahead):06d}"


def type_code_if_asked(page, user):
    """In a browser: when the page asks for the person's two-factor code, type a fresh one."""
    if "/accounts/two-factor/" in page.url:
        page.fill("#id_code", fresh_code(user))
        page.get_by_role("button", name="Continue").click()
        page.wait_for_load_state()


class VerifiedClient(Client):
    """A test client whose force_login also passes the second factor with the person's
    authenticator, without spending a code, as signing in by hand ends up."""

    def force_login(self, user, backend=None):
        super().force_login(user, backend)
        device = two_factor.authenticator_of(user)
        if device is not None:
            session = self.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()
