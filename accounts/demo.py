"""Demo staff accounts: fictional people with fictional credentials."""

from django.apps import apps as django_apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone
from django.utils.text import slugify

from accounts import services
from accounts.models import Profile
from accounts.roles import ACCOUNT_MANAGER, EDITOR, PUBLISHER, REVIEWER, install_roles

DEMO_PASSWORD = "imprimatur-demo"

DEMO_STAFF = [
    {
        "username": "editor",
        "first_name": "Priya",
        "last_name": "Natarajan",
        "roles": [EDITOR],
        "profile": {
            "credentials": "MPH",
            "specialty": "Medical editing",
            "bio": "Senior medical editor (fictional demo account).",
        },
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
    {
        "username": "manager",
        "first_name": "Jordan",
        "last_name": "Reyes",
        "roles": [ACCOUNT_MANAGER],
        "profile": {"credentials": "", "specialty": "", "bio": "Invites people and grants roles (fictional)."},
    },
]


def seed_staff():
    """Create or refresh the demo accounts; returns {username: user}. Printed names,
    credentials and roles go through the account services, as the demo administrator,
    so the account trail records them like any other change."""
    install_roles(django_apps)
    User = get_user_model()
    groups = {group.name: group for group in Group.objects.all()}
    admin, created = User.objects.get_or_create(
        username="admin", defaults={"is_staff": True, "is_superuser": True, "email": "admin@example.org"}
    )
    if created:
        admin.set_password(DEMO_PASSWORD)
        admin.save()
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
        now = timezone.now()
        services.user_set_roles(
            actor=admin, user_id=user.pk, groups=[groups[role] for role in spec["roles"]], ip=None, now=now
        )
        profile = user.profile
        display_name = f"{spec['first_name']} {spec['last_name']}"
        services.profile_update_identity(
            actor=admin,
            profile_id=profile.pk,
            display_name=display_name,
            credentials=spec["profile"]["credentials"],
            specialty=spec["profile"]["specialty"],
            ip=None,
            now=now,
        )
        profile.refresh_from_db()
        wanted = slugify(display_name)
        if profile.slug != wanted and not Profile.objects.filter(slug=wanted).exclude(pk=profile.pk).exists():
            profile.slug = wanted  # public address: /reviewers/amara-okoye/
        profile.bio = spec["profile"]["bio"]
        profile.save(update_fields=["slug", "bio"])
        users[user.username] = User.objects.get(pk=user.pk)  # fresh: its profile as just saved
    users["admin"] = admin
    return users
