"""Demo staff accounts: fictional people with fictional credentials."""

from django.apps import apps as django_apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from django.utils.text import slugify

from accounts.models import Profile
from accounts.roles import EDITOR, PUBLISHER, REVIEWER, install_roles

DEMO_PASSWORD = "imprimatur-demo"

DEMO_STAFF = [
    {
        "username": "editor",
        "first_name": "Priya",
        "last_name": "Natarajan",
        "roles": [EDITOR],
        "profile": {"credentials": "MPH", "specialty": "Medical editing", "bio": "Senior medical editor (fictional demo account)."},
    },
    {
        "username": "reviewer",
        "first_name": "Amara",
        "last_name": "Okoye",
        "roles": [REVIEWER],
        "profile": {
            "credentials": "M.D., FACP",
            "specialty": "Internal medicine",
            "bio": "Board-certified internist on the fictional Medical Advisory Board of this demo.",
        },
    },
    {
        "username": "reviewer2",
        "first_name": "Tomás",
        "last_name": "Lindgren",
        "roles": [REVIEWER],
        "profile": {
            "credentials": "M.D., Ph.D.",
            "specialty": "Cardiology",
            "bio": "Cardiologist on the fictional Medical Advisory Board of this demo.",
        },
    },
    {
        "username": "publisher",
        "first_name": "Morgan",
        "last_name": "Ellis",
        "roles": [PUBLISHER],
        "is_staff": True,
        "profile": {"credentials": "", "specialty": "Publishing", "bio": "Managing editor and publisher (fictional)."},
    },
]


def seed_staff():
    """Create or refresh the demo accounts; returns {username: user}."""
    install_roles(django_apps)
    User = get_user_model()
    groups = {group.name: group for group in Group.objects.all()}
    users = {}
    for spec in DEMO_STAFF:
        user, created = User.objects.get_or_create(username=spec["username"])
        user.first_name, user.last_name = spec["first_name"], spec["last_name"]
        user.email = f"{spec['username']}@example.org"
        user.is_staff = spec.get("is_staff", False)
        user.is_active = True
        if created:
            user.set_password(DEMO_PASSWORD)
        user.save()
        user.groups.set([groups[role] for role in spec["roles"]])
        profile = user.profile
        profile.display_name = f"{spec['first_name']} {spec['last_name']}"
        wanted = slugify(profile.display_name)
        if profile.slug != wanted and not Profile.objects.filter(slug=wanted).exclude(pk=profile.pk).exists():
            profile.slug = wanted  # public address: /reviewers/amara-okoye/
        for field, value in spec["profile"].items():
            setattr(profile, field, value)
        profile.save()
        users[user.username] = user
    admin, created = User.objects.get_or_create(
        username="admin", defaults={"is_staff": True, "is_superuser": True, "email": "admin@example.org"}
    )
    if created:
        admin.set_password(DEMO_PASSWORD)
        admin.save()
    users["admin"] = admin
    return users
