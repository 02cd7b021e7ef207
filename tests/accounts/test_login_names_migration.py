"""Upgrading records the login names already in use and gives back a profile to any
account whose profile was deleted before the guard existed."""

import pytest
from django.db import IntegrityError, transaction

from tests.conftest import migrate_as_owner

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE, AFTER = ("accounts", "0003_celery_heartbeat"), ("accounts", "0004_login_names_and_kept_profiles")


def test_the_upgrade_records_existing_login_names_and_restores_deleted_profiles():
    apps = migrate_as_owner(BEFORE)
    try:
        User = apps.get_model("auth", "User")
        Profile = apps.get_model("accounts", "Profile")
        kept = User.objects.create(username="kept", date_joined="2025-01-01T00:00:00Z")
        Profile.objects.create(user=kept, slug="kept-person")
        orphan = User.objects.create(username="orphan", date_joined="2025-01-01T00:00:00Z")  # its profile was deleted

        apps = migrate_as_owner(AFTER)

        Profile = apps.get_model("accounts", "Profile")
        assert Profile.objects.get(user_id=orphan.pk).slug == f"member-{orphan.pk}"
        assert Profile.objects.get(user_id=kept.pk).slug == "kept-person"
        used = set(apps.get_model("accounts", "UsedUsername").objects.values_list("username", "user_id"))
        assert {("kept", kept.pk), ("orphan", orphan.pk)} <= used
        with pytest.raises(IntegrityError), transaction.atomic():
            apps.get_model("auth", "User").objects.create(username="ORPHAN")
    finally:
        migrate_as_owner()
