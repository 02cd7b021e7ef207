"""The free-text specialty of each profile becomes an entry of the controlled list and
the member's specialty; the text stays on the profile (older signatures and pages read
it), and the registry is what the signing rules read from now on. Credentials stay the
printed post-nominals ("M.D., FACP"): licences and certifications, with their issuer,
number and expiry, are entered and verified anew, since free text proves none of that."""

from django.db import migrations
from django.utils import timezone


def specialties_from_profiles(apps, schema_editor):
    Profile = apps.get_model("accounts", "Profile")
    Specialty = apps.get_model("registry", "Specialty")
    MemberSpecialty = apps.get_model("registry", "MemberSpecialty")
    now = timezone.now()
    by_name = {}
    for user_id, text in Profile.objects.exclude(specialty="").values_list("user_id", "specialty"):
        name = text.strip()[:100]
        key = name.lower()
        if key not in by_name:
            by_name[key] = Specialty.objects.filter(name__iexact=name).first() or Specialty.objects.create(
                name=name, created_at=now
            )
        MemberSpecialty.objects.get_or_create(member_id=user_id, specialty=by_name[key])


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial"), ("accounts", "0004_login_names_and_kept_profiles")]

    operations = [migrations.RunPython(specialties_from_profiles, migrations.RunPython.noop)]
