"""Who may lift a lock on a login name or an address: a pure rule, table-driven."""

import pytest

from core.roles import EDITOR, PUBLISHER, REVIEWER, may_unlock_sign_ins


@pytest.mark.parametrize(
    "roles, is_superuser, allowed",
    [
        ({PUBLISHER}, False, True),
        ({EDITOR, PUBLISHER}, False, True),
        (set(), True, True),
        ({EDITOR}, False, False),
        ({REVIEWER}, False, False),
        ({EDITOR, REVIEWER}, False, False),
        (set(), False, False),
    ],
)
def test_only_publishers_and_administrators_may_unlock_sign_ins(roles, is_superuser, allowed):
    assert may_unlock_sign_ins(roles, is_superuser=is_superuser) is allowed
