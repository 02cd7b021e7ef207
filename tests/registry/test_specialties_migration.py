"""Upgrading moves each profile's free-text specialty into the controlled list and makes
it the member's specialty, one list entry per name whatever its case."""

import pytest

from tests.conftest import migrate_as_owner

pytestmark = pytest.mark.django_db(transaction=True)

ACCOUNTS = ("accounts", "0004_login_names_and_kept_profiles")
BEFORE, AFTER = ("registry", "0001_initial"), ("registry", "0002_specialties_from_profiles")


def test_the_upgrade_puts_free_text_specialties_on_the_controlled_list():
    apps = migrate_as_owner(BEFORE, ACCOUNTS)
    try:
        User = apps.get_model("auth", "User")
        Profile = apps.get_model("accounts", "Profile")
        for name, specialty in (("ana", "Cardiology "), ("ben", "cardiology"), ("cy", "Oncology"), ("di", "")):
            user = User.objects.create(username=name, date_joined="2025-01-01T00:00:00Z")
            Profile.objects.update_or_create(user=user, defaults={"slug": f"{name}-slug", "specialty": specialty})

        apps = migrate_as_owner(AFTER, ACCOUNTS)

        Specialty = apps.get_model("registry", "Specialty")
        assert sorted(Specialty.objects.values_list("name", flat=True)) == ["Cardiology", "Oncology"]
        held = apps.get_model("registry", "MemberSpecialty").objects.values_list("member__username", "specialty__name")
        assert sorted(held) == [("ana", "Cardiology"), ("ben", "Cardiology"), ("cy", "Oncology")]
    finally:
        migrate_as_owner()
