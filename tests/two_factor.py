"""Two-factor in tests: enrol a persona as the enrolment page would, and compute the code
its authenticator app would show (django-otp's TOTP, zero-padded)."""

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import two_factor
from accounts.demo import current_code, fresh_code

__all__ = ["VerifiedClient", "code_at", "current_code", "enrol", "fresh_code"]


def enrol(user):
    """A confirmed authenticator for `user` (the one it has, if any)."""
    return two_factor.authenticator_of(user) or TOTPDevice.objects.create(
        user=user, name=two_factor.AUTHENTICATOR, confirmed=True
    )


def code_at(device, steps_ahead):
    """The code the app will show `steps_ahead` 30-second steps from now (django-otp accepts
    one step either side of now, so the next step's code works once too)."""
    return current_code(device, steps_ahead)


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
