"""The same code typed twice at the same instant is accepted once: django-otp verifies
with the device row locked (select_for_update), and each thread here has its own real
PostgreSQL connection."""

import threading

import pytest
from django.db import connection

from accounts import two_factor
from tests.two_factor import code_at

pytestmark = pytest.mark.django_db(transaction=True)


def race(user, code, times=2):
    """Check `code` for `user` from `times` threads at once; return how many accepted it."""
    barrier = threading.Barrier(times)
    accepted = []

    def run():
        try:
            barrier.wait()
            accepted.append(two_factor.signing_code_ok(user, code, password_ok=True))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return accepted.count(True), len(accepted)


def test_one_authenticator_code_typed_twice_at_once_is_accepted_once(reviewer):
    device = two_factor.authenticator_of(reviewer)
    assert race(reviewer, code_at(device, 0)) == (1, 2)


def test_one_recovery_code_used_twice_at_once_is_accepted_once(reviewer):
    code = two_factor._replace_recovery_codes(reviewer)[0]
    assert race(reviewer, code) == (1, 2)
    assert two_factor.recovery_codes_left(reviewer) == 9
