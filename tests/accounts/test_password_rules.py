"""Password rules per NIST SP 800-63B: 12 characters or more, not on the common/breached
list shipped with Django, not close to the person's names; no composition rules."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from tests.conftest import PERSONA_PASSWORD


@pytest.mark.parametrize(
    "password",
    [
        PERSONA_PASSWORD,
        "correct horse battery staple",  # only lower-case letters and spaces
        "739264810573",  # only digits: no composition rule refuses it
        "ÜBER-lange Passphrase ✓",
    ],
)
def test_long_uncommon_passwords_pass_whatever_they_are_made_of(password, editor):
    validate_password(password, editor)


@pytest.mark.parametrize(
    "password, reason",
    [
        ("elevenchars", "at least 12 characters"),
        ("password1234", "too common"),
        ("qwertyuiop123", "too common"),
        ("edna@example.org", "too similar"),
    ],
)
def test_short_common_or_personal_passwords_are_refused(password, reason, editor):
    with pytest.raises(ValidationError) as refused:
        validate_password(password, editor)
    assert any(reason in message for message in refused.value.messages)


def test_the_minimum_length_is_a_setting_read_at_start_up():
    from django.conf import settings

    [length] = [rule for rule in settings.AUTH_PASSWORD_VALIDATORS if "MinimumLength" in rule["NAME"]]
    assert length["OPTIONS"] == {"min_length": settings.PASSWORD_MIN_LENGTH} and settings.PASSWORD_MIN_LENGTH == 12


def test_changing_a_password_follows_the_rules(client, editor):
    client.force_login(editor)
    response = client.post(
        "/accounts/password_change/",
        {"old_password": PERSONA_PASSWORD, "new_password1": "short-one", "new_password2": "short-one"},
    )
    assert response.status_code == 200 and "at least 12 characters" in response.content.decode()
