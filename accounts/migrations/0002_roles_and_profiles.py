from django.db import migrations
from django.utils.text import slugify


def create_roles(apps, schema_editor):
    from accounts.roles import install_roles

    install_roles(apps)


def backfill_profiles(apps, schema_editor):
    User = apps.get_model("auth", "User")
    Profile = apps.get_model("accounts", "Profile")
    taken = set(Profile.objects.values_list("slug", flat=True))
    for user in User.objects.filter(profile__isnull=True):
        base = slugify(f"{user.first_name} {user.last_name}".strip() or user.username) or "staff"
        slug, counter = base, 2
        while slug in taken:
            slug, counter = f"{base}-{counter}", counter + 1
        taken.add(slug)
        Profile.objects.create(user=user, slug=slug)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_profile"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(create_roles, migrations.RunPython.noop),
        migrations.RunPython(backfill_profiles, migrations.RunPython.noop),
    ]
