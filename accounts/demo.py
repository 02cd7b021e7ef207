"""Demo staff accounts: fictional people with fictional credentials."""

from django.apps import apps as django_apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone
from django.utils.text import slugify
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import services, two_factor
from accounts.models import Profile
from accounts.roles import ACCOUNT_MANAGER, EDITOR, PUBLISHER, REVIEWER, install_roles
from articles.audit import record_trail_event

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
    for user in users.values():
        if two_factor.required_for(user):
            enrol_demo_authenticator(user, admin)
    return users


# ---------------------------------------------------------------- two-factor for the demo


def enrol_demo_authenticator(user, admin):
    """Give a demo account that must use two-factor an authenticator (kept when it has
    one), recorded as the demo administrator's doing. Its secret is printed by seed_demo,
    and `manage.py demo_code` shows its current code."""
    device = two_factor.authenticator_of(user)
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=two_factor.AUTHENTICATOR, confirmed=True)
        record_trail_event(
            kind="account",
            action="two_factor_enrolled",
            actor=admin,
            now=timezone.now(),
            subject_id=user.pk,
            comment=f"{user.get_username()}: demo authenticator enrolled by seed_demo",
            details={"username": user.get_username(), "recovery_codes": 0},
        )
    return device


def current_code(device, steps_ahead=0):
    """The code the device's authenticator app shows now, or `steps_ahead` 30-second steps
    from now (zero-padded: it is a number)."""
    drift = device.drift + steps_ahead
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, drift):0{device.digits}d}"


def usable_code(device, now):
    """A code the device would accept at `now` (a timestamp), or None: the current step's,
    or the next one's when the current one was spent (django-otp accepts one step ahead)."""
    step = int(now - device.t0) // device.step + device.drift
    for ahead in (0, 1):
        if step + ahead > device.last_t:
            return current_code(device, ahead)
    return None


def fresh_code(user):
    """A code the demo's signatures can use one after another: they are backdated and
    made within seconds, so each is given its own time step by rewinding the replay check
    (last_t) first. For the demo's seeding and the tests only: it undoes replay protection."""
    device = two_factor.authenticator_of(user)
    TOTPDevice.objects.filter(pk=device.pk).update(
        last_t=-1, throttling_failure_count=0, throttling_failure_timestamp=None
    )
    return current_code(device)
